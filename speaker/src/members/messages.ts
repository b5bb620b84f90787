// What members say to each other, as data. The wire format is in codec.ts.

import type { MemberAddress } from './address.js';

export type MemberStatus = 'alive' | 'suspect' | 'dead' | 'left';

/**
 * News about one member, spread by piggybacking on other messages. An update about a member
 * carries the incarnation it refers to; incarnation.ts says which update wins.
 */
export type Update =
  /** The member is alive at this incarnation, reachable at `address` (its own claim). */
  | { readonly kind: 'alive'; readonly name: string; readonly incarnation: number; readonly address: MemberAddress }
  /** `from` found the member unresponsive. */
  | { readonly kind: 'suspect'; readonly name: string; readonly incarnation: number; readonly from: string }
  /** `from` declared the member dead when its suspicion ran out. */
  | { readonly kind: 'dead'; readonly name: string; readonly incarnation: number; readonly from: string }
  /** The member said it leaves (graceful shutdown). */
  | { readonly kind: 'left'; readonly name: string; readonly incarnation: number };

export type Body =
  /** Are you there? `target` is the member the sender means: another at that address stays silent. */
  | { readonly type: 'ping'; readonly seq: number; readonly target: string }
  | { readonly type: 'ack'; readonly seq: number }
  /** Ping `target` for me and forward its ack, with my `seq`. */
  | { readonly type: 'ping-req'; readonly seq: number; readonly target: string; readonly targetAddress: MemberAddress }
  /** From a relay: I am here, but the target of your ping-req `seq` did not answer me in time. */
  | { readonly type: 'nack'; readonly seq: number }
  /** Updates only: news pushed at once, or a leave. */
  | { readonly type: 'gossip' }
  /** The sender's member list in the updates; `replyWanted`: send me yours. */
  | { readonly type: 'sync'; readonly replyWanted: boolean };

export type MessageType = Body['type'];

export interface Message {
  /** The sending member's node name. */
  readonly sender: string;
  /** The sender's incarnation: first-hand evidence that it is alive at it. */
  readonly incarnation: number;
  readonly body: Body;
  readonly updates: readonly Update[];
}

/** A message as it was on the wire. */
export interface Datagram extends Message {
  /** The sender's wall clock in microseconds, strictly increasing per sender (replay protection). */
  readonly stamp: number;
}
