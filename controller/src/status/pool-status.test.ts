import { expect } from 'chai';
import { poolStatusOf, samePoolStatus } from './pool-status.js';

describe('IPAddressPool status', () => {
  const counts = { pool: 'blue', assignedIPv4: 3n, availableIPv4: 251n, assignedIPv6: 2n, availableIPv6: (1n << 64n) - 2n };

  it('carries IPv4 counts as integers and IPv6 counts as exact decimal strings', () => {
    expect(poolStatusOf(counts)).to.deep.equal({ assignedIPv4: 3, availableIPv4: 251, assignedIPv6: '2', availableIPv6: '18446744073709551614' });
  });

  it('sees no change when the status already holds the counts', () => {
    expect(samePoolStatus({ ...poolStatusOf(counts) }, poolStatusOf(counts))).to.equal(true);
  });

  const different: [string, unknown][] = [
    ['no status yet', undefined],
    ['an IPv4 count that moved', { ...poolStatusOf(counts), assignedIPv4: 4 }],
    ['an IPv6 count written as a number', { ...poolStatusOf(counts), assignedIPv6: 2 }],
  ];
  for (const [what, current] of different) {
    it(`writes again over ${what}`, () => {
      expect(samePoolStatus(current, poolStatusOf(counts))).to.equal(false);
    });
  }
});
