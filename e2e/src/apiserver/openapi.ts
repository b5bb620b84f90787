/**
 * OpenAPI documents, only as much as clients need:
 * - /openapi/v3 and its group-version documents: kubectl's default `--validate=strict` checks
 *   that the PATCH operation of the kind (found by `x-kubernetes-group-version-kind`) takes a
 *   `fieldValidation` parameter, then leaves validation to the server. PATCH bodies list no
 *   strategic merge patch, so `kubectl apply` uses its compiled-in patch rules for core kinds.
 *   Custom resources carry their schema under components, so `kubectl explain` works for them.
 * - /openapi/v2: kubectl asks for protobuf; an empty message is a valid, empty document, which
 *   makes older kubectl (1.20) skip client-side validation of kinds it cannot find there.
 */
import { createHash } from 'node:crypto';
import type { KindSpec } from './kind.js';
import type { Registry } from './registry.js';

/** Sent as the Content-Type: clients ask with `…spec.v2@v1.0+protobuf`, but Go's mime parser refuses the `@`. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

export function openApiV2Json(): Record<string, unknown> {
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, definitions: {} };
}

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const queryParam = (name: string, description: string): Record<string, unknown> => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', uniqueItems: true },
});

const WRITE_PARAMS = [
  queryParam('dryRun', 'When present, indicates that modifications should not be persisted.'),
  queryParam('fieldManager', 'A name associated with the actor or entity that is making these changes.'),
  queryParam('fieldValidation', 'How the server treats unknown fields: Ignore, Warn or Strict.'),
];

/** Reverse-domain schema name, like the real server's `io.k8s.api.core.v1.Service`. */
function schemaName(k: KindSpec, version: string): string {
  const group = k.group ? k.group.split('.').reverse().join('.') : 'io.k8s.api.core';
  return `${group}.${version}.${k.kind}`;
}

function operations(k: KindSpec, version: string): Record<string, unknown> {
  const gvk = { group: k.group, version, kind: k.kind };
  const ref = { $ref: `#/components/schemas/${schemaName(k, version)}` };
  const body = (types: string[]): Record<string, unknown> => ({
    content: Object.fromEntries(types.map((t) => [t, { schema: ref }])),
    required: true,
  });
  const op = (action: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    operationId: `${action}${k.kind}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } },
    ...extra,
  });
  const base = `/${gvPath(k.group, version)}${k.namespaced ? '/namespaces/{namespace}' : ''}/${k.plural}`;
  const item = {
    get: op('get'),
    put: op('put', { parameters: WRITE_PARAMS, requestBody: body(['application/json']) }),
    patch: op('patch', {
      parameters: [...WRITE_PARAMS, queryParam('force', 'Force an apply request.')],
      requestBody: body(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']),
    }),
    delete: op('delete', { parameters: [queryParam('dryRun', 'When present, indicates that modifications should not be persisted.')] }),
  };
  const paths: Record<string, unknown> = {
    [base]: { get: op('list'), post: op('post', { parameters: WRITE_PARAMS, requestBody: body(['application/json']) }) },
    [`${base}/{name}`]: item,
  };
  if (k.statusSubresource) paths[`${base}/{name}/status`] = { get: op('get'), put: item.put, patch: item.patch };
  return paths;
}

function componentSchema(k: KindSpec, version: string): Record<string, unknown> {
  const declared = k.schema?.(version);
  const props = (declared?.properties ?? {}) as Record<string, unknown>;
  return {
    ...(declared ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      metadata: { type: 'object', description: "Standard object's metadata." },
      ...props,
    },
    'x-kubernetes-group-version-kind': [{ group: k.group, version, kind: k.kind }],
  };
}

export function openApiV3GroupVersion(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const kinds = registry.kindsIn(group, version);
  if (kinds.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const k of kinds) {
    Object.assign(paths, operations(k, version));
    schemas[schemaName(k, version)] = componentSchema(k, version);
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}

/** The index of group-version documents; each URL carries a hash of its document, as clients cache by it. */
export function openApiV3Root(registry: Registry): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const gvs: [string, string][] = [['', 'v1'], ...registry.groups().flatMap((g) => g.versions.map((v): [string, string] => [g.name, v]))];
  for (const [group, version] of gvs) {
    const doc = openApiV3GroupVersion(registry, group, version);
    if (!doc) continue;
    const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
    paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
  }
  return { paths };
}
