import { type Family, type IP, familyBits, familyName, formatAddress, parseIPResult } from './address.js';
import { type ParseResult, fail, ok } from './result.js';

export type { ParseResult } from './result.js';

/** Addresses first..last of one family, both ends included. */
export interface IPRange {
  family: Family;
  first: bigint;
  last: bigint;
}

export interface CIDR {
  network: bigint;
  prefixLength: number;
}

export interface ParsedCIDR extends CIDR {
  family: Family;
  range: IPRange;
}

/** One entry of an IPAddressPool's spec.addresses. `cidr` is set when it was written as one. */
export interface PoolEntry {
  text: string;
  range: IPRange;
  cidr?: CIDR;
}

const PREFIX_LENGTH = /^(0|[1-9][0-9]*)$/;

/**
 * Parses `address/length`. A CIDR with host bits set (192.168.1.5/24) is rejected rather than
 * masked: the writer meant either the network or the one address, and guessing hides the typo.
 */
export function parseCIDR(text: string): ParseResult<ParsedCIDR> {
  if (text.trim() !== text) return fail(`"${text}" has spaces at its start or end`);
  const slash = text.indexOf('/');
  if (slash < 0) return fail(`"${text}" has no prefix length; expected address/length, such as 192.168.1.0/24`);
  const addressText = text.slice(0, slash);
  const lengthText = text.slice(slash + 1);
  const address = parseIPResult(addressText);
  if (!address.ok) return address;
  const { family, value } = address.value;
  if (!PREFIX_LENGTH.test(lengthText)) {
    return fail(`prefix length "${lengthText}" in "${text}" is not a whole number without leading zeros`);
  }
  const prefixLength = Number(lengthText);
  const bits = familyBits(family);
  if (prefixLength > bits) {
    return fail(`prefix length /${lengthText} in "${text}" is too long for ${familyName(family)} (at most /${bits})`);
  }
  const range = cidrRange(family, { network: value, prefixLength });
  if (range.first !== value) {
    return fail(`"${text}" has host bits set; did you mean ${formatCIDR(family, { network: range.first, prefixLength })}?`);
  }
  return ok({ family, network: value, prefixLength, range });
}

/**
 * Parses an IPAddressPool address entry: a CIDR, or a range `start-end` (spaces around the
 * dash allowed, as MetalLB allows). The error names the problem; the caller adds the object
 * and field path.
 */
export function parsePoolEntry(text: string): ParseResult<PoolEntry> {
  if (text.trim() === '') return fail('address entry is empty');
  if (text.trim() !== text) return fail(`"${text}" has spaces at its start or end`);
  if (text.includes('-')) return parseDashRange(text);
  if (!text.includes('/')) {
    const single = parseIPResult(text);
    if (single.ok) {
      return fail(`"${text}" is a single address, not a CIDR or a range; write ${text}/${familyBits(single.value.family)} or ${text}-${text}`);
    }
    return fail(`"${text}" is neither a CIDR (such as 192.168.1.0/24) nor a range (such as 192.168.1.10-192.168.1.20)`);
  }
  const cidr = parseCIDR(text);
  if (!cidr.ok) return cidr;
  const { network, prefixLength, range } = cidr.value;
  return ok({ text, range, cidr: { network, prefixLength } });
}

function parseDashRange(text: string): ParseResult<PoolEntry> {
  const parts = text.split('-');
  if (parts.length !== 2) return fail(`"${text}" has more than one "-"; a range is start-end`);
  const startText = trimBlanks(parts[0] ?? '');
  const endText = trimBlanks(parts[1] ?? '');
  if (startText === '') return fail(`range "${text}" has no start address`);
  if (endText === '') return fail(`range "${text}" has no end address`);
  const start = parseIPResult(startText);
  if (!start.ok) return fail(`range start ${start.error}`);
  const end = parseIPResult(endText);
  if (!end.ok) return fail(`range end ${end.error}`);
  if (start.value.family !== end.value.family) {
    return fail(
      `range "${text}" mixes ${familyName(start.value.family)} and ${familyName(end.value.family)}; both ends must be the same family`,
    );
  }
  if (start.value.value > end.value.value) return fail(`range start ${startText} is after its end ${endText}`);
  return ok({ text, range: { family: start.value.family, first: start.value.value, last: end.value.value } });
}

function trimBlanks(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, '');
}

export function cidrRange(family: Family, cidr: CIDR): IPRange {
  const hostBits = BigInt(familyBits(family) - cidr.prefixLength);
  const hostMask = (1n << hostBits) - 1n;
  const first = cidr.network & ~hostMask;
  return { family, first, last: first | hostMask };
}

export function formatCIDR(family: Family, cidr: CIDR): string {
  return `${formatAddress(family, cidr.network)}/${cidr.prefixLength}`;
}

export function rangeSize(r: IPRange): bigint {
  return r.last - r.first + 1n;
}

export function rangeContains(r: IPRange, ip: IP): boolean {
  return r.family === ip.family && r.first <= ip.value && ip.value <= r.last;
}

/** Ranges of different families never overlap. */
export function rangesOverlap(a: IPRange, b: IPRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** Always `start-end`, even for one address, so parsePoolEntry reads it back. */
export function formatRange(r: IPRange): string {
  return `${formatAddress(r.family, r.first)}-${formatAddress(r.family, r.last)}`;
}

/** The fewest CIDR blocks that together hold exactly the range, in address order. */
export function rangeToCIDRs(r: IPRange): CIDR[] {
  const bits = familyBits(r.family);
  const out: CIDR[] = [];
  let next = r.first;
  for (;;) {
    // The largest block starting at `next` is limited by its alignment and by what remains.
    let hostBits = next === 0n ? bits : trailingZeros(next);
    while (next + (1n << BigInt(hostBits)) - 1n > r.last) hostBits--;
    out.push({ network: next, prefixLength: bits - hostBits });
    const blockLast = next + (1n << BigInt(hostBits)) - 1n;
    if (blockLast >= r.last) return out;
    next = blockLast + 1n;
  }
}

function trailingZeros(v: bigint): number {
  let n = 0;
  while ((v & 1n) === 0n) {
    v >>= 1n;
    n++;
  }
  return n;
}

/** The range's addresses in order; at most `limit` of them when given. */
export function* iterateRange(r: IPRange, limit?: number | bigint): Generator<IP> {
  let remaining = limit === undefined ? rangeSize(r) : BigInt(limit);
  for (let v = r.first; v <= r.last && remaining > 0n; v++, remaining--) yield { family: r.family, value: v };
}
