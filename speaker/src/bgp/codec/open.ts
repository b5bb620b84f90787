import {
  AS_TRANS,
  ERROR_CODE,
  HEADER_LENGTH,
  type Capability,
  type OpenMessage,
  type SessionCodecOptions,
} from '../messages.js';
import { ByteWriter } from './byte-writer.js';
import { readCapabilities, writeCapability } from './capabilities.js';
import { OPEN_ERROR, failure, u16Bytes, type DecodeResult } from './errors.js';

/** OPEN (RFC 4271 4.2) with capabilities in optional parameters (RFC 5492), RFC 9072 lengths. */

const BGP_VERSION = 4;
const PARAMETER_CAPABILITIES = 2;
/** RFC 9072: a Non-Ext OP Len and Non-Ext OP Type of 255 announce 2-octet lengths. */
const EXTENDED_PARAMETERS = 255;
/** Fixed OPEN fields after the header: version 1, my AS 2, hold time 2, identifier 4, parameters length 1. */
const FIXED = 10;

/**
 * One optional parameter per capability, as FRR sends them (every implementation reads that
 * form); when they exceed 255 octets in all, the RFC 9072 extended form is used.
 */
export function writeOpenBody(w: ByteWriter, open: OpenMessage): void {
  w.u8(open.version, 'OPEN version');
  w.u16(open.myAS, 'OPEN my AS (2-octet field; AS_TRANS when the AS needs 4 octets)');
  w.u16(open.holdTimeSeconds, 'OPEN hold time');
  w.u32(open.bgpIdentifier, 'OPEN BGP identifier');
  const tlvs = open.capabilities.map((c) => {
    const one = new ByteWriter(16);
    writeCapability(one, c);
    return one.finish();
  });
  const short = tlvs.reduce((n, t) => n + 2 + t.length, 0);
  if (short <= 0xff) {
    w.u8(short);
    for (const t of tlvs) {
      w.u8(PARAMETER_CAPABILITIES);
      w.u8(t.length);
      w.bytes(t);
    }
    return;
  }
  w.u8(EXTENDED_PARAMETERS);
  w.u8(EXTENDED_PARAMETERS);
  w.u16(
    tlvs.reduce((n, t) => n + 3 + t.length, 0),
    'OPEN extended optional parameters length',
  );
  for (const t of tlvs) {
    w.u8(PARAMETER_CAPABILITIES);
    w.u16(t.length);
    w.bytes(t);
  }
}

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function openError(subcode: number, reason: string, data?: Uint8Array): DecodeResult {
  return failure(ERROR_CODE.openMessage, subcode, `OPEN: ${reason}`, data);
}

/** `frame` is a whole OPEN of at least 29 octets whose header was checked. */
export function readOpen(frame: Uint8Array): DecodeResult {
  const base = HEADER_LENGTH;
  const version = frame[base]!;
  const myAS = u16(frame, base + 1);
  const holdTimeSeconds = u16(frame, base + 3);
  const bgpIdentifier = ((u16(frame, base + 5) << 16) | u16(frame, base + 7)) >>> 0;
  if (version !== BGP_VERSION) {
    return openError(OPEN_ERROR.unsupportedVersionNumber, `version ${version}; Herald speaks BGP-4`, u16Bytes(BGP_VERSION));
  }
  // RFC 7607: AS 0 is never valid.
  if (myAS === 0) return openError(OPEN_ERROR.badPeerAs, 'my AS is 0 (RFC 7607)');
  if (holdTimeSeconds === 1 || holdTimeSeconds === 2) {
    return openError(OPEN_ERROR.unacceptableHoldTime, `hold time ${holdTimeSeconds} s; it must be 0 or at least 3`);
  }
  // RFC 6286: any non-zero 4-octet value is a valid identifier.
  if (bgpIdentifier === 0) return openError(OPEN_ERROR.badBgpIdentifier, 'BGP identifier is 0.0.0.0');

  const capabilities: Capability[] = [];
  const shortLength = frame[base + 9]!;
  let at = base + FIXED;
  const extended = shortLength === EXTENDED_PARAMETERS && frame.length > at && frame[at] === EXTENDED_PARAMETERS;
  let end: number;
  if (extended) {
    if (frame.length < at + 3) return openError(OPEN_ERROR.unspecific, 'extended optional parameters length is cut short (RFC 9072)');
    end = at + 3 + u16(frame, at + 1);
    at += 3;
  } else {
    end = at + shortLength;
  }
  if (end !== frame.length) {
    return openError(
      OPEN_ERROR.unspecific,
      `optional parameters length says the message ends at octet ${end}, but it has ${frame.length} octets`,
    );
  }
  const headerSize = extended ? 3 : 2;
  while (at < end) {
    if (end - at < headerSize) return openError(OPEN_ERROR.unspecific, 'an optional parameter header is cut short');
    const type = frame[at]!;
    const length = extended ? u16(frame, at + 1) : frame[at + 1]!;
    const from = at + headerSize;
    const to = from + length;
    if (to > end) return openError(OPEN_ERROR.unspecific, `optional parameter ${type} length ${length} overruns the message`);
    if (type !== PARAMETER_CAPABILITIES) {
      return openError(OPEN_ERROR.unsupportedOptionalParameter, `optional parameter type ${type} is not Capabilities (2)`);
    }
    const problem = readCapabilities(frame, from, to, capabilities);
    if (problem !== undefined) return openError(OPEN_ERROR.unspecific, problem);
    at = to;
  }
  for (const c of capabilities) {
    if (c.kind === 'four-octet-as' && c.asn === 0) return openError(OPEN_ERROR.badPeerAs, '4-octet AS capability carries AS 0 (RFC 7607)');
  }
  const message: OpenMessage = { type: 'open', version, myAS, holdTimeSeconds, bgpIdentifier, capabilities };
  return { ok: true, message, treatAsWithdraw: false, issues: [] };
}

/** The peer's real AS: from the 4-octet AS capability when present (RFC 6793 4.1), else My AS. */
export function peerAsOf(open: OpenMessage): number {
  for (const c of open.capabilities) if (c.kind === 'four-octet-as') return c.asn;
  return open.myAS;
}

/** What both OPENs agreed on, for encoding and decoding the rest of the session. */
export function sessionCodecOptions(local: OpenMessage, remote: OpenMessage, ibgp: boolean): SessionCodecOptions {
  const both = (kind: Capability['kind']): boolean =>
    local.capabilities.some((c) => c.kind === kind) && remote.capabilities.some((c) => c.kind === kind);
  return { fourOctetAs: both('four-octet-as'), extendedMessage: both('extended-message'), ibgp };
}

/** Codec options before OPEN is exchanged (RFC 6793: OPEN's own AS field is 2-octet anyway). */
export const PRE_OPEN_CODEC_OPTIONS: SessionCodecOptions = { fourOctetAs: false, extendedMessage: false, ibgp: false };

/** My AS for an OPEN: the AS itself, or AS_TRANS when it needs 4 octets (RFC 6793 4.1). */
export function myAsField(asn: number): number {
  return asn > 0xffff ? AS_TRANS : asn;
}
