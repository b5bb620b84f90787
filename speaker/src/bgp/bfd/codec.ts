/**
 * Encoding and decoding of BFD Control packets (RFC 5880 section 4.1). Decoding never throws: a
 * datagram that fails a reception check of section 6.8.6 that needs no session state comes back
 * as a typed error saying which check and why. Encoding throws only on values that cannot be
 * written, which is a bug in the caller.
 */

import {
  AUTH_TYPES,
  BFD_VERSION,
  MANDATORY_LENGTH,
  MAX_DIAG,
  MAX_U32,
  MIN_AUTH_LENGTH,
  SESSION_STATES,
  stateCode,
  type AuthSection,
  type ControlPacket,
} from './packet.js';

export type DecodeErrorKind =
  | 'truncated'
  | 'version'
  | 'length'
  | 'detect-mult'
  | 'multipoint'
  | 'my-discriminator'
  | 'your-discriminator'
  | 'auth';

export interface DecodeError {
  readonly kind: DecodeErrorKind;
  /** English, for logs. */
  readonly reason: string;
}

export type DecodeResult = { readonly ok: true; readonly packet: ControlPacket } | { readonly ok: false; readonly error: DecodeError };

const SIMPLE_PASSWORD_MAX = 16;
const MD5_AUTH_LENGTH = 24;
const SHA1_AUTH_LENGTH = 28;
const MD5_DIGEST = 16;
const SHA1_HASH = 20;

const FLAG = { poll: 0x20, final: 0x10, cpi: 0x08, auth: 0x04, demand: 0x02, multipoint: 0x01 } as const;

function fail(kind: DecodeErrorKind, reason: string): DecodeResult {
  return { ok: false, error: { kind, reason } };
}

export function decodeControlPacket(datagram: Uint8Array): DecodeResult {
  if (datagram.length < 4) return fail('truncated', `datagram of ${datagram.length} bytes is shorter than a BFD header`);
  const b0 = datagram[0] ?? 0;
  const b1 = datagram[1] ?? 0;
  const version = b0 >> 5;
  if (version !== BFD_VERSION) return fail('version', `version ${version}, expected ${BFD_VERSION}`);
  const authPresent = (b1 & FLAG.auth) !== 0;
  const length = datagram[3] ?? 0;
  const minimum = authPresent ? MIN_AUTH_LENGTH : MANDATORY_LENGTH;
  if (length < minimum) {
    return fail('length', `Length ${length} is below the minimum of ${minimum}${authPresent ? ' with the A bit set' : ''}`);
  }
  if (length > datagram.length) {
    return fail('length', `Length ${length} is more than the ${datagram.length} bytes the datagram carries`);
  }
  const view = new DataView(datagram.buffer, datagram.byteOffset, length);
  const detectMult = datagram[2] ?? 0;
  if (detectMult === 0) return fail('detect-mult', 'Detect Mult is 0');
  if ((b1 & FLAG.multipoint) !== 0) return fail('multipoint', 'the Multipoint bit is set');
  const myDiscriminator = view.getUint32(4);
  const yourDiscriminator = view.getUint32(8);
  if (myDiscriminator === 0) return fail('my-discriminator', 'My Discriminator is 0');
  const state = SESSION_STATES[b1 >> 6] ?? 'AdminDown';
  if (yourDiscriminator === 0 && state !== 'Down' && state !== 'AdminDown') {
    return fail('your-discriminator', `Your Discriminator is 0 in a packet with state ${state}`);
  }
  let auth: AuthSection | undefined;
  if (authPresent) {
    const decoded = decodeAuth(datagram.subarray(MANDATORY_LENGTH, length));
    if (typeof decoded === 'string') return fail('auth', decoded);
    auth = decoded;
  }
  const packet: ControlPacket = {
    diag: b0 & MAX_DIAG,
    state,
    poll: (b1 & FLAG.poll) !== 0,
    final: (b1 & FLAG.final) !== 0,
    controlPlaneIndependent: (b1 & FLAG.cpi) !== 0,
    demand: (b1 & FLAG.demand) !== 0,
    detectMult,
    myDiscriminator,
    yourDiscriminator,
    desiredMinTxUs: view.getUint32(12),
    requiredMinRxUs: view.getUint32(16),
    requiredMinEchoRxUs: view.getUint32(20),
    ...(auth ? { auth } : {}),
  };
  return { ok: true, packet };
}

/** `section` runs from Auth Type to the end of the packet's Length; returns the reason when it is malformed. */
function decodeAuth(section: Uint8Array): AuthSection | string {
  const code = section[0] ?? 0;
  const authLen = section[1] ?? 0;
  const type = AUTH_TYPES[code - 1];
  if (type === undefined) return `Auth Type ${code} is not defined`;
  if (authLen > section.length) {
    return `Auth Len ${authLen} runs past the packet's Length (${section.length} bytes left after the mandatory section)`;
  }
  const keyId = section[2] ?? 0;
  if (type === 'simple-password') {
    if (authLen < 4 || authLen > 3 + SIMPLE_PASSWORD_MAX) {
      return `Auth Len ${authLen} for a simple password must be 4..${3 + SIMPLE_PASSWORD_MAX}`;
    }
    return { type, keyId, password: section.slice(3, authLen) };
  }
  const expected = type === 'keyed-md5' || type === 'meticulous-keyed-md5' ? MD5_AUTH_LENGTH : SHA1_AUTH_LENGTH;
  if (authLen !== expected) return `Auth Len ${authLen} for ${type} must be ${expected}`;
  const sequence = new DataView(section.buffer, section.byteOffset + 4, 4).getUint32(0);
  if (type === 'keyed-md5' || type === 'meticulous-keyed-md5') {
    return { type, keyId, sequence, digest: section.slice(8, 8 + MD5_DIGEST) };
  }
  return { type, keyId, sequence, hash: section.slice(8, 8 + SHA1_HASH) };
}

export function encodeControlPacket(packet: ControlPacket): Uint8Array {
  checkPacket(packet);
  const authBytes = packet.auth ? encodeAuth(packet.auth) : new Uint8Array(0);
  const length = MANDATORY_LENGTH + authBytes.length;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  out[0] = (BFD_VERSION << 5) | packet.diag;
  out[1] =
    (stateCode(packet.state) << 6) |
    (packet.poll ? FLAG.poll : 0) |
    (packet.final ? FLAG.final : 0) |
    (packet.controlPlaneIndependent ? FLAG.cpi : 0) |
    (packet.auth ? FLAG.auth : 0) |
    (packet.demand ? FLAG.demand : 0);
  out[2] = packet.detectMult;
  out[3] = length;
  view.setUint32(4, packet.myDiscriminator);
  view.setUint32(8, packet.yourDiscriminator);
  view.setUint32(12, packet.desiredMinTxUs);
  view.setUint32(16, packet.requiredMinRxUs);
  view.setUint32(20, packet.requiredMinEchoRxUs);
  out.set(authBytes, MANDATORY_LENGTH);
  return out;
}

function checkPacket(p: ControlPacket): void {
  const check = (ok: boolean, what: string): void => {
    if (!ok) throw new RangeError(`BFD packet to encode: ${what}`);
  };
  check(isInt(p.diag, 0, MAX_DIAG), `diag ${p.diag} is not 0..${MAX_DIAG}`);
  check(isInt(p.detectMult, 1, 255), `detect mult ${p.detectMult} is not 1..255`);
  check(isInt(p.myDiscriminator, 1, MAX_U32), `my discriminator ${p.myDiscriminator} is not 1..${MAX_U32}`);
  for (const field of ['yourDiscriminator', 'desiredMinTxUs', 'requiredMinRxUs', 'requiredMinEchoRxUs'] as const) {
    check(isInt(p[field], 0, MAX_U32), `${field} ${p[field]} is not 0..${MAX_U32}`);
  }
  check(!(p.poll && p.final), 'Poll and Final must not be set together (RFC 5880 section 6.8.7)');
}

function encodeAuth(auth: AuthSection): Uint8Array {
  const code = AUTH_TYPES.indexOf(auth.type) + 1;
  if (!isInt(auth.keyId, 0, 255)) throw new RangeError(`BFD packet to encode: auth key id ${auth.keyId} is not 0..255`);
  if (auth.type === 'simple-password') {
    const n = auth.password.length;
    if (n < 1 || n > SIMPLE_PASSWORD_MAX) throw new RangeError(`BFD packet to encode: simple password of ${n} bytes is not 1..16`);
    const out = new Uint8Array(3 + n);
    out.set([code, out.length, auth.keyId]);
    out.set(auth.password, 3);
    return out;
  }
  const value = 'digest' in auth ? auth.digest : auth.hash;
  const size = 'digest' in auth ? MD5_DIGEST : SHA1_HASH;
  if (value.length !== size) throw new RangeError(`BFD packet to encode: ${auth.type} needs ${size} bytes of digest, got ${value.length}`);
  if (!isInt(auth.sequence, 0, MAX_U32)) throw new RangeError(`BFD packet to encode: sequence ${auth.sequence} is not 0..${MAX_U32}`);
  const out = new Uint8Array(8 + size);
  out.set([code, out.length, auth.keyId, 0]);
  new DataView(out.buffer).setUint32(4, auth.sequence);
  out.set(value, 8);
  return out;
}

function isInt(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}
