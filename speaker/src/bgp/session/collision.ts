import { formatRouterId } from './negotiation.js';
import type { SessionState } from './fsm-types.js';

/** Who opened a TCP connection. */
export type Direction = 'outgoing' | 'incoming';

/** What to do with a connection the peer opens, given the state of the one we have. */
export type IncomingPlan =
  /** Stopped: the peer is not wanted. */
  | 'refuse'
  /** No BGP conversation yet: take the peer's connection. */
  | 'adopt'
  /** A conversation is under way: send OPEN on the new connection too; its OPEN settles the collision. */
  | 'hold';

export function planIncoming(state: SessionState): IncomingPlan {
  switch (state) {
    case 'Idle':
      return 'refuse';
    case 'Connect':
    case 'Active':
      return 'adopt';
    case 'OpenSent':
    case 'OpenConfirm':
    case 'Established':
      return 'hold';
  }
}

export interface CollisionInput {
  readonly existingState: 'OpenSent' | 'OpenConfirm' | 'Established';
  readonly existingDirection: Direction;
  readonly newDirection: Direction;
  readonly localId: number;
  readonly localAsn: number;
  /** From the OPEN received on the new connection. */
  readonly remoteId: number;
  readonly remoteAsn: number;
  /** We do graceful restart and the new OPEN carries the capability: the peer has restarted. */
  readonly peerRestarted: boolean;
}

export interface CollisionOutcome {
  readonly keep: 'existing' | 'new';
  readonly reason: string;
}

/**
 * RFC 4271 section 6.8: of two connections between the same speakers, keep the one opened by the
 * speaker with the higher BGP identifier; RFC 6286 section 2.3 breaks a tie of identifiers (legal
 * on eBGP) by the higher AS. Both speakers decide alike, whichever connection each took first. An
 * Established session is kept, except that a peer that advertises graceful restart and opens a new
 * connection has restarted (RFC 4724 section 4.2): the old session is dead on its side.
 */
export function resolveCollision(input: CollisionInput): CollisionOutcome {
  if (input.existingState === 'Established') {
    return input.peerRestarted && input.newDirection === 'incoming'
      ? { keep: 'new', reason: 'the peer restarted (graceful restart) and opened a new connection' }
      : { keep: 'existing', reason: 'a session is already Established; the new connection is refused' };
  }
  if (input.existingDirection === input.newDirection) {
    return { keep: 'new', reason: 'the peer opened a second connection, so it has given up its first' };
  }
  const local = `${formatRouterId(input.localId)} (AS ${input.localAsn})`;
  const remote = `${formatRouterId(input.remoteId)} (AS ${input.remoteAsn})`;
  const localWins =
    input.localId !== input.remoteId ? input.localId > input.remoteId : input.localAsn >= input.remoteAsn;
  const keep = input.existingDirection === (localWins ? 'outgoing' : 'incoming') ? 'existing' : 'new';
  return localWins
    ? { keep, reason: `collision: our identifier ${local} is higher than ${remote}; keeping the connection we opened` }
    : { keep, reason: `collision: the peer's identifier ${remote} is higher than ${local}; keeping the connection it opened` };
}
