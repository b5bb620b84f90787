#!/usr/bin/env node
/**
 * herald lab API server from the command line:
 *   node e2e/dist/apiserver/cli.js --listen 127.0.0.1 [--listen 198.18.7.254] --port 0 \
 *     --crds crds --dir /tmp/x [--state /tmp/x/state] [--verbose]
 * Prints one JSON line with the URLs and kubeconfig paths, then serves until SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startApiServer } from './server.js';

const USAGE = 'usage: cli.js --listen ADDR [--listen ADDR...] [--port N] --crds DIR --dir DIR [--state DIR] [--verbose]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      listen: { type: 'string', multiple: true },
      port: { type: 'string', default: '0' },
      crds: { type: 'string' },
      dir: { type: 'string' },
      state: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const listen = (values.listen ?? []).flatMap((l) => l.split(',')).filter((l) => l !== '');
  if (listen.length === 0 || !values.crds || !values.dir || !/^\d+$/.test(values.port ?? '')) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const server = await startApiServer({
    listen,
    port: Number(values.port),
    crdsDir: resolve(values.crds),
    workDir: resolve(values.dir),
    ...(values.state ? { stateDir: resolve(values.state) } : {}),
    ...(values.verbose ? { log: (m: string) => process.stderr.write(`${m}\n`) } : {}),
  });
  process.stdout.write(
    `${JSON.stringify({
      url: server.url(),
      kubeconfig: server.kubeconfigPath(),
      urls: Object.fromEntries(server.hosts.map((h) => [h, server.url(h)])),
      kubeconfigs: Object.fromEntries(server.hosts.map((h) => [h, server.kubeconfigPath(h)])),
      ca: server.caPath,
      port: server.port,
    })}\n`,
  );
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`closing the lab API server failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`lab API server: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
