import { expect } from 'chai';
import { checkNodePeerOptions, peerTimers } from './router-config.js';

describe('router peer options', () => {
  it('derives the keepalive as a third of the hold time, and the hold time as three keepalives', () => {
    expect(peerTimers({ holdSec: 9 }, 'node1')).to.deep.equal({ keepalive: 3, hold: 9 });
    expect(peerTimers({ keepaliveSec: 10 }, 'node1')).to.deep.equal({ keepalive: 10, hold: 30 });
    expect(peerTimers({ holdSec: 0 }, 'node1')).to.deep.equal({ keepalive: 0, hold: 0 });
    expect(peerTimers({}, 'node1')).to.equal(undefined);
  });

  it('accepts the options both daemons can express', () => {
    expect(() =>
      checkNodePeerOptions({ asn: 4200000000, password: 'k3y!', holdSec: 9, passive: true, bfd: { receiveMs: 50, multiplier: 2 } }, 'node1'),
    ).not.to.throw();
  });

  it('rejects each bad option naming the node and the field', () => {
    expect(() => checkNodePeerOptions({ asn: 0 }, 'node2')).to.throw(/router peer node2: ASN 0/);
    expect(() => checkNodePeerOptions({ password: 'has"quote' }, 'node2')).to.throw(/node2: password/);
    expect(() => checkNodePeerOptions({ holdSec: 9, keepaliveSec: 9 }, 'node2')).to.throw(/node2: keepaliveSec 9 must be a whole number below holdSec 9/);
    expect(() => checkNodePeerOptions({ bfd: { receiveMs: 5 } }, 'node2')).to.throw(/node2: bfd.receiveMs 5 must be a whole number from 10 to 60000/);
    expect(() => checkNodePeerOptions({ bfd: { multiplier: 1 } }, 'node2')).to.throw(/bfd.multiplier 1/);
  });

  it('rejects BFD for a GoBGP router, which has none', () => {
    expect(() => checkNodePeerOptions({ bfd: true }, 'node1', 'gobgp')).to.throw(/node1: bfd is set, but gobgpd has no BFD/);
    expect(() => checkNodePeerOptions({ bfd: true }, 'node1', 'frr')).not.to.throw();
  });
});
