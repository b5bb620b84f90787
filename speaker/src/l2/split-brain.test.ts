import { expect } from 'chai';
import fc from 'fast-check';
import { arpReplyFrame, arpRequestFrame, gratuitousArpReply } from './arp.js';
import { type L2Frame, decodeFrame } from './frame.js';
import { neighborAdvertisementFrame, unsolicitedNeighborAdvertisement } from './ndp.js';
import {
  DEFAULT_SPLIT_BRAIN,
  checkSplitBrainOptions,
  claimIn,
  nextCheckDelay,
  probeFrame,
  reportDue,
  withinAnswerWindow,
} from './split-brain.js';

const OWN_MAC = '02:00:5e:10:08:01';
const OTHER_MAC = '02:00:5e:10:08:02';
const OWN = new Set([OWN_MAC]);

function decoded(frame: Buffer): L2Frame {
  const result = decodeFrame(frame);
  if (!result.ok) throw new Error(`does not decode: ${result.detail}`);
  return result.value;
}

describe('split-brain checks', () => {
  it('ask for an IPv4 address with an RFC 5227 probe: broadcast, sender IP 0.0.0.0, target MAC zero', () => {
    const probe = probeFrame('198.19.8.10', 4, OWN_MAC);
    expect(probe.kind).to.equal('arp-probe');
    expect(decoded(probe.frame)).to.deep.equal({
      kind: 'arp',
      ethernet: { destination: 'ff:ff:ff:ff:ff:ff', source: OWN_MAC, ethertype: 0x0806 },
      arp: { operation: 'request', senderMac: OWN_MAC, senderIp: '0.0.0.0', targetMac: '00:00:00:00:00:00', targetIp: '198.19.8.10' },
    });
  });

  it('ask for an IPv6 address as duplicate address detection does: from ::, to the solicited-node group, no source link-layer option', () => {
    const probe = probeFrame('2001:db8:8::10', 6, OWN_MAC);
    expect(probe.kind).to.equal('neighbor-solicitation');
    expect(decoded(probe.frame)).to.deep.equal({
      kind: 'neighbor-solicitation',
      ethernet: { destination: '33:33:ff:00:00:10', source: OWN_MAC, ethertype: 0x86dd },
      ipv6: { source: '::', destination: 'ff02::1:ff00:10', hopLimit: 255, nextHeader: 58 },
      message: { type: 'neighbor-solicitation', target: '2001:db8:8::10' },
    });
  });

  it("see another station's claim in its answer to an ARP probe", () => {
    const probe = decoded(probeFrame('198.19.8.10', 4, OWN_MAC).frame);
    if (probe.kind !== 'arp') throw new Error('not ARP');
    expect(claimIn(decoded(arpReplyFrame(probe.arp, OTHER_MAC)), OWN)).to.deep.equal({ address: '198.19.8.10', otherMac: OTHER_MAC });
  });

  it("see another station's claim in its advertisement, by target link-layer address", () => {
    const probe = decoded(probeFrame('2001:db8:8::10', 6, OWN_MAC).frame);
    if (probe.kind !== 'neighbor-solicitation') throw new Error('not a solicitation');
    expect(claimIn(decoded(neighborAdvertisementFrame(probe, OTHER_MAC)), OWN)).to.deep.equal({ address: '2001:db8:8::10', otherMac: OTHER_MAC });
  });

  it('take no answer from one of their own MACs as a claim (an address announced on two interfaces of one segment)', () => {
    expect(claimIn(decoded(unsolicitedNeighborAdvertisement(OWN_MAC, '2001:db8:8::10')), OWN)).to.equal(undefined);
    const request = decoded(arpRequestFrame(OTHER_MAC, '0.0.0.0', '198.19.8.10'));
    if (request.kind !== 'arp') throw new Error('not ARP');
    expect(claimIn(decoded(arpReplyFrame(request.arp, OWN_MAC)), OWN)).to.equal(undefined);
  });

  it('take neither a gratuitous ARP reply (an orderly takeover) nor a request as a claim', () => {
    expect(claimIn(decoded(gratuitousArpReply(OTHER_MAC, '198.19.8.10')), OWN)).to.equal(undefined);
    expect(claimIn(decoded(arpRequestFrame(OTHER_MAC, '198.19.8.1', '198.19.8.10')), OWN)).to.equal(undefined);
  });

  it('count an answer only within the window after their own check', () => {
    expect(withinAnswerWindow(undefined, 5000, 1000)).to.equal(false);
    expect(withinAnswerWindow(4000, 5000, 1000)).to.equal(true);
    expect(withinAnswerWindow(3999, 5000, 1000)).to.equal(false);
  });

  it('report one conflict per address at most once per interval', () => {
    expect(reportDue(undefined, 0, 60_000)).to.equal(true);
    expect(reportDue(1000, 60_999, 60_000)).to.equal(false);
    expect(reportDue(1000, 61_000, 60_000)).to.equal(true);
  });

  it('come every 10 s by default, each wait jittered within a quarter of it', () => {
    expect(DEFAULT_SPLIT_BRAIN.intervalMs).to.equal(10_000);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (random) => {
        const delay = nextCheckDelay(DEFAULT_SPLIT_BRAIN, random);
        expect(delay).to.be.within(7500, 12_500);
      }),
    );
    expect(nextCheckDelay(DEFAULT_SPLIT_BRAIN, 0)).to.equal(7500);
    expect(nextCheckDelay(DEFAULT_SPLIT_BRAIN, 0.5)).to.equal(10_000);
  });

  it('take options with defaults, refusing bad ones by name', () => {
    expect(checkSplitBrainOptions({ intervalMs: 0 })).to.deep.equal({ ...DEFAULT_SPLIT_BRAIN, intervalMs: 0 });
    expect(() => checkSplitBrainOptions({ intervalMs: -1 })).to.throw('splitBrain.intervalMs: -1 is not a whole number of milliseconds');
    expect(() => checkSplitBrainOptions({ answerWindowMs: 0 })).to.throw('splitBrain.answerWindowMs: 0 is not');
    expect(() => checkSplitBrainOptions({ jitter: 1 })).to.throw('splitBrain.jitter: 1 is not a fraction from 0 to below 1');
  });
});
