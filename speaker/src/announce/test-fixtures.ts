import type { ConfigResources, HeraldConfig } from '@herald/shared/config/types.js';
import { expectValid } from '@herald/shared/config/test-fixtures.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import type { ServiceEndpoints } from './endpoints.js';
import type { NodeInput } from './node-eligibility.js';
import type { BgpDecision, BgpInput, RouteIntent, RouteTable } from './types.js';

/* Builders for the announce tests, so each row shows only what it is about. Used only by tests. */

export { bgpAd, community, peer, pool } from '@herald/shared/config/test-fixtures.js';
export { svc, withStatus } from '@herald/shared/service/test-fixtures.js';

export interface NodeOptions {
  labels?: Record<string, string>;
  /** Status of the Ready condition; 'missing' leaves the condition out. Default 'True'. */
  ready?: 'True' | 'False' | 'Unknown' | 'missing';
  networkUnavailable?: boolean;
  taints?: Array<{ key: string; effect?: string }>;
}

/** A Ready node with these labels. */
export function node(name: string, o: NodeOptions = {}): NodeInput {
  const conditions: Array<{ type: string; status: string; reason?: string }> = [];
  const ready = o.ready ?? 'True';
  if (ready !== 'missing') conditions.push(ready === 'True' ? { type: 'Ready', status: 'True' } : { type: 'Ready', status: ready, reason: 'KubeletNotReady' });
  if (o.networkUnavailable !== undefined) {
    conditions.push({ type: 'NetworkUnavailable', status: o.networkUnavailable ? 'True' : 'False', reason: o.networkUnavailable ? 'NoRouteCreated' : 'RouteCreated' });
  }
  return { metadata: { name, labels: o.labels ?? {} }, spec: { taints: o.taints ?? [] }, status: { conditions } };
}

export function nodes(...list: NodeInput[]): Map<string, NodeInput> {
  return new Map(list.map((n) => [n.metadata?.name ?? '', n]));
}

/** Ready endpoint counts per node; the total is their sum plus `withoutNode`. */
export function ready(byNode: Record<string, number>, withoutNode = 0): ServiceEndpoints {
  const readyByNode = new Map(Object.entries(byNode).filter(([, n]) => n > 0));
  return { readyByNode, readyTotal: [...readyByNode.values()].reduce((a, b) => a + b, withoutNode) };
}

export function config(resources: ConfigResources): HeraldConfig {
  return expectValid(resources);
}

export function input(o: {
  config: HeraldConfig;
  nodeName?: string;
  nodes?: Map<string, NodeInput>;
  services: ServiceInput[];
  endpoints?: Record<ServiceKey, ServiceEndpoints>;
}): BgpInput {
  return {
    config: o.config,
    nodeName: o.nodeName ?? 'n1',
    nodes: o.nodes ?? nodes(node('n1')),
    services: o.services,
    endpoints: new Map(Object.entries(o.endpoints ?? {})),
  };
}

/** A route as a test reads it: communities as text, attributes only when set. */
export interface RouteView {
  communities?: string[];
  large?: string[];
  localPref?: number;
  linkBandwidth?: number;
  services: ServiceKey[];
}

export function viewRoute(r: RouteIntent): RouteView {
  const out: RouteView = { services: [...r.services] };
  if (r.communities.length > 0) out.communities = r.communities.map((c) => `${Math.floor(c / 0x10000)}:${c % 0x10000}`);
  if (r.largeCommunities.length > 0) out.large = r.largeCommunities.map((c) => `${c.globalAdministrator}:${c.localData1}:${c.localData2}`);
  if (r.localPref !== undefined) out.localPref = r.localPref;
  if (r.linkBandwidth !== undefined) out.linkBandwidth = r.linkBandwidth;
  return out;
}

/** peer -> prefix -> route, as plain objects in the table's order. */
export function viewRoutes(routes: RouteTable | BgpDecision): Record<string, Record<string, RouteView>> {
  const table = 'routes' in routes ? routes.routes : routes;
  const out: Record<string, Record<string, RouteView>> = {};
  for (const [peer, byPrefix] of table) {
    out[peer] = {};
    for (const [prefix, route] of byPrefix) out[peer][prefix] = viewRoute(route);
  }
  return out;
}

/** A decision as nested arrays, so deep equality also checks the order of every map. */
export function canonical(d: BgpDecision): unknown {
  return {
    peers: d.peers.map((p) => p.name),
    routes: [...d.routes].map(([peer, byPrefix]) => [peer, [...byPrefix]]),
    services: [...d.services],
  };
}
