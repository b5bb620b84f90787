import { expect } from 'chai';
import { arpReplyFrame, arpRequestFrame, decodeArp, encodeArp, gratuitousArpReply, gratuitousArpRequest } from './arp.js';
import { decodeFrame } from './frame.js';
import { ARP_ANNOUNCEMENT_A, ARP_REPLY_B_TO_A, ARP_REQUEST_A_FOR_B, MAC_A, MAC_B } from './test-frames.js';

/** An ARP packet laid out field by field as RFC 826 draws it. */
function arpBytes(fields: { htype?: string; ptype?: string; hlen?: string; plen?: string; op?: string }): Buffer {
  return Buffer.from(
    [
      fields.htype ?? '0001',
      fields.ptype ?? '0800',
      fields.hlen ?? '06',
      fields.plen ?? '04',
      fields.op ?? '0001',
      '02005e100001', // sender hardware address
      'c6130101', // sender protocol address 198.19.1.1
      '000000000000', // target hardware address
      'c6130102', // target protocol address 198.19.1.2
    ].join(''),
    'hex',
  );
}

describe('ARP frames', () => {
  it("decodes the kernel's request and builds the reply the kernel sent, byte for byte", () => {
    const decoded = decodeFrame(ARP_REQUEST_A_FOR_B);
    expect(decoded).to.deep.equal({
      ok: true,
      value: {
        kind: 'arp',
        ethernet: { destination: 'ff:ff:ff:ff:ff:ff', source: MAC_A, ethertype: 0x0806 },
        arp: { operation: 'request', senderMac: MAC_A, senderIp: '198.19.1.1', targetMac: '00:00:00:00:00:00', targetIp: '198.19.1.2' },
      },
    });
    if (!decoded.ok || decoded.value.kind !== 'arp') throw new Error('not ARP');
    expect(arpReplyFrame(decoded.value.arp, MAC_B).toString('hex')).to.equal(ARP_REPLY_B_TO_A.toString('hex'));
  });

  it('builds a request exactly as the kernel does', () => {
    expect(arpRequestFrame(MAC_A, '198.19.1.1', '198.19.1.2').toString('hex')).to.equal(ARP_REQUEST_A_FOR_B.toString('hex'));
  });

  it("builds the gratuitous request the kernel sends when a link comes up (RFC 5227's ARP Announcement)", () => {
    expect(gratuitousArpRequest(MAC_A, '198.19.1.1').toString('hex')).to.equal(ARP_ANNOUNCEMENT_A.toString('hex'));
  });

  it('builds the gratuitous reply: broadcast, operation 2, sender and target both the address and the MAC', () => {
    expect(gratuitousArpReply(MAC_A, '198.19.1.1').toString('hex')).to.equal(
      [
        'ffffffffffff', // Ethernet destination: broadcast
        '02005e100001', // Ethernet source
        '0806', // ethertype ARP
        '0001', // hardware type Ethernet
        '0800', // protocol type IPv4
        '06', // hardware address length
        '04', // protocol address length
        '0002', // operation: reply
        '02005e100001', // sender hardware address
        'c6130101', // sender protocol address 198.19.1.1
        '02005e100001', // target hardware address: the sender's own
        'c6130101', // target protocol address: the same address
      ].join(''),
    );
  });

  it('ignores Ethernet padding after the 28 bytes', () => {
    const padded = Buffer.concat([ARP_REQUEST_A_FOR_B, Buffer.alloc(18)]);
    expect(decodeFrame(padded)).to.deep.equal(decodeFrame(ARP_REQUEST_A_FOR_B));
  });

  it('reads a packet laid out by hand from RFC 826 and writes it back the same', () => {
    const bytes = arpBytes({ op: '0002' });
    const decoded = decodeArp(bytes);
    expect(decoded).to.deep.equal({
      ok: true,
      value: { operation: 'reply', senderMac: MAC_A, senderIp: '198.19.1.1', targetMac: '00:00:00:00:00:00', targetIp: '198.19.1.2' },
    });
    if (decoded.ok) expect(encodeArp(decoded.value)).to.deep.equal(bytes);
  });

  const refused: [string, Buffer, string, RegExp][] = [
    ['a packet cut short', arpBytes({}).subarray(0, 27), 'truncated', /ARP payload of 27 bytes, expected 28/],
    ['hardware type IEEE 802 (6)', arpBytes({ htype: '0006' }), 'arp-not-ethernet-ipv4', /hardware type 6 length 6/],
    ['protocol type IPv6', arpBytes({ ptype: '86dd' }), 'arp-not-ethernet-ipv4', /protocol 0x86dd/],
    ['a hardware length of 8', arpBytes({ hlen: '08' }), 'arp-not-ethernet-ipv4', /length 8/],
    ['a protocol length of 16', arpBytes({ plen: '10' }), 'arp-not-ethernet-ipv4', /length 16/],
    ['a RARP request (operation 3)', arpBytes({ op: '0003' }), 'arp-operation', /ARP operation 3/],
    ['operation 0', arpBytes({ op: '0000' }), 'arp-operation', /ARP operation 0/],
  ];
  for (const [what, bytes, reason, detail] of refused) {
    it(`drops ${what}, saying why`, () => {
      const decoded = decodeArp(bytes);
      expect(decoded.ok).to.equal(false);
      if (!decoded.ok) {
        expect(decoded.reason).to.equal(reason);
        expect(decoded.detail).to.match(detail);
      }
    });
  }

  it('drops a packet whose sender MAC is broadcast, so that no one answers or learns it', () => {
    const bytes = arpBytes({});
    bytes.fill(0xff, 8, 14);
    expect(decodeArp(bytes)).to.deep.include({ ok: false, reason: 'bad-link-address' });
  });

  it('drops a frame whose Ethernet source is a group address', () => {
    const frame = Buffer.from(ARP_REQUEST_A_FOR_B);
    frame[6] = 0x01;
    expect(decodeFrame(frame)).to.deep.include({ ok: false, reason: 'bad-link-address' });
  });

  it('refuses to build a frame from a malformed MAC or address, naming it', () => {
    expect(() => gratuitousArpRequest('02:00:5e:10:00', '198.19.1.1')).to.throw(RangeError, '"02:00:5e:10:00" is not a MAC address');
    expect(() => gratuitousArpReply(MAC_A, '2001:db8::1')).to.throw(RangeError, '"2001:db8::1" is not an IPv4 address');
  });
});
