import { expect } from 'chai';
import { addressBytes, consecutiveHostRoutes, mrtRibDump } from './mrt.js';

describe('MRT dumps of locally originated routes', () => {
  it('writes a peer index table and one RIB record per prefix, each with ORIGIN IGP, an empty AS path and the next hop', () => {
    const dump = mrtRibDump({ routerId: '198.18.1.11', peerAddress: '198.18.1.11', peerAs: 64512, prefixes: ['100.64.0.1/32', '10.0.0.0/8'] });
    const records: Array<{ type: number; subtype: number; body: Buffer }> = [];
    for (let at = 0; at < dump.length; ) {
      const length = dump.readUInt32BE(at + 8);
      records.push({ type: dump.readUInt16BE(at + 4), subtype: dump.readUInt16BE(at + 6), body: dump.subarray(at + 12, at + 12 + length) });
      at += 12 + length;
    }
    expect(records.map((r) => [r.type, r.subtype])).to.deep.equal([
      [13, 1],
      [13, 2],
      [13, 2],
    ]);
    const peers = records[0]!.body;
    expect([...peers.subarray(0, 4)]).to.deep.equal([198, 18, 1, 11]);
    expect(peers.readUInt16BE(6)).to.equal(1);
    expect(peers[8]).to.equal(0x02);
    expect(peers.readUInt32BE(peers.length - 4)).to.equal(64512);
    const rib = records[1]!.body;
    expect(rib[4]).to.equal(32);
    expect([...rib.subarray(5, 9)]).to.deep.equal([100, 64, 0, 1]);
    const attrs = rib.subarray(9 + 10);
    expect([...attrs]).to.deep.equal([0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, 0, 0, 0, 0]);
    expect(records[2]!.body[4]).to.equal(8);
    expect(records[2]!.body[5]).to.equal(10);
  });

  it('writes IPv6 next hops in a whole MP_REACH_NLRI, as gobgp reads it', () => {
    const dump = mrtRibDump({ routerId: '198.18.1.11', peerAddress: 'fd01:18::11', peerAs: 64512, prefixes: ['2001:db8::7/128'] });
    const peerLength = dump.readUInt32BE(8);
    const rib = dump.subarray(12 + peerLength);
    expect(rib.readUInt16BE(6)).to.equal(4);
    expect([...dump.subarray(12 + 8, 12 + 9)]).to.deep.equal([0x03]);
    const body = rib.subarray(12);
    const attrs = body.subarray(5 + 16 + 10);
    expect([...attrs.subarray(7, 14)]).to.deep.equal([0x80, 14, 21, 0, 2, 1, 16]);
  });

  it('refuses to mix families and bad addresses', () => {
    expect(() => mrtRibDump({ routerId: '198.18.1.11', peerAddress: '198.18.1.11', peerAs: 1, prefixes: ['10.0.0.1/32', '2001:db8::1/128'] })).to.throw(
      /2001:db8::1\/128 is not ipv4/,
    );
    expect(() => addressBytes('10.0.0.256')).to.throw(/not an IP address/);
  });

  it('counts host routes upwards across octet boundaries', () => {
    expect(consecutiveHostRoutes('100.64.0.254', 3)).to.deep.equal(['100.64.0.254/32', '100.64.0.255/32', '100.64.1.0/32']);
    expect(() => consecutiveHostRoutes('255.255.255.255', 2)).to.throw(/runs past/);
  });
});
