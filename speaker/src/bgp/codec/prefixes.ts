import type { Prefix } from '../messages.js';
import type { ByteWriter } from './byte-writer.js';

/**
 * NLRI prefix encoding (RFC 4271 4.3, RFC 4760 5): one length octet (in bits), then the
 * fewest octets that hold that many bits. Used for the UPDATE body and MP_(UN)REACH_NLRI.
 */

const MAX_BITS = { 4: 32, 6: 128 } as const;

export function encodedPrefixSize(prefix: Prefix): number {
  return 1 + ((prefix.length + 7) >>> 3);
}

function checkPrefix(prefix: Prefix): void {
  const max = MAX_BITS[prefix.family];
  if (!Number.isInteger(prefix.length) || prefix.length < 0 || prefix.length > max) {
    throw new RangeError(`IPv${prefix.family} prefix length ${prefix.length} is outside 0..${max}`);
  }
}

/**
 * Writes one prefix at `at` in `out` (which the caller sized) and returns the offset after it.
 * The packing hot path: no allocation.
 */
export function putPrefix(out: Uint8Array, at: number, prefix: Prefix): number {
  checkPrefix(prefix);
  const length = prefix.length;
  const octets = (length + 7) >>> 3;
  out[at++] = length;
  if (prefix.family === 4) {
    const v = Number(prefix.network);
    for (let i = 0; i < octets; i++) out[at++] = (v >>> (24 - 8 * i)) & 0xff;
    return at;
  }
  for (let word = 0; word * 4 < octets; word++) {
    const w = Number((prefix.network >> BigInt(96 - 32 * word)) & 0xffffffffn);
    const inWord = Math.min(4, octets - word * 4);
    for (let i = 0; i < inWord; i++) out[at++] = (w >>> (24 - 8 * i)) & 0xff;
  }
  return at;
}

export function writePrefixes(w: ByteWriter, prefixes: readonly Prefix[], family: 4 | 6, field: string): void {
  let size = 0;
  for (const p of prefixes) {
    if (p.family !== family) throw new RangeError(`${field} holds an IPv${p.family} prefix; it carries IPv${family} only`);
    size += encodedPrefixSize(p);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of prefixes) at = putPrefix(out, at, p);
  w.bytes(out);
}

function mask32(bits: number): number {
  return bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
}

/**
 * Reads prefixes from bytes[start, end) into `out`. Returns an English reason when the field
 * is not exactly a sequence of valid prefixes (RFC 7606 5.3), else undefined. Bits past the
 * prefix length are cleared, as the sender's are meaningless.
 */
export function readPrefixes(bytes: Uint8Array, start: number, end: number, family: 4 | 6, out: Prefix[]): string | undefined {
  const max = MAX_BITS[family];
  let at = start;
  while (at < end) {
    const length = bytes[at]!;
    if (length > max) return `prefix length ${length} at octet ${at - start} exceeds ${max} for IPv${family}`;
    const octets = (length + 7) >>> 3;
    if (octets > end - at - 1) {
      return `prefix /${length} at octet ${at - start} needs ${octets} octets but ${end - at - 1} remain`;
    }
    at++;
    if (family === 4) {
      let v = 0;
      for (let i = 0; i < octets; i++) v |= bytes[at + i]! << (24 - 8 * i);
      out.push({ family: 4, network: BigInt((v & mask32(length)) >>> 0), length });
    } else {
      let network = 0n;
      for (let word = 0; word < 4; word++) {
        let v = 0;
        const first = word * 4;
        for (let i = 0; i < 4 && first + i < octets; i++) v |= bytes[at + first + i]! << (24 - 8 * i);
        v = (v & mask32(length - 32 * word)) >>> 0;
        if (v !== 0) network |= BigInt(v) << BigInt(96 - 32 * word);
      }
      out.push({ family: 6, network, length });
    }
    at += octets;
  }
  return undefined;
}
