import type { ServiceKey } from '@herald/shared/service/types.js';
import type { Prefix } from '../bgp/messages.js';
import { comparePrefixes } from './prefix.js';
import { type RouteContribution, unionLarge } from './service-decision.js';
import type { RouteIntent, RouteTable } from './types.js';

/**
 * One route from every Service's contribution to it (several Services share a prefix when they
 * share an address or an aggregate). Communities are united; LOCAL_PREF is the lowest any sets;
 * link bandwidth is the sum, and only when every contribution has one: a Cluster Service's
 * traffic is spread evenly over nodes by kube-proxy, so weighting its prefix by another
 * Service's pods would skew it.
 */
export function mergeRoute(prefix: Prefix, contributions: ReadonlyMap<ServiceKey, RouteContribution>): RouteIntent {
  const services = [...contributions.keys()].sort();
  let first: RouteContribution | undefined;
  let sameCommunities = true;
  let localPref: number | undefined;
  let linkBandwidth: number | undefined = 0;
  for (const c of contributions.values()) {
    if (first === undefined) first = c;
    else if (!sameNumbers(c.communities, first.communities)) sameCommunities = false;
    if (c.localPref !== undefined) localPref = localPref === undefined ? c.localPref : Math.min(localPref, c.localPref);
    linkBandwidth = linkBandwidth === undefined || c.linkBandwidth === undefined ? undefined : linkBandwidth + c.linkBandwidth;
  }
  const all = [...contributions.values()];
  const communities = sameCommunities
    ? [...(first?.communities ?? [])]
    : [...new Set(all.flatMap((c) => c.communities))].sort((a, b) => a - b);
  return {
    prefix,
    communities,
    largeCommunities: unionLarge(all.map((c) => c.largeCommunities)),
    ...(localPref !== undefined ? { localPref } : {}),
    ...(linkBandwidth !== undefined && all.length > 0 ? { linkBandwidth } : {}),
    services,
  };
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a === b || (a.length === b.length && a.every((v, i) => v === b[i]));
}

/** Routes contributed to one prefix for one peer. */
export interface Slot {
  readonly prefix: Prefix;
  readonly contributions: Map<ServiceKey, RouteContribution>;
  /** The merged route last handed out, kept by the Announcer to tell what changed. */
  intent?: RouteIntent;
}

/** peer -> prefix text -> slot. */
export type SlotTable = Map<string, Map<string, Slot>>;

export function addContribution(table: SlotTable, key: ServiceKey, c: RouteContribution): Slot {
  let byPrefix = table.get(c.peer);
  if (byPrefix === undefined) table.set(c.peer, (byPrefix = new Map()));
  let slot = byPrefix.get(c.prefixKey);
  if (slot === undefined) byPrefix.set(c.prefixKey, (slot = { prefix: c.prefix, contributions: new Map() }));
  slot.contributions.set(key, c);
  return slot;
}

/** The table in its canonical order (peers by name, prefixes in address order), routes produced by `intentOf`. */
export function sortedTable<S extends { prefix: Prefix }>(table: ReadonlyMap<string, ReadonlyMap<string, S>>, intentOf: (slot: S) => RouteIntent): RouteTable {
  const out = new Map<string, Map<string, RouteIntent>>();
  for (const peer of [...table.keys()].sort()) {
    const byPrefix = table.get(peer) as ReadonlyMap<string, S>;
    if (byPrefix.size === 0) continue;
    const entries = [...byPrefix].sort(([, a], [, b]) => comparePrefixes(a.prefix, b.prefix));
    out.set(peer, new Map(entries.map(([text, slot]) => [text, intentOf(slot)])));
  }
  return out;
}
