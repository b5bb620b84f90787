// Split brain, detected rather than assumed away: the owner of an address asks the segment for it
// now and then, as a host checking whether an address is free would, and any answer from a MAC
// that is not its own means another station claims the address too.

import type { Family } from '@herald/shared/net/address.js';
import { UNSPECIFIED_IPV6 } from './address.js';
import { arpRequestFrame } from './arp.js';
import type { L2Frame } from './frame.js';
import type { Mac } from './mac.js';
import { neighborSolicitationFrame } from './ndp.js';

/** The sender IP of an RFC 5227 ARP Probe. */
export const ARP_PROBE_SENDER = '0.0.0.0';

export interface SplitBrainOptions {
  /** Mean time between two checks of one address on one interface; 0 turns checks off. */
  readonly intervalMs: number;
  /** Each wait is drawn from intervalMs × [1 − jitter, 1 + jitter], so that checks spread out. */
  readonly jitter: number;
  /** How long after a check an answer counts as one. */
  readonly answerWindowMs: number;
  /** The least time between two conflict reports for one address. */
  readonly reportEveryMs: number;
}

export const DEFAULT_SPLIT_BRAIN: SplitBrainOptions = {
  intervalMs: 10_000,
  jitter: 0.25,
  answerWindowMs: 1_000,
  reportEveryMs: 60_000,
};

/** Fills in defaults and checks each field; throws naming it (`splitBrain.intervalMs`, ...). */
export function checkSplitBrainOptions(options: Partial<SplitBrainOptions> = {}, field = 'splitBrain'): SplitBrainOptions {
  const merged = { ...DEFAULT_SPLIT_BRAIN, ...options };
  const wholeMs = (name: keyof SplitBrainOptions, min: number): void => {
    const value = merged[name];
    if (!Number.isInteger(value) || value < min || value > 86_400_000) {
      throw new Error(`${field}.${name}: ${JSON.stringify(value)} is not a whole number of milliseconds from ${min} to 86400000`);
    }
  };
  wholeMs('intervalMs', 0);
  wholeMs('answerWindowMs', 1);
  wholeMs('reportEveryMs', 0);
  if (typeof merged.jitter !== 'number' || !(merged.jitter >= 0 && merged.jitter < 1)) {
    throw new Error(`${field}.jitter: ${JSON.stringify(merged.jitter)} is not a fraction from 0 to below 1`);
  }
  return merged;
}

/** Milliseconds until the next check, given `random` in [0, 1). */
export function nextCheckDelay(options: Pick<SplitBrainOptions, 'intervalMs' | 'jitter'>, random: number): number {
  return Math.round(options.intervalMs * (1 - options.jitter + 2 * options.jitter * random));
}

export type ProbeKind = 'arp-probe' | 'neighbor-solicitation';

/**
 * The question an owner asks for its own address, in the form that makes no neighbour learn
 * anything from it: an RFC 5227 ARP Probe (sender IP 0.0.0.0, target MAC zero, broadcast) for
 * IPv4, and a duplicate address detection solicitation (from `::`, to the solicited-node group,
 * no source link-layer address) for IPv6. Asking from the address itself would write this MAC into
 * every cache that already has an entry for it, the other owner's included. Any owner answers
 * these: Linux for its own addresses and Herald's responder alike, the ARP reply unicast to
 * `mac`, the advertisement to all nodes.
 */
export function probeFrame(address: string, family: Family, mac: Mac): { kind: ProbeKind; frame: Buffer } {
  return family === 4
    ? { kind: 'arp-probe', frame: arpRequestFrame(mac, ARP_PROBE_SENDER, address) }
    : { kind: 'neighbor-solicitation', frame: neighborSolicitationFrame(mac, UNSPECIFIED_IPV6, address) };
}

export interface ClaimSeen {
  readonly address: string;
  readonly otherMac: Mac;
}

/**
 * The address `frame` says is at a MAC that is none of `ownMacs`, when it is an answer: an ARP
 * reply that is not gratuitous, or a Neighbor Advertisement (its target link-layer address, else
 * its Ethernet source). Gratuitous ARP is left out because a new owner sends it at every orderly
 * takeover; an advertisement to all nodes cannot be told apart from an answer to duplicate address
 * detection, so the caller counts either only within the answer window of its own check.
 */
export function claimIn(frame: L2Frame, ownMacs: ReadonlySet<Mac>): ClaimSeen | undefined {
  if (frame.kind === 'arp') {
    const { arp } = frame;
    if (arp.operation !== 'reply' || arp.senderIp === arp.targetIp || ownMacs.has(arp.senderMac)) return undefined;
    return { address: arp.senderIp, otherMac: arp.senderMac };
  }
  if (frame.kind === 'neighbor-advertisement') {
    const otherMac = frame.message.targetLinkAddress ?? frame.ethernet.source;
    return ownMacs.has(otherMac) ? undefined : { address: frame.message.target, otherMac };
  }
  return undefined;
}

/** Whether a claim seen at `now` is an answer to a check sent at `checkedAt`. */
export function withinAnswerWindow(checkedAt: number | undefined, now: number, answerWindowMs: number): boolean {
  return checkedAt !== undefined && now >= checkedAt && now - checkedAt <= answerWindowMs;
}

/** Whether a conflict may be reported again, the last report for its address being at `lastAt`. */
export function reportDue(lastAt: number | undefined, now: number, reportEveryMs: number): boolean {
  return lastAt === undefined || now - lastAt >= reportEveryMs;
}
