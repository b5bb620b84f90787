/**
 * Which session a received Control packet belongs to (RFC 5880 section 6.8.6, RFC 5881 section 3),
 * and the local discriminators that make that choice possible. Pure.
 */

import { MAX_U32, type ControlPacket } from './packet.js';

export interface Demuxable {
  readonly localDiscriminator: number;
  /** The peer's address in canonical text, as formatIP writes it. */
  readonly peer: string;
}

export type Selection<R> = { readonly ok: true; readonly receiver: R } | { readonly ok: false; readonly reason: string };

/**
 * A nonzero Your Discriminator names the session; it must also be the session of the address the
 * packet came from, since single-hop BFD is bound to one neighbour. A zero one (the peer has not
 * heard from us yet) is matched by source address alone.
 */
export function selectReceiver<R extends Demuxable>(
  packet: ControlPacket,
  source: string,
  byDiscriminator: ReadonlyMap<number, R>,
  byPeer: ReadonlyMap<string, R>,
): Selection<R> {
  if (packet.yourDiscriminator !== 0) {
    const receiver = byDiscriminator.get(packet.yourDiscriminator);
    if (!receiver) return { ok: false, reason: `no session has discriminator ${packet.yourDiscriminator}` };
    if (receiver.peer !== source) {
      return { ok: false, reason: `discriminator ${packet.yourDiscriminator} belongs to the session with ${receiver.peer}, not ${source}` };
    }
    return { ok: true, receiver };
  }
  const receiver = byPeer.get(source);
  return receiver ? { ok: true, receiver } : { ok: false, reason: `no session with peer ${source} on this address` };
}

/**
 * A local discriminator: nonzero, unique among those in use, and random so that a packet meant for
 * a session that restarted is unlikely to match the new one (RFC 5880 section 6.3).
 * `randomU32` returns an integer in [0, 2^32).
 */
export function pickDiscriminator(inUse: ReadonlySet<number>, randomU32: () => number): number {
  if (inUse.size >= MAX_U32) throw new Error('BFD: every local discriminator is in use');
  for (;;) {
    const d = randomU32() >>> 0;
    if (d !== 0 && !inUse.has(d)) return d;
  }
}
