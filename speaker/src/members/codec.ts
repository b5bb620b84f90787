/**
 * Membership datagrams to bytes and back (version 1). Pure; decoding never throws.
 *
 * Layout, big-endian:
 *
 *   version u8 (1) | type u8 | sender: len u8 + bytes | incarnation u32 | stamp u32 hi + u32 lo
 *   | body | update count u8 | updates | HMAC-SHA256 (32 bytes) over everything before it
 *
 *   body   ping:     seq u32, target: len u8 + bytes
 *          ack/nack: seq u32
 *          ping-req: seq u32, target: len u8 (>= 1) + bytes, address
 *          gossip:   nothing
 *          sync:     flags u8 (bit 0: reply wanted; the others 0)
 *   update kind u8 (1 alive, 2 suspect, 3 dead, 4 left) | name: len u8 + bytes | incarnation u32
 *          | alive: address | suspect, dead: from: len u8 + bytes | left: nothing
 *   address family u8 (4 or 6) | 4 or 16 bytes | port u16 (>= 1)
 *
 * A datagram is at most MAX_DATAGRAM_BYTES, which fits the IPv6 minimum MTU (1280) behind the
 * IPv6 and UDP headers: it is never fragmented. Names are 1-253 bytes of printable ASCII without
 * space (Kubernetes node names are DNS subdomains).
 */

import { createHmac, timingSafeEqual } from 'node:crypto';
import { ipFromBytes, ipToBytes, isValidPort, type MemberAddress } from './address.js';
import type { Body, Datagram, Message, MessageType, Update } from './messages.js';

export const WIRE_VERSION = 1;
export const MAX_DATAGRAM_BYTES = 1232;
export const TAG_BYTES = 32;
export const MAX_UPDATES = 255;
export const MAX_NAME_BYTES = 253;
/** The shortest well-formed datagram: a gossip from a one-letter sender with no updates. */
export const MIN_DATAGRAM_BYTES = 2 + 2 + 4 + 8 + 1 + TAG_BYTES;

/** Why a datagram was dropped: a small fixed set, so that it can label a counter. */
export type DropReason =
  | 'too-short'
  | 'too-long'
  /** A version other than 1 (checked before the tag: another version may sign differently). */
  | 'version'
  /** The HMAC does not match under any accepted key. */
  | 'auth'
  /** Authenticated, but a field is out of range or runs past the end. */
  | 'malformed'
  /** Its stamp is outside the freshness window of the receiver's clock. */
  | 'stale'
  /** Its stamp was seen before from this sender, or is too far behind the newest seen. */
  | 'replayed'
  /** It says it comes from this member itself (our own address in the seed list, or a clone). */
  | 'loopback';

export const DROP_REASONS: readonly DropReason[] = ['too-short', 'too-long', 'version', 'auth', 'malformed', 'stale', 'replayed', 'loopback'];

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: DropReason; detail: string };

const TYPE_CODES: Record<MessageType, number> = { ping: 1, ack: 2, 'ping-req': 3, nack: 4, gossip: 5, sync: 6 };
const UPDATE_CODES: Record<Update['kind'], number> = { alive: 1, suspect: 2, dead: 3, left: 4 };

export function isValidName(name: string): boolean {
  return name.length >= 1 && name.length <= MAX_NAME_BYTES && /^[\x21-\x7e]+$/.test(name);
}

function addressSize(address: MemberAddress): number {
  return 1 + (address.ip.includes(':') ? 16 : 4) + 2;
}

function bodySize(body: Body): number {
  switch (body.type) {
    case 'ping':
      return 4 + 1 + body.target.length;
    case 'ack':
    case 'nack':
      return 4;
    case 'ping-req':
      return 4 + 1 + body.target.length + addressSize(body.targetAddress);
    case 'gossip':
      return 0;
    case 'sync':
      return 1;
  }
}

export function updateSize(update: Update): number {
  const head = 1 + 1 + update.name.length + 4;
  switch (update.kind) {
    case 'alive':
      return head + addressSize(update.address);
    case 'suspect':
    case 'dead':
      return head + 1 + update.from.length;
    case 'left':
      return head;
  }
}

/** Bytes on the wire of a message with no updates; each update adds updateSize(update). */
export function baseSize(message: Pick<Message, 'sender' | 'body'>): number {
  return 2 + 1 + message.sender.length + 4 + 8 + bodySize(message.body) + 1 + TAG_BYTES;
}

export function datagramSize(message: Message): number {
  return message.updates.reduce((size, u) => size + updateSize(u), baseSize(message));
}

class Writer {
  readonly buffer: Buffer;
  offset = 0;

  constructor(size: number) {
    this.buffer = Buffer.alloc(size);
  }

  u8(v: number): void {
    this.offset = this.buffer.writeUInt8(v, this.offset);
  }

  u16(v: number): void {
    this.offset = this.buffer.writeUInt16BE(v, this.offset);
  }

  u32(v: number): void {
    this.offset = this.buffer.writeUInt32BE(v >>> 0, this.offset);
  }

  name(name: string, what: string): void {
    if (!isValidName(name)) {
      throw new RangeError(`${what} "${name}" is not 1-${MAX_NAME_BYTES} printable ASCII characters`);
    }
    this.u8(name.length);
    this.offset += this.buffer.write(name, this.offset, 'latin1');
  }

  address(address: MemberAddress, what: string): void {
    const bytes = ipToBytes(address.ip);
    if (!bytes || !isValidPort(address.port)) throw new RangeError(`${what} ${address.ip} port ${address.port} is not an IP address and port`);
    this.u8(bytes.length === 4 ? 4 : 6);
    this.offset += bytes.copy(this.buffer, this.offset);
    this.u16(address.port);
  }
}

function checkUint32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`${what} ${value} is not a 32-bit unsigned integer`);
}

/**
 * The datagram, signed with `key`. Throws a RangeError naming the field for what the protocol
 * cannot carry (a bad name, too many updates, too many bytes): the caller builds messages within
 * the limits, so this is a programming error.
 */
export function encodeDatagram(message: Message, stamp: number, key: Buffer): Buffer {
  const size = datagramSize(message);
  if (size > MAX_DATAGRAM_BYTES) throw new RangeError(`a ${message.body.type} from ${message.sender} would be ${size} bytes, over ${MAX_DATAGRAM_BYTES}`);
  if (message.updates.length > MAX_UPDATES) throw new RangeError(`a ${message.body.type} from ${message.sender} carries ${message.updates.length} updates, over ${MAX_UPDATES}`);
  if (!Number.isSafeInteger(stamp) || stamp < 0) throw new RangeError(`stamp ${stamp} is not a whole number of microseconds`);
  checkUint32(message.incarnation, `incarnation of ${message.sender}`);
  const w = new Writer(size);
  w.u8(WIRE_VERSION);
  w.u8(TYPE_CODES[message.body.type]);
  w.name(message.sender, 'sender');
  w.u32(message.incarnation);
  w.u32(Math.floor(stamp / 2 ** 32));
  w.u32(stamp % 2 ** 32);
  writeBody(w, message.body);
  w.u8(message.updates.length);
  for (const update of message.updates) writeUpdate(w, update);
  createHmac('sha256', key).update(w.buffer.subarray(0, w.offset)).digest().copy(w.buffer, w.offset);
  return w.buffer;
}

function writeBody(w: Writer, body: Body): void {
  switch (body.type) {
    case 'ping':
      checkUint32(body.seq, 'ping seq');
      w.u32(body.seq);
      w.name(body.target, 'ping target');
      return;
    case 'ack':
    case 'nack':
      checkUint32(body.seq, `${body.type} seq`);
      w.u32(body.seq);
      return;
    case 'ping-req':
      checkUint32(body.seq, 'ping-req seq');
      w.u32(body.seq);
      w.name(body.target, 'ping-req target');
      w.address(body.targetAddress, `ping-req target ${body.target}`);
      return;
    case 'gossip':
      return;
    case 'sync':
      w.u8(body.replyWanted ? 1 : 0);
      return;
  }
}

function writeUpdate(w: Writer, update: Update): void {
  checkUint32(update.incarnation, `incarnation of ${update.name}`);
  w.u8(UPDATE_CODES[update.kind]);
  w.name(update.name, `${update.kind} update member`);
  w.u32(update.incarnation);
  switch (update.kind) {
    case 'alive':
      w.address(update.address, `address of ${update.name}`);
      return;
    case 'suspect':
    case 'dead':
      w.name(update.from, `${update.kind} update about ${update.name}, from`);
      return;
    case 'left':
      return;
  }
}

/** Thrown inside the decoder only, caught at its edge: a field that does not hold. */
class Malformed extends Error {}

class Reader {
  offset = 0;

  constructor(
    private readonly buffer: Buffer,
    private readonly end: number,
  ) {}

  private need(n: number, what: string): void {
    if (this.offset + n > this.end) throw new Malformed(`${what} runs past the end at offset ${this.offset}`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buffer.readUInt8(this.offset++);
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.buffer.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  name(what: string): string {
    const length = this.u8(`${what} length`);
    this.need(length, what);
    const text = this.buffer.toString('latin1', this.offset, this.offset + length);
    this.offset += length;
    if (!isValidName(text)) throw new Malformed(`${what} is not 1-${MAX_NAME_BYTES} printable ASCII characters`);
    return text;
  }

  address(what: string): MemberAddress {
    const family = this.u8(`${what} family`);
    if (family !== 4 && family !== 6) throw new Malformed(`${what} family ${family} is neither 4 nor 6`);
    const size = family === 4 ? 4 : 16;
    this.need(size, what);
    const ip = ipFromBytes(this.buffer.subarray(this.offset, this.offset + size));
    this.offset += size;
    const port = this.u16(`${what} port`);
    if (port === 0) throw new Malformed(`${what} port is 0`);
    return { ip, port };
  }
}

/**
 * Checks, in order: length bounds, version, the HMAC under each of `keys` (the first is the
 * current one; the others are accepted during a key rotation), then the fields. Never throws.
 */
export function decodeDatagram(bytes: Buffer, keys: readonly Buffer[]): Decoded<Datagram> {
  if (bytes.length < MIN_DATAGRAM_BYTES) return { ok: false, reason: 'too-short', detail: `${bytes.length} bytes, below ${MIN_DATAGRAM_BYTES}` };
  if (bytes.length > MAX_DATAGRAM_BYTES) return { ok: false, reason: 'too-long', detail: `${bytes.length} bytes, over ${MAX_DATAGRAM_BYTES}` };
  if (bytes[0] !== WIRE_VERSION) return { ok: false, reason: 'version', detail: `version ${bytes[0]}, expected ${WIRE_VERSION}` };
  const end = bytes.length - TAG_BYTES;
  const signed = bytes.subarray(0, end);
  const tag = bytes.subarray(end);
  if (!keys.some((key) => timingSafeEqual(createHmac('sha256', key).update(signed).digest(), tag))) {
    return { ok: false, reason: 'auth', detail: `HMAC does not match under any of ${keys.length} key(s)` };
  }
  try {
    return { ok: true, value: readDatagram(new Reader(bytes, end), end) };
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, reason: 'malformed', detail: error.message };
    throw error;
  }
}

function readDatagram(r: Reader, end: number): Datagram {
  r.u8('version');
  const typeCode = r.u8('type');
  const sender = r.name('sender');
  const incarnation = r.u32('incarnation');
  const high = r.u32('stamp');
  const low = r.u32('stamp');
  if (high >= 2 ** 21) throw new Malformed(`stamp ${high}:${low} is beyond 2^53 microseconds`);
  const stamp = high * 2 ** 32 + low;
  const body = readBody(r, typeCode);
  const count = r.u8('update count');
  const updates: Update[] = [];
  for (let i = 0; i < count; i++) updates.push(readUpdate(r, `update ${i}`));
  if (r.offset !== end) throw new Malformed(`${end - r.offset} bytes after the last update`);
  return { sender, incarnation, stamp, body, updates };
}

function readBody(r: Reader, typeCode: number): Body {
  switch (typeCode) {
    case TYPE_CODES.ping:
      return { type: 'ping', seq: r.u32('ping seq'), target: r.name('ping target') };
    case TYPE_CODES.ack:
      return { type: 'ack', seq: r.u32('ack seq') };
    case TYPE_CODES.nack:
      return { type: 'nack', seq: r.u32('nack seq') };
    case TYPE_CODES['ping-req']:
      return { type: 'ping-req', seq: r.u32('ping-req seq'), target: r.name('ping-req target'), targetAddress: r.address('ping-req target address') };
    case TYPE_CODES.gossip:
      return { type: 'gossip' };
    case TYPE_CODES.sync: {
      const flags = r.u8('sync flags');
      if (flags > 1) throw new Malformed(`sync flags ${flags} has unknown bits`);
      return { type: 'sync', replyWanted: flags === 1 };
    }
    default:
      throw new Malformed(`message type ${typeCode} is unknown`);
  }
}

function readUpdate(r: Reader, what: string): Update {
  const kind = r.u8(`${what} kind`);
  const name = r.name(`${what} member`);
  const incarnation = r.u32(`${what} incarnation`);
  switch (kind) {
    case UPDATE_CODES.alive:
      return { kind: 'alive', name, incarnation, address: r.address(`${what} address`) };
    case UPDATE_CODES.suspect:
      return { kind: 'suspect', name, incarnation, from: r.name(`${what} from`) };
    case UPDATE_CODES.dead:
      return { kind: 'dead', name, incarnation, from: r.name(`${what} from`) };
    case UPDATE_CODES.left:
      return { kind: 'left', name, incarnation };
    default:
      throw new Malformed(`${what} kind ${kind} is unknown`);
  }
}
