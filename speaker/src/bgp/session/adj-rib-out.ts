import type { OutboundRoute } from '../codec/index.js';
import type { AddressFamily, Prefix } from '../messages.js';
import { AFI_IPV4, AFI_IPV6 } from '../messages.js';

export interface RibChange {
  /** Keyed by prefix text; new routes and routes whose attributes or next hop changed. */
  readonly announce: readonly (readonly [string, OutboundRoute])[];
  readonly withdraw: readonly (readonly [string, Prefix])[];
  /** The generations the change was computed against; recorded with each route sent. */
  readonly generations: Generations;
}

export interface Generations {
  readonly 4: number;
  readonly 6: number;
}

interface SentRoute {
  readonly route: OutboundRoute;
  /** The family's generation when sent: an older one means the peer must be sent it again. */
  readonly generation: number;
}

/**
 * What one peer holds from us (RFC 4271 section 3.2, Adj-RIB-Out), so a new desired table turns
 * into only the UPDATEs that close the gap. Routes are the caller's, before export policy.
 */
export class AdjRibOut {
  private readonly sent = new Map<string, SentRoute>();
  private generations: Generations = { 4: 0, 6: 0 };

  get size(): number {
    return this.sent.size;
  }

  /**
   * What to send so the peer holds `desired`, restricted to the negotiated families (a route of
   * another family waits until a session that speaks it). With `keys`, only those prefixes are
   * compared: the caller vouches that `desired` differs from the table of the last call in
   * those alone, and a change of one Service among 10,000 then costs its own prefixes, not a
   * walk of both tables.
   */
  changes(desired: ReadonlyMap<string, OutboundRoute>, families: readonly AddressFamily[], keys?: Iterable<string>): RibChange {
    const speaks = { 4: families.some((f) => f.afi === AFI_IPV4), 6: families.some((f) => f.afi === AFI_IPV6) };
    const announce: [string, OutboundRoute][] = [];
    const withdraw: [string, Prefix][] = [];
    const compare = (key: string, route: OutboundRoute): void => {
      const family = route.prefix.family;
      if (!speaks[family]) return;
      const held = this.sent.get(key);
      if (held === undefined || held.generation < this.generations[family] || !sameRoute(held.route, route)) {
        announce.push([key, route]);
      }
    };
    if (keys !== undefined) {
      for (const key of keys instanceof Set ? keys : new Set(keys)) {
        const route = desired.get(key);
        const held = this.sent.get(key);
        if (route !== undefined) compare(key, route);
        if (held !== undefined && (route === undefined || !speaks[route.prefix.family])) withdraw.push([key, held.route.prefix]);
      }
      return { announce, withdraw, generations: this.generations };
    }
    for (const [key, route] of desired) compare(key, route);
    for (const [key, held] of this.sent) {
      const wanted = desired.get(key);
      if (wanted === undefined || !speaks[wanted.prefix.family]) withdraw.push([key, held.route.prefix]);
    }
    return { announce, withdraw, generations: this.generations };
  }

  /**
   * The peer now holds `route`, as of `generations`: a resend() requested while the change was on
   * its way leaves the route marked for sending again.
   */
  recordAnnounced(key: string, route: OutboundRoute, generations: Generations): void {
    this.sent.set(key, { route, generation: generations[route.prefix.family] });
  }

  recordWithdrawn(key: string): void {
    this.sent.delete(key);
  }

  /** The peer asked for everything again (route refresh) or every route changes its tags: resend all of a family. */
  resend(family: 4 | 6): void {
    this.generations = { ...this.generations, [family]: this.generations[family] + 1 };
  }
}

/** Structural equality of two routes; the same object (the common case) is answered at once. */
export function sameRoute(a: OutboundRoute, b: OutboundRoute): boolean {
  return a === b || sameValue(a, b);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  const aKeys = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bKeys = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    aKeys.length === bKeys.length &&
    aKeys.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
