import { expect } from 'chai';
import { type L2Frame, decodeFrame } from './frame.js';
import { icmpv6Checksum } from './ipv6.js';
import {
  type NeighborFrame,
  type NeighborSolicitation,
  encodeNeighborFrame,
  neighborAdvertisementFrame,
  neighborSolicitationFrame,
  unsolicitedNeighborAdvertisement,
} from './ndp.js';
import { DAD_NS_A, MAC_A, MAC_B, NA_B_TO_A, NS_A_FOR_B, ROUTER_SOLICITATION_A, UNSOLICITED_NA_A } from './test-frames.js';

const ETHERNET = 14;
const ICMP = ETHERNET + 40;

function decodeOk(frame: Buffer): L2Frame {
  const decoded = decodeFrame(frame);
  if (!decoded.ok) throw new Error(`expected the frame to decode, got ${decoded.reason}: ${decoded.detail}`);
  return decoded.value;
}

function solicitation(frame: Buffer): NeighborFrame<NeighborSolicitation> {
  const decoded = decodeOk(frame);
  if (decoded.kind !== 'neighbor-solicitation') throw new Error(`expected a solicitation, got ${decoded.kind}`);
  return decoded;
}

/** The frame with its ICMPv6 checksum written anew, after a test changed what it covers. */
function resum(frame: Buffer): Buffer {
  const packet = frame.subarray(ETHERNET, ETHERNET + 40 + frame.readUInt16BE(ETHERNET + 4));
  packet.writeUInt16BE(0, 42);
  packet.writeUInt16BE(icmpv6Checksum(packet), 42);
  return frame;
}

function edited(frame: Buffer, edit: (copy: Buffer) => void, recompute = true): Buffer {
  const copy = Buffer.from(frame);
  edit(copy);
  return recompute ? resum(copy) : copy;
}

describe('Neighbor Discovery frames', () => {
  it("decodes the kernel's solicitation with its source link-layer address", () => {
    expect(decodeOk(NS_A_FOR_B)).to.deep.equal({
      kind: 'neighbor-solicitation',
      ethernet: { destination: '33:33:ff:00:00:02', source: MAC_A, ethertype: 0x86dd },
      ipv6: { source: '2001:db8::1', destination: 'ff02::1:ff00:2', hopLimit: 255, nextHeader: 58 },
      message: { type: 'neighbor-solicitation', target: '2001:db8::2', sourceLinkAddress: MAC_A },
    });
  });

  it('builds the solicitation the kernel sent, byte for byte, checksum included', () => {
    expect(neighborSolicitationFrame(MAC_A, '2001:db8::1', '2001:db8::2').toString('hex')).to.equal(NS_A_FOR_B.toString('hex'));
  });

  it("answers the kernel's solicitation exactly as the kernel answered it: Solicited, Override, unicast", () => {
    expect(neighborAdvertisementFrame(solicitation(NS_A_FOR_B), MAC_B).toString('hex')).to.equal(NA_B_TO_A.toString('hex'));
    expect(decodeOk(NA_B_TO_A)).to.deep.equal({
      kind: 'neighbor-advertisement',
      ethernet: { destination: MAC_A, source: MAC_B, ethertype: 0x86dd },
      ipv6: { source: '2001:db8::2', destination: '2001:db8::1', hopLimit: 255, nextHeader: 58 },
      message: { type: 'neighbor-advertisement', target: '2001:db8::2', router: false, solicited: true, override: true, targetLinkAddress: MAC_B },
    });
  });

  it('builds the unsolicited advertisement the kernel sends when a link comes up: all nodes, Override only', () => {
    expect(unsolicitedNeighborAdvertisement(MAC_A, 'fe80::5eff:fe10:1').toString('hex')).to.equal(UNSOLICITED_NA_A.toString('hex'));
  });

  it('lays out an unsolicited advertisement for a service address field by field', () => {
    const frame = unsolicitedNeighborAdvertisement(MAC_A, '2001:db8::5');
    const fields = [
      '333300000001', // Ethernet destination: all-nodes group
      '02005e100001', // Ethernet source
      '86dd', // ethertype IPv6
      '60000000', // version 6, traffic class 0, flow label 0
      '0020', // payload length 32
      '3a', // next header ICMPv6
      'ff', // hop limit 255
      '20010db8000000000000000000000005', // source: the address itself
      'ff020000000000000000000000000001', // destination ff02::1
      '88', // type 136
      '00', // code
      frame.subarray(ICMP + 2, ICMP + 4).toString('hex'), // checksum, checked below
      '20000000', // flags: Override
      '20010db8000000000000000000000005', // target
      '02', // option: target link-layer address
      '01', // length 1 (8 bytes)
      '02005e100001',
    ];
    expect(frame.toString('hex')).to.equal(fields.join(''));
    expect(icmpv6Checksum(frame.subarray(ETHERNET))).to.equal(0);
  });

  it('answers duplicate address detection to all nodes with Solicited clear', () => {
    const dad = solicitation(DAD_NS_A);
    expect(dad.ipv6.source).to.equal('::');
    expect(dad.message).to.deep.equal({ type: 'neighbor-solicitation', target: 'fe80::5eff:fe10:1' });
    expect(decodeOk(neighborAdvertisementFrame(dad, MAC_B))).to.deep.equal({
      kind: 'neighbor-advertisement',
      ethernet: { destination: '33:33:00:00:00:01', source: MAC_B, ethertype: 0x86dd },
      ipv6: { source: 'fe80::5eff:fe10:1', destination: 'ff02::1', hopLimit: 255, nextHeader: 58 },
      message: { type: 'neighbor-advertisement', target: 'fe80::5eff:fe10:1', router: false, solicited: false, override: true, targetLinkAddress: MAC_B },
    });
  });

  it('sends a solicitation from :: without a source link-layer address, as duplicate address detection does', () => {
    const frame = neighborSolicitationFrame(MAC_A, '::', 'fe80::5eff:fe10:1');
    // The kernel's has a nonce option (type 14) after the target; ours stops at the target.
    const kernelsWithoutNonce = edited(DAD_NS_A.subarray(0, ICMP + 24), (f) => f.writeUInt16BE(24, ETHERNET + 4));
    expect(frame.toString('hex')).to.equal(kernelsWithoutNonce.toString('hex'));
  });

  it('uses the Ethernet source when a solicitation has no link-layer address option', () => {
    const bare = edited(NS_A_FOR_B.subarray(0, ICMP + 24), (f) => f.writeUInt16BE(24, ETHERNET + 4));
    const ns = solicitation(bare);
    expect(ns.message.sourceLinkAddress).to.equal(undefined);
    const answer = decodeOk(neighborAdvertisementFrame(ns, MAC_B, { source: 'fe80::1', router: true }));
    expect(answer.ethernet.destination).to.equal(MAC_A);
    expect(answer.kind === 'neighbor-advertisement' && answer.message.router).to.equal(true);
    expect(answer.kind === 'neighbor-advertisement' && answer.ipv6.source).to.equal('fe80::1');
  });

  it('skips options it does not know, such as the nonce, and ignores padding after the packet', () => {
    expect(decodeFrame(Buffer.concat([DAD_NS_A, Buffer.alloc(10)]))).to.deep.equal(decodeFrame(DAD_NS_A));
  });

  it('round-trips every field through encode and decode', () => {
    const frame: NeighborFrame = {
      ethernet: { destination: '33:33:00:00:00:01', source: MAC_A, ethertype: 0x86dd },
      ipv6: { source: 'fe80::1', destination: 'ff02::1', hopLimit: 255, nextHeader: 58 },
      message: { type: 'neighbor-advertisement', target: '2001:db8::7', router: true, solicited: false, override: false },
    };
    expect(decodeOk(encodeNeighborFrame(frame))).to.deep.equal({ kind: 'neighbor-advertisement', ...frame });
  });

  const refused: [string, Buffer, string, RegExp][] = [
    [
      'a hop limit of 254, which a router could have forwarded',
      edited(NS_A_FOR_B, (f) => (f[ETHERNET + 7] = 254), false),
      'hop-limit',
      /Neighbor Solicitation with hop limit 254/,
    ],
    ['a wrong checksum', edited(NS_A_FOR_B, (f) => (f[ICMP + 3] = 0x17), false), 'checksum', /checksum 0xbe17 does not verify/],
    ['a changed target under the old checksum', edited(NA_B_TO_A, (f) => (f[ICMP + 23] = 3), false), 'checksum', /Advertisement checksum/],
    ['ICMP code 1', edited(NS_A_FOR_B, (f) => (f[ICMP + 1] = 1)), 'ndp-invalid', /ICMP code 1, expected 0/],
    ['a multicast target', edited(NS_A_FOR_B, (f) => (f[ICMP + 8] = 0xff)), 'ndp-invalid', /for multicast target ff01:db8::2/],
    ['an option of length 0', edited(NS_A_FOR_B, (f) => (f[ICMP + 25] = 0)), 'ndp-option', /option of type 1 at byte 24 has length 0/],
    ['an option running past the end', edited(NS_A_FOR_B, (f) => (f[ICMP + 25] = 2)), 'ndp-option', /is 16 bytes, past the message's end/],
    [
      'a link-layer address option of 16 bytes',
      edited(Buffer.concat([NS_A_FOR_B, Buffer.alloc(8)]), (f) => {
        f.writeUInt16BE(40, ETHERNET + 4);
        f[ICMP + 25] = 2;
      }),
      'ndp-option',
      /source link-layer address option of 16 bytes, expected 8 on Ethernet/,
    ],
    [
      'a multicast source link-layer address',
      edited(NS_A_FOR_B, (f) => (f[ICMP + 26] = 0x33)),
      'bad-link-address',
      /source link-layer address 33:00:5e:10:00:01 is a group address/,
    ],
    [
      'duplicate address detection that carries a source link-layer address',
      edited(DAD_NS_A, (f) => {
        f[ICMP + 24] = 1;
        f.set([2, 0, 0x5e, 0x10, 0, 1], ICMP + 26);
      }),
      'ndp-invalid',
      /duplicate address detection for fe80::5eff:fe10:1 carries a source link-layer address/,
    ],
    [
      'duplicate address detection sent to all nodes',
      edited(DAD_NS_A, (f) => f.set(Buffer.from('ff020000000000000000000000000001', 'hex'), ETHERNET + 24)),
      'ndp-invalid',
      /sent to ff02::1, not its solicited-node group/,
    ],
    [
      'a Solicited advertisement to a multicast address',
      edited(UNSOLICITED_NA_A, (f) => (f[ICMP + 4] = 0x60)),
      'ndp-invalid',
      /to multicast ff02::1 says Solicited/,
    ],
    ['a message shorter than 24 bytes', edited(NS_A_FOR_B.subarray(0, ICMP + 20), (f) => f.writeUInt16BE(20, ETHERNET + 4), false), 'truncated', /Neighbor Solicitation of 20 bytes/],
    ['a payload length past the frame', edited(NS_A_FOR_B, (f) => f.writeUInt16BE(33, ETHERNET + 4), false), 'truncated', /payload length 33, but only 32 bytes/],
    ['IP version 4 in an IPv6 frame', edited(NS_A_FOR_B, (f) => (f[ETHERNET] = 0x40), false), 'ipv6-header', /IP version 4/],
    ['a Router Solicitation', ROUTER_SOLICITATION_A, 'unsupported', /ICMPv6 type 133/],
    ['a hop-by-hop header in front of ICMPv6', edited(NS_A_FOR_B, (f) => (f[ETHERNET + 6] = 0), false), 'unsupported', /next header 0, not ICMPv6/],
  ];
  for (const [what, frame, reason, detail] of refused) {
    it(`drops ${what}, saying why`, () => {
      const decoded = decodeFrame(frame);
      expect(decoded.ok, 'decoded').to.equal(false);
      if (!decoded.ok) {
        expect(decoded.reason).to.equal(reason);
        expect(decoded.detail).to.match(detail);
      }
    });
  }
});
