import type { LargeCommunity } from '../bgp/messages.js';
import { comparePrefixes } from './prefix.js';
import type { PeerRouteChanges, RouteChanges, RouteIntent, RouteTable } from './types.js';

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => same(x, b[i] as T)));
}

function sameLarge(a: LargeCommunity, b: LargeCommunity): boolean {
  return a.globalAdministrator === b.globalAdministrator && a.localData1 === b.localData1 && a.localData2 === b.localData2;
}

/** Whether the two would be sent as the same path attributes (Services aside). */
export function sameAttributes(a: RouteIntent, b: RouteIntent): boolean {
  return (
    a.prefix.family === b.prefix.family &&
    a.prefix.network === b.prefix.network &&
    a.prefix.length === b.prefix.length &&
    a.localPref === b.localPref &&
    a.linkBandwidth === b.linkBandwidth &&
    sameList(a.communities, b.communities, (x, y) => x === y) &&
    sameList(a.largeCommunities, b.largeCommunities, sameLarge)
  );
}

export function sameRoute(a: RouteIntent, b: RouteIntent): boolean {
  return sameAttributes(a, b) && sameList(a.services, b.services, (x, y) => x === y);
}

const byPrefix = (a: RouteIntent, b: RouteIntent): number => comparePrefixes(a.prefix, b.prefix);

/** One peer's changes from `before` to `after`, or undefined when there are none. */
export function diffPeer(before: ReadonlyMap<string, RouteIntent> | undefined, after: ReadonlyMap<string, RouteIntent> | undefined): PeerRouteChanges | undefined {
  const added: RouteIntent[] = [];
  const changed: RouteIntent[] = [];
  const withdrawn: RouteIntent[] = [];
  for (const [key, route] of after ?? []) {
    const old = before?.get(key);
    if (old === undefined) added.push(route);
    else if (!sameRoute(old, route)) changed.push(route);
  }
  for (const [key, route] of before ?? []) if (after?.has(key) !== true) withdrawn.push(route);
  if (added.length + changed.length + withdrawn.length === 0) return undefined;
  return { added: added.sort(byPrefix), changed: changed.sort(byPrefix), withdrawn: withdrawn.sort(byPrefix) };
}

/**
 * What to send each peer to go from `previous` to `next`: new prefixes, prefixes whose route
 * differs (in attributes, or only in the Services it carries: see sameAttributes), and prefixes
 * to withdraw. A peer missing from `next` has everything withdrawn. Peers ascending by name.
 */
export function diffRoutes(previous: RouteTable, next: RouteTable): RouteChanges {
  const out = new Map<string, PeerRouteChanges>();
  for (const peer of [...new Set([...previous.keys(), ...next.keys()])].sort()) {
    const changes = diffPeer(previous.get(peer), next.get(peer));
    if (changes !== undefined) out.set(peer, changes);
  }
  return out;
}
