import { expect } from 'chai';
import fc from 'fast-check';
import { pickDiscriminator, selectReceiver, type Demuxable } from './demux.js';
import type { ControlPacket } from './packet.js';

const A: Demuxable = { localDiscriminator: 11, peer: '192.0.2.1' };
const B: Demuxable = { localDiscriminator: 22, peer: '2001:db8::2' };
const byDiscriminator = new Map([A, B].map((r) => [r.localDiscriminator, r] as const));
const byPeer = new Map([A, B].map((r) => [r.peer, r] as const));

function packet(yourDiscriminator: number): ControlPacket {
  return {
    diag: 0,
    state: yourDiscriminator === 0 ? 'Down' : 'Up',
    poll: false,
    final: false,
    controlPlaneIndependent: false,
    demand: false,
    detectMult: 3,
    myDiscriminator: 99,
    yourDiscriminator,
    desiredMinTxUs: 300_000,
    requiredMinRxUs: 300_000,
    requiredMinEchoRxUs: 0,
  };
}

describe('BFD demultiplexing', () => {
  it('hands a packet to the session its Your Discriminator names', () => {
    expect(selectReceiver(packet(22), '2001:db8::2', byDiscriminator, byPeer)).to.deep.equal({ ok: true, receiver: B });
  });

  it('hands a packet with Your Discriminator 0 to the session of its source address', () => {
    expect(selectReceiver(packet(0), '192.0.2.1', byDiscriminator, byPeer)).to.deep.equal({ ok: true, receiver: A });
  });

  it('discards a packet whose discriminator belongs to a session with another peer', () => {
    const r = selectReceiver(packet(11), '192.0.2.9', byDiscriminator, byPeer);
    expect(r).to.deep.equal({ ok: false, reason: 'discriminator 11 belongs to the session with 192.0.2.1, not 192.0.2.9' });
  });

  it('discards a packet for a discriminator no session has', () => {
    expect(selectReceiver(packet(33), '192.0.2.1', byDiscriminator, byPeer)).to.deep.equal({ ok: false, reason: 'no session has discriminator 33' });
  });

  it('discards a first packet from an address no session peers with', () => {
    expect(selectReceiver(packet(0), '192.0.2.7', byDiscriminator, byPeer)).to.deep.equal({ ok: false, reason: 'no session with peer 192.0.2.7 on this address' });
  });

  it('picks discriminators that are nonzero and not in use', () => {
    const draws = [0, 11, 0x1_0000_0016, 5];
    expect(pickDiscriminator(new Set([11, 22]), () => draws.shift() ?? 0)).to.equal(5);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 0xffffffff }), { maxLength: 20 }), fc.integer({ min: 0, max: 0xffffffff }), (used, seed) => {
        let x = seed;
        const d = pickDiscriminator(new Set(used), () => (x = (x * 1103515245 + 12345) % 2 ** 32));
        expect(d).to.be.within(1, 0xffffffff);
        expect(used).not.to.include(d);
      }),
    );
  });
});
