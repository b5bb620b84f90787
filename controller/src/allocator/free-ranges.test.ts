import { expect } from 'chai';
import fc from 'fast-check';
import { FreeRanges } from './free-ranges.js';

function spans(t: FreeRanges): Array<[number, number]> {
  return [...t.ranges()].map(([a, b]) => [Number(a), Number(b)]);
}

describe('FreeRanges (free addresses of a pool as ranges in a balanced tree)', () => {
  it('hands out the lowest free value first and keeps one range while filling from the bottom', () => {
    const t = new FreeRanges(0n, 9n);
    expect([t.takeLowest(), t.takeLowest(), t.takeLowest()]).to.deep.equal([0n, 1n, 2n]);
    expect(spans(t)).to.deep.equal([[3, 9]]);
    expect(t.size).to.equal(7n);
    expect(t.rangeCount).to.equal(1);
  });

  it('splits a range when a value in its middle is taken, and merges both neighbours when it comes back', () => {
    const t = new FreeRanges(0n, 9n);
    expect(t.take(5n)).to.equal(true);
    expect(spans(t)).to.deep.equal([
      [0, 4],
      [6, 9],
    ]);
    t.release(5n);
    expect(spans(t)).to.deep.equal([[0, 9]]);
    expect(t.size).to.equal(10n);
  });

  it('refuses to take a value that is not free, and changes nothing', () => {
    const t = new FreeRanges(0n, 3n);
    t.take(2n);
    expect(t.take(2n)).to.equal(false);
    expect(t.take(4n)).to.equal(false);
    expect(spans(t)).to.deep.equal([
      [0, 1],
      [3, 3],
    ]);
  });

  it('throws when a value is released twice, since that is a bookkeeping bug', () => {
    const t = new FreeRanges(0n, 3n);
    expect(() => t.release(1n)).to.throw(RangeError, 'value 1 is already free');
  });

  it('counts an IPv6 /64 exactly and takes from it without listing its addresses', () => {
    const t = new FreeRanges(0n, 2n ** 64n - 1n);
    expect(t.size).to.equal(18446744073709551616n);
    expect(t.take(2n ** 63n)).to.equal(true);
    expect(t.size).to.equal(2n ** 64n - 1n);
    expect(t.rangeCount).to.equal(2);
  });

  it('is empty when built with no values and has nothing to hand out', () => {
    const t = new FreeRanges();
    expect(t.size).to.equal(0n);
    expect(t.takeLowest()).to.equal(undefined);
    expect(t.lowest()).to.equal(undefined);
  });

  it('stays balanced: 10,000 scattered holes give a tree no taller than 1.45 log2(n) + 2', () => {
    const t = new FreeRanges(0n, 100_000n);
    for (let i = 1; i < 20_000; i += 2) t.take(BigInt(i * 5));
    const n = t.rangeCount;
    expect(n).to.be.greaterThan(9_000);
    expect(t.height).to.be.at.most(Math.ceil(1.45 * Math.log2(n + 2)) + 2);
  });

  it('behaves like a plain set of numbers under any sequence of take, take-lowest and release', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('take' as const), v: fc.integer({ min: 0, max: 63 }) }),
      fc.record({ kind: fc.constant('lowest' as const), v: fc.constant(0) }),
      fc.record({ kind: fc.constant('release' as const), v: fc.integer({ min: 0, max: 63 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const t = new FreeRanges(0n, 63n);
        const model = new Set<number>(Array.from({ length: 64 }, (_, i) => i));
        for (const { kind, v } of ops) {
          if (kind === 'take') {
            expect(t.take(BigInt(v))).to.equal(model.delete(v));
          } else if (kind === 'lowest') {
            const want = model.size === 0 ? undefined : Math.min(...model);
            const got = t.takeLowest();
            expect(got === undefined ? undefined : Number(got)).to.equal(want);
            if (want !== undefined) model.delete(want);
          } else if (model.has(v)) {
            expect(() => t.release(BigInt(v))).to.throw(RangeError);
          } else {
            t.release(BigInt(v));
            model.add(v);
          }
          expect(t.size).to.equal(BigInt(model.size));
          expect(t.has(BigInt(v))).to.equal(model.has(v));
        }
        // Ranges are sorted, disjoint, not touching (so the representation is unique), and cover the model.
        const rs = spans(t);
        for (let i = 1; i < rs.length; i++) expect((rs[i] as [number, number])[0]).to.be.greaterThan((rs[i - 1] as [number, number])[1] + 1);
        const covered = rs.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
        expect(covered).to.deep.equal([...model].sort((a, b) => a - b));
        expect(t.rangeCount).to.equal(rs.length);
      }),
      { numRuns: 300 },
    );
  });
});
