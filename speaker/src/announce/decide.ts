import type { ServiceKey } from '@herald/shared/service/types.js';
import { buildContext } from './context.js';
import { type SlotTable, addContribution, mergeRoute, sortedTable } from './merge.js';
import { type ServiceView, decideService, readServiceView } from './service-decision.js';
import type { BgpDecision, BgpInput, ServiceAnnouncement } from './types.js';

/** Views of the input Services, ascending by key; two Services with one key are a caller's bug, reported as the caller's. */
export function readServiceViews(services: BgpInput['services'], caller = 'decideBgp'): ServiceView[] {
  const views = services.map(readServiceView).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 1; i < views.length; i++) {
    const key = (views[i] as ServiceView).key;
    if ((views[i - 1] as ServiceView).key === key) throw new Error(`${caller}: Service ${key} is listed twice; pass each Service once`);
  }
  return views;
}

/**
 * Everything this node announces over BGP, computed from scratch: the sessions it opens, the
 * routes per peer, and per Service whether and why. The same input in any order gives the same
 * decision.
 */
export function decideBgp(input: BgpInput): BgpDecision {
  const ctx = buildContext(input.config, input.nodeName, input.nodes.get(input.nodeName));
  const services = new Map<ServiceKey, ServiceAnnouncement>();
  const table: SlotTable = new Map();
  for (const view of readServiceViews(input.services)) {
    const outcome = decideService(ctx, view, input.endpoints.get(view.key));
    services.set(view.key, outcome.announcement);
    for (const c of outcome.routes) addContribution(table, view.key, c);
  }
  return { peers: ctx.peers, routes: sortedTable(table, (slot) => mergeRoute(slot.prefix, slot.contributions)), services };
}
