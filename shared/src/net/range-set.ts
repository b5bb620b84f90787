import { type Family, familyName, maxValue } from './address.js';
import type { IPRange } from './range.js';

interface Span {
  first: bigint;
  last: bigint;
}

/**
 * A set of addresses of one family, held as sorted, disjoint, non-adjacent inclusive spans
 * (touching spans are merged, so the representation of a set is unique).
 *
 * Mutable: add and remove change the set in place and cost O(log n + k) to find the place plus
 * O(n) to shift the array, n being the number of spans. has, overlaps and nextAtOrAfter are
 * O(log n). union, intersection and difference return new sets in O(n + m). Use clone() to
 * keep a snapshot.
 */
export class RangeSet {
  readonly family: Family;
  private spans: Span[] = [];

  constructor(family: Family, ranges: Iterable<IPRange> = []) {
    this.family = family;
    for (const r of ranges) this.add(r);
  }

  clone(): RangeSet {
    const copy = new RangeSet(this.family);
    copy.spans = this.spans.map((s) => ({ ...s }));
    return copy;
  }

  get isEmpty(): boolean {
    return this.spans.length === 0;
  }

  /** How many addresses, exactly. */
  size(): bigint {
    let total = 0n;
    for (const s of this.spans) total += s.last - s.first + 1n;
    return total;
  }

  /** The merged ranges in address order (copies; changing them does not change the set). */
  ranges(): IPRange[] {
    return this.spans.map((s) => ({ family: this.family, first: s.first, last: s.last }));
  }

  first(): bigint | undefined {
    return this.spans[0]?.first;
  }

  has(value: bigint): boolean {
    const i = this.firstStartingAfter(value) - 1;
    const span = this.spans[i];
    return span !== undefined && span.last >= value;
  }

  /** The smallest member that is at least `value`, if any. */
  nextAtOrAfter(value: bigint): bigint | undefined {
    const span = this.spans[this.firstEndingAtOrAfter(value)];
    if (span === undefined) return undefined;
    return span.first > value ? span.first : value;
  }

  overlaps(range: IPRange): boolean {
    if (range.family !== this.family) return false;
    const span = this.spans[this.firstEndingAtOrAfter(range.first)];
    return span !== undefined && span.first <= range.last;
  }

  add(range: IPRange): this {
    this.check(range);
    // Spans that overlap or touch [first, last] merge with it into one.
    const i = this.firstEndingAtOrAfter(range.first - 1n);
    const j = this.firstStartingAfter(range.last + 1n);
    const low = this.spans[i];
    const high = this.spans[j - 1];
    if (i >= j || low === undefined || high === undefined) {
      this.spans.splice(i, 0, { first: range.first, last: range.last });
    } else {
      const merged = { first: min(low.first, range.first), last: max(high.last, range.last) };
      this.spans.splice(i, j - i, merged);
    }
    return this;
  }

  remove(range: IPRange): this {
    this.check(range);
    const i = this.firstEndingAtOrAfter(range.first);
    const j = this.firstStartingAfter(range.last);
    const low = this.spans[i];
    const high = this.spans[j - 1];
    if (i >= j || low === undefined || high === undefined) return this;
    const kept: Span[] = [];
    if (low.first < range.first) kept.push({ first: low.first, last: range.first - 1n });
    if (high.last > range.last) kept.push({ first: range.last + 1n, last: high.last });
    this.spans.splice(i, j - i, ...kept);
    return this;
  }

  union(other: RangeSet): RangeSet {
    this.checkFamily(other);
    const all = [...this.spans, ...other.spans].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    const out: Span[] = [];
    for (const s of all) {
      const last = out[out.length - 1];
      if (last !== undefined && s.first <= last.last + 1n) last.last = max(last.last, s.last);
      else out.push({ ...s });
    }
    return this.withSpans(out);
  }

  intersection(other: RangeSet): RangeSet {
    this.checkFamily(other);
    const out: Span[] = [];
    let i = 0;
    let j = 0;
    for (;;) {
      const a = this.spans[i];
      const b = other.spans[j];
      if (a === undefined || b === undefined) break;
      const first = max(a.first, b.first);
      const last = min(a.last, b.last);
      if (first <= last) out.push({ first, last });
      if (a.last < b.last) i++;
      else j++;
    }
    return this.withSpans(out);
  }

  difference(other: RangeSet): RangeSet {
    this.checkFamily(other);
    const out: Span[] = [];
    let j = 0;
    for (const a of this.spans) {
      let from = a.first;
      // Spans of `other` wholly before `a` cannot affect this or any later span of ours.
      let skipped = other.spans[j];
      while (skipped !== undefined && skipped.last < a.first) skipped = other.spans[++j];
      let k = j;
      for (let b = other.spans[k]; b !== undefined && b.first <= a.last; b = other.spans[++k]) {
        if (b.first > from) out.push({ first: from, last: b.first - 1n });
        from = b.last + 1n;
      }
      if (from <= a.last) out.push({ first: from, last: a.last });
    }
    return this.withSpans(out);
  }

  private withSpans(spans: Span[]): RangeSet {
    const set = new RangeSet(this.family);
    set.spans = spans;
    return set;
  }

  /** Index of the first span whose last >= value (spans.length if none). */
  private firstEndingAtOrAfter(value: bigint): number {
    let lo = 0;
    let hi = this.spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.spans[mid] as Span).last >= value) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Index of the first span whose first > value (spans.length if none). */
  private firstStartingAfter(value: bigint): number {
    let lo = 0;
    let hi = this.spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.spans[mid] as Span).first > value) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private check(range: IPRange): void {
    if (range.family !== this.family) {
      throw new RangeError(`cannot use an ${familyName(range.family)} range in an ${familyName(this.family)} set`);
    }
    if (range.first < 0n || range.first > range.last || range.last > maxValue(this.family)) {
      throw new RangeError(`${range.first}..${range.last} is not a valid ${familyName(this.family)} range`);
    }
  }

  private checkFamily(other: RangeSet): void {
    if (other.family !== this.family) {
      throw new RangeError(`cannot combine an ${familyName(this.family)} set with an ${familyName(other.family)} set`);
    }
  }
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
