import type { HeraldConfig, L2AdvertisementConfig } from '@herald/shared/config/types.js';
import { type PoolSpans, poolSpans } from './context.js';
import { type InterfaceTable } from './l2-interfaces.js';
import { type Word64, electionKey } from './l2-owner.js';
import { type NodeEligibility, type NodeInput, nodeEligibility } from './node-eligibility.js';
import { selectsNode } from './peers.js';

/** What the election reads about one node that has a Node object. */
export interface NodeStanding {
  readonly name: string;
  /** electionKey(name). */
  readonly key: Word64;
  readonly eligibility: NodeEligibility;
  /** Names of the L2Advertisements whose nodeSelectors select it, in configuration order. */
  readonly selectedBy: readonly string[];
  /** The membership reports it alive. */
  readonly live: boolean;
}

/** The nodes an advertisement set lets announce, narrowed step by step; each ascending by name. */
export interface NodeStages {
  /** Selected by the nodeSelectors of at least one of the advertisements. */
  readonly selected: readonly NodeStanding[];
  /** ... and eligible. */
  readonly eligible: readonly NodeStanding[];
  /** ... and live: the candidates of a Cluster Service. */
  readonly live: readonly NodeStanding[];
  readonly liveNames: ReadonlySet<string>;
}

/**
 * Everything the layer-2 decision reads that does not belong to one Service. Immutable once
 * built, but for `stages`, a cache filled on first use (one entry per distinct set of
 * advertisements, so a few).
 */
export interface L2Context {
  readonly config: HeraldConfig;
  readonly nodeName: string;
  readonly spans: PoolSpans;
  /** Pool name -> the L2Advertisements covering it, in configuration order (by name). */
  readonly advertisementsByPool: ReadonlyMap<string, readonly L2AdvertisementConfig[]>;
  /** Every node with a Node object, by name. */
  readonly nodes: ReadonlyMap<string, NodeStanding>;
  readonly interfaces: InterfaceTable;
  readonly stages: Map<string, NodeStages>;
}

export function nodeStanding(config: HeraldConfig, name: string, node: NodeInput, live: boolean, key: Word64 = electionKey(name)): NodeStanding {
  return {
    name,
    key,
    eligibility: nodeEligibility(node),
    selectedBy: config.l2Advertisements.filter((ad) => selectsNode(ad.nodeSelectors, node)).map((ad) => ad.name),
    live,
  };
}

export function advertisementsByPool(config: HeraldConfig): Map<string, L2AdvertisementConfig[]> {
  const byPool = new Map<string, L2AdvertisementConfig[]>();
  for (const ad of config.l2Advertisements) {
    for (const pool of ad.pools) {
      const list = byPool.get(pool);
      if (list === undefined) byPool.set(pool, [ad]);
      else list.push(ad);
    }
  }
  return byPool;
}

export function l2Context(
  config: HeraldConfig,
  nodeName: string,
  nodes: ReadonlyMap<string, NodeStanding>,
  interfaces: InterfaceTable,
  byPool: ReadonlyMap<string, readonly L2AdvertisementConfig[]> = advertisementsByPool(config),
  spans: PoolSpans = poolSpans(config),
): L2Context {
  return { config, nodeName, spans, advertisementsByPool: byPool, nodes, interfaces, stages: new Map() };
}

/** The nodes this set of advertisements (those covering an address and selecting its Service) lets announce. */
export function stagesFor(ctx: L2Context, ads: readonly L2AdvertisementConfig[]): NodeStages {
  const id = ads.map((a) => a.name).join('\n');
  const cached = ctx.stages.get(id);
  if (cached !== undefined) return cached;
  const names = new Set(ads.map((a) => a.name));
  const selected: NodeStanding[] = [];
  for (const standing of ctx.nodes.values()) if (standing.selectedBy.some((n) => names.has(n))) selected.push(standing);
  selected.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const eligible = selected.filter((s) => s.eligibility.eligible);
  const live = eligible.filter((s) => s.live);
  const stages: NodeStages = { selected, eligible, live, liveNames: new Set(live.map((s) => s.name)) };
  ctx.stages.set(id, stages);
  return stages;
}

/** Whether two standings elect alike: the key is the name's, so only these fields matter. */
export function sameStanding(a: NodeStanding | undefined, b: NodeStanding | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.live !== b.live || a.eligibility.eligible !== b.eligibility.eligible) return false;
  if (a.selectedBy.length !== b.selectedBy.length || a.selectedBy.some((n, i) => n !== b.selectedBy[i])) return false;
  const pa = a.eligibility.problems;
  const pb = b.eligibility.problems;
  return pa.length === pb.length && pa.every((p, i) => p.reason === pb[i]?.reason && p.message === pb[i]?.message);
}
