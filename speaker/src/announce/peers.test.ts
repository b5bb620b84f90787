import { expect } from 'chai';
import { peerCarries, peersForNode } from './peers.js';
import { config, node, peer } from './test-fixtures.js';

describe('BGP peers of a node', () => {
  const c = config({
    bgpPeers: [
      peer('everywhere'),
      peer('rack1', { peerAddress: '192.0.2.2', nodeSelectors: [{ matchLabels: { rack: 'r1' } }] }),
      peer('rack2-or-edge', { peerAddress: '192.0.2.3', nodeSelectors: [{ matchLabels: { rack: 'r2' } }, { matchExpressions: [{ key: 'edge', operator: 'Exists' }] }] }),
      peer('v6', { peerAddress: '2001:db8::1' }),
      peer('unnumbered', { peerAddress: undefined, interface: 'eth1' }),
    ],
  });

  it('opens a session to a peer without nodeSelectors from every node', () => {
    expect(peersForNode(c.peers, node('n1')).map((p) => p.name)).to.deep.equal(['everywhere', 'unnumbered', 'v6']);
  });

  it('opens a session to a peer whose nodeSelectors select the node', () => {
    expect(peersForNode(c.peers, node('n1', { labels: { rack: 'r1' } })).map((p) => p.name)).to.deep.equal(['everywhere', 'rack1', 'unnumbered', 'v6']);
  });

  it('treats several nodeSelectors as alternatives', () => {
    expect(peersForNode(c.peers, node('n1', { labels: { edge: '' } })).map((p) => p.name)).to.include('rack2-or-edge');
  });

  it('opens only selector-free sessions while the node is unknown', () => {
    expect(peersForNode(c.peers, undefined).map((p) => p.name)).to.deep.equal(['everywhere', 'unnumbered', 'v6']);
  });

  it('keeps sessions on a node that is not Ready', () => {
    expect(peersForNode(c.peers, node('n1', { ready: 'False' }))).to.have.length(3);
  });

  it('sends a peer only its own address family, and an unnumbered peer both', () => {
    const byName = new Map(c.peers.map((p) => [p.name, p]));
    const v4 = byName.get('everywhere');
    const v6 = byName.get('v6');
    const unnumbered = byName.get('unnumbered');
    if (v4 === undefined || v6 === undefined || unnumbered === undefined) expect.fail('peers missing from the configuration');
    expect([peerCarries(v4, 4), peerCarries(v4, 6)]).to.deep.equal([true, false]);
    expect([peerCarries(v6, 4), peerCarries(v6, 6)]).to.deep.equal([false, true]);
    expect([peerCarries(unnumbered, 4), peerCarries(unnumbered, 6)]).to.deep.equal([true, true]);
  });
});
