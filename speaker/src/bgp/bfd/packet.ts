/**
 * The BFD Control packet (RFC 5880 section 4) as plain data. Intervals are in microseconds, as on
 * the wire; the codec and the state machine share these types and nothing here touches a socket.
 */

export type SessionState = 'AdminDown' | 'Down' | 'Init' | 'Up';

/** Wire values of the State field, in code order. */
export const SESSION_STATES: readonly SessionState[] = ['AdminDown', 'Down', 'Init', 'Up'];

export function stateCode(state: SessionState): number {
  return SESSION_STATES.indexOf(state);
}

/** Diagnostic codes (RFC 5880 section 4.1); 9..31 are reserved but still travel. */
export const DIAG = {
  none: 0,
  controlDetectionTimeExpired: 1,
  echoFunctionFailed: 2,
  neighborSignaledSessionDown: 3,
  forwardingPlaneReset: 4,
  pathDown: 5,
  concatenatedPathDown: 6,
  administrativelyDown: 7,
  reverseConcatenatedPathDown: 8,
} as const;

const DIAG_TEXT: readonly string[] = [
  'No Diagnostic',
  'Control Detection Time Expired',
  'Echo Function Failed',
  'Neighbor Signaled Session Down',
  'Forwarding Plane Reset',
  'Path Down',
  'Concatenated Path Down',
  'Administratively Down',
  'Reverse Concatenated Path Down',
];

/** The RFC's name for a diagnostic code, for logs and the 'down' event. */
export function describeDiag(code: number): string {
  return DIAG_TEXT[code] ?? `reserved diagnostic ${code}`;
}

export const BFD_VERSION = 1;
/** Length of the mandatory section; with the A bit set the packet must be at least 26. */
export const MANDATORY_LENGTH = 24;
export const MIN_AUTH_LENGTH = MANDATORY_LENGTH + 2;
export const MAX_DIAG = 31;
export const MAX_U32 = 0xffffffff;

/** RFC 5881: single-hop Control packets go to this UDP port, from a source port in the dynamic range. */
export const CONTROL_PORT = 3784;
export const SOURCE_PORT_MIN = 49152;
export const SOURCE_PORT_MAX = 65535;
/** RFC 5881 section 5: sent with TTL / hop limit 255 so that a receiver can tell it came from one hop away. */
export const SINGLE_HOP_TTL = 255;

/** RFC 5880 section 4.2-4.4. The Reserved byte of the keyed forms is written as 0 and ignored on receipt. */
export type AuthSection =
  | { readonly type: 'simple-password'; readonly keyId: number; /** 1..16 bytes */ readonly password: Uint8Array }
  | {
      readonly type: 'keyed-md5' | 'meticulous-keyed-md5';
      readonly keyId: number;
      readonly sequence: number;
      /** 16 bytes. */
      readonly digest: Uint8Array;
    }
  | {
      readonly type: 'keyed-sha1' | 'meticulous-keyed-sha1';
      readonly keyId: number;
      readonly sequence: number;
      /** 20 bytes. */
      readonly hash: Uint8Array;
    };

export type AuthType = AuthSection['type'];

/** Auth Type codes 1..5 in order; 0 is reserved. */
export const AUTH_TYPES: readonly AuthType[] = [
  'simple-password',
  'keyed-md5',
  'meticulous-keyed-md5',
  'keyed-sha1',
  'meticulous-keyed-sha1',
];

/**
 * One Control packet after decoding, or to encode. Version is always 1 and the Multipoint bit
 * always clear (a packet with either otherwise is rejected); the A bit is `auth !== undefined`.
 */
export interface ControlPacket {
  readonly diag: number;
  readonly state: SessionState;
  readonly poll: boolean;
  readonly final: boolean;
  /** C: BFD does not share fate with the control plane. Herald's BFD runs in the speaker process, so it sends 0. */
  readonly controlPlaneIndependent: boolean;
  readonly demand: boolean;
  readonly detectMult: number;
  readonly myDiscriminator: number;
  readonly yourDiscriminator: number;
  readonly desiredMinTxUs: number;
  readonly requiredMinRxUs: number;
  readonly requiredMinEchoRxUs: number;
  readonly auth?: AuthSection;
}
