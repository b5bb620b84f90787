import type { AddressFamily } from '../messages.js';
import { AFI_IPV4, AFI_IPV6, SAFI_UNICAST } from '../messages.js';

/** Which AS the peer may have: a number, any internal or external one, or any at all. */
export type PeerAsn = number | 'internal' | 'external' | undefined;

/**
 * What the state machine and OPEN negotiation need to know about one session: plain data, fixed
 * for the session's life.
 */
export interface SessionConfig {
  /** Used in log lines and error reasons. */
  readonly peerName: string;
  readonly localAsn: number;
  /** Our BGP identifier, a non-zero IPv4 address as a 32-bit unsigned number. */
  readonly routerId: number;
  readonly peerAsn: PeerAsn;
  /** 0 (no hold timer, no keepalives) or 3..65535: what we offer in OPEN. */
  readonly holdTimeSeconds: number;
  /** Our wish; the interval used is at most a third of the negotiated hold time. */
  readonly keepaliveTimeSeconds: number;
  /** ConnectRetry time: how long a TCP connect may take, and the cap of the reconnect back-off. */
  readonly connectTimeSeconds: number;
  readonly gracefulRestart: boolean;
  /** The Restart Time advertised in the graceful restart capability, 0..4095. */
  readonly restartTimeSeconds: number;
  /** Never dial; only take connections the peer opens (handed over with acceptIncoming). */
  readonly passive: boolean;
  /** Families offered with the multiprotocol capability. */
  readonly families: readonly AddressFamily[];
}

export const IPV4_UNICAST: AddressFamily = { afi: AFI_IPV4, safi: SAFI_UNICAST };
export const IPV6_UNICAST: AddressFamily = { afi: AFI_IPV6, safi: SAFI_UNICAST };
export const BOTH_UNICAST_FAMILIES: readonly AddressFamily[] = [IPV4_UNICAST, IPV6_UNICAST];

/** RFC 4724 leaves the value to the operator; 120 s is what FRR and GoBGP default to. */
export const DEFAULT_RESTART_TIME_SECONDS = 120;

export function sameFamily(a: AddressFamily, b: AddressFamily): boolean {
  return a.afi === b.afi && a.safi === b.safi;
}

export function familyOfPrefix(family: 4 | 6): AddressFamily {
  return family === 4 ? IPV4_UNICAST : IPV6_UNICAST;
}

export function familyText(family: AddressFamily): string {
  if (sameFamily(family, IPV4_UNICAST)) return 'IPv4 unicast';
  if (sameFamily(family, IPV6_UNICAST)) return 'IPv6 unicast';
  return `AFI ${family.afi} SAFI ${family.safi}`;
}
