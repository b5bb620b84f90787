// GoBGP as the benchmark's reference speaker: many routes loaded into gobgpd before its session
// comes up, then timed into and out of the router's table.
//
// Loading: `gobgp mrt inject global` streams a dump's paths over one gRPC call (100,000 routes in
// about 2 s), but gobgp 3.10's CLI hangs up as soon as it has sent the last path, and gobgpd drops
// what it had not yet taken in (a third of 1,000 arrived). So the dump goes through a FIFO that
// stays open until gobgpd holds every route; only then does the CLI see the end and close.

import { execFileSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { startGoBgp, type GoBgp } from './gobgp.js';
import type { Lab, LabHost } from './lab.js';
import { consecutiveHostRoutes, mrtRibDump } from './mrt.js';
import { peakRssBytes, resetPeakRss } from './procs.js';
import { waitForRouteCount, waitForSessionState } from './route-count.js';
import { familyOf } from './router-state.js';
import { WaitAborted, waitFor } from './wait.js';

/** Paths in gobgpd's global table for one family. */
export async function goBgpPathCount(gobgp: GoBgp, family: 'ipv4' | 'ipv6'): Promise<number> {
  const summary = JSON.parse(await gobgp.cli(['-j', 'global', 'rib', '-a', family, 'summary'])) as { num_path?: number };
  return summary.num_path ?? 0;
}

/**
 * Adds the prefixes (one family, none in the table yet) to gobgpd's global table as locally
 * originated routes (ORIGIN IGP, empty AS path, next hop self); resolves to the milliseconds it took.
 */
export async function injectRoutes(lab: Lab, gobgp: GoBgp, prefixes: readonly string[], timeoutMs = 120000): Promise<number> {
  const first = prefixes[0];
  if (first === undefined) return 0;
  const family = familyOf(first);
  const started = performance.now();
  const expected = (await goBgpPathCount(gobgp, family)) + prefixes.length;
  const node = gobgp.node;
  const name = `inject-${node.name}-${family}-${Date.now()}`;
  const fifo = join(lab.runDir, `${name}.mrt`);
  execFileSync('mkfifo', [fifo]);
  const data = mrtRibDump({ routerId: node.ipv4, peerAddress: node.ipv4, peerAs: gobgp.asn, prefixes });
  const cli = lab.spawn(node, ['gobgp', '-u', '127.0.0.1', '-p', String(gobgp.apiPort), 'mrt', 'inject', 'global', fifo], { name });
  // Opening a FIFO for writing waits for its reader, the CLI.
  const writer = await open(fifo, 'w');
  try {
    await writer.write(data);
    await waitFor(
      async () => {
        if (!cli.running()) throw new WaitAborted(`gobgp mrt inject on ${node.name} exited early:\n${cli.logTail()}`);
        return (await goBgpPathCount(gobgp, family)) >= expected;
      },
      timeoutMs,
      { what: `gobgpd on ${node.name} to hold ${expected} ${family} paths`, intervalMs: 20 },
    );
  } finally {
    await writer.close();
  }
  await waitFor(() => !cli.running(), 10000, { what: `gobgp mrt inject on ${node.name} to exit`, intervalMs: 10 });
  const exit = await cli.exited;
  if (exit.code !== 0) throw new Error(`gobgp mrt inject on ${node.name} failed (${JSON.stringify(exit)}):\n${cli.logTail()}`);
  return performance.now() - started;
}

/** Withdraws every route of the family from gobgpd's global table (gobgpd sends one UPDATE per prefix). */
export async function withdrawAllRoutes(gobgp: GoBgp, family: 'ipv4' | 'ipv6'): Promise<void> {
  await gobgp.cli(['global', 'rib', '-a', family, 'del', 'all']);
}

export interface RouteLoad {
  routes: number;
  /** Loading the routes into gobgpd, before its session started (not part of the comparison). */
  injectMs: number;
  /** From the router seeing the session Established to the router holding every route. */
  establishedToAllMs: number;
  /** From asking gobgpd to withdraw everything to the router holding none. */
  withdrawAllMs: number;
  /** gobgpd's peak resident memory from holding all routes (loaded) through announcing and withdrawing them. */
  peakRssBytes: number;
}

export interface RouteLoadOptions {
  /** First of the consecutive /32s (default 100.64.0.0). */
  firstAddress?: string;
  timeoutMs?: number;
}

/**
 * The benchmark's GoBGP half for `n` IPv4 /32s from one node: gobgpd (IPv4 session only,
 * started after the routes are loaded) into the router and out again. Polls the router every
 * 5 ms; its peak memory is counted from the end of loading. Stops gobgpd at the end. The node
 * must not run another speaker meanwhile.
 */
export async function measureGoBgpRouteLoad(lab: Lab, node: LabHost, n: number, opts: RouteLoadOptions = {}): Promise<RouteLoad> {
  const timeoutMs = opts.timeoutMs ?? 300000;
  const gobgp = await startGoBgp(lab, node, { adminDown: true, ipv6: false, tag: `load-${n}` });
  try {
    const injectMs = await injectRoutes(lab, gobgp, consecutiveHostRoutes(opts.firstAddress ?? '100.64.0.0', n), timeoutMs);
    // The gRPC stream's buffers are not what a speaker needs to hold its routes: measure from here.
    resetPeakRss(gobgp.process.pid);
    await gobgp.enable();
    const established = await waitForSessionState(lab, node.ipv4, 'Established', { timeoutMs: 30000 });
    const all = await waitForRouteCount(lab, n, { peer: node.ipv4, timeoutMs });
    const withdrawStart = performance.now();
    await withdrawAllRoutes(gobgp, 'ipv4');
    const none = await waitForRouteCount(lab, 0, { peer: node.ipv4, timeoutMs });
    const peak = peakRssBytes(gobgp.process.pid);
    if (peak === undefined) throw new Error(`gobgpd on ${node.name} exited before its memory was read:\n${gobgp.process.logTail()}`);
    return {
      routes: n,
      injectMs,
      establishedToAllMs: all.at - established,
      withdrawAllMs: none.at - withdrawStart,
      peakRssBytes: peak,
    };
  } finally {
    await gobgp.stop();
  }
}
