import type { LabelSelector } from '../api/meta.js';
import { matchesAnySelector, selectorListsIntersect } from '../api/selector.js';
import { type Family, familyName } from '../net/address.js';
import { formatCIDR } from '../net/range.js';
import { type CommunityValue, compareCommunities, isCommunityLiteral, parseCommunity } from './community.js';
import type { Intake } from './objects.js';
import { type PoolDraft, longestPrefix } from './pools.js';
import { compareStrings, interfaceNameProblem, readInteger, readStringList } from './read.js';
import { readSelectors } from './selectors.js';
import type { BGPAdvertisementConfig, CommunityAliasConfig, L2AdvertisementConfig, PoolConfig } from './types.js';

export interface AdvertisementContext {
  readonly namespace: string;
  /** Every pool object by name, valid or not, sorted by name: references resolve against these. */
  readonly pools: readonly PoolDraft[];
  /** Every BGPPeer name, sorted. */
  readonly peerNames: readonly string[];
  readonly aliases: ReadonlyMap<string, CommunityAliasConfig>;
}

/** Names, selectors, or (both empty) every pool; a named pool must exist. Sorted. */
function resolvePools(it: Intake, ctx: AdvertisementContext): string[] {
  const r = it.report;
  const known = new Set(ctx.pools.map((p) => p.intake.name));
  const chosen = new Set<string>();
  const names = readStringList(r, it.spec, 'ipAddressPools', 'spec');
  for (const { index, value } of names) {
    if (known.has(value)) chosen.add(value);
    else r.error(`spec.ipAddressPools[${index}]`, `IPAddressPool ${JSON.stringify(value)} does not exist in ${ctx.namespace}`, { missingReference: true });
  }
  const selectors = readSelectors(r, it.spec, 'ipAddressPoolSelectors', 'spec');
  const all = names.length === 0 && selectors.length === 0;
  for (const p of ctx.pools) {
    if (all || matchesAnySelector(selectors, p.intake.labels)) chosen.add(p.intake.name);
  }
  return [...chosen].sort(compareStrings);
}

export function readL2Advertisement(it: Intake, ctx: AdvertisementContext): L2AdvertisementConfig | undefined {
  const r = it.report;
  const pools = resolvePools(it, ctx);
  const nodeSelectors = readSelectors(r, it.spec, 'nodeSelectors', 'spec');
  const interfaces: string[] = [];
  for (const { index, value } of readStringList(r, it.spec, 'interfaces', 'spec')) {
    const problem = interfaceNameProblem(value);
    if (problem !== undefined) r.error(`spec.interfaces[${index}]`, problem);
    else interfaces.push(value);
  }
  const serviceSelectors = readSelectors(r, it.spec, 'serviceSelectors', 'spec');
  if (r.failed) return undefined;
  return { name: it.name, pools, nodeSelectors, interfaces: interfaces.sort(compareStrings), serviceSelectors };
}

/** A BGPAdvertisement being validated; what the checks across advertisements and peers need. */
export interface BGPAdvertisementDraft {
  readonly intake: Intake;
  readonly pools: readonly string[];
  readonly peers: readonly string[];
  readonly nodeSelectors: readonly LabelSelector[];
  readonly hasServiceSelectors: boolean;
  readonly aggregationLength: number;
  readonly aggregationLengthV6: number;
  /** undefined when not set. */
  readonly localPref: number | undefined;
  config?: BGPAdvertisementConfig;
}

export const DEFAULT_AGGREGATION = { 4: 32, 6: 128 } as const;

function aggregationField(family: Family): string {
  return family === 4 ? 'spec.aggregationLength' : 'spec.aggregationLengthV6';
}

function aggregationOf(d: { aggregationLength: number; aggregationLengthV6: number }, family: Family): number {
  return family === 4 ? d.aggregationLength : d.aggregationLengthV6;
}

function resolveCommunities(it: Intake, ctx: AdvertisementContext): CommunityValue[] {
  const r = it.report;
  const byText = new Map<string, CommunityValue>();
  for (const { index, value } of readStringList(r, it.spec, 'communities', 'spec')) {
    const at = `spec.communities[${index}]`;
    if (isCommunityLiteral(value)) {
      const parsed = parseCommunity(value);
      if (parsed.ok) byText.set(parsed.value.text, parsed.value);
      else r.error(at, parsed.error);
      continue;
    }
    const alias = ctx.aliases.get(value);
    if (alias === undefined) {
      r.error(
        at,
        value === ''
          ? 'is empty: write a:b, large:a:b:c or the name of a Community alias'
          : `${JSON.stringify(value)} is neither a community value (a:b, large:a:b:c) nor an alias defined by a Community in ${ctx.namespace}`,
        { missingReference: value !== '' },
      );
      continue;
    }
    // An alias and a literal for the same value name one community: union, as MetalLB does.
    byText.set(alias.value.text, alias.value);
  }
  return [...byText.values()].sort(compareCommunities);
}

function checkAggregation(it: Intake, family: Family, length: number, pool: PoolConfig): void {
  const longest = longestPrefix(pool, family);
  if (longest === undefined || length >= longest.cidr.prefixLength) return;
  const cidr = formatCIDR(family, longest.cidr);
  const source = longest.entry.cidrs.length === 1 && longest.entry.text === cidr ? cidr : `${cidr}, part of ${longest.entry.text}`;
  it.report.error(
    aggregationField(family),
    `/${length} is shorter than ${source} (spec.addresses[${longest.entry.index}] of IPAddressPool ${it.report.namespace}/${pool.name}); ` +
      `an aggregate that short would announce addresses outside the pool`,
  );
}

export function readBGPAdvertisement(it: Intake, ctx: AdvertisementContext): BGPAdvertisementDraft {
  const r = it.report;
  const aggregationLength = readInteger(r, it.spec, 'aggregationLength', 'spec', { min: 0, max: 32 }) ?? DEFAULT_AGGREGATION[4];
  const aggregationLengthV6 = readInteger(r, it.spec, 'aggregationLengthV6', 'spec', { min: 0, max: 128 }) ?? DEFAULT_AGGREGATION[6];
  const localPref = readInteger(r, it.spec, 'localPref', 'spec', { min: 0, max: 4294967295 });
  const communities = resolveCommunities(it, ctx);
  const pools = resolvePools(it, ctx);
  const named = readStringList(r, it.spec, 'peers', 'spec');
  const known = new Set(ctx.peerNames);
  for (const { index, value } of named) {
    if (!known.has(value)) r.error(`spec.peers[${index}]`, `BGPPeer ${JSON.stringify(value)} does not exist in ${ctx.namespace}`, { missingReference: true });
  }
  const peers = named.length === 0 ? [...ctx.peerNames] : named.map((n) => n.value).filter((n) => known.has(n)).sort(compareStrings);
  const nodeSelectors = readSelectors(r, it.spec, 'nodeSelectors', 'spec');
  const serviceSelectors = readSelectors(r, it.spec, 'serviceSelectors', 'spec');
  if (serviceSelectors.length > 0 && (aggregationLength !== DEFAULT_AGGREGATION[4] || aggregationLengthV6 !== DEFAULT_AGGREGATION[6])) {
    r.error(
      'spec.serviceSelectors',
      `cannot be combined with aggregation (aggregationLength ${aggregationLength}, aggregationLengthV6 ${aggregationLengthV6}): ` +
        'an aggregate route covers the addresses of Services the selectors leave out; keep the defaults 32 and 128',
    );
  }
  for (const name of pools) {
    const pool = ctx.pools.find((p) => p.intake.name === name)?.config;
    if (pool === undefined) continue;
    checkAggregation(it, 4, aggregationLength, pool);
    checkAggregation(it, 6, aggregationLengthV6, pool);
  }
  const draft: BGPAdvertisementDraft = {
    intake: it,
    pools,
    peers,
    nodeSelectors,
    hasServiceSelectors: serviceSelectors.length > 0,
    aggregationLength,
    aggregationLengthV6,
    localPref,
  };
  if (!r.failed) {
    draft.config = {
      name: it.name,
      pools,
      aggregationLength,
      aggregationLengthV6,
      ...(localPref !== undefined ? { localPref } : {}),
      communities,
      peers,
      nodeSelectors,
      serviceSelectors,
    };
  }
  return draft;
}

function describeLocalPref(v: number | undefined): string {
  return v === undefined ? 'no localPref' : `localPref ${v}`;
}

/**
 * One route carries one LOCAL_PREF. Two advertisements that would send the same route (same pool
 * and family, same aggregation length) to the same iBGP peer from the same node must agree on it.
 * LOCAL_PREF is not sent to eBGP peers, so sharing only eBGP peers is no conflict. Advertisements
 * with serviceSelectors are left to the speaker, which can tell per Service whether both apply.
 */
export function checkLocalPrefConflicts(
  drafts: readonly BGPAdvertisementDraft[],
  pools: readonly PoolDraft[],
  peerIsIBGP: ReadonlyMap<string, boolean | undefined>,
): void {
  for (const [j, later] of drafts.entries()) {
    if (later.hasServiceSelectors) continue;
    for (const earlier of drafts.slice(0, j)) {
      if (earlier.hasServiceSelectors || earlier.localPref === later.localPref) continue;
      // A peer whose kind is unknown (its ASNs have errors) counts as iBGP, so nothing slips through.
      const ibgpPeers = later.peers.filter((p) => earlier.peers.includes(p) && peerIsIBGP.get(p) !== false);
      if (ibgpPeers.length === 0 || !selectorListsIntersect(earlier.nodeSelectors, later.nodeSelectors)) continue;
      const clash = findSharedRoute(earlier, later, pools);
      if (clash === undefined) continue;
      later.intake.report.error(
        'spec.localPref',
        `${describeLocalPref(later.localPref)} conflicts with ${describeLocalPref(earlier.localPref)} of ${earlier.intake.report.label}: ` +
          `both announce the ${familyName(clash.family)} addresses of IPAddressPool ${clash.pool} as /${aggregationOf(later, clash.family)} ` +
          `to iBGP peer ${ibgpPeers[0] ?? ''} from nodes both select, and a route carries one LOCAL_PREF`,
      );
      later.config = undefined;
      break;
    }
  }
}

function findSharedRoute(
  a: BGPAdvertisementDraft,
  b: BGPAdvertisementDraft,
  pools: readonly PoolDraft[],
): { pool: string; family: Family } | undefined {
  for (const name of b.pools) {
    if (!a.pools.includes(name)) continue;
    const entries = pools.find((p) => p.intake.name === name)?.entries ?? [];
    for (const family of [4, 6] as const) {
      if (aggregationOf(a, family) !== aggregationOf(b, family)) continue;
      if (entries.some((e) => e.range.family === family)) return { pool: name, family };
    }
  }
  return undefined;
}
