/**
 * startApiServer: the lab API server, wired together. Makes TLS material and kubeconfigs, loads
 * CRDs from a folder and (optionally) a saved state, and listens on every given address with one
 * port.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { kubeconfigFileName, kubeconfigYaml, prepareCredentials, serverUrl } from './certs.js';
import { CRD_KIND } from './crd.js';
import { ApiError } from './errors.js';
import { makeHandler } from './handler.js';
import { INITIAL_NAMESPACES, builtinKinds } from './kinds.js';
import { SnapshotWriter, loadSnapshot } from './persist.js';
import { Registry } from './registry.js';
import { Rest, type Target } from './rest.js';
import { ObjectStore } from './store.js';
import { isObject, type KubeObject } from './types.js';

export interface ApiServerOptions {
  /** Addresses to listen on, e.g. `['127.0.0.1', '198.18.7.254']`; all go into the certificate. */
  listen: string[];
  /** One port for every address; 0 (the default) picks a free one. */
  port?: number;
  /** Folder of CRD manifests (*.yaml, *.yml, *.json; several documents per file allowed). */
  crdsDir: string;
  /** When set, objects and the resourceVersion counter are saved here and loaded at start. */
  stateDir?: string;
  /** Where the CA, serving certificate, token and kubeconfigs are written. */
  workDir: string;
  /** Called with one line per request and for internal errors; silent when absent. */
  log?: (msg: string) => void;
  /** How often watches with allowWatchBookmarks=true get a BOOKMARK; default one minute. */
  bookmarkIntervalMs?: number;
  /** How many changes watches can resume from before they get 410 Gone; default 10000. */
  historyLimit?: number;
}

export interface LabApiServer {
  readonly hosts: string[];
  readonly port: number;
  /** `https://host:port`; the first listen address when `host` is omitted. */
  url(host?: string): string;
  /** The kubeconfig (context `herald-lab`) that reaches the server at `host`. */
  kubeconfigPath(host?: string): string;
  readonly caPath: string;
  readonly token: string;
  close(): Promise<void>;
}

const CRD_FILE = /\.(ya?ml|json)$/i;

/** Every CustomResourceDefinition in the folder's manifest files, in file-name order. */
export function readCrdManifests(dir: string): { file: string; crd: KubeObject }[] {
  const out: { file: string; crd: KubeObject }[] = [];
  for (const file of readdirSync(dir).filter((f) => CRD_FILE.test(f)).sort()) {
    const path = join(dir, file);
    let docs: unknown[];
    try {
      docs = yaml.loadAll(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`CRD manifest ${path} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    for (const doc of docs) {
      if (isObject(doc) && doc.kind === 'CustomResourceDefinition' && isObject(doc.metadata)) out.push({ file: path, crd: doc as KubeObject });
    }
  }
  return out;
}

function crdTarget(name: string | undefined): Target {
  return { kind: CRD_KIND, version: 'v1', namespace: undefined, name, subresource: undefined };
}

/** Registers a CRD from a file: created when new, replaced (keeping its status) when the state had it. */
function applyCrd(rest: Rest, file: string, crd: KubeObject): void {
  const name = crd.metadata.name;
  const opts = { dryRun: false, fieldValidation: 'Ignore' as const };
  const body: KubeObject = { ...crd, apiVersion: 'apiextensions.k8s.io/v1', metadata: { ...crd.metadata } };
  delete body.status;
  try {
    if (name && rest.store.get(CRD_KIND.storageKey, undefined, name)) rest.update(crdTarget(name), body, opts);
    else rest.create(crdTarget(undefined), body, opts);
  } catch (e) {
    const why = e instanceof ApiError ? e.message : String(e);
    throw new Error(`CustomResourceDefinition ${name ?? '(unnamed)'} in ${file} was refused: ${why}`);
  }
}

async function listenAll(servers: Server[], hosts: string[], port: number): Promise<number> {
  const listenOne = (s: Server, host: string, p: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      s.once('error', onError);
      s.listen(p, host, () => {
        s.off('error', onError);
        const addr = s.address();
        resolve(typeof addr === 'object' && addr ? addr.port : p);
      });
    });
  const attempts = port === 0 ? 10 : 1;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const chosen = await listenOne(servers[0] as Server, hosts[0] as string, port);
      for (let h = 1; h < hosts.length; h++) await listenOne(servers[h] as Server, hosts[h] as string, chosen);
      return chosen;
    } catch (e) {
      lastError = e;
      await Promise.all(servers.map((s) => new Promise<void>((r) => (s.listening ? s.close(() => r()) : r()))));
    }
  }
  const why = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`lab API server could not listen on ${hosts.join(', ')} port ${port}: ${why}`);
}

export async function startApiServer(opts: ApiServerOptions): Promise<LabApiServer> {
  if (opts.listen.length === 0) throw new Error('startApiServer: `listen` needs at least one address');
  const creds = await prepareCredentials(opts.workDir, opts.listen);
  const registry = new Registry(builtinKinds());
  let writer: SnapshotWriter | undefined;
  const store = new ObjectStore(
    opts.historyLimit ?? 10_000,
    () => writer?.schedule(),
    (e) => opts.log?.(`apiserver: a watcher failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  );
  const rest = new Rest(store, registry);

  if (opts.stateDir) {
    const snapshot = loadSnapshot(opts.stateDir);
    if (snapshot) {
      for (const crd of snapshot.objects[CRD_KIND.storageKey] ?? []) registry.registerCrd(crd);
      const dropped = store.restore(snapshot, (key) => registry.byStorageKey(key) !== undefined);
      if (dropped.length > 0) opts.log?.(`apiserver: saved objects of unknown kinds dropped: ${dropped.join(', ')}`);
    }
  }
  for (const { file, crd } of readCrdManifests(opts.crdsDir)) applyCrd(rest, file, crd);
  const nsKind = registry.find('', 'v1', 'namespaces');
  for (const name of INITIAL_NAMESPACES) {
    if (nsKind && !store.get(nsKind.storageKey, undefined, name)) {
      rest.create({ kind: nsKind, version: 'v1', namespace: undefined, name: undefined, subresource: undefined }, { metadata: { name } }, { dryRun: false, fieldValidation: 'Ignore' });
    }
  }
  if (opts.stateDir) {
    const dir = opts.stateDir;
    writer = new SnapshotWriter(dir, () => store.snapshot(), 100, (e) => opts.log?.(`apiserver: saving state to ${dir} failed: ${String(e)}`));
    writer.schedule();
  }

  const watches = new Set<ServerResponse>();
  const handler = makeHandler({
    rest,
    registry,
    store,
    token: creds.token,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
    log: opts.log,
    watches,
  });
  const servers = opts.listen.map(() => {
    const s = createServer({ key: creds.keyPem, cert: creds.certPem }, handler);
    s.on('clientError', (_e, socket) => socket.destroy());
    return s;
  });
  const port = await listenAll(servers, opts.listen, opts.port ?? 0);

  const kubeconfigs = new Map<string, string>();
  for (const host of opts.listen) {
    const path = join(opts.workDir, kubeconfigFileName(host));
    await writeFile(path, kubeconfigYaml(serverUrl(host, port), creds.caPem, creds.token), { mode: 0o600 });
    kubeconfigs.set(host, path);
  }
  const first = opts.listen[0] as string;
  const pick = (host: string | undefined): string => {
    const h = host ?? first;
    if (!kubeconfigs.has(h)) throw new Error(`the lab API server does not listen on ${h} (it listens on ${opts.listen.join(', ')})`);
    return h;
  };
  let closed: Promise<void> | undefined;

  return {
    hosts: [...opts.listen],
    port,
    url: (host) => serverUrl(pick(host), port),
    kubeconfigPath: (host) => kubeconfigs.get(pick(host)) as string,
    caPath: creds.caPath,
    token: creds.token,
    close: () => {
      closed ??= (async () => {
        for (const res of [...watches]) res.end();
        await Promise.all(
          servers.map(
            (s) =>
              new Promise<void>((resolve) => {
                s.close(() => resolve());
                s.closeAllConnections();
              }),
          ),
        );
        await writer?.flush();
      })();
      return closed;
    },
  };
}
