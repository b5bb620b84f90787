import { ERROR_CODE, type Message } from '../messages.js';

/**
 * A decoding failure that ends the session: it maps one to one onto the NOTIFICATION to send
 * (see notificationFromError). `reason` is English for logs and says which field was wrong.
 */
export interface BgpError {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
  readonly reason: string;
}

/** An RFC 7606 outcome for one path attribute that does not end the session. */
export interface AttributeIssue {
  /** The attribute's type code. */
  readonly code: number;
  readonly action: 'treat-as-withdraw' | 'attribute-discard';
  readonly reason: string;
}

export type DecodeResult =
  | { readonly ok: true; readonly message: Message; readonly treatAsWithdraw: boolean; readonly issues: readonly AttributeIssue[] }
  | { readonly ok: false; readonly error: BgpError };

/** Message Header Error subcodes (RFC 4271 section 6.1). */
export const HEADER_ERROR = { connectionNotSynchronized: 1, badMessageLength: 2, badMessageType: 3 } as const;

/** OPEN Message Error subcodes (RFC 4271 6.2, RFC 5492, RFC 9234). */
export const OPEN_ERROR = {
  unspecific: 0,
  unsupportedVersionNumber: 1,
  badPeerAs: 2,
  badBgpIdentifier: 3,
  unsupportedOptionalParameter: 4,
  unacceptableHoldTime: 6,
  unsupportedCapability: 7,
  roleMismatch: 11,
} as const;

/** UPDATE Message Error subcodes (RFC 4271 6.3). */
export const UPDATE_ERROR = {
  malformedAttributeList: 1,
  unrecognizedWellKnownAttribute: 2,
  missingWellKnownAttribute: 3,
  attributeFlagsError: 4,
  attributeLengthError: 5,
  invalidOrigin: 6,
  invalidNextHop: 8,
  optionalAttributeError: 9,
  invalidNetworkField: 10,
  malformedAsPath: 11,
} as const;

/** Finite State Machine Error subcodes (RFC 6608). */
export const FSM_ERROR = {
  unspecified: 0,
  unexpectedMessageInOpenSent: 1,
  unexpectedMessageInOpenConfirm: 2,
  unexpectedMessageInEstablished: 3,
} as const;

/** Cease subcodes (RFC 4486, RFC 8538, RFC 9384). */
export const CEASE = {
  maximumNumberOfPrefixesReached: 1,
  administrativeShutdown: 2,
  peerDeconfigured: 3,
  administrativeReset: 4,
  connectionRejected: 5,
  otherConfigurationChange: 6,
  connectionCollisionResolution: 7,
  outOfResources: 8,
  hardReset: 9,
  bfdDown: 10,
} as const;

/** ROUTE-REFRESH Message Error subcodes (RFC 7313). */
export const ROUTE_REFRESH_ERROR = { invalidMessageLength: 1 } as const;

const NO_DATA = new Uint8Array(0);

export function bgpError(code: number, subcode: number, reason: string, data: Uint8Array = NO_DATA): BgpError {
  return { code, subcode, data, reason };
}

export function failure(code: number, subcode: number, reason: string, data?: Uint8Array): DecodeResult {
  return { ok: false, error: bgpError(code, subcode, reason, data) };
}

export function headerError(subcode: number, reason: string, data?: Uint8Array): BgpError {
  return bgpError(ERROR_CODE.messageHeader, subcode, reason, data);
}

export function u16Bytes(value: number): Uint8Array {
  return Uint8Array.of(value >>> 8, value & 0xff);
}
