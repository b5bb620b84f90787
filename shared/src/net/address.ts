import { Address4, Address6 } from 'ip-address';
import { type ParseResult, fail, ok } from './result.js';

export type Family = 4 | 6;

/** An address as a number, so arithmetic and counting stay exact for IPv6. */
export interface IP {
  family: Family;
  value: bigint;
}

export function familyBits(family: Family): 32 | 128 {
  return family === 4 ? 32 : 128;
}

/** The highest address value of a family: 2^bits - 1. */
export function maxValue(family: Family): bigint {
  return (1n << BigInt(familyBits(family))) - 1n;
}

export function familyName(family: Family): 'IPv4' | 'IPv6' {
  return family === 4 ? 'IPv4' : 'IPv6';
}

/** Parses one address; see parseIPResult for the rules and for why it was rejected. */
export function parseIP(text: string): IP | undefined {
  const result = parseIPResult(text);
  return result.ok ? result.value : undefined;
}

/**
 * Parses one address strictly: dotted quad without leading zeros (010 could mean octal 8 or
 * decimal 10, so it is refused rather than guessed), or RFC 4291 IPv6 text; no spaces, no
 * prefix length, no zone. `::ffff:1.2.3.4` stays an IPv6 address: a pool of one family must
 * not silently gain members of the other.
 */
export function parseIPResult(text: string): ParseResult<IP> {
  if (text === '') return fail('address is empty');
  if (text.trim() !== text) return fail(`"${text}" has spaces around the address`);
  if (text.includes('/')) return fail(`"${text}" has a prefix length; expected a single address`);
  if (text.includes('%')) {
    return fail(`"${text}" has a zone id (after "%"); addresses here are global, not per interface`);
  }
  if (text.includes(':')) {
    try {
      return ok({ family: 6, value: new Address6(text).bigInt() });
    } catch (e) {
      return fail(`"${text}" is not a valid IPv6 address${leadingZeroHint(e)}`);
    }
  }
  try {
    return ok({ family: 4, value: new Address4(text).bigInt() });
  } catch (e) {
    return fail(`"${text}" is not a valid IPv4 address${leadingZeroHint(e)}`);
  }
}

function leadingZeroHint(e: unknown): string {
  // ip-address says so in its message; that is the one rejection worth explaining.
  const message = e instanceof Error ? e.message : '';
  return /leading zero/i.test(message) ? ' (an octet has a leading zero, which could be read as octal)' : '';
}

const MAPPED_PREFIX = 0xffffn << 32n;

/**
 * Canonical text: dotted quad for IPv4; RFC 5952 for IPv6 (lowercase, no leading zeros in a
 * group, the longest run of two or more zero groups as "::"), and, as RFC 5952 section 5
 * recommends, IPv4-mapped addresses in mixed notation: `::ffff:1.2.3.4`.
 */
export function formatIP(ip: IP): string {
  return formatAddress(ip.family, ip.value);
}

export function formatAddress(family: Family, value: bigint): string {
  if (value < 0n || value > maxValue(family)) {
    throw new RangeError(`${value} is outside the ${familyName(family)} address space`);
  }
  if (family === 4) return Address4.fromBigInt(value).correctForm();
  if (value >> 32n === 0xffffn) {
    return `::ffff:${Address4.fromBigInt(value - MAPPED_PREFIX).correctForm()}`;
  }
  return Address6.fromBigInt(value).correctForm();
}

/** Orders IPv4 before IPv6, then by numeric value. */
export function compareIP(a: IP, b: IP): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}
