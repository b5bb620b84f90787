import { expect } from 'chai';
import { DURATION_PATTERN, formatSeconds, parseDuration, parseWholeSeconds } from './duration.js';

const S = 1_000_000_000n;

describe('Go durations', () => {
  const good: Array<[string, bigint]> = [
    ['0', 0n],
    ['90s', 90n * S],
    ['1m30s', 90n * S],
    ['1h', 3600n * S],
    ['1.5m', 90n * S],
    ['.5s', S / 2n],
    ['1.s', S],
    ['300ms', 300_000_000n],
    ['10us', 10_000n],
    ['10µs', 10_000n],
    ['10μs', 10_000n],
    ['7ns', 7n],
    ['1h2m3s4ms', 3723n * S + 4_000_000n],
    ['2562047h47m16.854775807s', (1n << 63n) - 1n],
    ['1.0000000001s', S],
    ['-1m', -60n * S],
    ['+5s', 5n * S],
  ];
  for (const [text, ns] of good) {
    it(`reads ${JSON.stringify(text)} as ${ns} ns`, () => {
      expect(parseDuration(text)).to.deep.equal({ ok: true, value: ns });
    });
  }

  const bad = ['', '90', '1sec', 's', '.s', '1..5s', '1 s', ' 1s', '1s ', '00', '1m-30s', '1H', '2562047h47m16.854775808s', '1e3s'];
  for (const text of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      expect(parseDuration(text).ok).to.equal(false);
    });
  }

  it('explains what a duration looks like', () => {
    expect(parseDuration('90')).to.deep.equal({
      ok: false,
      error: '"90" is not a duration: write a number and a unit (h, m, s, ms, us, ns), such as "90s" or "1m30s"',
    });
  });

  it('the CRD pattern accepts exactly the unsigned durations the parser accepts', () => {
    const pattern = new RegExp(DURATION_PATTERN, 'u');
    for (const [text] of good) expect(pattern.test(text), text).to.equal(!/^[-+]/.test(text));
    for (const text of bad.filter((t) => t !== '2562047h47m16.854775808s')) expect(pattern.test(text), text).to.equal(false);
  });

  it('gives BGP timers in whole seconds and refuses fractions and negative values', () => {
    expect(parseWholeSeconds('1m30s')).to.deep.equal({ ok: true, value: 90 });
    expect(parseWholeSeconds('0')).to.deep.equal({ ok: true, value: 0 });
    expect(parseWholeSeconds('1500ms')).to.deep.equal({
      ok: false,
      error: '"1500ms" is not a whole number of seconds; BGP timers count whole seconds',
    });
    expect(parseWholeSeconds('-3s')).to.deep.equal({ ok: false, error: '"-3s" is negative' });
  });

  it('writes seconds back the way people write durations', () => {
    expect(formatSeconds(2)).to.equal('2s');
    expect(formatSeconds(90)).to.equal('1m30s');
    expect(formatSeconds(3600)).to.equal('1h');
    expect(formatSeconds(65535)).to.equal('18h12m15s');
  });
});
