import type { HeraldConfig, PeerConfig } from '@herald/shared/config/types.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import { type AnnounceContext, buildContext } from './context.js';
import { diffRoutes, sameRoute } from './diff.js';
import type { ServiceEndpoints } from './endpoints.js';
import { plainEqual } from './equal.js';
import { type Slot, type SlotTable, addContribution, mergeRoute, sortedTable } from './merge.js';
import type { NodeInput } from './node-eligibility.js';
import { comparePrefixes } from './prefix.js';
import { type ServiceOutcome, type ServiceView, decideService, readServiceView } from './service-decision.js';
import type { BgpDecision, PeerRouteChanges, RouteChanges, RouteIntent, RouteTable, ServiceAnnouncement } from './types.js';

/** What one call changed. */
export interface AnnouncerChanges {
  /** Set when the sessions to open changed (a peer added, removed or reconfigured): the whole new list. */
  readonly peers?: readonly PeerConfig[];
  /** Per peer, the routes to send and withdraw. */
  readonly routes: RouteChanges;
  /** Announcements that changed, ascending by key; undefined for a Service that is gone. */
  readonly services: ReadonlyMap<ServiceKey, ServiceAnnouncement | undefined>;
}

const NOTHING: AnnouncerChanges = { routes: new Map(), services: new Map() };

/**
 * decideBgp kept up to date one event at a time. It remembers each Service's share of each
 * route, so a Service or endpoint change recomputes that Service and only the routes it touches
 * (cost: the Service's own addresses, advertisements and peers, plus the other Services sharing
 * those prefixes). A configuration change, or a change of this node that matters (eligibility,
 * or which peers and advertisements select it), recomputes everything. No I/O, no clock: after
 * any sequence of calls, decision() equals decideBgp of the same inputs.
 */
export class Announcer {
  private ctx: AnnounceContext;
  private node: NodeInput | undefined;
  private readonly views = new Map<ServiceKey, ServiceView>();
  private readonly endpoints = new Map<ServiceKey, ServiceEndpoints>();
  private readonly outcomes = new Map<ServiceKey, ServiceOutcome>();
  private readonly table: SlotTable = new Map();

  constructor(
    config: HeraldConfig,
    private readonly nodeName: string,
    nodes: ReadonlyMap<string, NodeInput> = new Map(),
  ) {
    this.node = nodes.get(nodeName);
    this.ctx = buildContext(config, nodeName, this.node);
  }

  /** A new valid configuration: everything is recomputed. */
  setConfig(config: HeraldConfig): AnnouncerChanges {
    return this.rebuild(buildContext(config, this.nodeName, this.node));
  }

  /** Every Node; only this node's entry is read. */
  setNodes(nodes: ReadonlyMap<string, NodeInput>): AnnouncerChanges {
    return this.setThisNode(nodes.get(this.nodeName));
  }

  /** A Node was added or changed; other nodes than this one change nothing. */
  updateNode(node: NodeInput): AnnouncerChanges {
    return node.metadata?.name === this.nodeName ? this.setThisNode(node) : NOTHING;
  }

  removeNode(name: string): AnnouncerChanges {
    return name === this.nodeName ? this.setThisNode(undefined) : NOTHING;
  }

  /** A Service Herald serves was added or changed. */
  updateService(service: ServiceInput): AnnouncerChanges {
    const view = readServiceView(service);
    this.views.set(view.key, view);
    return this.recomputeService(view.key);
  }

  /** The Service was deleted, or Herald no longer serves it. */
  removeService(key: ServiceKey): AnnouncerChanges {
    if (!this.views.delete(key)) return NOTHING;
    return this.recomputeService(key);
  }

  /** The Service's endpoints changed; undefined means it has none. Kept for Services not seen yet. */
  updateEndpoints(key: ServiceKey, endpoints: ServiceEndpoints | undefined): AnnouncerChanges {
    if (endpoints === undefined) this.endpoints.delete(key);
    else this.endpoints.set(key, endpoints);
    return this.views.has(key) ? this.recomputeService(key) : NOTHING;
  }

  announcement(key: ServiceKey): ServiceAnnouncement | undefined {
    return this.outcomes.get(key)?.announcement;
  }

  /** The whole current decision, in decideBgp's order. O(routes + Services): for start-up and tests, not per event. */
  decision(): BgpDecision {
    const services = new Map<ServiceKey, ServiceAnnouncement>();
    for (const key of [...this.outcomes.keys()].sort()) services.set(key, (this.outcomes.get(key) as ServiceOutcome).announcement);
    return { peers: this.ctx.peers, routes: this.routeTable(), services };
  }

  private routeTable(): RouteTable {
    return sortedTable(this.table, (slot) => slot.intent ?? mergeRoute(slot.prefix, slot.contributions));
  }

  private setThisNode(node: NodeInput | undefined): AnnouncerChanges {
    const next = buildContext(this.ctx.config, this.nodeName, node);
    this.node = node;
    if (sameNodeView(this.ctx, next)) {
      this.ctx = next;
      return NOTHING;
    }
    return this.rebuild(next);
  }

  private rebuild(ctx: AnnounceContext): AnnouncerChanges {
    const before = this.routeTable();
    const previousPeers = this.ctx.peers;
    const previous = new Map(this.outcomes);
    this.ctx = ctx;
    this.outcomes.clear();
    this.table.clear();
    for (const [key, view] of this.views) {
      const outcome = decideService(ctx, view, this.endpoints.get(key));
      this.outcomes.set(key, outcome);
      for (const c of outcome.routes) addContribution(this.table, key, c);
    }
    for (const byPrefix of this.table.values()) for (const slot of byPrefix.values()) slot.intent = mergeRoute(slot.prefix, slot.contributions);
    const services = new Map<ServiceKey, ServiceAnnouncement | undefined>();
    for (const key of [...this.outcomes.keys()].sort()) {
      const announcement = (this.outcomes.get(key) as ServiceOutcome).announcement;
      if (!plainEqual(previous.get(key)?.announcement, announcement)) services.set(key, announcement);
    }
    const routes = diffRoutes(before, this.routeTable());
    return plainEqual(previousPeers, ctx.peers) ? { routes, services } : { peers: ctx.peers, routes, services };
  }

  private recomputeService(key: ServiceKey): AnnouncerChanges {
    const old = this.outcomes.get(key);
    const view = this.views.get(key);
    const next = view === undefined ? undefined : decideService(this.ctx, view, this.endpoints.get(key));
    if (next === undefined) this.outcomes.delete(key);
    else this.outcomes.set(key, next);
    const services = plainEqual(old?.announcement, next?.announcement) ? new Map() : new Map([[key, next?.announcement]]);
    if (plainEqual(old?.routes ?? [], next?.routes ?? [])) return { routes: new Map(), services };

    const touched = new Map<string, Map<string, Slot>>();
    const touch = (peer: string, prefixKey: string, slot: Slot): void => {
      let byPrefix = touched.get(peer);
      if (byPrefix === undefined) touched.set(peer, (byPrefix = new Map()));
      byPrefix.set(prefixKey, slot);
    };
    for (const c of old?.routes ?? []) {
      const slot = this.table.get(c.peer)?.get(c.prefixKey);
      if (slot === undefined) continue;
      slot.contributions.delete(key);
      touch(c.peer, c.prefixKey, slot);
    }
    for (const c of next?.routes ?? []) touch(c.peer, c.prefixKey, addContribution(this.table, key, c));

    const routes = new Map<string, PeerRouteChanges>();
    for (const peer of [...touched.keys()].sort()) {
      const added: RouteIntent[] = [];
      const changed: RouteIntent[] = [];
      const withdrawn: RouteIntent[] = [];
      for (const [prefixKey, slot] of touched.get(peer) as Map<string, Slot>) {
        if (slot.contributions.size === 0) {
          const byPrefix = this.table.get(peer);
          byPrefix?.delete(prefixKey);
          if (byPrefix?.size === 0) this.table.delete(peer);
          if (slot.intent !== undefined) withdrawn.push(slot.intent);
          continue;
        }
        const intent = mergeRoute(slot.prefix, slot.contributions);
        if (slot.intent === undefined) added.push(intent);
        else if (!sameRoute(slot.intent, intent)) changed.push(intent);
        slot.intent = intent;
      }
      if (added.length + changed.length + withdrawn.length === 0) continue;
      const order = (a: RouteIntent, b: RouteIntent): number => comparePrefixes(a.prefix, b.prefix);
      routes.set(peer, { added: added.sort(order), changed: changed.sort(order), withdrawn: withdrawn.sort(order) });
    }
    return { routes, services };
  }
}

/** Whether two contexts for this node decide every Service alike: same eligibility, same sessions, same advertisements selecting it. */
function sameNodeView(a: AnnounceContext, b: AnnounceContext): boolean {
  if (!plainEqual(a.eligibility, b.eligibility)) return false;
  if (a.peers.length !== b.peers.length || a.peers.some((p, i) => p !== b.peers[i])) return false;
  for (const [pool, ads] of a.advertisementsByPool) {
    const other = b.advertisementsByPool.get(pool);
    if (other === undefined || ads.some((ad, i) => ad.selectsNode !== other[i]?.selectsNode)) return false;
  }
  return true;
}
