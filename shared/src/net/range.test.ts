import { expect } from 'chai';
import fc from 'fast-check';
import { type Family, familyBits, maxValue, parseIP } from './address.js';
import {
  type IPRange,
  cidrRange,
  formatCIDR,
  formatRange,
  iterateRange,
  parseCIDR,
  parsePoolEntry,
  rangeContains,
  rangeSize,
  rangeToCIDRs,
  rangesOverlap,
} from './range.js';

function ip(text: string): bigint {
  const parsed = parseIP(text);
  if (parsed === undefined) throw new Error(`test address ${text} does not parse`);
  return parsed.value;
}

function v4(first: string, last: string): IPRange {
  return { family: 4, first: ip(first), last: ip(last) };
}

function v6(first: string, last: string): IPRange {
  return { family: 6, first: ip(first), last: ip(last) };
}

describe('parseCIDR', () => {
  const good: Array<[string, Family, number, bigint]> = [
    ['10.0.0.0/8', 4, 8, 1n << 24n],
    ['0.0.0.0/0', 4, 0, 1n << 32n],
    ['192.168.1.0/24', 4, 24, 256n],
    ['255.255.255.255/32', 4, 32, 1n],
    ['::/0', 6, 0, 1n << 128n],
    ['2001:db8::/64', 6, 64, 2n ** 64n],
    ['2001:db8::1/128', 6, 128, 1n],
    ['::ffff:1.2.3.0/120', 6, 120, 256n],
  ];
  for (const [text, family, prefixLength, size] of good) {
    it(`reads ${text} as an IPv${family} block of ${size} addresses`, () => {
      const result = parseCIDR(text);
      if (!result.ok) throw new Error(result.error);
      expect(result.value.family).to.equal(family);
      expect(result.value.prefixLength).to.equal(prefixLength);
      expect(rangeSize(result.value.range)).to.equal(size);
      expect(formatCIDR(family, result.value)).to.equal(text);
    });
  }

  const bad: Array<[string, string]> = [
    ['192.168.1.5/24', '"192.168.1.5/24" has host bits set; did you mean 192.168.1.0/24?'],
    ['2001:db8::1/64', '"2001:db8::1/64" has host bits set; did you mean 2001:db8::/64?'],
    ['10.0.0.0/33', 'prefix length /33 in "10.0.0.0/33" is too long for IPv4 (at most /32)'],
    ['2001:db8::/129', 'prefix length /129 in "2001:db8::/129" is too long for IPv6 (at most /128)'],
    ['10.0.0.0/024', 'prefix length "024" in "10.0.0.0/024" is not a whole number without leading zeros'],
    ['10.0.0.0/-1', 'prefix length "-1"'],
    ['10.0.0.0/', 'prefix length ""'],
    ['10.0.0.0/8/8', 'prefix length "8/8"'],
    ['10.0.0.0', '"10.0.0.0" has no prefix length'],
    ['/24', 'address is empty'],
    ['10.0.0.256/24', '"10.0.0.256" is not a valid IPv4 address'],
    ['fe80::%eth0/64', 'zone id'],
    ['10.0.0.0/24 ', 'has spaces at its start or end'],
  ];
  for (const [text, error] of bad) {
    it(`rejects ${JSON.stringify(text)}: ${error}`, () => {
      const result = parseCIDR(text);
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.error).to.contain(error);
    });
  }

  it('gives a block of exactly 2^(bits - prefix length) addresses, starting at the network', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Family>(4, 6).chain((family) =>
          fc.tuple(
            fc.constant(family),
            fc.bigInt(0n, maxValue(family)),
            fc.integer({ min: 0, max: familyBits(family) }),
          ),
        ),
        ([family, value, prefixLength]) => {
          const network = cidrRange(family, { network: value, prefixLength }).first;
          const result = parseCIDR(formatCIDR(family, { network, prefixLength }));
          if (!result.ok) throw new Error(result.error);
          const { range } = result.value;
          expect(range.first).to.equal(network);
          expect(rangeSize(range)).to.equal(2n ** BigInt(familyBits(family) - prefixLength));
          expect(rangeContains(range, { family, value })).to.equal(true);
          expect(rangeContains(range, { family, value: range.first - 1n })).to.equal(false);
          expect(rangeContains(range, { family, value: range.last + 1n })).to.equal(false);
        },
      ),
    );
  });
});

describe('parsePoolEntry', () => {
  const good: Array<[string, IPRange, boolean]> = [
    ['192.168.10.0/24', v4('192.168.10.0', '192.168.10.255'), true],
    ['192.168.9.1-192.168.9.5', v4('192.168.9.1', '192.168.9.5'), false],
    ['192.168.9.1 - 192.168.9.5', v4('192.168.9.1', '192.168.9.5'), false],
    ['192.168.9.1 -192.168.9.5', v4('192.168.9.1', '192.168.9.5'), false],
    ['192.168.9.1\t-\t192.168.9.5', v4('192.168.9.1', '192.168.9.5'), false],
    ['10.0.0.7-10.0.0.7', v4('10.0.0.7', '10.0.0.7'), false],
    ['10.0.0.7/32', v4('10.0.0.7', '10.0.0.7'), true],
    ['fc00:f853:ccd:e799::-fc00:f853:ccd:e799::ff', v6('fc00:f853:ccd:e799::', 'fc00:f853:ccd:e799::ff'), false],
    ['2001:db8::/64', v6('2001:db8::', '2001:db8::ffff:ffff:ffff:ffff'), true],
    ['::/128', v6('::', '::'), true],
  ];
  for (const [text, range, isCIDR] of good) {
    it(`reads the pool entry ${JSON.stringify(text)}`, () => {
      const result = parsePoolEntry(text);
      if (!result.ok) throw new Error(result.error);
      expect(result.value.text).to.equal(text);
      expect(result.value.range).to.deep.equal(range);
      expect(result.value.cidr !== undefined).to.equal(isCIDR);
    });
  }

  const bad: Array<[string, string]> = [
    ['10.0.0.9-10.0.0.1', 'range start 10.0.0.9 is after its end 10.0.0.1'],
    ['2001:db8::9 - 2001:db8::1', 'range start 2001:db8::9 is after its end 2001:db8::1'],
    ['10.0.0.1-2001:db8::1', 'range "10.0.0.1-2001:db8::1" mixes IPv4 and IPv6; both ends must be the same family'],
    ['10.0.0.1-10.0.0.256', 'range end "10.0.0.256" is not a valid IPv4 address'],
    ['010.0.0.1-10.0.0.5', 'range start "010.0.0.1" is not a valid IPv4 address (an octet has a leading zero'],
    ['10.0.0.0/24-10.0.0.5', 'range start "10.0.0.0/24" has a prefix length; expected a single address'],
    ['10.0.0.1-10.0.0.2-10.0.0.3', 'has more than one "-"'],
    ['-10.0.0.1', 'has no start address'],
    ['10.0.0.1 - ', 'has spaces at its start or end'],
    ['10.0.0.1-', 'has no end address'],
    ['10.0.0.1', '"10.0.0.1" is a single address, not a CIDR or a range; write 10.0.0.1/32 or 10.0.0.1-10.0.0.1'],
    ['2001:db8::1', 'write 2001:db8::1/128 or'],
    ['10.0.0.0/33', 'too long for IPv4'],
    ['192.168.1.5/24', 'did you mean 192.168.1.0/24?'],
    ['', 'address entry is empty'],
    ['   ', 'address entry is empty'],
    ['pool-a', 'range start "pool" is not a valid IPv4 address'],
    ['garbage', '"garbage" is neither a CIDR'],
  ];
  for (const [text, error] of bad) {
    it(`rejects the pool entry ${JSON.stringify(text)}: ${error}`, () => {
      const result = parsePoolEntry(text);
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.error).to.contain(error);
    });
  }
});

const anyRange = fc.constantFrom<Family>(4, 6).chain((family) =>
  fc
    .tuple(
      fc.bigInt(0n, maxValue(family)),
      fc.oneof(fc.bigInt(0n, 1000n), fc.bigInt(0n, maxValue(family))),
    )
    .map(([start, span]): IPRange => {
      const last = start + span > maxValue(family) ? maxValue(family) : start + span;
      return { family, first: start, last };
    }),
);

describe('ranges', () => {
  it('counts and tests membership', () => {
    const r = v4('10.0.0.1', '10.0.0.10');
    expect(rangeSize(r)).to.equal(10n);
    expect(rangeContains(r, { family: 4, value: ip('10.0.0.10') })).to.equal(true);
    expect(rangeContains(r, { family: 4, value: ip('10.0.0.11') })).to.equal(false);
    expect(rangeContains(r, { family: 6, value: ip('10.0.0.5') })).to.equal(false);
  });

  it('says ranges overlap when they share an address, and never across families', () => {
    expect(rangesOverlap(v4('10.0.0.1', '10.0.0.10'), v4('10.0.0.10', '10.0.0.20'))).to.equal(true);
    expect(rangesOverlap(v4('10.0.0.1', '10.0.0.10'), v4('10.0.0.11', '10.0.0.20'))).to.equal(false);
    expect(rangesOverlap(v4('10.0.0.5', '10.0.0.6'), v4('10.0.0.1', '10.0.0.20'))).to.equal(true);
    expect(rangesOverlap({ family: 4, first: 0n, last: 10n }, { family: 6, first: 0n, last: 10n })).to.equal(false);
  });

  it('writes a range as start-end', () => {
    expect(formatRange(v4('10.0.0.1', '10.0.0.1'))).to.equal('10.0.0.1-10.0.0.1');
    expect(formatRange(v6('2001:db8::', '2001:db8::ff'))).to.equal('2001:db8::-2001:db8::ff');
  });

  it('reads back every range it writes as a pool entry', () => {
    fc.assert(
      fc.property(anyRange, (r) => {
        const result = parsePoolEntry(formatRange(r));
        if (!result.ok) throw new Error(result.error);
        expect(result.value.range).to.deep.equal(r);
      }),
    );
  });

  it('lists the addresses of a range in order, stopping at the limit', () => {
    const all = [...iterateRange(v4('10.0.0.254', '10.0.1.1'))].map((a) => a.value);
    expect(all).to.deep.equal([ip('10.0.0.254'), ip('10.0.0.255'), ip('10.0.1.0'), ip('10.0.1.1')]);
    expect([...iterateRange(v6('::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), 3)].map((a) => a.value)).to.deep.equal([
      0n,
      1n,
      2n,
    ]);
    expect([...iterateRange(v4('10.0.0.1', '10.0.0.2'), 0)]).to.deep.equal([]);
  });
});

describe('rangeToCIDRs', () => {
  const cases: Array<[IPRange, string[]]> = [
    [v4('10.0.0.1', '10.0.0.6'), ['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32']],
    [v4('10.0.0.0', '10.0.0.255'), ['10.0.0.0/24']],
    [v4('10.0.0.7', '10.0.0.7'), ['10.0.0.7/32']],
    [v4('0.0.0.0', '255.255.255.255'), ['0.0.0.0/0']],
    [v4('255.255.255.254', '255.255.255.255'), ['255.255.255.254/31']],
    [v6('::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), ['::/0']],
    [v6('2001:db8::', '2001:db8::1:0'), ['2001:db8::/112', '2001:db8::1:0/128']],
  ];
  for (const [r, cidrs] of cases) {
    it(`covers ${formatRange(r)} with ${cidrs.join(', ')}`, () => {
      expect(rangeToCIDRs(r).map((c) => formatCIDR(r.family, c))).to.deep.equal(cidrs);
    });
  }

  it('covers exactly the range with aligned blocks, none of which could merge with its neighbour', () => {
    fc.assert(
      fc.property(anyRange, (r) => {
        const cidrs = rangeToCIDRs(r);
        const bits = familyBits(r.family);
        let expectedStart = r.first;
        let total = 0n;
        cidrs.forEach((c, i) => {
          const block = cidrRange(r.family, c);
          expect(block.first, 'aligned').to.equal(c.network);
          expect(block.first, 'contiguous').to.equal(expectedStart);
          expectedStart = block.last + 1n;
          total += rangeSize(block);
          const next = cidrs[i + 1];
          if (next !== undefined && next.prefixLength === c.prefixLength && c.prefixLength > 0) {
            const pairSize = 1n << BigInt(bits - c.prefixLength + 1);
            expect(c.network % pairSize, 'two halves of one larger block').to.not.equal(0n);
          }
        });
        expect(expectedStart - 1n).to.equal(r.last);
        expect(total).to.equal(rangeSize(r));
      }),
    );
  });
});
