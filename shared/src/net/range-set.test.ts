import { expect } from 'chai';
import fc from 'fast-check';
import { parseCIDR } from './range.js';
import type { IPRange } from './range.js';
import { RangeSet } from './range-set.js';

function cidr(text: string): IPRange {
  const result = parseCIDR(text);
  if (!result.ok) throw new Error(result.error);
  return result.value.range;
}

function r(first: number, last: number): IPRange {
  return { family: 4, first: BigInt(first), last: BigInt(last) };
}

function spans(set: RangeSet): Array<[number, number]> {
  return set.ranges().map((x) => [Number(x.first), Number(x.last)]);
}

describe('RangeSet', () => {
  it('merges ranges that overlap or touch', () => {
    const set = new RangeSet(4, [r(10, 20), r(30, 40), r(21, 25), r(50, 60)]);
    expect(spans(set)).to.deep.equal([
      [10, 25],
      [30, 40],
      [50, 60],
    ]);
    set.add(r(26, 29));
    expect(spans(set)).to.deep.equal([
      [10, 40],
      [50, 60],
    ]);
    set.add(r(0, 100));
    expect(spans(set)).to.deep.equal([[0, 100]]);
  });

  it('splits a range when an address in its middle is removed', () => {
    const set = new RangeSet(4, [r(10, 20)]).remove(r(15, 15));
    expect(spans(set)).to.deep.equal([
      [10, 14],
      [16, 20],
    ]);
    expect(set.has(15n)).to.equal(false);
    expect(set.size()).to.equal(10n);
  });

  it('counts a /64 exactly', () => {
    const set = new RangeSet(6, [cidr('2001:db8::/64')]);
    expect(set.size()).to.equal(2n ** 64n);
    set.add(cidr('2001:db8:0:1::/64'));
    expect(set.size()).to.equal(2n ** 65n);
    expect(set.ranges()).to.have.length(1);
  });

  it('counts the whole IPv6 space exactly and empties when all of it is removed', () => {
    const set = new RangeSet(6, [cidr('::/0')]);
    expect(set.size()).to.equal(2n ** 128n);
    set.remove(cidr('::/0'));
    expect(set.isEmpty).to.equal(true);
    expect(set.first()).to.equal(undefined);
  });

  it('keeps a clone apart from the original', () => {
    const set = new RangeSet(4, [r(1, 5)]);
    const copy = set.clone();
    copy.remove(r(1, 5));
    expect(set.size()).to.equal(5n);
    expect(copy.isEmpty).to.equal(true);
  });

  it('refuses ranges of the other family, reversed ranges and values outside the address space', () => {
    const set = new RangeSet(4);
    expect(() => set.add({ family: 6, first: 0n, last: 1n })).to.throw(RangeError, 'IPv6 range in an IPv4 set');
    expect(() => set.add(r(5, 4))).to.throw(RangeError);
    expect(() => set.add({ family: 4, first: 0n, last: 1n << 32n })).to.throw(RangeError);
    expect(() => set.union(new RangeSet(6))).to.throw(RangeError);
    expect(set.overlaps({ family: 6, first: 0n, last: 1n })).to.equal(false);
  });

  describe('behaves like a plain set of numbers', () => {
    const UNIVERSE = 48;
    const value = fc.integer({ min: 0, max: UNIVERSE - 1 });
    const range = fc.tuple(value, value).map(([a, b]) => r(Math.min(a, b), Math.max(a, b)));
    const op = fc.oneof(
      range.map((x) => ({ kind: 'add' as const, range: x })),
      range.map((x) => ({ kind: 'remove' as const, range: x })),
    );

    type Op = { kind: 'add' | 'remove'; range: IPRange };

    function apply(set: RangeSet, model: Set<number>, { kind, range: x }: Op): void {
      set[kind](x);
      for (let v = Number(x.first); v <= Number(x.last); v++) {
        if (kind === 'add') model.add(v);
        else model.delete(v);
      }
    }

    function modelOf(ops: Op[]): [RangeSet, Set<number>] {
      const set = new RangeSet(4);
      const model = new Set<number>();
      for (const step of ops) apply(set, model, step);
      return [set, model];
    }

    function expectSame(set: RangeSet, model: Set<number>): void {
      const stored = set.ranges();
      stored.forEach((x, i) => {
        expect(x.first <= x.last, 'each range is in order').to.equal(true);
        const next = stored[i + 1];
        if (next !== undefined) expect(next.first > x.last + 1n, 'ranges are disjoint and not touching').to.equal(true);
      });
      for (let v = -1; v <= UNIVERSE; v++) expect(set.has(BigInt(v)), `has(${v})`).to.equal(model.has(v));
      expect(set.size()).to.equal(BigInt(model.size));
      expect(set.isEmpty).to.equal(model.size === 0);
      const sorted = [...model].sort((a, b) => a - b);
      expect(set.first()).to.equal(sorted.length ? BigInt(sorted[0] as number) : undefined);
    }

    it('after any sequence of add and remove', () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
          const set = new RangeSet(4);
          const model = new Set<number>();
          for (const step of ops) {
            apply(set, model, step);
            expectSame(set, model);
          }
        }),
      );
    });

    it('when asked about overlaps and the next member at or after a value', () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 20 }), range, value, (ops, probe, from) => {
          const [set, model] = modelOf(ops);
          let overlaps = false;
          for (let v = Number(probe.first); v <= Number(probe.last); v++) overlaps ||= model.has(v);
          expect(set.overlaps(probe)).to.equal(overlaps);
          const next = [...model].filter((v) => v >= from).sort((a, b) => a - b)[0];
          expect(set.nextAtOrAfter(BigInt(from))).to.equal(next === undefined ? undefined : BigInt(next));
        }),
      );
    });

    it('for union, intersection and difference', () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 15 }), fc.array(op, { maxLength: 15 }), (opsA, opsB) => {
          const [a, modelA] = modelOf(opsA);
          const [b, modelB] = modelOf(opsB);
          const before = a.ranges();
          expectSame(a.union(b), new Set([...modelA, ...modelB]));
          expectSame(a.intersection(b), new Set([...modelA].filter((v) => modelB.has(v))));
          expectSame(a.difference(b), new Set([...modelA].filter((v) => !modelB.has(v))));
          expect(a.ranges(), 'set operations leave their inputs alone').to.deep.equal(before);
        }),
      );
    });
  });
});
