/**
 * The HTTP edge: authentication, body decoding, routing to discovery, OpenAPI and the verbs,
 * response encoding (objects, Tables, PartialObjectMetadata) and watch streams. Every request is
 * caught on its own: a bad request gets a Status, never a crashed server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import yaml from 'js-yaml';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.js';
import {
  ApiError,
  badRequest,
  internalError,
  methodNotAllowed,
  notAcceptable,
  unauthorized,
} from './errors.js';
import { type Representation, type Route, mediaType, negotiate, parseBool, parseRoute } from './http.js';
import { apiVersionOf } from './kind.js';
import { OPENAPI_V2_PROTOBUF, openApiV2Json, openApiV3GroupVersion, openApiV3Root } from './openapi.js';
import type { Registry } from './registry.js';
import { type FieldValidation, type Rest, type Selection, type Target, type WriteOptions } from './rest.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { ObjectStore } from './store.js';
import { type IncludeObject, buildTable, partialObjectMetadata } from './table.js';
import { isObject, type KubeObject } from './types.js';
import { type WatchEvent, bookmarkObject, startWatch } from './watch.js';

export interface HandlerDeps {
  rest: Rest;
  registry: Registry;
  store: ObjectStore;
  token: string;
  bookmarkIntervalMs: number;
  log: ((msg: string) => void) | undefined;
  /** Open watch responses, ended when the server closes. */
  watches: Set<ServerResponse>;
}

const MAX_BODY = 16 * 1024 * 1024;

function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, err: ApiError): void {
  send(res, err.code, err.toStatus());
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'RequestEntityTooLarge', `the request body is larger than ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The body as a JSON value (YAML accepted for create/update); undefined when empty. */
function decodeBody(raw: Buffer, contentType: string, patch: boolean): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  if (contentType.includes('protobuf')) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the lab API server reads JSON and YAML bodies, not ${contentType} (kubectl's create/run generators send protobuf: write a manifest and use kubectl create -f or apply -f)`,
    );
  }
  if (!patch && (contentType === 'application/yaml' || contentType === 'application/x-yaml')) {
    try {
      return yaml.load(text);
    } catch (e) {
      throw badRequest(`the request body is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`the request body is not valid JSON: ${(e as Error).message}`);
  }
}

function writeOptions(q: URLSearchParams): WriteOptions {
  const fv = q.get('fieldValidation') ?? 'Warn';
  const allowed: FieldValidation[] = ['Strict', 'Warn', 'Ignore'];
  if (!allowed.includes(fv as FieldValidation)) {
    throw badRequest(`fieldValidation must be one of Strict, Warn, Ignore (got "${fv}")`);
  }
  const dryRun = q.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All')) throw badRequest('dryRun may only be "All"');
  return { dryRun: dryRun.length > 0, fieldValidation: fv as FieldValidation };
}

function selection(q: URLSearchParams): Selection {
  return { labels: parseLabelSelector(q.get('labelSelector') ?? ''), fields: parseFieldSelector(q.get('fieldSelector') ?? '') };
}

function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject') ?? 'Metadata';
  if (v !== 'None' && v !== 'Metadata' && v !== 'Object') throw badRequest(`includeObject must be None, Metadata or Object (got "${v}")`);
  return v;
}

function warningHeaders(warnings: string[]): Record<string, string[]> {
  return warnings.length > 0 ? { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) } : {};
}

const notFoundPath = (): ApiError => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});

export function makeHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { rest, registry, store } = deps;

  function represent(t: Target, rep: Representation, q: URLSearchParams, objects: KubeObject[], list: boolean, rv: string): unknown {
    if (rep.as === 'table') {
      return buildTable(t.kind.columns(t.version), objects, {
        now: new Date(),
        include: includeObject(q),
        resourceVersion: rv,
        tableVersion: rep.version,
      });
    }
    if (rep.as === 'partial') {
      const items = objects.map((o) => ({ ...partialObjectMetadata(o), apiVersion: `meta.k8s.io/${rep.version}` }));
      if (!list) return items[0];
      return { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${rep.version}`, metadata: { resourceVersion: rv }, items };
    }
    if (!list) return objects[0];
    return { kind: t.kind.listKind, apiVersion: apiVersionOf(t.kind.group, t.version), metadata: { resourceVersion: rv }, items: objects };
  }

  function watch(req: IncomingMessage, res: ServerResponse, t: Target, rep: Representation, q: URLSearchParams, sel: Selection): void {
    const rv = q.get('resourceVersion') ?? undefined;
    if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv)) throw badRequest(`invalid resourceVersion "${rv}": must be a decimal number`);
    const timeout = q.get('timeoutSeconds');
    if (timeout !== null && !/^\d+$/.test(timeout)) throw badRequest(`timeoutSeconds must be a whole number (got "${timeout}")`);
    const include = rep.as === 'table' ? includeObject(q) : 'Metadata';
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    deps.watches.add(res);
    const encode = (e: WatchEvent): unknown => {
      if (e.type === 'ERROR' || e.type === 'BOOKMARK') return e.object;
      const obj = e.object as KubeObject;
      if (rep.as === 'table') return buildTable(t.kind.columns(t.version), [obj], { now: new Date(), include, tableVersion: rep.version });
      if (rep.as === 'partial') return { ...partialObjectMetadata(obj), apiVersion: `meta.k8s.io/${rep.version}` };
      return obj;
    };
    const emit = (e: WatchEvent): void => {
      if (!res.writableEnded) res.write(`${JSON.stringify({ type: e.type, object: encode(e) })}\n`);
    };
    const timers: NodeJS.Timeout[] = [];
    let cancel: (() => void) | undefined;
    const finish = (): void => {
      cancel?.();
      cancel = undefined;
      timers.forEach((x) => clearTimeout(x));
      deps.watches.delete(res);
      if (!res.writableEnded) res.end();
    };
    res.on('close', finish);
    req.on('close', finish);
    cancel = startWatch(store, { target: t, selection: sel, resourceVersion: rv, sendInitialEvents: parseBool(q.get('sendInitialEvents')) }, emit);
    if (!cancel) {
      finish();
      return;
    }
    if (timeout !== null) timers.push(setTimeout(finish, Number(timeout) * 1000));
    if (parseBool(q.get('allowWatchBookmarks'))) {
      const tick = setInterval(() => emit({ type: 'BOOKMARK', object: bookmarkObject(t, store.resourceVersion) }), deps.bookmarkIntervalMs);
      timers.push(tick);
    }
  }

  async function resource(req: IncomingMessage, res: ServerResponse, route: Extract<Route, { type: 'resource' }>, q: URLSearchParams): Promise<void> {
    const kind = registry.find(route.group, route.version, route.plural);
    if (!kind) throw notFoundPath();
    if (route.namespace !== undefined && !kind.namespaced) throw notFoundPath();
    if (route.subresource !== undefined && !(route.subresource === 'status' && kind.statusSubresource)) throw notFoundPath();
    if (kind.namespaced && route.namespace === undefined && route.name !== undefined) throw notFoundPath();
    const t: Target = {
      kind,
      version: route.version,
      namespace: route.namespace,
      name: route.name,
      subresource: route.subresource === 'status' ? 'status' : undefined,
    };
    const method = req.method ?? 'GET';
    const rep = method === 'GET' ? negotiate(req.headers.accept) : { as: 'object' as const };
    if (!rep) throw notAcceptable(req.headers.accept ?? '');
    const contentType = mediaType(req.headers['content-type']);

    if (method === 'GET') {
      if (route.name === undefined || route.watchPath) {
        const sel = selection(q);
        if (route.name !== undefined) sel.fields.push({ field: 'metadata.name', op: '=', value: route.name });
        if (route.watchPath || parseBool(q.get('watch'))) return watch(req, res, { ...t, name: undefined }, rep, q, sel);
        const { items, resourceVersion } = rest.list(t, sel);
        return send(res, 200, represent(t, rep, q, items, true, resourceVersion));
      }
      const obj = rest.get(t);
      return send(res, 200, represent(t, rep, q, [obj], false, obj.metadata.resourceVersion ?? ''));
    }

    // A patch type the server does not take is refused before its body is read as JSON.
    if (method === 'PATCH') rest.checkPatchType(kind, contentType);
    const body = decodeBody(await readBody(req), contentType, method === 'PATCH');
    const opts = writeOptions(q);
    if (method === 'POST') {
      if (route.name !== undefined) throw methodNotAllowed(`POST is not supported on a single ${kind.kind}; use PUT or PATCH`);
      if (kind.namespaced && route.namespace === undefined) throw methodNotAllowed(`${kind.plural} are namespaced: POST to /namespaces/<namespace>/${kind.plural}`);
      const r = rest.create(t, body, opts);
      return send(res, 201, r.object, warningHeaders(r.warnings));
    }
    if (method === 'PUT' || method === 'PATCH') {
      if (route.name === undefined) throw methodNotAllowed(`${method} needs an object name in the path`);
      const r = method === 'PUT' ? rest.update(t, body, opts) : rest.patch(t, contentType, body, opts);
      return send(res, 200, r.object, warningHeaders(r.warnings));
    }
    if (method === 'DELETE') {
      const del = isObject(body) ? body : {};
      const pre = isObject(del.preconditions) ? del.preconditions : {};
      const deleteOpts = { ...opts, dryRun: opts.dryRun || (Array.isArray(del.dryRun) && del.dryRun.includes('All')) };
      if (route.name === undefined) {
        const items = rest.deleteCollection(t, selection(q), deleteOpts);
        return send(res, 200, { kind: kind.listKind, apiVersion: apiVersionOf(kind.group, t.version), metadata: {}, items });
      }
      const preconditions: { uid?: string; resourceVersion?: string } = {};
      if (typeof pre.uid === 'string') preconditions.uid = pre.uid;
      if (typeof pre.resourceVersion === 'string') preconditions.resourceVersion = pre.resourceVersion;
      return send(res, 200, rest.delete(t, preconditions, deleteOpts));
    }
    throw methodNotAllowed(`${method} is not supported`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://lab.invalid');
    const route = parseRoute(url.pathname);
    if (route.type === 'health') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (req.headers.authorization !== `Bearer ${deps.token}`) throw unauthorized();
    const method = req.method ?? 'GET';
    if (route.type !== 'resource' && method !== 'GET') throw methodNotAllowed(`${method} is not supported on ${url.pathname}`);
    switch (route.type) {
      case 'version':
        return send(res, 200, versionInfo());
      case 'api':
        return send(res, 200, apiVersions(`${req.socket.localAddress ?? ''}:${req.socket.localPort ?? ''}`));
      case 'apis':
        return send(res, 200, apiGroupList(registry));
      case 'group': {
        const g = apiGroup(registry, route.group);
        if (!g) throw notFoundPath();
        return send(res, 200, g);
      }
      case 'resources': {
        const list = apiResourceList(registry, route.group, route.version);
        if (!list) throw notFoundPath();
        return send(res, 200, list);
      }
      case 'openapi-v2':
        if ((req.headers.accept ?? '').includes('protobuf')) {
          // An empty protobuf message decodes to an empty OpenAPI v2 Document.
          res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF, 'Content-Length': 0 });
          res.end();
          return;
        }
        return send(res, 200, openApiV2Json());
      case 'openapi-v3':
        return send(res, 200, openApiV3Root(registry));
      case 'openapi-v3-gv': {
        const doc = openApiV3GroupVersion(registry, route.group, route.version);
        if (!doc) throw notFoundPath();
        return send(res, 200, doc);
      }
      case 'resource':
        return resource(req, res, route, url.searchParams);
      case 'unknown':
        throw notFoundPath();
    }
  }

  return (req, res) => {
    const started = Date.now();
    req.on('error', () => {});
    handle(req, res)
      .catch((e: unknown) => {
        const err = e instanceof ApiError ? e : internalError(e instanceof Error ? e.message : String(e));
        if (!(e instanceof ApiError)) deps.log?.(`apiserver: ${req.method} ${req.url}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        if (res.headersSent) {
          if (!res.writableEnded) res.end();
        } else {
          sendError(res, err);
        }
      })
      .finally(() => {
        if (deps.log && !deps.watches.has(res)) deps.log(`apiserver: ${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`);
      });
  };
}
