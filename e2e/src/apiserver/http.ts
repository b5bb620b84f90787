/** Reading requests: which endpoint a path names, what the client accepts, query flags. Pure. */

export type Route =
  | { type: 'health' }
  | { type: 'version' }
  | { type: 'api' }
  | { type: 'apis' }
  | { type: 'group'; group: string }
  | { type: 'resources'; group: string; version: string }
  | { type: 'openapi-v2' }
  | { type: 'openapi-v3' }
  | { type: 'openapi-v3-gv'; group: string; version: string }
  | {
      type: 'resource';
      group: string;
      version: string;
      plural: string;
      namespace: string | undefined;
      name: string | undefined;
      subresource: string | undefined;
      /** The legacy `/watch/` path prefix was used. */
      watchPath: boolean;
    }
  | { type: 'unknown' };

const HEALTH = new Set(['/healthz', '/livez', '/readyz']);

function resourceRoute(group: string, version: string, segs: string[]): Route {
  let watchPath = false;
  if (segs[0] === 'watch') {
    watchPath = true;
    segs = segs.slice(1);
  }
  if (segs.length === 0) return { type: 'resources', group, version };
  let namespace: string | undefined;
  // `namespaces/<ns>/<plural>...` names something inside a namespace; `namespaces/<name>[/status]` is a Namespace.
  if (segs[0] === 'namespaces' && segs.length >= 3 && segs[2] !== 'status' && segs[2] !== 'finalize') {
    namespace = segs[1];
    segs = segs.slice(2);
  }
  const [plural, name, subresource, ...rest] = segs;
  if (!plural || rest.length > 0) return { type: 'unknown' };
  return { type: 'resource', group, version, plural, namespace, name, subresource, watchPath };
}

export function parseRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (HEALTH.has(path) || path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/')) return { type: 'health' };
  if (path === '/version') return { type: 'version' };
  if (path === '/openapi/v2') return { type: 'openapi-v2' };
  if (path === '/openapi/v3') return { type: 'openapi-v3' };
  let segs: string[];
  try {
    segs = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    return { type: 'unknown' };
  }
  if (segs[0] === 'openapi' && segs[1] === 'v3') {
    if (segs[2] === 'api' && segs[3] && segs.length === 4) return { type: 'openapi-v3-gv', group: '', version: segs[3] };
    if (segs[2] === 'apis' && segs[3] && segs[4] && segs.length === 5) return { type: 'openapi-v3-gv', group: segs[3], version: segs[4] };
    return { type: 'unknown' };
  }
  if (segs[0] === 'api') {
    if (segs.length === 1) return { type: 'api' };
    return resourceRoute('', segs[1] ?? '', segs.slice(2));
  }
  if (segs[0] === 'apis') {
    if (segs.length === 1) return { type: 'apis' };
    if (segs.length === 2) return { type: 'group', group: segs[1] ?? '' };
    return resourceRoute(segs[1] ?? '', segs[2] ?? '', segs.slice(3));
  }
  return { type: 'unknown' };
}

export type Representation = { as: 'object' } | { as: 'table'; version: string } | { as: 'partial'; version: string };

/**
 * The first representation in the Accept header the server can give: a meta.k8s.io Table,
 * PartialObjectMetadata(List), or the object as JSON. Undefined when none is acceptable.
 */
export function negotiate(accept: string | undefined): Representation | undefined {
  if (!accept || accept.trim() === '') return { as: 'object' };
  for (const part of accept.split(',')) {
    const [mediaRaw = '', ...paramParts] = part.split(';');
    const media = mediaRaw.trim().toLowerCase();
    const params = new Map(
      paramParts.map((p) => {
        const [k = '', v = ''] = p.split('=');
        return [k.trim(), v.trim()];
      }),
    );
    if (!['application/json', 'application/*', '*/*', 'application/yaml'].includes(media)) continue;
    const as = params.get('as');
    if (as === undefined) return { as: 'object' };
    const g = params.get('g');
    const v = params.get('v') ?? 'v1';
    if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) continue;
    if (as === 'Table') return { as: 'table', version: v };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { as: 'partial', version: v };
  }
  return undefined;
}

/** Go's strconv.ParseBool, as the real server reads `watch=1`, `watch=true`, `watch=True`. */
export function parseBool(v: string | null): boolean {
  return v !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}

/** The media type of a Content-Type header, without parameters, lower-cased. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
