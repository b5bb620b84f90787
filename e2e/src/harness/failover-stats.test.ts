import { expect } from 'chai';
import fc from 'fast-check';
import { middle, nearestRank, summarizeTrials } from './failover-stats.js';

describe('failover trial summaries', () => {
  it('takes the 95th percentile of 20 trials as the 19th smallest', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(nearestRank(values, 0.95)).to.equal(19);
    expect(nearestRank(values, 1)).to.equal(20);
    expect(nearestRank([7], 0.95)).to.equal(7);
  });

  it('gives the median of an even count as the mean of the middle two', () => {
    expect(middle([4, 1, 3, 2])).to.equal(2.5);
    expect(middle([3, 1, 2])).to.equal(2);
  });

  it('is NaN for no values, and refuses quantiles outside (0, 1]', () => {
    expect(Number.isNaN(middle([]))).to.equal(true);
    expect(Number.isNaN(nearestRank([], 0.5))).to.equal(true);
    expect(() => nearestRank([1], 0)).to.throw(/not in \(0, 1\]/);
  });

  it('keeps every quantile between the smallest and largest value, rising with q', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 60 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (xs, q) => {
        const v = nearestRank(xs, q);
        expect(v).to.be.within(Math.min(...xs), Math.max(...xs));
        expect(nearestRank(xs, Math.min(1, q + 0.05))).to.be.at.least(v);
        expect(xs).to.include(v);
      }),
    );
  });

  it('counts trials where traffic never resumed or no other node answered as failed, and leaves them out of the move time', () => {
    const s = summarizeTrials([
      { gapMs: 300, gapClosed: true, moveMs: 310 },
      { gapMs: 280, gapClosed: true, moveMs: 290 },
      { gapMs: 9000, gapClosed: false, moveMs: null },
    ]);
    expect(s.trials).to.equal(3);
    expect(s.failed).to.equal(1);
    expect(s.gap.median).to.equal(300);
    expect(s.gap.max).to.equal(9000);
    expect(s.move.median).to.equal(300);
    expect(s.move.p95).to.equal(310);
  });
});
