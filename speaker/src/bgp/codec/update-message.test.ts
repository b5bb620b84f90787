import { expect } from 'chai';
import type { UpdateMessage } from '../messages.js';
import { GRACEFUL_SHUTDOWN } from './communities.js';
import { decodeMessage, encodeMessage } from './message.js';
import { FRR_END_OF_RIB_V4, FRR_END_OF_RIB_V6 } from './seeds.js';
import { EBGP2, EBGP4, IBGP4, hex, rawUpdate, updateOf } from './test-updates.js';
import { endOfRib, isEndOfRib } from './updates.js';

const v4 = (a: number, b: number, c: number, d: number, length: number) => ({ family: 4 as const, network: BigInt(((a << 24) | (b << 16) | (c << 8) | d) >>> 0), length });

const IPV4_UPDATE: UpdateMessage = {
  type: 'update',
  withdrawn: [v4(10, 9, 0, 0, 16)],
  attributes: {
    origin: 0,
    asPath: [{ type: 2, asns: [65001, 4200000001] }],
    nextHop: 0xc0000201n,
    med: 0,
    communities: [GRACEFUL_SHUTDOWN, 0xfde90064],
    extendedCommunities: [{ kind: 'link-bandwidth', transitive: false, asn: 65001, bytesPerSecond: 125_000_000 }],
    largeCommunities: [{ globalAdministrator: 4200000001, localData1: 1, localData2: 2 }],
  },
  nlri: [v4(198, 51, 100, 0, 24), v4(203, 0, 113, 7, 32)],
};

/** RFC 4271 4.3 by hand, attributes in type-code order. */
const IPV4_UPDATE_BYTES = rawUpdate({
  withdrawn: '10 0a09',
  attributes:
    '40 01 01 00' + // ORIGIN IGP
    ' 40 02 0a 02 02 0000fde9 fa56ea01' + // AS_PATH: AS_SEQUENCE 65001 4200000001
    ' 40 03 04 c0000201' + // NEXT_HOP 192.0.2.1
    ' 80 04 04 00000000' + // MULTI_EXIT_DISC 0
    ' c0 08 08 ffff0000 fde90064' + // COMMUNITIES graceful-shutdown 65001:100
    ' c0 10 08 40 04 fde9 4cee6b28' + // EXTENDED_COMMUNITIES link bandwidth, non-transitive, AS 65001, 125e6 bytes/s
    ' c0 20 0c fa56ea01 00000001 00000002', // LARGE_COMMUNITIES 4200000001:1:2
  nlri: '18 c63364  20 cb007107',
});

const IPV6_UPDATE: UpdateMessage = {
  type: 'update',
  withdrawn: [],
  attributes: { origin: 0, asPath: [{ type: 2, asns: [65001] }] },
  mpReach: {
    family: { afi: 2, safi: 1 },
    nextHops: [0x20010db8000000000000000000000001n, 0xfe800000000000000000000000000001n],
    prefixes: [
      { family: 6, network: 0x20010db8000100000000000000000000n, length: 48 },
      { family: 6, network: 0x20010db8000000000000000000000005n, length: 128 },
    ],
  },
  nlri: [],
};

/** RFC 4760 3 and RFC 2545 by hand: MP_REACH_NLRI first (RFC 7606 5.1), global and link-local next hops. */
const IPV6_UPDATE_BYTES = rawUpdate({
  attributes:
    '80 0e 3d 0002 01 20 20010db8000000000000000000000001 fe800000000000000000000000000001 00' +
    ' 30 20010db80001  80 20010db8000000000000000000000005' +
    ' 40 01 01 00  40 02 06 02 01 0000fde9',
});

describe('UPDATE', () => {
  it('writes an IPv4 UPDATE with every attribute byte for byte as RFC 4271 lays it out, and reads it back', () => {
    expect(hex(encodeMessage(IPV4_UPDATE, EBGP4))).to.equal(hex(IPV4_UPDATE_BYTES));
    expect(updateOf(decodeMessage(IPV4_UPDATE_BYTES, EBGP4))).to.deep.equal({ message: IPV4_UPDATE, treatAsWithdraw: false, issues: [] });
  });

  it('writes IPv6 routes in MP_REACH_NLRI with a 32-octet next hop, first among the attributes', () => {
    expect(hex(encodeMessage(IPV6_UPDATE, EBGP4))).to.equal(hex(IPV6_UPDATE_BYTES));
    expect(updateOf(decodeMessage(IPV6_UPDATE_BYTES, EBGP4)).message).to.deep.equal(IPV6_UPDATE);
  });

  it('reads a 16-octet IPv6 next hop as one next hop', () => {
    const bytes = rawUpdate({ attributes: '80 0e 1c 0002 01 10 20010db8000000000000000000000001 00 30 20010db80001  40 01 01 00  40 02 00' });
    expect(updateOf(decodeMessage(bytes, EBGP4)).message.mpReach?.nextHops).to.deep.equal([0x20010db8000000000000000000000001n]);
  });

  it('reads IPv6 withdrawals from MP_UNREACH_NLRI', () => {
    const bytes = rawUpdate({ attributes: '80 0f 14 0002 01 80 20010db8000000000000000000000005' });
    expect(updateOf(decodeMessage(bytes, EBGP4)).message.mpUnreach).to.deep.equal({
      family: { afi: 2, safi: 1 },
      prefixes: [{ family: 6, network: 0x20010db8000000000000000000000005n, length: 128 }],
    });
  });

  it('on a 2-octet session writes AS_TRANS in AS_PATH and the real path in AS4_PATH (RFC 6793)', () => {
    const update: UpdateMessage = { ...IPV4_UPDATE, withdrawn: [], attributes: { origin: 0, asPath: [{ type: 2, asns: [65001, 4200000001] }], nextHop: 0xc0000201n } };
    const expected = rawUpdate({
      attributes: '40 01 01 00  40 02 06 02 02 fde9 5ba0  40 03 04 c0000201  c0 11 0a 02 02 0000fde9 fa56ea01',
      nlri: '18 c63364  20 cb007107',
    });
    expect(hex(encodeMessage(update, EBGP2))).to.equal(hex(expected));
    expect(updateOf(decodeMessage(expected, EBGP2)).message).to.deep.equal(update);
  });

  it('on a 2-octet session with only 2-octet AS numbers sends no AS4_PATH', () => {
    const update: UpdateMessage = { ...IPV4_UPDATE, withdrawn: [], attributes: { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: 0xc0000201n } };
    expect(hex(encodeMessage(update, EBGP2))).not.to.contain('c011');
  });

  it('merges AS4_PATH behind the leading AS_PATH numbers that a 2-octet speaker prepended (RFC 6793 4.2.3)', () => {
    // 65002 (2-octet only) prepended itself to a path that was 4200000001 4200000002 65003.
    const bytes = rawUpdate({
      attributes: '40 01 01 00  40 02 0a 02 04 fdea 5ba0 5ba0 fdeb  40 03 04 c0000201  c0 11 0e 02 03 fa56ea01 fa56ea02 0000fdeb',
      nlri: '18 c63364',
    });
    expect(updateOf(decodeMessage(bytes, EBGP2)).message.attributes.asPath).to.deep.equal([
      { type: 2, asns: [65002] },
      { type: 2, asns: [4200000001, 4200000002, 65003] },
    ]);
  });

  it('ignores an AS4_PATH longer than AS_PATH (RFC 6793 4.2.3)', () => {
    const bytes = rawUpdate({
      attributes: '40 01 01 00  40 02 04 02 01 5ba0  40 03 04 c0000201  c0 11 0a 02 02 fa56ea01 fa56ea02',
      nlri: '18 c63364',
    });
    expect(updateOf(decodeMessage(bytes, EBGP2)).message.attributes.asPath).to.deep.equal([{ type: 2, asns: [23456] }]);
  });

  it('keeps a leading confederation segment when merging AS4_PATH', () => {
    const bytes = rawUpdate({
      attributes: '40 01 01 00  40 02 08 03 01 fc00 02 01 5ba0  40 03 04 c0000201  c0 11 06 02 01 fa56ea01',
      nlri: '18 c63364',
    });
    expect(updateOf(decodeMessage(bytes, EBGP2)).message.attributes.asPath).to.deep.equal([
      { type: 3, asns: [64512] },
      { type: 2, asns: [4200000001] },
    ]);
  });

  it('takes AGGREGATOR from AS4_AGGREGATOR when AGGREGATOR holds AS_TRANS, and ignores both AS4 attributes otherwise', () => {
    const merged = rawUpdate({
      attributes: '40 01 01 00  40 02 04 02 01 5ba0  40 03 04 c0000201  c0 07 06 5ba0 0a000001  c0 11 06 02 01 fa56ea01  c0 12 08 fa56ea01 0a000001',
      nlri: '18 c63364',
    });
    expect(updateOf(decodeMessage(merged, EBGP2)).message.attributes).to.deep.include({
      aggregator: { asn: 4200000001, address: 0x0a000001 },
      asPath: [{ type: 2, asns: [4200000001] }],
    });
    const stale = rawUpdate({
      attributes: '40 01 01 00  40 02 04 02 01 5ba0  40 03 04 c0000201  c0 07 06 fde9 0a000001  c0 11 06 02 01 fa56ea01  c0 12 08 fa56ea01 0a000001',
      nlri: '18 c63364',
    });
    expect(updateOf(decodeMessage(stale, EBGP2)).message.attributes).to.deep.include({
      aggregator: { asn: 65001, address: 0x0a000001 },
      asPath: [{ type: 2, asns: [23456] }],
    });
  });

  it('sets the Extended Length flag only on an attribute whose value passes 255 octets', () => {
    const communities = Array.from({ length: 70 }, (_, i) => i);
    const bytes = encodeMessage({ ...IPV4_UPDATE, attributes: { origin: 0, asPath: [], nextHop: 0xc0000201n, communities } }, EBGP4);
    expect(hex(bytes)).to.contain('400101004002004003' + '04c0000201' + 'd0080118');
    const short = encodeMessage({ ...IPV4_UPDATE, attributes: { origin: 0, asPath: [], nextHop: 0xc0000201n, communities: communities.slice(0, 63) } }, EBGP4);
    expect(hex(short)).to.contain('c008fc');
    expect(updateOf(decodeMessage(bytes, EBGP4)).message.attributes.communities).to.deep.equal(communities);
  });

  it('reads an attribute sent with the Extended Length flag although short, as FRR sends AS_PATH', () => {
    const bytes = rawUpdate({ attributes: '40 01 01 00  50 02 0006 02 01 0000fde9  40 03 04 c0000201', nlri: '18 c63364' });
    expect(updateOf(decodeMessage(bytes, EBGP4)).message.attributes.asPath).to.deep.equal([{ type: 2, asns: [65001] }]);
  });

  it('sends LOCAL_PREF to iBGP peers only', () => {
    const update: UpdateMessage = { ...IPV4_UPDATE, attributes: { ...IPV4_UPDATE.attributes, localPref: 300 } };
    expect(hex(encodeMessage(update, IBGP4))).to.contain('40050400' + '00012c');
    expect(hex(encodeMessage(update, EBGP4))).not.to.contain('400504');
    expect(updateOf(decodeMessage(encodeMessage(update, IBGP4), IBGP4)).message.attributes.localPref).to.equal(300);
  });

  it('keeps attributes it does not interpret, and writes them back', () => {
    const bytes = rawUpdate({ attributes: `${'40 01 01 00  40 02 00  40 03 04 c0000201'}  e0 63 03 010203`, nlri: '18 c63364' });
    const update = updateOf(decodeMessage(bytes, IBGP4)).message;
    expect(update.attributes.unknown).to.deep.equal([{ flags: 0xe0, code: 99, value: Uint8Array.of(1, 2, 3) }]);
    expect(hex(encodeMessage(update, IBGP4))).to.equal(hex(bytes));
  });

  it('refuses to write prefixes of the wrong family, a next hop outside IPv4, or an "unknown" attribute it interprets', () => {
    expect(() => encodeMessage({ ...IPV4_UPDATE, nlri: [{ family: 6, network: 0n, length: 0 }] }, EBGP4)).to.throw(RangeError, /IPv6/);
    expect(() => encodeMessage({ ...IPV4_UPDATE, attributes: { nextHop: 1n << 40n } }, EBGP4)).to.throw(RangeError, /NEXT_HOP/);
    const disguised = { ...IPV4_UPDATE, attributes: { unknown: [{ flags: 0x80, code: 8, value: new Uint8Array(4) }] } };
    expect(() => encodeMessage(disguised, EBGP4)).to.throw(RangeError, /COMMUNITIES/);
  });

  it('refuses to write an UPDATE larger than the session allows', () => {
    const nlri = Array.from({ length: 1100 }, (_, i) => v4(10, (i >> 8) & 0xff, i & 0xff, 0, 24));
    expect(() => encodeMessage({ ...IPV4_UPDATE, nlri }, EBGP4)).to.throw(RangeError, /4096/);
    expect(encodeMessage({ ...IPV4_UPDATE, nlri }, { ...EBGP4, extendedMessage: true }).length).to.be.above(4096);
  });
});

describe('End-of-RIB', () => {
  it('is the empty UPDATE for IPv4 unicast and an empty MP_UNREACH_NLRI for IPv6, byte for byte as FRR sends them', () => {
    expect(hex(encodeMessage(endOfRib({ afi: 1, safi: 1 }), EBGP4))).to.equal(hex(FRR_END_OF_RIB_V4));
    expect(hex(encodeMessage(endOfRib({ afi: 2, safi: 1 }), EBGP4))).to.equal(hex(FRR_END_OF_RIB_V6));
  });

  it("is recognised in FRR's messages, with its family", () => {
    expect(isEndOfRib(updateOf(decodeMessage(FRR_END_OF_RIB_V4, EBGP4)).message)).to.deep.equal({ afi: 1, safi: 1 });
    expect(isEndOfRib(updateOf(decodeMessage(FRR_END_OF_RIB_V6, EBGP4)).message)).to.deep.equal({ afi: 2, safi: 1 });
  });

  it('is recognised for a family Herald does not speak', () => {
    const bytes = encodeMessage(endOfRib({ afi: 25, safi: 70 }), EBGP4);
    expect(isEndOfRib(updateOf(decodeMessage(bytes, EBGP4)).message)).to.deep.equal({ afi: 25, safi: 70 });
  });

  it('is not an UPDATE that carries routes, withdrawals or attributes', () => {
    expect(isEndOfRib(IPV4_UPDATE)).to.equal(undefined);
    expect(isEndOfRib(IPV6_UPDATE)).to.equal(undefined);
    expect(isEndOfRib({ type: 'update', withdrawn: [], attributes: { origin: 0 }, nlri: [] })).to.equal(undefined);
    const withdrawal = updateOf(decodeMessage(rawUpdate({ attributes: '80 0f 14 0002 01 80 20010db8000000000000000000000005' }), EBGP4)).message;
    expect(isEndOfRib(withdrawal)).to.equal(undefined);
  });
});
