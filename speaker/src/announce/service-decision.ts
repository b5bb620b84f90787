import { matchesAnySelector } from '@herald/shared/api/selector.js';
import { type IP, familyName, formatIP } from '@herald/shared/net/address.js';
import { readServiceRequest } from '@herald/shared/service/request.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import type { LargeCommunity, Prefix } from '../bgp/messages.js';
import { type AdvertisementView, type AnnounceContext, poolOf } from './context.js';
import type { ServiceEndpoints } from './endpoints.js';
import { peerCarries } from './peers.js';
import { comparePrefixes, prefixOf, prefixText } from './prefix.js';
import type { AddressAnnouncement, AnnouncementReason, AnnouncementWarning, NotAnnouncedReason, ServiceAnnouncement } from './types.js';

/**
 * Link bandwidth per ready local endpoint: 1 Mbit/s, in bytes per second. Only the ratio between
 * nodes matters to weighted ECMP; a round unit keeps the value readable in a router's output
 * (FRR shows "3 Mbps" for three endpoints) and far from float32's limits.
 */
export const LINK_BANDWIDTH_PER_ENDPOINT = 125_000;

/** The parts of a Service the decision reads, parsed once per Service change. */
export interface ServiceView {
  readonly key: ServiceKey;
  readonly labels: Readonly<Record<string, string>>;
  /** externalTrafficPolicy is Local (anything else, or nothing, is Cluster). */
  readonly local: boolean;
  /** status.loadBalancer.ingress, at most one per family, in status order. */
  readonly addresses: readonly IP[];
}

export function readServiceView(service: ServiceInput): ServiceView {
  const request = readServiceRequest(service);
  return {
    key: request.key,
    labels: request.labels,
    local: service.spec?.externalTrafficPolicy === 'Local',
    addresses: request.statusIPs,
  };
}

/** One Service's share of one route to one peer. */
export interface RouteContribution {
  readonly peer: string;
  readonly prefixKey: string;
  readonly prefix: Prefix;
  /** Union over the Service's advertisements for this prefix and peer; ascending, unique. */
  readonly communities: readonly number[];
  readonly largeCommunities: readonly LargeCommunity[];
  /** The lowest set by those advertisements; only for iBGP peers. */
  readonly localPref?: number;
  /** Only for externalTrafficPolicy Local. */
  readonly linkBandwidth?: number;
}

export interface ServiceOutcome {
  readonly announcement: ServiceAnnouncement;
  /** Ascending by peer, then prefix. */
  readonly routes: readonly RouteContribution[];
}

interface PlannedRoute {
  peer: string;
  ibgp: boolean;
  prefix: Prefix;
  ads: AdvertisementView[];
}

type AddressPlan =
  | { ok: true; address: string; pool: string; routes: PlannedRoute[] }
  | { ok: false; address: string; pool?: string; reason: NotAnnouncedReason; message: string };

function names(ads: readonly AdvertisementView[]): string {
  return ads.map((a) => a.config.name).join(', ');
}

/** Which advertisements, peers and prefixes would carry one address, or why none would. Endpoints are not looked at here. */
function planAddress(ctx: AnnounceContext, view: ServiceView, ip: IP): AddressPlan {
  const address = formatIP(ip);
  const subject = `${address} of ${view.key}`;
  const pool = poolOf(ctx, ip);
  if (pool === undefined) {
    return { ok: false, address, reason: 'AddressNotInPool', message: `${subject} is in no IPAddressPool, so node ${ctx.nodeName} does not announce it` };
  }
  const refuse = (reason: NotAnnouncedReason, message: string): AddressPlan => ({ ok: false, address, pool, reason, message });
  const ads = ctx.advertisementsByPool.get(pool) ?? [];
  if (ads.length === 0) return refuse('NoAdvertisement', `IPAddressPool ${pool}, which holds ${subject}, has no BGPAdvertisement, so it is not announced over BGP`);
  const forService = ads.filter((a) => a.config.serviceSelectors.length === 0 || matchesAnySelector(a.config.serviceSelectors, view.labels));
  if (forService.length === 0) {
    return refuse('ServiceNotSelected', `no BGPAdvertisement of IPAddressPool ${pool} selects ${view.key} by its serviceSelectors (${names(ads)}), so ${address} is not announced`);
  }
  const forNode = forService.filter((a) => a.selectsNode);
  if (forNode.length === 0) {
    return refuse(
      'NodeNotSelected',
      `no BGPAdvertisement of IPAddressPool ${pool} for ${view.key} selects node ${ctx.nodeName} by its nodeSelectors (${names(forService)}), so it does not announce ${address}`,
    );
  }
  const byRoute = new Map<string, PlannedRoute>();
  const named = new Set<string>();
  for (const ad of forNode) {
    const prefix = prefixOf(ip, ip.family === 4 ? ad.config.aggregationLength : ad.config.aggregationLengthV6);
    const peerNames = ad.config.peers.length === 0 ? ctx.peers.map((p) => p.name) : ad.config.peers;
    for (const name of peerNames) {
      named.add(name);
      const peer = ctx.peerByName.get(name);
      if (peer === undefined || !peerCarries(peer, ip.family)) continue;
      const id = `${name} ${prefix.length}`;
      const planned = byRoute.get(id);
      if (planned === undefined) byRoute.set(id, { peer: name, ibgp: peer.ibgp, prefix, ads: [ad] });
      else planned.ads.push(ad);
    }
  }
  if (byRoute.size === 0) {
    return refuse(
      'NoPeerForAddress',
      `node ${ctx.nodeName} has no session carrying ${familyName(ip.family)} to a peer of ${forNode.length === 1 ? 'BGPAdvertisement' : 'BGPAdvertisements'} ` +
        `${names(forNode)} (${[...named].sort().join(', ') || 'none'}), so it does not announce ${subject}`,
    );
  }
  return { ok: true, address, pool, routes: [...byRoute.values()] };
}

function describeLocalPref(v: number | undefined): string {
  return v === undefined ? 'no localPref' : `localPref ${v}`;
}

function unionSorted(lists: readonly (readonly number[])[]): number[] {
  const first = lists[0] ?? [];
  if (lists.every((l) => l === first)) return [...first];
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

function compareLarge(a: LargeCommunity, b: LargeCommunity): number {
  return a.globalAdministrator - b.globalAdministrator || a.localData1 - b.localData1 || a.localData2 - b.localData2;
}

export function unionLarge(lists: readonly (readonly LargeCommunity[])[]): LargeCommunity[] {
  const first = lists[0] ?? [];
  if (lists.every((l) => l === first)) return [...first];
  const byText = new Map<string, LargeCommunity>();
  for (const list of lists) for (const c of list) byText.set(`${c.globalAdministrator}:${c.localData1}:${c.localData2}`, c);
  return [...byText.values()].sort(compareLarge);
}

/**
 * The contribution of a planned route, and a warning when its advertisements disagree on
 * LOCAL_PREF for an iBGP peer. The configuration refuses such pairs unless serviceSelectors are
 * involved; then only a Service can tell. The route is sent with the lowest value set, the one
 * that attracts the least traffic, rather than withdrawn as MetalLB does: a disagreement in
 * preference should not take the Service off the network.
 */
function contribute(
  ctx: AnnounceContext,
  view: ServiceView,
  planned: PlannedRoute,
  linkBandwidth: number | undefined,
  warnings: AnnouncementWarning[],
): RouteContribution {
  const prefixKey = prefixText(planned.prefix);
  let localPref: number | undefined;
  if (planned.ibgp) {
    const set = planned.ads.filter((a) => a.config.localPref !== undefined);
    for (const a of set) localPref = localPref === undefined ? a.config.localPref : Math.min(localPref, a.config.localPref as number);
    const first = planned.ads[0] as AdvertisementView;
    const other = planned.ads.find((a) => a.config.localPref !== first.config.localPref);
    if (other !== undefined) {
      warnings.push({
        reason: 'LocalPrefConflict',
        message:
          `BGPAdvertisements ${first.config.name} (${describeLocalPref(first.config.localPref)}) and ${other.config.name} (${describeLocalPref(other.config.localPref)}) ` +
          `both send ${prefixKey} of ${view.key} to iBGP peer ${planned.peer}; node ${ctx.nodeName} sends localPref ${localPref}, the lowest set`,
      });
    }
  }
  return {
    peer: planned.peer,
    prefixKey,
    prefix: planned.prefix,
    communities: unionSorted(planned.ads.map((a) => a.communities)),
    largeCommunities: unionLarge(planned.ads.map((a) => a.largeCommunities)),
    ...(localPref !== undefined ? { localPref } : {}),
    ...(linkBandwidth !== undefined ? { linkBandwidth } : {}),
  };
}

/** "10.0.0.1/32 to r1, r2 and 10.0.0.0/24 to r3" */
function describeRoutes(routes: readonly RouteContribution[]): string {
  const byPrefix = new Map<string, string[]>();
  for (const r of [...routes].sort((a, b) => comparePrefixes(a.prefix, b.prefix) || (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0))) {
    const peers = byPrefix.get(r.prefixKey);
    if (peers === undefined) byPrefix.set(r.prefixKey, [r.peer]);
    else peers.push(r.peer);
  }
  return [...byPrefix].map(([prefix, peers]) => `${prefix} to ${peers.join(', ')}`).join(' and ');
}

function compareContributions(a: RouteContribution, b: RouteContribution): number {
  return a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : comparePrefixes(a.prefix, b.prefix);
}

function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function sortedPrefixes(routes: readonly RouteContribution[]): string[] {
  const byKey = new Map(routes.map((r) => [r.prefixKey, r.prefix]));
  return [...byKey].sort(([, a], [, b]) => comparePrefixes(a, b)).map(([key]) => key);
}

function notAnnounced(ctx: AnnounceContext, view: ServiceView, reason: NotAnnouncedReason, message: string): ServiceOutcome {
  const addresses = view.addresses.map((ip): AddressAnnouncement => {
    const pool = poolOf(ctx, ip);
    return { address: formatIP(ip), ...(pool !== undefined ? { pool } : {}), reason, message, peers: [], prefixes: [] };
  });
  return {
    announcement: { key: view.key, node: ctx.nodeName, announced: false, reason, message, peers: [], prefixes: [], addresses, warnings: [] },
    routes: [],
  };
}

/** What the node's readiness and sessions alone rule out for every Service. */
function nodeLevelProblem(ctx: AnnounceContext, view: ServiceView): { reason: NotAnnouncedReason; message: string } | undefined {
  const head = `node ${ctx.nodeName} does not announce ${view.key}`;
  if (ctx.eligibility === undefined) return { reason: 'NodeUnknown', message: `${head}: no Node named ${ctx.nodeName} has been seen` };
  const first = ctx.eligibility.problems[0];
  if (first !== undefined) return { reason: first.reason, message: `${head}: ${ctx.eligibility.problems.map((p) => p.message).join('; ')}` };
  if (ctx.peers.length === 0) return { reason: 'NoPeers', message: `${head}: no BGPPeer selects node ${ctx.nodeName}` };
  if (view.addresses.length === 0) return { reason: 'NoAddress', message: `${view.key} has no address in status.loadBalancer.ingress to announce` };
  return undefined;
}

/** Whether the Service's endpoints let this node announce it, and if so the link bandwidth its routes carry. */
function endpointProblem(
  ctx: AnnounceContext,
  view: ServiceView,
  endpoints: ServiceEndpoints | undefined,
): { ok: true; linkBandwidth: number | undefined; local: number } | { ok: false; reason: NotAnnouncedReason; message: string } {
  if (view.local) {
    const local = endpoints?.readyByNode.get(ctx.nodeName) ?? 0;
    if (local > 0) return { ok: true, linkBandwidth: local * LINK_BANDWIDTH_PER_ENDPOINT, local };
    return { ok: false, reason: 'NoLocalReadyEndpoints', message: `node ${ctx.nodeName} has no ready endpoint of ${view.key} and its externalTrafficPolicy is Local` };
  }
  if ((endpoints?.readyTotal ?? 0) > 0) return { ok: true, linkBandwidth: undefined, local: 0 };
  return {
    ok: false,
    reason: 'NoReadyEndpoints',
    message: `${view.key} has no ready endpoint on any node, so node ${ctx.nodeName} does not announce it (externalTrafficPolicy Cluster)`,
  };
}

/**
 * What this node announces for one Service, and why. Checks run in this order, and the first
 * that fails is the reason: the node is known, eligible and has a BGPPeer; the Service has a
 * status address; per address, a pool holds it, the pool has a BGPAdvertisement, one selects
 * the Service, one of those selects the node, and one of those names a peer of this node whose
 * session carries the address's family; then the endpoints (Local: one ready here; Cluster: one
 * ready anywhere). Configuration reasons come before endpoints because they need a person to act,
 * while endpoints come and go by themselves.
 */
export function decideService(ctx: AnnounceContext, view: ServiceView, endpoints: ServiceEndpoints | undefined): ServiceOutcome {
  const nodeProblem = nodeLevelProblem(ctx, view);
  if (nodeProblem !== undefined) return notAnnounced(ctx, view, nodeProblem.reason, nodeProblem.message);

  const plans = view.addresses.map((ip) => planAddress(ctx, view, ip));
  const ready = endpointProblem(ctx, view, endpoints);
  const routes: RouteContribution[] = [];
  const warnings: AnnouncementWarning[] = [];
  const addresses = plans.map((plan): AddressAnnouncement => {
    const pool = plan.pool !== undefined ? { pool: plan.pool } : {};
    if (!plan.ok) return { address: plan.address, ...pool, reason: plan.reason, message: plan.message, peers: [], prefixes: [] };
    if (!ready.ok) return { address: plan.address, ...pool, reason: ready.reason, message: ready.message, peers: [], prefixes: [] };
    const mine = plan.routes.map((p) => contribute(ctx, view, p, ready.linkBandwidth, warnings)).sort(compareContributions);
    routes.push(...mine);
    return {
      address: plan.address,
      ...pool,
      reason: 'Announced',
      message: `node ${ctx.nodeName} announces ${plan.address} of ${view.key} as ${describeRoutes(mine)}`,
      peers: uniqueSorted(mine.map((r) => r.peer)),
      prefixes: sortedPrefixes(mine),
    };
  });
  routes.sort(compareContributions);

  const missed = addresses.filter((a) => a.reason !== 'Announced');
  let reason: AnnouncementReason;
  let message: string;
  if (routes.length > 0) {
    reason = 'Announced';
    const bandwidth =
      ready.ok && ready.linkBandwidth !== undefined
        ? ` with link bandwidth ${ready.linkBandwidth} bytes/s for its ${ready.local} ready ${ready.local === 1 ? 'endpoint' : 'endpoints'} here`
        : '';
    message = [`node ${ctx.nodeName} announces ${view.key} as ${describeRoutes(routes)}${bandwidth}`, ...missed.map((a) => a.message)].join('; ');
  } else {
    const endpointsFirst = missed.find((a) => a.reason === 'NoLocalReadyEndpoints' || a.reason === 'NoReadyEndpoints');
    const lead = endpointsFirst ?? (missed[0] as AddressAnnouncement);
    reason = lead.reason;
    message = uniqueInOrder([lead.message, ...missed.map((a) => a.message)]).join('; ');
  }
  return {
    announcement: {
      key: view.key,
      node: ctx.nodeName,
      announced: routes.length > 0,
      reason,
      message,
      peers: uniqueSorted(routes.map((r) => r.peer)),
      prefixes: sortedPrefixes(routes),
      addresses,
      warnings,
    },
    routes,
  };
}

function uniqueInOrder(values: readonly string[]): string[] {
  return [...new Set(values)];
}
