import { expect } from 'chai';
import fc from 'fast-check';
import { formatIpv4 } from './address.js';
import { type Answer, announcementFrames, answerFor } from './answer.js';
import { arpReplyFrame, arpRequestFrame, encodeArpFrame, gratuitousArpReply, gratuitousArpRequest } from './arp.js';
import { type L2Frame, decodeFrame } from './frame.js';
import { formatMac } from './mac.js';
import { neighborAdvertisementFrame, neighborSolicitationFrame, unsolicitedNeighborAdvertisement } from './ndp.js';

const OWN_MAC = '02:00:5e:10:08:01';
const CLIENT_MAC = '02:00:5e:10:08:99';
const CLIENT_V4 = '198.19.8.1';
const CLIENT_V6 = '2001:db8:8::1';
const OWNED_V4 = '198.19.8.10';
const OWNED_V6 = '2001:db8:8::10';
const ETH0 = { name: 'eth0', mac: OWN_MAC };
const OWNED = new Map([
  [OWNED_V4, { interfaces: ['eth0'] }],
  [OWNED_V6, { interfaces: ['eth0'] }],
  ['198.19.8.11', { interfaces: ['eth1'] }],
]);

function decoded(frame: Buffer): L2Frame {
  const result = decodeFrame(frame);
  if (!result.ok) throw new Error(`fixture does not decode: ${result.detail}`);
  return result.value;
}

function answered(answer: Answer): L2Frame {
  if (!answer.ok) throw new Error(`expected an answer, got ${answer.reason}`);
  return decoded(answer.frame);
}

describe('answering ARP requests and Neighbor Solicitations', () => {
  it('answers an ARP request for an owned address with a reply from the interface MAC to the asker', () => {
    const request = decoded(arpRequestFrame(CLIENT_MAC, CLIENT_V4, OWNED_V4));
    const answer = answerFor(request, OWNED, ETH0);
    if (request.kind !== 'arp') throw new Error('not ARP');
    expect(answer).to.deep.equal({ ok: true, kind: 'arp-reply', address: OWNED_V4, frame: arpReplyFrame(request.arp, OWN_MAC) });
    expect(answered(answer)).to.deep.equal({
      kind: 'arp',
      ethernet: { destination: CLIENT_MAC, source: OWN_MAC, ethertype: 0x0806 },
      arp: { operation: 'reply', senderMac: OWN_MAC, senderIp: OWNED_V4, targetMac: CLIENT_MAC, targetIp: CLIENT_V4 },
    });
  });

  it('answers an RFC 5227 probe (sender 0.0.0.0) with a reply to 0.0.0.0, as Linux does, so the prober learns the address is taken', () => {
    const probe = decoded(arpRequestFrame(CLIENT_MAC, '0.0.0.0', OWNED_V4));
    expect(answered(answerFor(probe, OWNED, ETH0))).to.deep.include({
      arp: { operation: 'reply', senderMac: OWN_MAC, senderIp: OWNED_V4, targetMac: CLIENT_MAC, targetIp: '0.0.0.0' },
    });
  });

  it('answers a request sent unicast to the interface (a neighbour confirming its entry)', () => {
    const unicast = decoded(
      encodeArpFrame({
        ethernet: { destination: OWN_MAC, source: CLIENT_MAC, ethertype: 0x0806 },
        arp: { operation: 'request', senderMac: CLIENT_MAC, senderIp: CLIENT_V4, targetMac: OWN_MAC, targetIp: OWNED_V4 },
      }),
    );
    expect(answerFor(unicast, OWNED, ETH0)).to.deep.include({ ok: true, kind: 'arp-reply' });
  });

  const ignored: [string, Buffer, string][] = [
    ['an ARP reply', arpReplyFrame(decodedArp(arpRequestFrame(CLIENT_MAC, CLIENT_V4, '198.19.8.2')), '02:00:5e:10:08:02'), 'arp-reply'],
    ['a gratuitous ARP request for an owned address', gratuitousArpRequest(CLIENT_MAC, OWNED_V4), 'gratuitous-arp'],
    ['a gratuitous ARP reply for an owned address', gratuitousArpReply(CLIENT_MAC, OWNED_V4), 'arp-reply'],
    ['a request for an address not owned', arpRequestFrame(CLIENT_MAC, CLIENT_V4, '198.19.8.99'), 'not-owned'],
    ['a request for an address owned on another interface', arpRequestFrame(CLIENT_MAC, CLIENT_V4, '198.19.8.11'), 'other-interface'],
    [
      'a request unicast to another station',
      encodeArpFrame({
        ethernet: { destination: '02:00:5e:10:08:42', source: CLIENT_MAC, ethertype: 0x0806 },
        arp: { operation: 'request', senderMac: CLIENT_MAC, senderIp: CLIENT_V4, targetMac: '00:00:00:00:00:00', targetIp: OWNED_V4 },
      }),
      'addressed-elsewhere',
    ],
    ['a Neighbor Advertisement for an owned address', unsolicitedNeighborAdvertisement(CLIENT_MAC, OWNED_V6), 'neighbor-advertisement'],
    ['a solicitation for an address not owned', neighborSolicitationFrame(CLIENT_MAC, CLIENT_V6, '2001:db8:8::99'), 'not-owned'],
  ];
  for (const [what, frame, reason] of ignored) {
    it(`does not answer ${what} (${reason})`, () => {
      expect(answerFor(decoded(frame), OWNED, ETH0)).to.deep.equal({ ok: false, reason });
    });
  }

  it('does not answer on an interface where the address is not announced', () => {
    const request = decoded(arpRequestFrame(CLIENT_MAC, CLIENT_V4, OWNED_V4));
    expect(answerFor(request, OWNED, { name: 'eth1', mac: '02:00:5e:10:08:02' })).to.deep.equal({ ok: false, reason: 'other-interface' });
  });

  it('answers a solicitation with a solicited advertisement: Solicited and Override, not Router, hop limit 255, to the asker', () => {
    const solicitation = decoded(neighborSolicitationFrame(CLIENT_MAC, CLIENT_V6, OWNED_V6));
    if (solicitation.kind !== 'neighbor-solicitation') throw new Error('not a solicitation');
    const answer = answerFor(solicitation, OWNED, ETH0);
    expect(answer).to.deep.include({ ok: true, kind: 'neighbor-advertisement', address: OWNED_V6 });
    expect(answer.ok && answer.frame).to.deep.equal(neighborAdvertisementFrame(solicitation, OWN_MAC));
    // decodeFrame verifies the checksum and the hop limit of 255: a frame that decodes has both right.
    expect(answered(answer)).to.deep.equal({
      kind: 'neighbor-advertisement',
      ethernet: { destination: CLIENT_MAC, source: OWN_MAC, ethertype: 0x86dd },
      ipv6: { source: OWNED_V6, destination: CLIENT_V6, hopLimit: 255, nextHeader: 58 },
      message: { type: 'neighbor-advertisement', target: OWNED_V6, router: false, solicited: true, override: true, targetLinkAddress: OWN_MAC },
    });
  });

  it('answers duplicate address detection (from ::) to all nodes, Solicited clear', () => {
    const dad = decoded(neighborSolicitationFrame(CLIENT_MAC, '::', OWNED_V6));
    const reply = answered(answerFor(dad, OWNED, ETH0));
    expect(reply).to.deep.include({
      ethernet: { destination: '33:33:00:00:00:01', source: OWN_MAC, ethertype: 0x86dd },
      ipv6: { source: OWNED_V6, destination: 'ff02::1', hopLimit: 255, nextHeader: 58 },
    });
    expect(reply.kind === 'neighbor-advertisement' && reply.message).to.deep.include({ solicited: false, override: true });
  });

  it('answers exactly the ARP requests whose target is owned on the receiving interface, and no frame makes it throw', () => {
    const lastOctet = fc.integer({ min: 1, max: 12 });
    const v4 = (n: number): string => formatIpv4(Uint8Array.from([198, 19, 8, n]));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(lastOctet, fc.subarray(['eth0', 'eth1'], { minLength: 1 }))),
        lastOctet,
        lastOctet,
        fc.constantFrom('eth0', 'eth1'),
        fc.uint8Array({ minLength: 6, maxLength: 6 }),
        (owned, sender, target, on, macBytes) => {
          const asker = formatMac(Uint8Array.from([macBytes[0]! & 0xfe, ...macBytes.subarray(1)]));
          const map = new Map(owned.map(([n, interfaces]) => [v4(n), { interfaces }]));
          const answer = answerFor(decoded(arpRequestFrame(asker, v4(sender), v4(target))), map, { name: on, mac: OWN_MAC });
          const expected = sender !== target && (map.get(v4(target))?.interfaces.includes(on) ?? false);
          expect(answer.ok).to.equal(expected);
        },
      ),
    );
  });
});

function decodedArp(frame: Buffer): Extract<L2Frame, { kind: 'arp' }>['arp'] {
  const result = decoded(frame);
  if (result.kind !== 'arp') throw new Error('not ARP');
  return result.arp;
}

describe('takeover announcements', () => {
  it('are gratuitous ARP in both forms for IPv4', () => {
    expect(announcementFrames(OWNED_V4, 4, OWN_MAC)).to.deep.equal([
      { kind: 'gratuitous-arp-request', frame: gratuitousArpRequest(OWN_MAC, OWNED_V4) },
      { kind: 'gratuitous-arp-reply', frame: gratuitousArpReply(OWN_MAC, OWNED_V4) },
    ]);
  });

  it('are an unsolicited advertisement to all nodes with Override for IPv6', () => {
    const [only, ...rest] = announcementFrames(OWNED_V6, 6, OWN_MAC);
    expect(rest).to.have.length(0);
    expect(only?.kind).to.equal('unsolicited-neighbor-advertisement');
    expect(decoded(only!.frame)).to.deep.include({
      ethernet: { destination: '33:33:00:00:00:01', source: OWN_MAC, ethertype: 0x86dd },
      ipv6: { source: OWNED_V6, destination: 'ff02::1', hopLimit: 255, nextHeader: 58 },
      message: { type: 'neighbor-advertisement', target: OWNED_V6, router: false, solicited: false, override: true, targetLinkAddress: OWN_MAC },
    });
  });
});
