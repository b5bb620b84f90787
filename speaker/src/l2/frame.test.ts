import { expect } from 'chai';
import fc from 'fast-check';
import { formatIpv4, formatIpv6, isMulticastIpv6, solicitedNodeAddress } from './address.js';
import { type ArpFrame, encodeArpFrame } from './arp.js';
import type { DropReason } from './decoded.js';
import { decodeFrame } from './frame.js';
import { formatMac } from './mac.js';
import { type NeighborFrame, encodeNeighborFrame } from './ndp.js';
import {
  ARP_ANNOUNCEMENT_A,
  ARP_REPLY_B_TO_A,
  ARP_REQUEST_A_FOR_B,
  DAD_NS_A,
  ECHO_REQUEST_A_TO_B,
  NA_B_TO_A,
  NS_A_FOR_B,
  UNSOLICITED_NA_A,
} from './test-frames.js';

const REASONS: readonly DropReason[] = [
  'truncated',
  'unsupported',
  'bad-link-address',
  'arp-not-ethernet-ipv4',
  'arp-operation',
  'ipv6-header',
  'hop-limit',
  'checksum',
  'ndp-invalid',
  'ndp-option',
];

const anyMac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => formatMac(b));
/** A station's MAC: the group bit clear. */
const stationMac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => formatMac(Uint8Array.from([b[0]! & 0xfe, ...b.subarray(1)])));
const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIpv4(b));
const ipv6Raw = fc.uint8Array({ minLength: 16, maxLength: 16 });
const ipv6 = ipv6Raw.map((b) => formatIpv6(b));
const unicastIpv6 = ipv6Raw.filter((b) => !isMulticastIpv6(b)).map((b) => formatIpv6(b));

const arpFrame: fc.Arbitrary<ArpFrame> = fc.record({
  ethernet: fc.record({ destination: anyMac, source: stationMac, ethertype: fc.constant(0x0806) }),
  arp: fc.record({
    operation: fc.constantFrom('request' as const, 'reply' as const),
    senderMac: stationMac,
    senderIp: ipv4,
    targetMac: anyMac,
    targetIp: ipv4,
  }),
});

const solicitationFrame: fc.Arbitrary<NeighborFrame> = fc
  .record({
    ethernetSource: stationMac,
    destinationMac: anyMac,
    target: unicastIpv6,
    source: fc.oneof(fc.constant('::'), ipv6),
    destination: ipv6,
    link: fc.option(stationMac, { nil: undefined }),
  })
  .map(({ ethernetSource, destinationMac, target, source, destination, link }) => {
    const dad = source === '::';
    return {
      ethernet: { destination: destinationMac, source: ethernetSource, ethertype: 0x86dd },
      ipv6: { source, destination: dad ? solicitedNodeAddress(target) : destination, hopLimit: 255, nextHeader: 58 },
      message: { type: 'neighbor-solicitation', target, ...(dad || link === undefined ? {} : { sourceLinkAddress: link }) },
    };
  });

const advertisementFrame: fc.Arbitrary<NeighborFrame> = fc
  .record({
    ethernet: fc.record({ destination: anyMac, source: stationMac, ethertype: fc.constant(0x86dd) }),
    source: ipv6,
    destination: ipv6Raw,
    target: unicastIpv6,
    router: fc.boolean(),
    solicited: fc.boolean(),
    override: fc.boolean(),
    link: fc.option(stationMac, { nil: undefined }),
  })
  .map(({ ethernet, source, destination, target, router, solicited, override, link }) => ({
    ethernet,
    ipv6: { source, destination: formatIpv6(destination), hopLimit: 255, nextHeader: 58 },
    message: {
      type: 'neighbor-advertisement',
      target,
      router,
      solicited: solicited && !isMulticastIpv6(destination),
      override,
      ...(link === undefined ? {} : { targetLinkAddress: link }),
    },
  }));

const neighborFrame = fc.oneof(solicitationFrame, advertisementFrame);

const KERNEL_FRAMES = [ARP_REQUEST_A_FOR_B, ARP_REPLY_B_TO_A, ARP_ANNOUNCEMENT_A, NS_A_FOR_B, NA_B_TO_A, UNSOLICITED_NA_A, DAD_NS_A];

function expectDecodedOrDropped(frame: Buffer): void {
  const result = decodeFrame(frame);
  if (!result.ok) {
    expect(REASONS).to.include(result.reason);
    expect(result.detail).to.be.a('string').and.not.equal('');
  }
}

describe('decoding whole frames', () => {
  it('reads back every ARP frame it writes', () => {
    fc.assert(
      fc.property(arpFrame, (frame) => {
        expect(decodeFrame(encodeArpFrame(frame))).to.deep.equal({ ok: true, value: { kind: 'arp', ...frame } });
      }),
    );
  });

  it('reads back every valid Neighbor Solicitation and Advertisement it writes', () => {
    fc.assert(
      fc.property(neighborFrame, (frame) => {
        expect(decodeFrame(encodeNeighborFrame(frame))).to.deep.equal({ ok: true, value: { kind: frame.message.type, ...frame } });
      }),
    );
  });

  it('catches any single changed byte in the addresses or the message of a Neighbor Discovery frame', () => {
    const ipv6Start = 14 + 8;
    fc.assert(
      fc.property(neighborFrame, fc.nat(), fc.integer({ min: 1, max: 255 }), (frame, at, xor) => {
        const bytes = encodeNeighborFrame(frame);
        const offset = ipv6Start + (at % (bytes.length - ipv6Start));
        bytes[offset]! ^= xor;
        expect(decodeFrame(bytes).ok).to.equal(false);
      }),
    );
  });

  it('never throws on random bytes, and says why it drops them', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => expectDecodedOrDropped(Buffer.from(bytes))), {
      numRuns: 2000,
    });
  });

  it('never throws on random bytes behind an ARP or IPv6 header', () => {
    const framed = fc
      .record({ ethertype: fc.constantFrom(0x0806, 0x86dd), hopLimit: fc.constantFrom(255, 64), body: fc.uint8Array({ maxLength: 120 }) })
      .map(({ ethertype, hopLimit, body }) => {
        const frame = Buffer.concat([Buffer.from('3333ff00000202005e100001', 'hex'), Buffer.alloc(2), Buffer.from(body)]);
        frame.writeUInt16BE(ethertype, 12);
        if (ethertype === 0x86dd && frame.length >= 14 + 40) {
          frame[14] = 0x60;
          frame[14 + 6] = 58;
          frame[14 + 7] = hopLimit;
          frame[14 + 40] = 135 + (body[0]! & 1);
        }
        return frame;
      });
    fc.assert(fc.property(framed, expectDecodedOrDropped), { numRuns: 2000 });
  });

  it("never throws on the kernel's frames cut short, stretched or with bytes changed", () => {
    const mutated = fc
      .record({
        frame: fc.constantFrom(...KERNEL_FRAMES),
        cut: fc.nat(),
        extra: fc.uint8Array({ maxLength: 16 }),
        changes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      })
      .map(({ frame, cut, extra, changes }) => {
        const copy = Buffer.concat([frame.subarray(0, frame.length - (cut % 8)), Buffer.from(extra)]);
        for (const [at, value] of changes) copy[at % copy.length] = value;
        return copy;
      });
    fc.assert(fc.property(mutated, expectDecodedOrDropped), { numRuns: 2000 });
  });

  it('drops a frame shorter than an Ethernet header', () => {
    expect(decodeFrame(Buffer.alloc(13))).to.deep.equal({
      ok: false,
      reason: 'truncated',
      detail: 'Ethernet frame of 13 bytes, shorter than its 14-byte header',
    });
  });

  it('drops IPv4 and ICMPv6 echo as unsupported', () => {
    const ipv4Frame = Buffer.from(ARP_REQUEST_A_FOR_B);
    ipv4Frame.writeUInt16BE(0x0800, 12);
    expect(decodeFrame(ipv4Frame)).to.deep.include({ ok: false, reason: 'unsupported', detail: 'ethertype 0x0800, neither ARP nor IPv6' });
    expect(decodeFrame(ECHO_REQUEST_A_TO_B)).to.deep.include({ ok: false, reason: 'unsupported' });
  });
});
