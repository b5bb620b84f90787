import { expect } from 'chai';
import fc from 'fast-check';
import {
  formatIpv4,
  formatIpv6,
  ipv4Bytes,
  ipv6Bytes,
  ipv6MulticastMac,
  solicitedNodeAddress,
  solicitedNodeMac,
} from './address.js';
import { formatMac, isGroupMac, macBytes, parseMac } from './mac.js';

describe('layer-2 addresses', () => {
  it('derives the solicited-node group of RFC 4291 section 2.7.1 from the last 24 bits', () => {
    expect(solicitedNodeAddress('4037::1:800:200e:8c6c')).to.equal('ff02::1:ff0e:8c6c');
    expect(solicitedNodeAddress('2001:db8::2')).to.equal('ff02::1:ff00:2');
    expect(solicitedNodeAddress('fe80::5eff:fe10:1')).to.equal('ff02::1:ff10:1');
  });

  it('maps IPv6 multicast to 33:33 and the last 32 bits (RFC 2464 section 7)', () => {
    expect(ipv6MulticastMac('ff02::1')).to.equal('33:33:00:00:00:01');
    expect(ipv6MulticastMac('ff02::1:ff0e:8c6c')).to.equal('33:33:ff:0e:8c:6c');
    expect(solicitedNodeMac('2001:db8::a:bc:def0')).to.equal('33:33:ff:bc:de:f0');
  });

  it('refuses to map a unicast address to a multicast MAC', () => {
    expect(() => ipv6MulticastMac('2001:db8::1')).to.throw(RangeError, '2001:db8::1 is not an IPv6 multicast address');
  });

  it('writes addresses as bytes and reads them back in canonical text', () => {
    expect(ipv4Bytes('198.19.1.2').toString('hex')).to.equal('c6130102');
    expect(formatIpv4(Buffer.from('00c6130102', 'hex'), 1)).to.equal('198.19.1.2');
    expect(ipv6Bytes('2001:DB8::2').toString('hex')).to.equal('20010db8000000000000000000000002');
    expect(formatIpv6(ipv6Bytes('2001:db8:0:0:1:0:0:1'))).to.equal('2001:db8::1:0:0:1');
  });

  it('refuses text of the wrong family, naming it', () => {
    expect(() => ipv4Bytes('2001:db8::1')).to.throw(RangeError, '"2001:db8::1" is not an IPv4 address');
    expect(() => ipv6Bytes('198.19.1.1')).to.throw(RangeError, '"198.19.1.1" is not an IPv6 address');
    expect(() => ipv4Bytes('198.19.1')).to.throw(RangeError);
  });

  it('reads MACs in either case and writes them lowercase', () => {
    expect(parseMac('02:00:5E:10:00:0A')).to.deep.equal({ ok: true, value: '02:00:5e:10:00:0a' });
    expect(parseMac('02-00-5e-10-00-0a')).to.deep.equal({
      ok: false,
      error: '"02-00-5e-10-00-0a" is not a MAC address (six hex pairs joined by colons)',
    });
    expect(macBytes('02:00:5e:10:00:0a').toString('hex')).to.equal('02005e10000a');
    expect(() => macBytes('02:00:5e:10:00')).to.throw(RangeError, '"02:00:5e:10:00" is not a MAC address');
  });

  it('tells group MACs by their first bit', () => {
    expect(isGroupMac(macBytes('33:33:00:00:00:01'))).to.equal(true);
    expect(isGroupMac(macBytes('ff:ff:ff:ff:ff:ff'))).to.equal(true);
    expect(isGroupMac(macBytes('02:00:5e:10:00:01'))).to.equal(false);
  });

  it('round-trips any MAC and any address through bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
        expect(macBytes(formatMac(bytes))).to.deep.equal(Buffer.from(bytes));
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 4, maxLength: 4 }), (v6, v4) => {
        expect(ipv6Bytes(formatIpv6(v6))).to.deep.equal(Buffer.from(v6));
        expect(ipv4Bytes(formatIpv4(v4))).to.deep.equal(Buffer.from(v4));
      }),
    );
  });
});
