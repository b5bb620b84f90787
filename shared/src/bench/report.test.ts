import { expect } from 'chai';
import { formatFigure, ratio } from './report.js';

describe('benchmark figures', () => {
  it('print Herald beside the baseline with the ratio and the verdict on the target', () => {
    const line = formatFigure({
      name: 'fill a /16',
      unit: 'ms',
      herald: 120,
      baseline: 48000,
      baselineName: 'first-free linear scan',
      target: 'ratio <= 0.01',
      met: true,
    });
    expect(line).to.equal('fill a /16: herald 120 ms, first-free linear scan 48,000 ms, ratio 2.50e-3  target ratio <= 0.01  [target met]');
  });

  it('say plainly when a target is missed', () => {
    expect(formatFigure({ name: 'x', unit: 's', herald: 2, baseline: 1, baselineName: 'gobgpd', target: 'ratio <= 1', met: false })).to.match(
      /ratio 2 .*\[TARGET MISSED\]$/,
    );
  });

  it('say so when the baseline was not run, rather than print NaN', () => {
    expect(formatFigure({ name: 'whole fill', unit: 'ms', herald: 376, baseline: Number.NaN, baselineName: 'first-free linear scan', target: 'herald < 1,000 ms', met: true })).to.equal(
      'whole fill: herald 376 ms, first-free linear scan not run  target herald < 1,000 ms  [target met]',
    );
  });

  it('treat a zero baseline as an infinite ratio, not a crash, and two zeros as even', () => {
    expect(ratio({ herald: 1, baseline: 0 })).to.equal(Number.POSITIVE_INFINITY);
    expect(ratio({ herald: 0, baseline: 0 })).to.equal(1);
  });
});
