import type { BGPAdvertisementConfig, HeraldConfig, PeerConfig } from '@herald/shared/config/types.js';
import type { IP } from '@herald/shared/net/address.js';
import type { LargeCommunity } from '../bgp/messages.js';
import { type NodeEligibility, type NodeInput, nodeEligibility } from './node-eligibility.js';
import { peersForNode, selectsNode } from './peers.js';

/** A BGPAdvertisement with what every Service would otherwise recompute from it. */
export interface AdvertisementView {
  readonly config: BGPAdvertisementConfig;
  /** Its standard communities as RFC 1997 numbers, ascending. */
  readonly communities: readonly number[];
  readonly largeCommunities: readonly LargeCommunity[];
  /** Its nodeSelectors select this node. */
  readonly selectsNode: boolean;
}

interface PoolSpan {
  readonly first: bigint;
  readonly last: bigint;
  readonly pool: string;
}

/** Every pool range of each family, ascending; pools are disjoint (the configuration refuses overlaps). */
export interface PoolSpans {
  readonly 4: readonly PoolSpan[];
  readonly 6: readonly PoolSpan[];
}

/**
 * Everything about the configuration and this node that does not depend on a Service, computed
 * once per configuration or node change, so deciding one Service is a few lookups.
 */
export interface AnnounceContext {
  readonly config: HeraldConfig;
  readonly nodeName: string;
  /** undefined while the node's Node object is unknown. */
  readonly eligibility: NodeEligibility | undefined;
  /** Sessions this node opens, by name. */
  readonly peers: readonly PeerConfig[];
  readonly peerByName: ReadonlyMap<string, PeerConfig>;
  readonly spans: PoolSpans;
  /** Pool name -> the advertisements covering it, by name. */
  readonly advertisementsByPool: ReadonlyMap<string, readonly AdvertisementView[]>;
}

function viewOf(ad: BGPAdvertisementConfig, node: NodeInput | undefined): AdvertisementView {
  const communities: number[] = [];
  const largeCommunities: LargeCommunity[] = [];
  // The configuration keeps them deduplicated and sorted standard-first, numerically: the order wanted here.
  for (const c of ad.communities) {
    if (c.kind === 'standard') communities.push(c.high * 0x10000 + c.low);
    else largeCommunities.push({ globalAdministrator: c.globalAdministrator, localData1: c.localData1, localData2: c.localData2 });
  }
  return { config: ad, communities, largeCommunities, selectsNode: selectsNode(ad.nodeSelectors, node) };
}

/** The pools' ranges, for poolOf; shared by BGP and layer 2 mode. */
export function poolSpans(config: HeraldConfig): PoolSpans {
  const spans: { 4: PoolSpan[]; 6: PoolSpan[] } = { 4: [], 6: [] };
  for (const pool of config.pools) {
    for (const family of [4, 6] as const) {
      for (const r of pool.ranges[family]) spans[family].push({ first: r.first, last: r.last, pool: pool.name });
    }
  }
  for (const family of [4, 6] as const) spans[family].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  return spans;
}

export function buildContext(config: HeraldConfig, nodeName: string, node: NodeInput | undefined): AnnounceContext {
  const peers = peersForNode(config.peers, node);
  const spans = poolSpans(config);
  const advertisementsByPool = new Map<string, AdvertisementView[]>();
  for (const ad of config.bgpAdvertisements) {
    const view = viewOf(ad, node);
    for (const pool of ad.pools) {
      const list = advertisementsByPool.get(pool);
      if (list === undefined) advertisementsByPool.set(pool, [view]);
      else list.push(view);
    }
  }
  return {
    config,
    nodeName,
    eligibility: node === undefined ? undefined : nodeEligibility(node),
    peers,
    peerByName: new Map(peers.map((p) => [p.name, p])),
    spans,
    advertisementsByPool,
  };
}

/** The pool holding the address, by binary search over the ranges of its family. */
export function poolOf(ctx: { readonly spans: PoolSpans }, ip: IP): string | undefined {
  const spans = ctx.spans[ip.family];
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const span = spans[mid] as PoolSpan;
    if (ip.value < span.first) hi = mid - 1;
    else if (ip.value > span.last) lo = mid + 1;
    else return span.pool;
  }
  return undefined;
}
