// How many routes the lab router has received, asked cheaply enough to poll every few
// milliseconds while a speaker fills it with 100,000 routes (FRR's summary over its vty socket
// answers in about half a millisecond).

import type { Lab } from './lab.js';
import { frrVty } from './frr-vty.js';
import { parseFrrSummary } from './parse-frr.js';
import { familyOf, type BgpNeighbor } from './router-state.js';
import { bgpNeighbors } from './router-view.js';
import { waitFor } from './wait.js';

export interface RouteCountOptions {
  /** Address family of the routes (default ipv4). */
  family?: 'ipv4' | 'ipv6';
  /** Count only what this neighbour sent (an address of a node); every neighbour of the family otherwise. */
  peer?: string;
}

/**
 * State and prefixes received per neighbour of one family, by the cheapest question each router
 * answers: FRR's summary over its vty socket; the neighbour lists of BIRD and GoBGP.
 */
async function neighbourCounts(lab: Lab, family: 'ipv4' | 'ipv6'): Promise<Map<string, Pick<BgpNeighbor, 'state' | 'prefixesReceived'>>> {
  const c = lab.routerControl;
  if (c.kind === 'frr') return parseFrrSummary(await frrVty(c.vtySocketDir, 'bgpd', `show bgp ${family} unicast summary json`));
  return new Map((await bgpNeighbors(lab)).filter((n) => n.family === family).map((n) => [n.address, n]));
}

/** Prefixes the router holds from its neighbours in one family (FRR: pfxRcd; BIRD: imported; GoBGP: accepted). */
export async function routeCountOnRouter(lab: Lab, opts: RouteCountOptions = {}): Promise<number> {
  const counts = await neighbourCounts(lab, opts.family ?? 'ipv4');
  if (opts.peer !== undefined) return counts.get(opts.peer)?.prefixesReceived ?? 0;
  return [...counts.values()].reduce((sum, n) => sum + n.prefixesReceived, 0);
}

export interface RouteCountWait extends RouteCountOptions {
  timeoutMs?: number;
  /** Between polls (default 5 ms: the answer's time is what a benchmark measures). */
  intervalMs?: number;
}

export interface RouteCountReached {
  count: number;
  /** `performance.now()` when the poll that saw it was answered. */
  at: number;
}

/** Resolves once the router holds exactly `n` routes (see routeCountOnRouter), with when it saw them. */
export async function waitForRouteCount(lab: Lab, n: number, opts: RouteCountWait = {}): Promise<RouteCountReached> {
  const what = `${n} ${opts.family ?? 'ipv4'} routes on the router${opts.peer ? ` from ${opts.peer}` : ''}`;
  return waitFor(
    async () => {
      const count = await routeCountOnRouter(lab, opts);
      return count === n ? { count, at: performance.now() } : false;
    },
    opts.timeoutMs ?? 60000,
    { what, intervalMs: opts.intervalMs ?? 5 },
  );
}

/** Resolves once the router's session with the neighbour at `address` is in `state`, with when it saw it. */
export async function waitForSessionState(
  lab: Lab,
  address: string,
  state = 'Established',
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<number> {
  return waitFor(
    async () => ((await neighbourCounts(lab, familyOf(address))).get(address)?.state === state ? performance.now() : false),
    opts.timeoutMs ?? 15000,
    { what: `the router's session with ${address} to be ${state}`, intervalMs: opts.intervalMs ?? 5 },
  );
}
