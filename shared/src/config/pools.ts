import type { Family } from '../net/address.js';
import { type CIDR, parsePoolEntry, rangeToCIDRs } from '../net/range.js';
import type { Intake } from './objects.js';
import { describe, get, namespaceNameProblem, readBoolean, readInteger, readList, readObject, readStringList } from './read.js';
import { readSelectors } from './selectors.js';
import type { PoolConfig, PoolEntryConfig, ServiceAllocationConfig } from './types.js';

const INT32_MAX = 2147483647;

/** A pool being validated. `config` is absent when the pool itself has errors. */
export interface PoolDraft {
  readonly intake: Intake;
  readonly entries: readonly PoolEntryConfig[];
  config?: PoolConfig;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byFamily<T>(items: readonly T[], family: (t: T) => Family, order: (a: T, b: T) => number): { 4: T[]; 6: T[] } {
  return {
    4: items.filter((t) => family(t) === 4).sort(order),
    6: items.filter((t) => family(t) === 6).sort(order),
  };
}

function readServiceAllocation(it: Intake): ServiceAllocationConfig | undefined {
  const r = it.report;
  const path = 'spec.serviceAllocation';
  const sa = readObject(r, it.spec, 'serviceAllocation', 'spec');
  if (sa === undefined) return undefined;
  const priority = readInteger(r, sa, 'priority', path, { min: 0, max: INT32_MAX }) ?? 0;
  const namespaces: string[] = [];
  for (const { index, value } of readStringList(r, sa, 'namespaces', path)) {
    const problem = namespaceNameProblem(value);
    if (problem !== undefined) r.error(`${path}.namespaces[${index}]`, problem);
    else namespaces.push(value);
  }
  return {
    priority,
    namespaces: namespaces.sort(),
    namespaceSelectors: readSelectors(r, sa, 'namespaceSelectors', path),
    serviceSelectors: readSelectors(r, sa, 'serviceSelectors', path),
  };
}

/** Checks one pool on its own: entries parse, flags have the right types, serviceAllocation is sound. */
export function readPool(it: Intake): PoolDraft {
  const r = it.report;
  const entries: PoolEntryConfig[] = [];
  const raw = get(it.spec, 'addresses');
  if (raw === undefined) {
    r.error('spec.addresses', 'is required: a pool needs at least one CIDR or range');
  } else if (Array.isArray(raw) && raw.length === 0) {
    r.error('spec.addresses', 'is empty: a pool needs at least one CIDR or range');
  }
  for (const { index, value } of readList(r, it.spec, 'addresses', 'spec')) {
    const at = `spec.addresses[${index}]`;
    if (typeof value !== 'string') {
      r.error(at, `must be a string (a CIDR or a range a-b), not ${describe(value)}`);
      continue;
    }
    const parsed = parsePoolEntry(value);
    if (!parsed.ok) {
      r.error(at, parsed.error);
      continue;
    }
    const { range, cidr } = parsed.value;
    entries.push({ text: value, index, range, cidrs: cidr !== undefined ? [cidr] : rangeToCIDRs(range) });
  }
  const autoAssign = readBoolean(r, it.spec, 'autoAssign', 'spec', true);
  const avoidBuggyIPs = readBoolean(r, it.spec, 'avoidBuggyIPs', 'spec', false);
  const serviceAllocation = readServiceAllocation(it);
  const draft: PoolDraft = { intake: it, entries };
  if (r.failed) return draft;
  const ranges = byFamily(
    entries.map((e) => e.range),
    (x) => x.family,
    (a, b) => compareBig(a.first, b.first),
  );
  const cidrs = byFamily(
    entries.flatMap((e) => e.cidrs.map((c) => ({ family: e.range.family, c }))),
    (x) => x.family,
    (a, b) => compareBig(a.c.network, b.c.network) || a.c.prefixLength - b.c.prefixLength,
  );
  draft.config = {
    name: it.name,
    labels: it.labels,
    entries,
    ranges,
    cidrs: { 4: cidrs[4].map((x) => x.c), 6: cidrs[6].map((x) => x.c) },
    autoAssign,
    avoidBuggyIPs,
    ...(serviceAllocation !== undefined ? { serviceAllocation } : {}),
  };
  return draft;
}

interface Located {
  readonly draft: PoolDraft;
  readonly entry: PoolEntryConfig;
}

/** Later in (pool name, entry index) order: the one an overlap is reported on. */
function isLater(a: Located, b: Located): boolean {
  if (a.draft.intake.name !== b.draft.intake.name) return a.draft.intake.name > b.draft.intake.name;
  return a.entry.index > b.entry.index;
}

/**
 * No address may belong to two entries, in one pool or across pools: the allocator could hand it
 * out twice. Sweeps all entries in address order, so the cost is O(n log n) in the number of
 * entries. Each overlapping entry is reported once, on the object that sorts later, naming the
 * entry it collides with.
 */
export function checkPoolOverlaps(drafts: readonly PoolDraft[]): void {
  const all: Located[] = drafts.flatMap((draft) => draft.entries.map((entry) => ({ draft, entry })));
  all.sort(
    (a, b) =>
      a.entry.range.family - b.entry.range.family ||
      compareBig(a.entry.range.first, b.entry.range.first) ||
      compareBig(a.entry.range.last, b.entry.range.last) ||
      (a.draft.intake.name < b.draft.intake.name ? -1 : a.draft.intake.name > b.draft.intake.name ? 1 : 0) ||
      a.entry.index - b.entry.index,
  );
  let reach: Located | undefined;
  for (const cur of all) {
    if (reach !== undefined && reach.entry.range.family === cur.entry.range.family && cur.entry.range.first <= reach.entry.range.last) {
      const [later, other] = isLater(cur, reach) ? [cur, reach] : [reach, cur];
      const where =
        later.draft === other.draft
          ? `spec.addresses[${other.entry.index}] (${other.entry.text}) of this pool`
          : `${other.entry.text} (spec.addresses[${other.entry.index}]) of ${other.draft.intake.report.label}`;
      later.draft.intake.report.error(`spec.addresses[${later.entry.index}]`, `${later.entry.text} overlaps ${where}`);
      later.draft.config = undefined;
    }
    if (reach === undefined || reach.entry.range.family !== cur.entry.range.family || cur.entry.range.last > reach.entry.range.last) {
      reach = cur;
    }
  }
}

/** The most specific CIDR of a pool in one family: the aggregation length must not be shorter. */
export function longestPrefix(pool: PoolConfig, family: Family): { cidr: CIDR; entry: PoolEntryConfig } | undefined {
  let best: { cidr: CIDR; entry: PoolEntryConfig } | undefined;
  for (const entry of pool.entries) {
    if (entry.range.family !== family) continue;
    for (const cidr of entry.cidrs) {
      if (best === undefined || cidr.prefixLength > best.cidr.prefixLength) best = { cidr, entry };
    }
  }
  return best;
}
