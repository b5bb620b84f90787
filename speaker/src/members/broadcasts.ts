/**
 * Updates waiting to ride on outgoing datagrams (SWIM's infection-style dissemination). Pure.
 *
 * One entry per member: a newer update about a member replaces the older one. Each datagram
 * takes the entries sent the fewest times first (the newest first among equals), those about
 * the datagram's target before all (so a suspected member hears of it on the next ping and can
 * refute at once), as many as fit; an entry is dropped once it has ridden on `limit` datagrams.
 */

import { updateSize, MAX_UPDATES } from './codec.js';
import type { Update } from './messages.js';

export interface Broadcast {
  readonly update: Update;
  readonly transmits: number;
  /** Order of queueing, to prefer the newest among entries sent as often. */
  readonly order: number;
}

export function queueBroadcast(queue: readonly Broadcast[], update: Update, order: number): Broadcast[] {
  return [...queue.filter((b) => b.update.name !== update.name), { update, transmits: 0, order }];
}

export interface Taken {
  readonly updates: Update[];
  readonly queue: Broadcast[];
}

export function takeBroadcasts(queue: readonly Broadcast[], budgetBytes: number, limit: number, prefer?: string): Taken {
  const ranked = [...queue].sort(
    (a, b) => Number(b.update.name === prefer) - Number(a.update.name === prefer) || a.transmits - b.transmits || b.order - a.order,
  );
  const updates: Update[] = [];
  const taken = new Set<Broadcast>();
  let room = budgetBytes;
  for (const entry of ranked) {
    if (updates.length >= MAX_UPDATES) break;
    const size = updateSize(entry.update);
    if (size > room) continue;
    room -= size;
    updates.push(entry.update);
    taken.add(entry);
  }
  if (taken.size === 0) return { updates, queue: [...queue] };
  const next = queue.flatMap((b) => (!taken.has(b) ? [b] : b.transmits + 1 >= limit ? [] : [{ ...b, transmits: b.transmits + 1 }]));
  return { updates, queue: next };
}

/** Splits updates into runs that each fit `budgetBytes` (and the per-datagram count). */
export function chunkUpdates(updates: readonly Update[], budgetBytes: number): Update[][] {
  const chunks: Update[][] = [];
  let current: Update[] = [];
  let room = budgetBytes;
  for (const update of updates) {
    const size = updateSize(update);
    if (current.length > 0 && (size > room || current.length >= MAX_UPDATES)) {
      chunks.push(current);
      current = [];
      room = budgetBytes;
    }
    current.push(update);
    room -= size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
