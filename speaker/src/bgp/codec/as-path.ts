import { AS_TRANS, type AsPathSegment } from '../messages.js';
import type { ByteWriter } from './byte-writer.js';

/**
 * AS_PATH and AS4_PATH (RFC 4271 4.3, RFC 6793): segments of type, count, AS numbers of 2 or 4
 * octets. The model always holds 4-octet numbers; 2-octet sessions carry AS_TRANS in AS_PATH
 * and the real numbers in AS4_PATH, merged back on receipt (RFC 6793 4.2.3).
 */

export const SEGMENT = { set: 1, sequence: 2, confedSequence: 3, confedSet: 4 } as const;

function isConfederation(segment: AsPathSegment): boolean {
  return segment.type === SEGMENT.confedSequence || segment.type === SEGMENT.confedSet;
}

/** Writes segments with AS numbers of `asnSize` octets; on 2 octets a number above 65535 becomes AS_TRANS. */
export function writeAsPath(w: ByteWriter, segments: readonly AsPathSegment[], asnSize: 2 | 4): void {
  for (const segment of segments) {
    if (segment.asns.length === 0 || segment.asns.length > 255) {
      throw new RangeError(`AS path segment of type ${segment.type} has ${segment.asns.length} AS numbers; 1 to 255 fit in a segment`);
    }
    w.u8(segment.type, 'AS path segment type');
    w.u8(segment.asns.length);
    for (const asn of segment.asns) {
      if (asnSize === 4) w.u32(asn, 'AS number');
      else w.u16(asn > 0xffff && asn <= 0xffffffff ? AS_TRANS : asn, 'AS number');
    }
  }
}

/** Octets the segments take with AS numbers of `asnSize` octets. */
export function asPathLength(segments: readonly AsPathSegment[], asnSize: 2 | 4): number {
  let n = 0;
  for (const s of segments) n += 2 + s.asns.length * asnSize;
  return n;
}

/** True when a 2-octet session must add AS4_PATH: some AS number outside a confederation segment needs 4 octets. */
export function needsAs4Path(segments: readonly AsPathSegment[]): boolean {
  return segments.some((s) => !isConfederation(s) && s.asns.some((asn) => asn > 0xffff));
}

/** AS4_PATH never carries confederation segments (RFC 6793 3). */
export function as4PathSegments(segments: readonly AsPathSegment[]): AsPathSegment[] {
  return segments.filter((s) => !isConfederation(s));
}

/**
 * Reads segments from bytes[start, end); returns a reason when malformed in the RFC 7606 7.2
 * sense: unknown segment type, zero-length segment, overrun, or a trailing partial header.
 */
export function readAsPath(bytes: Uint8Array, start: number, end: number, asnSize: 2 | 4): AsPathSegment[] | string {
  const segments: AsPathSegment[] = [];
  let at = start;
  while (at < end) {
    if (end - at < 2) return `a lone octet is left after the last segment`;
    const type = bytes[at]!;
    const count = bytes[at + 1]!;
    if (type < 1 || type > 4) return `segment type ${type} is not AS_SET, AS_SEQUENCE or a confederation segment`;
    if (count === 0) return `a segment of type ${type} has no AS numbers`;
    at += 2;
    if (count * asnSize > end - at) {
      return `a segment of ${count} AS numbers needs ${count * asnSize} octets but ${end - at} remain`;
    }
    const asns: number[] = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      asns[i] =
        asnSize === 4
          ? ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0
          : (bytes[at]! << 8) | bytes[at + 1]!;
      at += asnSize;
    }
    segments.push({ type: type as AsPathSegment['type'], asns });
  }
  return segments;
}

/** Path length as RFC 6793 counts it: an AS_SET counts one, confederation segments none. */
function countAsns(segments: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of segments) {
    if (s.type === SEGMENT.sequence) n += s.asns.length;
    else if (s.type === SEGMENT.set) n += 1;
  }
  return n;
}

/**
 * RFC 6793 4.2.3: when AS_PATH holds more numbers than AS4_PATH, its leading extra numbers
 * (and any confederation segment leading or next to them) go in front of AS4_PATH; when it
 * holds fewer, AS4_PATH is ignored.
 */
export function mergeAs4Path(asPath: readonly AsPathSegment[], as4Path: readonly AsPathSegment[]): readonly AsPathSegment[] {
  const four = as4PathSegments(as4Path);
  let needed = countAsns(asPath) - countAsns(four);
  if (needed < 0) return asPath;
  const merged: AsPathSegment[] = [];
  for (const segment of asPath) {
    if (isConfederation(segment)) {
      // Leading, after a prepended segment, or before one still to come (needed > 0).
      merged.push(segment);
      continue;
    }
    if (needed === 0) break;
    const take = segment.type === SEGMENT.set ? segment.asns.length : Math.min(needed, segment.asns.length);
    merged.push(take === segment.asns.length ? segment : { type: segment.type, asns: segment.asns.slice(0, take) });
    needed -= segment.type === SEGMENT.set ? 1 : take;
  }
  return [...merged, ...four];
}
