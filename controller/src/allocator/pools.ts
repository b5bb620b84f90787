import { matchesSelector } from '@herald/shared/api/selector.js';
import type { HeraldConfig, PoolConfig } from '@herald/shared/config/types.js';
import type { Family } from '@herald/shared/net/address.js';
import type { ServiceRequest } from '@herald/shared/service/request.js';
import { AddressSpace } from './address-space.js';
import { FreeRanges } from './free-ranges.js';

/** One family of one pool: the addresses it hands out and which of them are free. */
export interface FamilyPool {
  space: AddressSpace;
  free: FreeRanges;
}

export interface PoolState {
  config: PoolConfig;
  name: string;
  families: Partial<Record<Family, FamilyPool>>;
  /** Position in the automatic order (see orderPools); lower is tried first. */
  rank: number;
}

interface Located {
  first: bigint;
  last: bigint;
  pool: PoolState;
}

/** Every pool of a configuration, with an address → pool index per family. */
export class Pools {
  readonly byName = new Map<string, PoolState>();
  /** Pools in automatic order: serviceAllocation pools by priority (0 last), then the rest; ties by name. */
  readonly ordered: PoolState[];
  private readonly index: Record<Family, Located[]> = { 4: [], 6: [] };

  constructor(config: HeraldConfig) {
    const states = config.pools.map((p): PoolState => {
      const families: Partial<Record<Family, FamilyPool>> = {};
      for (const family of [4, 6] as const) {
        if (p.ranges[family].length === 0) continue;
        const space = new AddressSpace(family, p.entries, p.avoidBuggyIPs);
        families[family] = { space, free: new FreeRanges(0n, space.size - 1n) };
      }
      return { config: p, name: p.name, families, rank: 0 };
    });
    this.ordered = orderPools(states);
    this.ordered.forEach((p, i) => {
      p.rank = i;
      this.byName.set(p.name, p);
    });
    for (const pool of states) {
      for (const family of [4, 6] as const) {
        for (const r of pool.config.ranges[family]) this.index[family].push({ first: r.first, last: r.last, pool });
      }
    }
    for (const family of [4, 6] as const) this.index[family].sort((a, b) => (a.first < b.first ? -1 : 1));
  }

  /** The pool whose entries contain the address (whether or not it hands it out). Pools never overlap. */
  poolOf(family: Family, value: bigint): PoolState | undefined {
    const list = this.index[family];
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = list[mid] as Located;
      if (value < r.first) hi = mid - 1;
      else if (value > r.last) lo = mid + 1;
      else return r.pool;
    }
    return undefined;
  }
}

/**
 * The automatic order. Pools with a serviceAllocation come first, by ascending priority, with
 * priority 0 (unset) after every set priority, as MetalLB documents; then pools without one.
 * Ties are broken by name, never by map or API order, so the same configuration always picks
 * the same pool.
 */
export function orderPools(pools: readonly PoolState[]): PoolState[] {
  const group = (p: PoolState): number => (p.config.serviceAllocation === undefined ? 2 : p.config.serviceAllocation.priority === 0 ? 1 : 0);
  return [...pools].sort((a, b) => {
    const ga = group(a);
    const gb = group(b);
    if (ga !== gb) return ga - gb;
    const pa = a.config.serviceAllocation?.priority ?? 0;
    const pb = b.config.serviceAllocation?.priority ?? 0;
    if (pa !== pb) return pa - pb;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

/**
 * Why a pool's serviceAllocation does not allow the Service, in words; undefined when it does.
 * A namespace is allowed when it is listed in `namespaces` or its labels match one of
 * `namespaceSelectors` (either list empty: no restriction from it, both empty: every namespace);
 * the Service's labels must then match one of `serviceSelectors` when there are any.
 * autoAssign is not considered here: it only governs automatic choice.
 */
export function poolRefusal(pool: PoolConfig, req: ServiceRequest, namespaceLabels: Readonly<Record<string, string>> | undefined): string | undefined {
  const sa = pool.serviceAllocation;
  if (sa === undefined) return undefined;
  const ns = req.ref.namespace;
  const restrictsNamespace = sa.namespaces.length > 0 || sa.namespaceSelectors.length > 0;
  if (restrictsNamespace) {
    const listed = sa.namespaces.includes(ns);
    const selected = namespaceLabels !== undefined && sa.namespaceSelectors.some((s) => matchesSelector(s, namespaceLabels));
    if (!listed && !selected) {
      const names = `serviceAllocation.namespaces (${sa.namespaces.join(', ')})`;
      const labels =
        namespaceLabels === undefined ? `Herald has not seen namespace ${ns}'s labels` : `namespace ${ns}'s labels match none of serviceAllocation.namespaceSelectors`;
      if (sa.namespaceSelectors.length === 0) return `namespace ${ns} is not in ${names}`;
      if (sa.namespaces.length === 0) return labels;
      return `namespace ${ns} is not in ${names} and ${labels}`;
    }
  }
  if (sa.serviceSelectors.length > 0 && !sa.serviceSelectors.some((s) => matchesSelector(s, req.labels))) {
    return `the Service's labels match none of serviceAllocation.serviceSelectors`;
  }
  return undefined;
}
