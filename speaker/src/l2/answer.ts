// What the owner of an address sends: the answer to a received ARP request or Neighbor
// Solicitation (or why none), and the announcements of a takeover. Pure: frames in, frames out.

import type { Family } from '@herald/shared/net/address.js';
import { arpReplyFrame, gratuitousArpReply, gratuitousArpRequest } from './arp.js';
import type { L2Frame } from './frame.js';
import { type Mac, isGroupMac, macBytes } from './mac.js';
import { neighborAdvertisementFrame, unsolicitedNeighborAdvertisement } from './ndp.js';

/** Why a frame that decoded well gets no answer: labels a counter, like DropReason. */
export type IgnoreReason =
  /** An ARP reply: answers are for requests. */
  | 'arp-reply'
  /** A gratuitous ARP request (sender and target IP the same): an announcement, not a question. */
  | 'gratuitous-arp'
  /** A Neighbor Advertisement: answers are for solicitations. */
  | 'neighbor-advertisement'
  /** Sent unicast to another station's MAC (seen only in promiscuous mode). */
  | 'addressed-elsewhere'
  /** Asks for an address this node does not own. */
  | 'not-owned'
  /** Asks for an owned address on an interface it is not announced on. */
  | 'other-interface';

export type AnswerKind = 'arp-reply' | 'neighbor-advertisement';

export type Answer =
  | { ok: true; kind: AnswerKind; address: string; frame: Buffer }
  | { ok: false; reason: IgnoreReason };

/** The interface a frame arrived on: its name and the MAC answers give. */
export interface ReceivingInterface {
  readonly name: string;
  readonly mac: Mac;
}

/**
 * The answer to `frame`, received on `on`, for a node owning `owned` (canonical address to the
 * interfaces it is announced on), or the reason there is none.
 *
 * - ARP: a request (broadcast, or unicast to this interface) whose target IP is owned on this
 *   interface gets a reply from the interface's MAC, unicast to the asker. That includes RFC 5227
 *   probes (sender IP 0.0.0.0), which get a reply to IP 0.0.0.0 as Linux sends: a host checking
 *   whether the address is free learns that it is not, and the split-brain check relies on it.
 * - NDP: a solicitation for an owned target gets a solicited advertisement (Solicited and
 *   Override, Router clear, target link-layer address, hop limit 255) back to its source, or to
 *   all nodes when it came from `::` (duplicate address detection).
 */
export function answerFor(
  frame: L2Frame,
  owned: ReadonlyMap<string, { readonly interfaces: readonly string[] }>,
  on: ReceivingInterface,
): Answer {
  if (frame.kind === 'neighbor-advertisement') return { ok: false, reason: 'neighbor-advertisement' };
  if (frame.kind === 'arp' && frame.arp.operation === 'reply') return { ok: false, reason: 'arp-reply' };
  if (frame.kind === 'arp' && frame.arp.senderIp === frame.arp.targetIp) return { ok: false, reason: 'gratuitous-arp' };
  const destination = frame.ethernet.destination;
  if (destination !== on.mac && !isGroupMac(macBytes(destination))) return { ok: false, reason: 'addressed-elsewhere' };
  const address = frame.kind === 'arp' ? frame.arp.targetIp : frame.message.target;
  const entry = owned.get(address);
  if (entry === undefined) return { ok: false, reason: 'not-owned' };
  if (!entry.interfaces.includes(on.name)) return { ok: false, reason: 'other-interface' };
  return frame.kind === 'arp'
    ? { ok: true, kind: 'arp-reply', address, frame: arpReplyFrame(frame.arp, on.mac) }
    : { ok: true, kind: 'neighbor-advertisement', address, frame: neighborAdvertisementFrame(frame, on.mac) };
}

export type AnnouncementKind = 'gratuitous-arp-request' | 'gratuitous-arp-reply' | 'unsolicited-neighbor-advertisement';

export interface Announcement {
  readonly kind: AnnouncementKind;
  readonly frame: Buffer;
}

/**
 * What a new owner sends, each time the schedule says, so that neighbours with an entry for
 * `address` switch to `mac`: for IPv4 gratuitous ARP in both forms (some neighbours learn only
 * from one), for IPv6 an unsolicited advertisement to all nodes with Override.
 */
export function announcementFrames(address: string, family: Family, mac: Mac): Announcement[] {
  if (family === 4) {
    return [
      { kind: 'gratuitous-arp-request', frame: gratuitousArpRequest(mac, address) },
      { kind: 'gratuitous-arp-reply', frame: gratuitousArpReply(mac, address) },
    ];
  }
  return [{ kind: 'unsolicited-neighbor-advertisement', frame: unsolicitedNeighborAdvertisement(mac, address) }];
}
