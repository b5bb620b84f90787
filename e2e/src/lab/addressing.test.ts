import { expect } from 'chai';
import fc from 'fast-check';
import { chooseK, hostAddresses, parseCidr, preferredK, segmentCollides, segmentFor } from './addressing.js';

describe('lab addressing', () => {
  it('numbers a host the same way in both families and derives its MAC and link-local address', () => {
    const seg = segmentFor(42);
    expect(seg).to.deep.equal({ k: 42, ipv4Cidr: '198.18.42.0/24', ipv6Cidr: 'fd2a:18::/64' });
    expect(hostAddresses(seg, 11)).to.deep.equal({
      ipv4: '198.18.42.11',
      ipv6: 'fd2a:18::11',
      mac: '02:48:4c:2a:00:0b',
      linkLocal: 'fe80::48:4cff:fe2a:b',
    });
  });

  it('refuses segment numbers and host numbers outside 1 to 254', () => {
    expect(() => segmentFor(0)).to.throw(/K=0/);
    expect(() => segmentFor(255)).to.throw(/K=255/);
    expect(() => hostAddresses(segmentFor(1), 255)).to.throw(/host number 255/);
  });

  it('prefers a stable segment from 1 to 254 for every prefix', () => {
    fc.assert(
      fc.property(fc.string(), (prefix) => {
        const k = preferredK(prefix);
        expect(k).to.be.within(1, 254);
        expect(preferredK(prefix)).to.equal(k);
      }),
    );
  });

  it('skips segments that are taken, wrapping around after 254', () => {
    const start = preferredK('hl000001');
    expect(chooseK('hl000001', () => false)).to.equal(start);
    expect(chooseK('hl000001', (k) => k === start)).to.equal((start % 254) + 1);
    expect(chooseK('hl000001', (k) => k !== 7)).to.equal(7);
    expect(() => chooseK('hl000001', () => true)).to.throw(/all 254 segments/);
  });

  it('finds a collision with any route overlapping either family of the segment, but not with default routes', () => {
    const seg = segmentFor(42);
    expect(segmentCollides(seg, ['default', '0.0.0.0/0', '::/0', '192.0.2.0/24', 'fd00::/64', 'fe80::/64'])).to.equal(false);
    expect(segmentCollides(seg, ['198.18.0.0/15'])).to.equal(true);
    expect(segmentCollides(seg, ['198.18.42.7'])).to.equal(true);
    expect(segmentCollides(seg, ['198.18.43.0/24'])).to.equal(false);
    expect(segmentCollides(seg, ['fd2a:18::/64'])).to.equal(true);
    expect(segmentCollides(seg, ['fd2a::/16'])).to.equal(true);
    expect(segmentCollides(seg, ['fd2a:19::/64'])).to.equal(false);
  });

  it('reads the destinations ip -j route prints', () => {
    expect(parseCidr('default')).to.equal(undefined);
    expect(parseCidr('198.51.100.7')).to.deep.equal({ family: 4, value: 0xc6336407n, length: 32 });
    expect(parseCidr('2001:db8::7/128')).to.deep.include({ family: 6, length: 128 });
    expect(parseCidr('ff00::/8')?.value).to.equal(0xffn << 120n);
    expect(parseCidr('1.2.3')).to.equal(undefined);
    expect(parseCidr('1:2:3:4:5:6:7:8:9')).to.equal(undefined);
  });
});
