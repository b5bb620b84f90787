// What the layer-2 responder counts, for metrics: every label starts at zero so that a counter
// exists before its first event.

import type { AnnouncementKind, AnswerKind, IgnoreReason } from './answer.js';
import type { DropReason } from './decoded.js';
import type { L2Frame } from './frame.js';
import type { ProbeKind } from './split-brain.js';

export type ReceivedKind = 'arp-request' | 'arp-reply' | 'neighbor-solicitation' | 'neighbor-advertisement';

export interface L2Counters {
  /** Frames that decoded, by what they are. */
  received: Record<ReceivedKind, number>;
  /** Malformed frames, by the decoder's reason. */
  dropped: Record<DropReason, number>;
  /** Frames that decoded but needed no answer, by why. */
  ignored: Record<IgnoreReason, number>;
  answered: Record<AnswerKind, number>;
  announced: Record<AnnouncementKind, number>;
  /** Split-brain checks sent. */
  probes: Record<ProbeKind, number>;
  /** Answers from another MAC to a split-brain check, reported or not (reports are rate limited). */
  conflicts: number;
  /** Frames the socket refused to send (link down, for one). */
  sendErrors: number;
}

export function receivedKind(frame: L2Frame): ReceivedKind {
  if (frame.kind === 'arp') return frame.arp.operation === 'request' ? 'arp-request' : 'arp-reply';
  return frame.kind;
}

export function emptyCounters(): L2Counters {
  return {
    received: { 'arp-request': 0, 'arp-reply': 0, 'neighbor-solicitation': 0, 'neighbor-advertisement': 0 },
    dropped: {
      truncated: 0,
      unsupported: 0,
      'bad-link-address': 0,
      'arp-not-ethernet-ipv4': 0,
      'arp-operation': 0,
      'ipv6-header': 0,
      'hop-limit': 0,
      checksum: 0,
      'ndp-invalid': 0,
      'ndp-option': 0,
    },
    ignored: {
      'arp-reply': 0,
      'gratuitous-arp': 0,
      'neighbor-advertisement': 0,
      'addressed-elsewhere': 0,
      'not-owned': 0,
      'other-interface': 0,
    },
    answered: { 'arp-reply': 0, 'neighbor-advertisement': 0 },
    announced: { 'gratuitous-arp-request': 0, 'gratuitous-arp-reply': 0, 'unsolicited-neighbor-advertisement': 0 },
    probes: { 'arp-probe': 0, 'neighbor-solicitation': 0 },
    conflicts: 0,
    sendErrors: 0,
  };
}
