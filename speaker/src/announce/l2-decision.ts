import { matchesAnySelector } from '@herald/shared/api/selector.js';
import type { L2AdvertisementConfig } from '@herald/shared/config/types.js';
import { type IP, compareIP, formatIP } from '@herald/shared/net/address.js';
import type { ServiceKey } from '@herald/shared/service/types.js';
import { poolOf } from './context.js';
import { readServiceViews } from './decide.js';
import type { ServiceEndpoints } from './endpoints.js';
import { type L2Context, type NodeStanding, l2Context, nodeStanding, stagesFor } from './l2-context.js';
import { type AnnounceInterface, chooseInterfaces, interfaceTable } from './l2-interfaces.js';
import { type Word64, elect, electionKey } from './l2-owner.js';
import type { ServiceView } from './service-decision.js';
import type { L2AddressAnnouncement, L2Announcement, L2Decision, L2Input, L2Reason, L2Role, NoOwnerReason, OwnedAddress } from './l2-types.js';

/** A Service holding an address, with what its election reads. */
export interface Sharer {
  readonly view: ServiceView;
  readonly endpoints: ServiceEndpoints | undefined;
}

type Candidacy =
  | { readonly ok: false; readonly pool?: string; readonly reason: NoOwnerReason; readonly message: string }
  | {
      readonly ok: true;
      readonly pool: string;
      /** The advertisements covering the address and selecting the Service. */
      readonly ads: readonly L2AdvertisementConfig[];
      /** Non-empty. */
      readonly candidates: readonly NodeStanding[];
      readonly names: ReadonlySet<string>;
    };

const SHOWN = 4;

/** "n1, n2" or "n1, n2, n3, n4 and 6 more": messages stay short on large clusters. */
function some(items: readonly string[]): string {
  return items.length <= SHOWN ? items.join(', ') : `${items.slice(0, SHOWN).join(', ')} and ${items.length - SHOWN} more`;
}

function names(ads: readonly L2AdvertisementConfig[]): string {
  return ads.map((a) => a.name).join(', ');
}

function readyNodes(endpoints: ServiceEndpoints | undefined): string[] {
  return [...(endpoints?.readyByNode ?? new Map<string, number>())].filter(([, n]) => n > 0).map(([name]) => name).sort();
}

/**
 * Which nodes may own one address of one Service, or why none may. In this order: a pool holds
 * the address; an L2Advertisement covers the pool; one of those selects the Service; their
 * nodeSelectors select a known node; the Service has a ready endpoint somewhere; one of the
 * selected nodes is eligible; one of those is live; for Local, one of those has a ready endpoint.
 */
function candidacy(ctx: L2Context, sharer: Sharer, ip: IP, address: string): Candidacy {
  const { view, endpoints } = sharer;
  const subject = `${address} of ${view.key}`;
  const pool = poolOf(ctx, ip);
  if (pool === undefined) return { ok: false, reason: 'AddressNotInPool', message: `${subject} is in no IPAddressPool, so no node announces it` };
  const refuse = (reason: NoOwnerReason, message: string): Candidacy => ({ ok: false, pool, reason, message });
  const ads = ctx.advertisementsByPool.get(pool) ?? [];
  if (ads.length === 0) return refuse('NoAdvertisement', `IPAddressPool ${pool}, which holds ${subject}, has no L2Advertisement, so no node answers for it in layer 2 mode`);
  const forService = ads.filter((a) => a.serviceSelectors.length === 0 || matchesAnySelector(a.serviceSelectors, view.labels));
  if (forService.length === 0) {
    return refuse('ServiceNotSelected', `no L2Advertisement of IPAddressPool ${pool} selects ${view.key} by its serviceSelectors (${names(ads)}), so no node announces ${address}`);
  }
  const stages = stagesFor(ctx, forService);
  const by = `L2Advertisement ${names(forService)}`;
  if (stages.selected.length === 0) return refuse('NoSelectedNode', `no known node matches the nodeSelectors of ${by}, which cover ${subject}`);
  if ((endpoints?.readyTotal ?? 0) === 0) return refuse('NoReadyEndpoints', `${view.key} has no ready endpoint on any node, so no node announces ${address}`);
  if (stages.eligible.length === 0) {
    const problems = stages.selected.map((s) => s.eligibility.problems.map((p) => p.message).join(', '));
    return refuse('NoEligibleNode', `no node that ${by} selects may announce ${subject}: ${some(problems)}`);
  }
  if (stages.live.length === 0) {
    return refuse('NoLiveNode', `no live node may announce ${subject}: the membership reports none of the eligible nodes ${by} selects (${some(stages.eligible.map((s) => s.name))}) alive`);
  }
  let candidates: readonly NodeStanding[] = stages.live;
  let candidateNames: ReadonlySet<string> = stages.liveNames;
  if (view.local) {
    const local: NodeStanding[] = [];
    for (const name of readyNodes(endpoints)) {
      const standing = ctx.nodes.get(name);
      if (standing !== undefined && stages.liveNames.has(name)) local.push(standing);
    }
    if (local.length === 0) {
      const where = readyNodes(endpoints);
      return refuse(
        'NoLocalReadyEndpoints',
        `no live node with a ready endpoint of ${view.key} (externalTrafficPolicy Local) may announce ${address}` +
          (where.length === 0 ? '' : `; its ready endpoints are on ${some(where)}`),
      );
    }
    candidates = local;
    candidateNames = new Set(local.map((s) => s.name));
  }
  return { ok: true, pool, ads: forService, candidates, names: candidateNames };
}

/** Why this node is not among a Service's candidates for an address, as a clause. */
function whyNotThisNode(ctx: L2Context, sharer: Sharer, ads: readonly L2AdvertisementConfig[]): string {
  const me = ctx.nodes.get(ctx.nodeName);
  if (me === undefined) return `no Node named ${ctx.nodeName} has been seen`;
  if (!me.selectedBy.some((n) => ads.some((a) => a.name === n))) return `no L2Advertisement for it (${names(ads)}) selects node ${ctx.nodeName}`;
  if (!me.eligibility.eligible) return me.eligibility.problems.map((p) => p.message).join(', ');
  if (!me.live) return `node ${ctx.nodeName} is not a live member`;
  return `node ${ctx.nodeName} has no ready endpoint of ${sharer.view.key} (externalTrafficPolicy Local)`;
}

/** The election of one address, with what it means for each Service holding it. */
export interface AddressResult {
  /** The node that answers for the address; absent when none does. */
  readonly owner?: NodeStanding;
  readonly ownerScore?: Word64;
  /** By Service key, for every sharer. */
  readonly perService: ReadonlyMap<ServiceKey, L2AddressAnnouncement>;
  /** Set when this node answers for it. */
  readonly owned?: OwnedAddress;
}

/**
 * Elects the owner of one address and tells each Service holding it what that means.
 *
 * The score hashes the node and the address, not the Service, so Services sharing an address
 * rank nodes alike and, with equal candidates, pick the same owner. Their candidates can differ
 * (other L2Advertisements by serviceSelectors, or endpoints): then the owner is the first node
 * that is a candidate for every sharer that has candidates, so that one node answers for the
 * address and serves them all. When no node is, the first candidate of any sharer answers, and
 * the sharers it is no candidate for are reported SharedAddressConflict (MetalLB refuses shared
 * addresses with serviceSelectors outright, and can elect two owners when candidates differ).
 * Either way a node that joins takes over only addresses it now ranks first for.
 *
 * `sharers` ascending by key.
 */
export function decideAddress(ctx: L2Context, ip: IP, addressKey: Word64, sharers: readonly Sharer[]): AddressResult {
  const address = formatIP(ip);
  const plans = sharers.map((s) => ({ sharer: s, plan: candidacy(ctx, s, ip, address) }));
  const viable = plans.flatMap(({ plan }) => (plan.ok ? [plan] : []));

  let election: { winner: NodeStanding; score: Word64 } | undefined;
  if (viable.length === 1) election = elect((viable[0] as (typeof viable)[number]).candidates, addressKey);
  else if (viable.length > 1) {
    const [first, ...rest] = viable as [(typeof viable)[number], ...typeof viable];
    election = elect(
      first.candidates.filter((c) => rest.every((p) => p.names.has(c.name))),
      addressKey,
    );
    if (election === undefined) {
      const union = new Map<string, NodeStanding>();
      for (const p of viable) for (const c of p.candidates) union.set(c.name, c);
      election = elect(union.values(), addressKey);
    }
  }
  const owner = election?.winner;

  const perService = new Map<ServiceKey, L2AddressAnnouncement>();
  const servedBy = viable.length > 1 && owner !== undefined ? plans.filter(({ plan }) => plan.ok && plan.names.has(owner.name)).map(({ sharer }) => sharer.view.key) : [];
  const interfaces = new Map<string, AnnounceInterface>();
  const ownedFor: ServiceKey[] = [];
  for (const { sharer, plan } of plans) {
    const key = sharer.view.key;
    const subject = `${address} of ${key}`;
    const base = { address, ...(plan.pool === undefined ? {} : { pool: plan.pool }) };
    const entry = (reason: L2Reason, role: L2Role, message: string, extra: { owner?: string; interfaces?: string[] } = {}): L2AddressAnnouncement => ({
      ...base,
      ...(extra.owner === undefined ? {} : { owner: extra.owner }),
      role,
      reason,
      message,
      interfaces: extra.interfaces ?? [],
    });
    if (!plan.ok) {
      perService.set(key, entry(plan.reason, 'none', plan.message));
      continue;
    }
    const mine = plan.names.has(ctx.nodeName);
    const winner = owner as NodeStanding;
    if (!plan.names.has(winner.name)) {
      const others = servedBy.filter((k) => k !== key);
      perService.set(
        key,
        entry(
          'SharedAddressConflict',
          mine ? 'candidate' : 'none',
          `${address} is shared with ${some(others)} and answered by node ${winner.name}, which may not announce it for ${key} ` +
            `(L2Advertisement ${names(plan.ads)}); give the Services sharing an address the same L2Advertisements`,
        ),
      );
      continue;
    }
    if (winner.name !== ctx.nodeName) {
      const standBy = mine ? `node ${ctx.nodeName} stands by` : `node ${ctx.nodeName} may not take it over: ${whyNotThisNode(ctx, sharer, plan.ads)}`;
      perService.set(key, entry('OwnedByOtherNode', mine ? 'candidate' : 'none', `${subject} is announced by node ${winner.name}; ${standBy}`, { owner: winner.name }));
      continue;
    }
    const me = winner;
    const choice = chooseInterfaces(
      ip,
      plan.ads.filter((a) => me.selectedBy.includes(a.name)),
      ctx.interfaces,
      ctx.nodeName,
    );
    if (!choice.ok) {
      perService.set(key, entry('NoInterface', 'owner', `node ${ctx.nodeName} owns ${subject} but cannot answer for it: ${choice.message}`, { owner: me.name }));
      continue;
    }
    for (const i of choice.interfaces) interfaces.set(i.name, i);
    ownedFor.push(key);
    const on = choice.interfaces.map((i) => i.name);
    const notes = choice.notes.length === 0 ? '' : ` (${choice.notes.join('; ')})`;
    perService.set(key, entry('Announced', 'owner', `node ${ctx.nodeName} announces ${subject} on ${on.join(', ')}${notes}`, { owner: me.name, interfaces: on }));
  }
  const owned: OwnedAddress | undefined =
    ownedFor.length === 0 ? undefined : { address, ip, interfaces: [...interfaces.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), services: ownedFor };
  return {
    ...(election === undefined ? {} : { owner: election.winner, ownerScore: election.score }),
    perService,
    ...(owned === undefined ? {} : { owned }),
  };
}

const ROLE_RANK: Record<L2Role, number> = { owner: 2, candidate: 1, none: 0 };

/** One Service's announcement from its addresses' entries, in status order. */
export function assembleAnnouncement(nodeName: string, view: ServiceView, addresses: readonly L2AddressAnnouncement[]): L2Announcement {
  if (addresses.length === 0) {
    return {
      key: view.key,
      node: nodeName,
      announced: false,
      role: 'none',
      reason: 'NoAddress',
      message: `${view.key} has no address in status.loadBalancer.ingress to announce`,
      interfaces: [],
      addresses: [],
    };
  }
  const announced = addresses.filter((a) => a.reason === 'Announced');
  const problem = addresses.find((a) => a.reason !== 'Announced' && a.reason !== 'OwnedByOtherNode');
  const lead = announced[0] ?? problem ?? (addresses[0] as L2AddressAnnouncement);
  let role: L2Role = 'none';
  for (const a of addresses) if (ROLE_RANK[a.role] > ROLE_RANK[role]) role = a.role;
  return {
    key: view.key,
    node: nodeName,
    announced: announced.length > 0,
    role,
    reason: lead.reason,
    message: [...new Set(addresses.map((a) => a.message))].join('; '),
    interfaces: [...new Set(announced.flatMap((a) => a.interfaces))].sort(),
    addresses,
  };
}

/** Standings of every node with a Node object. */
export function nodeStandings(input: Pick<L2Input, 'config' | 'nodes' | 'liveMembers'>): Map<string, NodeStanding> {
  const live = new Set(input.liveMembers);
  const standings = new Map<string, NodeStanding>();
  for (const [name, node] of input.nodes) standings.set(name, nodeStanding(input.config, name, node, live.has(name)));
  return standings;
}

/**
 * Layer 2 mode from scratch: which addresses this node answers for and on which interfaces, and
 * per Service who owns each address and why. Every speaker computes the same owners from the
 * same Nodes, membership, Services and endpoints. The same input in any order gives the same
 * decision; two Services with one key throw (a caller's bug).
 */
export function decideL2(input: L2Input): L2Decision {
  const ctx = l2Context(input.config, input.nodeName, nodeStandings(input), interfaceTable(input.interfaces));
  const views = readServiceViews(input.services, 'decideL2');
  const byAddress = new Map<string, { ip: IP; sharers: Sharer[] }>();
  for (const view of views) {
    for (const ip of view.addresses) {
      const text = formatIP(ip);
      const sharer = { view, endpoints: input.endpoints.get(view.key) };
      const entry = byAddress.get(text);
      if (entry === undefined) byAddress.set(text, { ip, sharers: [sharer] });
      else entry.sharers.push(sharer);
    }
  }
  const results = new Map<string, AddressResult>();
  for (const [text, { ip, sharers }] of byAddress) results.set(text, decideAddress(ctx, ip, electionKey(text), sharers));

  const services = new Map<ServiceKey, L2Announcement>();
  for (const view of views) {
    const addresses = view.addresses.map((ip) => (results.get(formatIP(ip)) as AddressResult).perService.get(view.key) as L2AddressAnnouncement);
    services.set(view.key, assembleAnnouncement(input.nodeName, view, addresses));
  }
  const owned = [...results.values()].flatMap((r) => (r.owned === undefined ? [] : [r.owned])).sort((a, b) => compareIP(a.ip, b.ip));
  return { owned: new Map(owned.map((o) => [o.address, o])), services };
}
