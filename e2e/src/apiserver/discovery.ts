/**
 * Discovery documents: /version, /api, /api/v1, /apis, /apis/<group>[/<version>]. kubectl 1.32
 * asks for aggregated discovery first; these plain lists, sent as `application/json`, make it fall
 * back to the legacy walk that older clients use. Pure functions of the registry.
 */
import type { KindSpec } from './kind.js';
import type { GroupInfo, Registry } from './registry.js';

export const SERVER_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0-herald-lab' };

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function versionInfo(): Record<string, string> {
  return {
    ...SERVER_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-12-11T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'gc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(g: GroupInfo): Record<string, unknown> {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(registry: Registry): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().map(groupEntry) };
}

export function apiGroup(registry: Registry, name: string): Record<string, unknown> | undefined {
  const g = registry.groups().find((x) => x.name === name);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g) } : undefined;
}

function resourceEntries(k: KindSpec): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: k.plural,
    singularName: k.singular,
    namespaced: k.namespaced,
    kind: k.kind,
    verbs: VERBS,
  };
  if (k.shortNames.length > 0) main.shortNames = k.shortNames;
  if (k.categories.length > 0) main.categories = k.categories;
  const out = [main];
  if (k.statusSubresource) {
    out.push({ name: `${k.plural}/status`, singularName: '', namespaced: k.namespaced, kind: k.kind, verbs: ['get', 'patch', 'update'] });
  }
  return out;
}

export function apiResourceList(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const kinds = registry.kindsIn(group, version);
  if (kinds.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: kinds.flatMap(resourceEntries),
  };
}
