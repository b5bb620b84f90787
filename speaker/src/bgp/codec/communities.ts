import type { ExtendedCommunity, LargeCommunity } from '../messages.js';
import type { ByteWriter } from './byte-writer.js';

/** COMMUNITIES (RFC 1997), EXTENDED_COMMUNITIES (RFC 4360) and LARGE_COMMUNITIES (RFC 8092) values. */

/** 65535:0, asks the receiver to lower the route's preference before the session goes down (RFC 8326). */
export const GRACEFUL_SHUTDOWN = 0xffff0000;
export const NO_EXPORT = 0xffffff01;
export const NO_ADVERTISE = 0xffffff02;
export const NO_EXPORT_SUBCONFED = 0xffffff03;
export const BLACKHOLE = 0xffff029a;

/** Link bandwidth (draft-ietf-idr-link-bandwidth): two-octet AS specific type, subtype 4. */
const LINK_BANDWIDTH_SUBTYPE = 0x04;
const TYPE_TWO_OCTET_AS_TRANSITIVE = 0x00;
const TYPE_TWO_OCTET_AS_NON_TRANSITIVE = 0x40;

export function writeCommunities(w: ByteWriter, communities: readonly number[]): void {
  for (const c of communities) w.u32(c, 'community');
}

export function readCommunities(bytes: Uint8Array, start: number, end: number): number[] {
  const out: number[] = new Array<number>((end - start) >>> 2);
  for (let at = start, i = 0; at + 4 <= end; at += 4, i++) {
    out[i] = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
  }
  return out;
}

const float32 = new DataView(new ArrayBuffer(4));

export function writeExtendedCommunities(w: ByteWriter, communities: readonly ExtendedCommunity[]): void {
  for (const c of communities) {
    if (c.kind === 'raw') {
      if (c.bytes.length !== 8) throw new RangeError(`extended community has ${c.bytes.length} octets; it must have 8`);
      w.bytes(c.bytes);
      continue;
    }
    if (!(c.bytesPerSecond >= 0) || !Number.isFinite(c.bytesPerSecond)) {
      throw new RangeError(`link bandwidth ${c.bytesPerSecond} bytes/s is not a finite number >= 0`);
    }
    w.u8(c.transitive ? TYPE_TWO_OCTET_AS_TRANSITIVE : TYPE_TWO_OCTET_AS_NON_TRANSITIVE);
    w.u8(LINK_BANDWIDTH_SUBTYPE);
    w.u16(c.asn, 'link bandwidth AS (2-octet; use AS_TRANS for a larger AS)');
    float32.setFloat32(0, c.bytesPerSecond);
    for (let i = 0; i < 4; i++) w.u8(float32.getUint8(i));
  }
}

export function readExtendedCommunities(bytes: Uint8Array, start: number, end: number): ExtendedCommunity[] {
  const out: ExtendedCommunity[] = [];
  for (let at = start; at + 8 <= end; at += 8) {
    const type = bytes[at]!;
    if ((type === TYPE_TWO_OCTET_AS_TRANSITIVE || type === TYPE_TWO_OCTET_AS_NON_TRANSITIVE) && bytes[at + 1] === LINK_BANDWIDTH_SUBTYPE) {
      const view = new DataView(bytes.buffer, bytes.byteOffset + at + 4, 4);
      out.push({
        kind: 'link-bandwidth',
        transitive: type === TYPE_TWO_OCTET_AS_TRANSITIVE,
        asn: (bytes[at + 2]! << 8) | bytes[at + 3]!,
        bytesPerSecond: view.getFloat32(0),
      });
    } else {
      out.push({ kind: 'raw', bytes: bytes.slice(at, at + 8) });
    }
  }
  return out;
}

function largeKey(c: LargeCommunity): string {
  return `${c.globalAdministrator}:${c.localData1}:${c.localData2}`;
}

/** The list without repeats, first occurrence kept: RFC 8092 5 forbids sending duplicates. */
export function uniqueLargeCommunities(communities: readonly LargeCommunity[]): readonly LargeCommunity[] {
  if (communities.length < 2) return communities;
  const seen = new Set<string>();
  return communities.filter((c) => {
    const key = largeKey(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function writeLargeCommunities(w: ByteWriter, communities: readonly LargeCommunity[]): void {
  for (const c of communities) {
    w.u32(c.globalAdministrator, 'large community global administrator');
    w.u32(c.localData1, 'large community local data 1');
    w.u32(c.localData2, 'large community local data 2');
  }
}

/** Duplicates are removed silently, as RFC 8092 5 asks of a receiver. */
export function readLargeCommunities(bytes: Uint8Array, start: number, end: number): LargeCommunity[] {
  const out: LargeCommunity[] = [];
  const seen = new Set<string>();
  const words = readCommunities(bytes, start, end);
  for (let i = 0; i + 3 <= words.length; i += 3) {
    const c = { globalAdministrator: words[i]!, localData1: words[i + 1]!, localData2: words[i + 2]! };
    const key = largeKey(c);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}
