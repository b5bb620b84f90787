/**
 * The BGP message model: plain data that the codec encodes and decodes and the session state
 * machine reasons about. Nothing here touches a socket.
 */

/** Address family identifiers (IANA): only unicast IPv4 and IPv6 are spoken. */
export const AFI_IPV4 = 1;
export const AFI_IPV6 = 2;
export const SAFI_UNICAST = 1;

export interface AddressFamily {
  readonly afi: number;
  readonly safi: number;
}

/** A route's destination. `network` has no bits set past `length`. */
export interface Prefix {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly length: number;
}

export const MESSAGE_TYPE = {
  open: 1,
  update: 2,
  notification: 3,
  keepalive: 4,
  routeRefresh: 5,
} as const;

/** RFC 4271 section 4.1: 16-byte marker, 2-byte length, 1-byte type. */
export const HEADER_LENGTH = 19;
export const MAX_MESSAGE_LENGTH = 4096;
/** RFC 8654, when both sides advertise the extended message capability. */
export const MAX_EXTENDED_MESSAGE_LENGTH = 65535;
/** RFC 6793: the 2-octet stand-in for a 4-octet AS number. */
export const AS_TRANS = 23456;

export type Capability =
  | { readonly kind: 'multiprotocol'; readonly family: AddressFamily }
  | { readonly kind: 'route-refresh' }
  | { readonly kind: 'extended-message' }
  | {
      readonly kind: 'graceful-restart';
      /** R bit: the sender has restarted and its peer should not wait for its End-of-RIB to clear stale routes. */
      readonly restarting: boolean;
      /** N bit (RFC 8538): the sender keeps routes across a NOTIFICATION too. */
      readonly notification: boolean;
      /** 0..4095 seconds. */
      readonly restartTimeSeconds: number;
      readonly families: readonly { readonly family: AddressFamily; readonly forwardingPreserved: boolean }[];
    }
  | { readonly kind: 'four-octet-as'; readonly asn: number }
  /** Any capability code Herald does not interpret, kept so it can be logged. */
  | { readonly kind: 'unknown'; readonly code: number; readonly value: Uint8Array };

export interface OpenMessage {
  readonly type: 'open';
  /** Always 4. */
  readonly version: number;
  /** The 2-octet field: the AS, or AS_TRANS when the real AS needs 4 octets. */
  readonly myAS: number;
  readonly holdTimeSeconds: number;
  /** Dotted-quad BGP identifier as a 32-bit unsigned number. */
  readonly bgpIdentifier: number;
  readonly capabilities: readonly Capability[];
}

export const ORIGIN = { igp: 0, egp: 1, incomplete: 2 } as const;
export type Origin = (typeof ORIGIN)[keyof typeof ORIGIN];

export interface AsPathSegment {
  /** 1 AS_SET, 2 AS_SEQUENCE (RFC 4271); 3 and 4 are the confederation kinds (RFC 5065). */
  readonly type: 1 | 2 | 3 | 4;
  readonly asns: readonly number[];
}

/** A BGP extended community (RFC 4360), 8 bytes; link bandwidth is one (RFC 7153 / draft-ietf-idr-link-bandwidth). */
export type ExtendedCommunity =
  | {
      readonly kind: 'link-bandwidth';
      /** Non-transitive unless set. */
      readonly transitive: boolean;
      /** The 2-octet AS (AS_TRANS when the real one does not fit). */
      readonly asn: number;
      /** IEEE float32 bytes per second. */
      readonly bytesPerSecond: number;
    }
  | { readonly kind: 'raw'; readonly bytes: Uint8Array };

export interface LargeCommunity {
  readonly globalAdministrator: number;
  readonly localData1: number;
  readonly localData2: number;
}

/**
 * Path attributes after decoding. Absent means the attribute was not present. `asPath` always
 * holds 4-octet AS numbers: the codec merges AS_PATH and AS4_PATH (RFC 6793 section 4.2.3) when
 * the session is 2-octet, and encodes AS_TRANS plus AS4_PATH on the way out.
 */
export interface PathAttributes {
  readonly origin?: Origin;
  readonly asPath?: readonly AsPathSegment[];
  /** IPv4 NEXT_HOP attribute (type 3), for IPv4 NLRI in the UPDATE body. */
  readonly nextHop?: bigint;
  readonly med?: number;
  readonly localPref?: number;
  readonly atomicAggregate?: boolean;
  /**
   * AGGREGATOR: the AS (4-octet, merged with AS4_AGGREGATOR on 2-octet sessions) and BGP
   * identifier of the speaker that formed the aggregate.
   */
  readonly aggregator?: { readonly asn: number; readonly address: number };
  /** RFC 1997 communities as 32-bit numbers (high 16 bits << 16 | low 16 bits). */
  readonly communities?: readonly number[];
  readonly extendedCommunities?: readonly ExtendedCommunity[];
  readonly largeCommunities?: readonly LargeCommunity[];
  /** Attributes Herald does not interpret, kept for logging and round trips. */
  readonly unknown?: readonly { readonly flags: number; readonly code: number; readonly value: Uint8Array }[];
}

/** MP_REACH_NLRI (RFC 4760): reachable prefixes of another family, with their next hops. */
export interface MpReach {
  readonly family: AddressFamily;
  /** One global next hop, optionally followed by a link-local one (IPv6, RFC 2545). */
  readonly nextHops: readonly bigint[];
  readonly prefixes: readonly Prefix[];
}

/** MP_UNREACH_NLRI: withdrawn prefixes of another family. Empty prefixes is that family's End-of-RIB. */
export interface MpUnreach {
  readonly family: AddressFamily;
  readonly prefixes: readonly Prefix[];
}

export interface UpdateMessage {
  readonly type: 'update';
  /** IPv4 unicast withdrawals in the UPDATE body. */
  readonly withdrawn: readonly Prefix[];
  readonly attributes: PathAttributes;
  readonly mpReach?: MpReach;
  readonly mpUnreach?: MpUnreach;
  /** IPv4 unicast NLRI in the UPDATE body. */
  readonly nlri: readonly Prefix[];
}

export interface NotificationMessage {
  readonly type: 'notification';
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

export interface KeepaliveMessage {
  readonly type: 'keepalive';
}

export interface RouteRefreshMessage {
  readonly type: 'route-refresh';
  readonly family: AddressFamily;
  /** RFC 7313 message subtype: 0 normal request, 1 BoRR, 2 EoRR. */
  readonly subtype: number;
}

export type Message = OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

/**
 * What the codec needs to know about the session: learned from both OPENs. Before OPEN is
 * exchanged, use the defaults (2-octet AS off: RFC 6793 says AS numbers in OPEN are 2-octet anyway).
 */
export interface SessionCodecOptions {
  /** Both sides advertised the 4-octet AS capability. */
  readonly fourOctetAs: boolean;
  /** Both sides advertised the extended message capability: messages up to 65535 bytes. */
  readonly extendedMessage: boolean;
  /** The session is iBGP: LOCAL_PREF is expected; on eBGP it is discarded on receipt (RFC 4271 5.1.5). */
  readonly ibgp: boolean;
}

/** NOTIFICATION codes (RFC 4271 4.5 and later RFCs). */
export const ERROR_CODE = {
  messageHeader: 1,
  openMessage: 2,
  updateMessage: 3,
  holdTimerExpired: 4,
  finiteStateMachine: 5,
  cease: 6,
  routeRefresh: 7,
  /** RFC 9687. */
  sendHoldTimerExpired: 8,
} as const;
