/**
 * Replay protection. Pure.
 *
 * Every datagram carries the sender's stamp: its wall clock in microseconds, forced strictly
 * increasing by the sender (stamp = max(clock, previous + 1)). The receiver drops a datagram
 *
 *   - `stale` when the stamp is more than `maxAgeMs` behind or `maxSkewMs` ahead of its own
 *     clock (so clocks must agree within those, which NTP on cluster nodes gives by far);
 *   - `replayed` when the stamp was already accepted from that sender, or is more than
 *     `reorderMs` behind the newest stamp accepted from it.
 *
 * Per sender it keeps the newest stamp and the stamps accepted within `reorderMs` behind it
 * (a datagram overtaken by a later one on the way is still accepted). A sender not heard from
 * for `maxAgeMs` is forgotten: anything it sent before that is stale anyway. A restarted sender
 * continues from its clock, above what it sent before, unless its clock was stepped back by
 * more than the time it was down; then its datagrams are dropped until its clock passes its old
 * stamps or the receivers forget it (`maxAgeMs` after its last accepted datagram).
 */

export interface ReplayConfig {
  readonly maxAgeMs: number;
  readonly maxSkewMs: number;
  readonly reorderMs: number;
}

export const DEFAULT_REPLAY_CONFIG: ReplayConfig = { maxAgeMs: 30_000, maxSkewMs: 30_000, reorderMs: 2000 };

interface SenderWindow {
  readonly newest: number;
  /** Accepted stamps within reorderMs behind `newest`, ascending. */
  readonly recent: readonly number[];
}

/**
 * Senders spread over buckets by a hash of the name, so that accepting a datagram copies one
 * small bucket and the list of buckets, not every sender.
 */
export interface ReplayState {
  readonly buckets: readonly ReadonlyMap<string, SenderWindow>[];
}

const BUCKETS = 32;

export const EMPTY_REPLAY_STATE: ReplayState = { buckets: Array.from({ length: BUCKETS }, () => new Map()) };

function bucketOf(sender: string): number {
  let h = 0;
  for (let i = 0; i < sender.length; i++) h = (Math.imul(h, 31) + sender.charCodeAt(i)) | 0;
  return (h >>> 0) % BUCKETS;
}

/** How many senders are remembered. */
export function rememberedSenders(state: ReplayState): number {
  return state.buckets.reduce((n, b) => n + b.size, 0);
}

/** Bounds the memory per sender whatever its rate: past this many, the oldest are let go. */
const MAX_RECENT = 512;

export type ReplayVerdict = { ok: true; state: ReplayState } | { ok: false; reason: 'stale' | 'replayed'; detail: string };

export function checkReplay(state: ReplayState, sender: string, stamp: number, nowUs: number, config: ReplayConfig): ReplayVerdict {
  if (stamp < nowUs - config.maxAgeMs * 1000) {
    return { ok: false, reason: 'stale', detail: `from ${sender}: ${((nowUs - stamp) / 1000).toFixed(0)} ms old, over ${config.maxAgeMs} ms` };
  }
  if (stamp > nowUs + config.maxSkewMs * 1000) {
    return { ok: false, reason: 'stale', detail: `from ${sender}: ${((stamp - nowUs) / 1000).toFixed(0)} ms ahead of this clock, over ${config.maxSkewMs} ms` };
  }
  const index = bucketOf(sender);
  const bucket = state.buckets[index] ?? new Map<string, SenderWindow>();
  const window = bucket.get(sender);
  let next: SenderWindow;
  if (!window || stamp > window.newest) {
    const floor = stamp - config.reorderMs * 1000;
    const kept = (window?.recent ?? []).filter((s) => s > floor);
    next = { newest: stamp, recent: [...kept, stamp].slice(-MAX_RECENT) };
  } else {
    const floor = window.newest - config.reorderMs * 1000;
    const forgotten = window.recent.length >= MAX_RECENT && stamp < (window.recent[0] ?? floor);
    if (stamp <= floor || forgotten || window.recent.includes(stamp)) {
      return { ok: false, reason: 'replayed', detail: `from ${sender}: stamp ${stamp} seen before or ${((window.newest - stamp) / 1000).toFixed(0)} ms behind its newest` };
    }
    next = { newest: window.newest, recent: insertSorted(window.recent, stamp).slice(-MAX_RECENT) };
  }
  const buckets = [...state.buckets];
  buckets[index] = new Map(bucket).set(sender, next);
  return { ok: true, state: { buckets } };
}

function insertSorted(values: readonly number[], value: number): number[] {
  const at = values.findIndex((v) => v > value);
  return at === -1 ? [...values, value] : [...values.slice(0, at), value, ...values.slice(at)];
}

/** Forgets senders whose newest stamp is older than the freshness window. */
export function pruneReplay(state: ReplayState, nowUs: number, config: ReplayConfig): ReplayState {
  const floor = nowUs - config.maxAgeMs * 1000;
  return { buckets: state.buckets.map((b) => new Map([...b].filter(([, w]) => w.newest >= floor))) };
}
