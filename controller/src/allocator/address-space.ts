import type { Family } from '@herald/shared/net/address.js';
import type { PoolEntryConfig } from '@herald/shared/config/types.js';

/**
 * The addresses one pool may hand out in one family, numbered 0..size-1 in address order
 * ("ordinals"). The free-range tree works on ordinals, so the addresses a pool never hands out
 * (network and broadcast addresses, .0 and .255 under avoidBuggyIPs) are simply not numbered:
 * a /8 with avoidBuggyIPs is still one free range, not 65,536 of them.
 *
 * Exclusions:
 * - An IPv4 entry written as a CIDR shorter than /31 loses its first (network) and last
 *   (broadcast) address; /31 and /32 keep both (RFC 3021 point-to-point, single host).
 * - An IPv6 entry written as a CIDR shorter than /127 loses its all-zero address (the
 *   subnet-router anycast address, RFC 4291 2.6.1); /127 and /128 keep it (RFC 6164).
 * - An entry written as a range `a-b` loses nothing: the writer listed the addresses one by one.
 * - avoidBuggyIPs: every IPv4 address ending in .0 or .255, wherever it lies.
 */
export class AddressSpace {
  readonly family: Family;
  /** How many addresses can be handed out. */
  readonly size: bigint;
  private readonly segments: Segment[];

  constructor(family: Family, entries: readonly PoolEntryConfig[], avoidBuggyIPs: boolean) {
    this.family = family;
    const buggy = family === 4 && avoidBuggyIPs;
    const ofFamily = entries.filter((e) => e.range.family === family).sort((a, b) => (a.range.first < b.range.first ? -1 : 1));
    const segments: Segment[] = [];
    let base = 0n;
    for (const entry of ofFamily) {
      let { first, last } = entry.range;
      const cidr = asWrittenCIDR(entry);
      if (cidr !== undefined && family === 4 && cidr < 31) {
        first += 1n;
        last -= 1n;
      } else if (cidr !== undefined && family === 6 && cidr < 127) {
        first += 1n;
      }
      if (first > last) continue;
      const count = buggy ? usableUpTo(last) - usableUpTo(first - 1n) : last - first + 1n;
      if (count === 0n) continue;
      segments.push({ entry, first, last, base, count, buggy });
      base += count;
    }
    this.segments = segments;
    this.size = base;
  }

  /** The address with this ordinal. */
  address(ordinal: bigint): bigint {
    const seg = this.segmentOfOrdinal(ordinal);
    const k = ordinal - seg.base;
    if (!seg.buggy) return seg.first + k;
    // The (t)-th usable address counting from zero, 1-based; 254 usable per block of 256.
    const t = usableUpTo(seg.first - 1n) + k;
    return (t / 254n) * 256n + 1n + (t % 254n);
  }

  /** The ordinal of an address, or undefined when the pool does not hand it out. */
  ordinal(value: bigint): bigint | undefined {
    const seg = this.segmentOfAddress(value);
    if (seg === undefined) return undefined;
    if (!seg.buggy) return seg.base + (value - seg.first);
    if (isBuggy(value)) return undefined;
    return seg.base + usableUpTo(value) - usableUpTo(seg.first - 1n) - 1n;
  }

  /**
   * Why the pool never hands out an address that lies inside one of its entries, in words;
   * undefined when it does hand it out or the address is in none of its entries.
   */
  exclusion(value: bigint, entries: readonly PoolEntryConfig[], avoidBuggyIPs: boolean): string | undefined {
    if (this.ordinal(value) !== undefined) return undefined;
    const entry = entries.find((e) => e.range.family === this.family && e.range.first <= value && value <= e.range.last);
    if (entry === undefined) return undefined;
    const cidr = asWrittenCIDR(entry);
    if (cidr !== undefined && value === entry.range.first && (this.family === 4 ? cidr < 31 : cidr < 127)) {
      return this.family === 4
        ? `it is the network address of ${entry.text}`
        : `it is the all-zero (subnet-router anycast) address of ${entry.text}`;
    }
    if (cidr !== undefined && this.family === 4 && value === entry.range.last && cidr < 31) {
      return `it is the broadcast address of ${entry.text}`;
    }
    if (this.family === 4 && avoidBuggyIPs && isBuggy(value)) {
      return `it ends in .${value % 256n}, which the pool avoids (avoidBuggyIPs)`;
    }
    return undefined;
  }

  private segmentOfOrdinal(ordinal: bigint): Segment {
    let lo = 0;
    let hi = this.segments.length - 1;
    if (ordinal < 0n || ordinal >= this.size) throw new RangeError(`ordinal ${ordinal} is outside 0..${this.size - 1n}`);
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.segments[mid] as Segment).base <= ordinal) lo = mid;
      else hi = mid - 1;
    }
    return this.segments[lo] as Segment;
  }

  private segmentOfAddress(value: bigint): Segment | undefined {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const seg = this.segments[mid] as Segment;
      if (value < seg.first) hi = mid - 1;
      else if (value > seg.last) lo = mid + 1;
      else return seg;
    }
    return undefined;
  }
}

interface Segment {
  entry: PoolEntryConfig;
  /** First and last address this segment hands out (network and broadcast trimmed). */
  first: bigint;
  last: bigint;
  /** Ordinal of its first usable address. */
  base: bigint;
  count: bigint;
  buggy: boolean;
}

/** The prefix length when the entry was written as a CIDR; undefined for an `a-b` range. */
function asWrittenCIDR(entry: PoolEntryConfig): number | undefined {
  if (!entry.text.includes('/')) return undefined;
  return entry.cidrs[0]?.prefixLength;
}

function isBuggy(value: bigint): boolean {
  const low = value % 256n;
  return low === 0n || low === 255n;
}

/** How many addresses in [0, value] end in neither .0 nor .255; 0 for value < 0. */
function usableUpTo(value: bigint): bigint {
  if (value < 0n) return 0n;
  const n = value + 1n;
  const rest = n % 256n;
  return (n / 256n) * 254n + (rest > 1n ? rest - 1n : 0n);
}
