import { expect } from 'chai';
import fc from 'fast-check';
import type { PoolEntryConfig } from '@herald/shared/config/types.js';
import { type Family, formatAddress, parseIP } from '@herald/shared/net/address.js';
import { parsePoolEntry, rangeToCIDRs } from '@herald/shared/net/range.js';
import { AddressSpace } from './address-space.js';

function entries(...texts: string[]): PoolEntryConfig[] {
  return texts.map((text, index) => {
    const parsed = parsePoolEntry(text);
    if (!parsed.ok) throw new Error(parsed.error);
    const { range, cidr } = parsed.value;
    return { text, index, range, cidrs: cidr !== undefined ? [cidr] : rangeToCIDRs(range) };
  });
}

function usable(family: Family, texts: string[], avoidBuggyIPs = false): string[] {
  const space = new AddressSpace(family, entries(...texts), avoidBuggyIPs);
  const out: string[] = [];
  for (let k = 0n; k < space.size; k++) out.push(formatAddress(family, space.address(k)));
  return out;
}

function value(text: string): bigint {
  const ip = parseIP(text);
  if (ip === undefined) throw new Error(text);
  return ip.value;
}

describe('AddressSpace (which addresses a pool hands out)', () => {
  const cases: Array<{ title: string; family: Family; entries: string[]; avoidBuggyIPs?: boolean; want: string[] }> = [
    {
      title: 'a /30 gives its two middle addresses, never its network or broadcast address',
      family: 4,
      entries: ['198.51.100.0/30'],
      want: ['198.51.100.1', '198.51.100.2'],
    },
    { title: 'a /31 gives both of its addresses (point-to-point)', family: 4, entries: ['198.51.100.0/31'], want: ['198.51.100.0', '198.51.100.1'] },
    { title: 'a /32 gives its one address', family: 4, entries: ['198.51.100.7/32'], want: ['198.51.100.7'] },
    {
      title: 'a range a-b gives every address it lists, even one ending in .0 or .255',
      family: 4,
      entries: ['198.51.100.255-198.51.101.0'],
      want: ['198.51.100.255', '198.51.101.0'],
    },
    {
      title: 'avoidBuggyIPs skips every address ending in .0 or .255, also inside a range',
      family: 4,
      entries: ['198.51.100.253-198.51.101.2'],
      avoidBuggyIPs: true,
      want: ['198.51.100.253', '198.51.100.254', '198.51.101.1', '198.51.101.2'],
    },
    {
      title: 'an IPv6 /126 never gives its all-zero (subnet-router anycast) address',
      family: 6,
      entries: ['2001:db8::/126'],
      want: ['2001:db8::1', '2001:db8::2', '2001:db8::3'],
    },
    { title: 'an IPv6 /127 gives both of its addresses (RFC 6164)', family: 6, entries: ['2001:db8::/127'], want: ['2001:db8::', '2001:db8::1'] },
    {
      title: 'avoidBuggyIPs does not touch IPv6 addresses',
      family: 6,
      entries: ['2001:db8::ff-2001:db8::100'],
      avoidBuggyIPs: true,
      want: ['2001:db8::ff', '2001:db8::100'],
    },
    {
      title: 'several entries are numbered in address order, whatever order they were written in',
      family: 4,
      entries: ['10.0.0.8/30', '10.0.0.1-10.0.0.2'],
      want: ['10.0.0.1', '10.0.0.2', '10.0.0.9', '10.0.0.10'],
    },
    { title: 'entries of the other family are ignored', family: 4, entries: ['2001:db8::/126', '10.0.0.0/31'], want: ['10.0.0.0', '10.0.0.1'] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      expect(usable(c.family, c.entries, c.avoidBuggyIPs)).to.deep.equal(c.want);
    });
  }

  it('counts a /64 exactly, less its all-zero address', () => {
    expect(new AddressSpace(6, entries('2001:db8::/64'), false).size).to.equal(2n ** 64n - 1n);
  });

  it('counts a /8 with avoidBuggyIPs exactly, without listing its addresses', () => {
    // 65,536 blocks of 256, each giving 254; the network and broadcast addresses are among the skipped ones.
    expect(new AddressSpace(4, entries('10.0.0.0/8'), true).size).to.equal(65_536n * 254n);
  });

  it('says why an address inside the pool is never handed out', () => {
    const e = entries('198.51.100.0/24', '2001:db8::/64', '10.0.0.0-10.0.1.255');
    const v4 = new AddressSpace(4, e, true);
    const v6 = new AddressSpace(6, e, true);
    expect(v4.exclusion(value('198.51.100.0'), e, true)).to.equal('it is the network address of 198.51.100.0/24');
    expect(v4.exclusion(value('198.51.100.255'), e, true)).to.equal('it is the broadcast address of 198.51.100.0/24');
    expect(v4.exclusion(value('10.0.0.255'), e, true)).to.equal('it ends in .255, which the pool avoids (avoidBuggyIPs)');
    expect(v6.exclusion(value('2001:db8::'), e, true)).to.equal('it is the all-zero (subnet-router anycast) address of 2001:db8::/64');
    expect(v4.exclusion(value('198.51.100.7'), e, true)).to.equal(undefined);
  });

  it('numbers exactly the allowed addresses, and address and ordinal invert each other', () => {
    const entryArb = fc.oneof(
      fc.record({ start: fc.integer({ min: 0, max: 1000 }), len: fc.integer({ min: 1, max: 600 }) }).map(({ start, len }) => ({ kind: 'range' as const, start, len })),
      fc.record({ block: fc.integer({ min: 0, max: 15 }), prefix: fc.integer({ min: 22, max: 32 }) }).map(({ block, prefix }) => ({ kind: 'cidr' as const, block, prefix })),
    );
    fc.assert(
      fc.property(entryArb, fc.boolean(), (e, avoid) => {
        const base = 10 << 24;
        let text: string;
        let first: number;
        let last: number;
        let excluded: (v: number) => boolean;
        if (e.kind === 'range') {
          first = base + e.start;
          last = first + e.len - 1;
          text = `${formatAddress(4, BigInt(first))}-${formatAddress(4, BigInt(last))}`;
          excluded = () => false;
        } else {
          const size = 2 ** (32 - e.prefix);
          first = base + e.block * 1024 - ((e.block * 1024) % size);
          last = first + size - 1;
          text = `${formatAddress(4, BigInt(first))}/${e.prefix}`;
          excluded = (v) => e.prefix < 31 && (v === first || v === last);
        }
        const space = new AddressSpace(4, entries(text), avoid);
        const want: number[] = [];
        for (let v = first; v <= last; v++) {
          if (excluded(v) || (avoid && (v % 256 === 0 || v % 256 === 255))) continue;
          want.push(v);
        }
        expect(space.size).to.equal(BigInt(want.length));
        want.forEach((v, k) => {
          expect(space.address(BigInt(k))).to.equal(BigInt(v));
          expect(space.ordinal(BigInt(v))).to.equal(BigInt(k));
        });
        for (let v = first; v <= last; v++) if (!want.includes(v)) expect(space.ordinal(BigInt(v))).to.equal(undefined);
      }),
      { numRuns: 200 },
    );
  });
});
