import { type OutboundRoute, encodeUpdates } from '../codec/index.js';
import type { AddressFamily, Prefix, SessionCodecOptions } from '../messages.js';
import type { AdjRibOut } from './adj-rib-out.js';
import type { FrameSink } from './connection.js';
import { type ExportPolicy, prepareRoute } from './outbound.js';

/**
 * Routes encoded per write. Bounds what one write puts in memory (a few hundred kilobytes even
 * when every route has attributes of its own) while keeping UPDATEs well packed.
 */
export const ROUTES_PER_BATCH = 2048;

export interface SendPlan {
  readonly rib: AdjRibOut;
  readonly desired: ReadonlyMap<string, OutboundRoute>;
  /** Only these prefixes changed since the last send (see AdjRibOut.changes); every prefix when absent. */
  readonly keys?: ReadonlySet<string>;
  readonly families: readonly AddressFamily[];
  readonly policy: ExportPolicy;
  readonly codec: SessionCodecOptions;
}

export interface SendSummary {
  readonly announced: number;
  readonly withdrawn: number;
  /** False when the connection closed before everything was handed to it. */
  readonly complete: boolean;
}

/**
 * Sends what the peer lacks, withdrawals first, in batches; waits for the socket to drain
 * whenever it says its buffer is full, so a table of 100,000 routes is never all in memory as
 * bytes at once. The Adj-RIB-Out records each batch as it is handed to the socket, before any
 * wait, so a session that ends meanwhile cannot have a stale batch recorded in its successor.
 */
export async function sendChanges(plan: SendPlan, sink: FrameSink): Promise<SendSummary> {
  const { announce, withdraw, generations } = plan.rib.changes(plan.desired, plan.families, plan.keys);
  let announced = 0;
  let withdrawn = 0;
  for (let i = 0; i < withdraw.length; i += ROUTES_PER_BATCH) {
    const batch = withdraw.slice(i, i + ROUTES_PER_BATCH);
    const prefixes: Prefix[] = batch.map(([, prefix]) => prefix);
    const accepted = writeFrames(sink, encodeUpdates([], prefixes, plan.codec));
    for (const [key] of batch) plan.rib.recordWithdrawn(key);
    withdrawn += batch.length;
    if (!accepted && !(await sink.drained())) return { announced, withdrawn, complete: false };
  }
  for (let i = 0; i < announce.length; i += ROUTES_PER_BATCH) {
    const batch = announce.slice(i, i + ROUTES_PER_BATCH);
    const routes = batch.map(([, route]) => prepareRoute(route, plan.policy));
    const accepted = writeFrames(sink, encodeUpdates(routes, [], plan.codec));
    for (const [key, route] of batch) plan.rib.recordAnnounced(key, route, generations);
    announced += batch.length;
    if (!accepted && !(await sink.drained())) return { announced, withdrawn, complete: false };
  }
  return { announced, withdrawn, complete: true };
}

/** Many messages in one write; false when the socket wants a drain first. */
function writeFrames(sink: FrameSink, frames: readonly Uint8Array[]): boolean {
  if (frames.length === 0) return true;
  return sink.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
}

/** Writes, then waits for the socket to drain if it asked to: false if it closed meanwhile. */
export async function writeAll(sink: FrameSink, frames: readonly Uint8Array[]): Promise<boolean> {
  return writeFrames(sink, frames) || sink.drained();
}
