import { expect } from 'chai';
import { goBgpStateName, parseGoBgpNeighbors, parseGoBgpRoute } from './parse-gobgp.js';
import {
  GOBGP_NEIGHBORS,
  GOBGP_NEIGHBOR_IDLE,
  GOBGP_ROUTE6_ECMP,
  GOBGP_ROUTE_ECMP,
  GOBGP_ROUTE_LOCAL_PREF,
  GOBGP_ROUTE_NONE,
} from './samples-bgp.js';

describe('reading gobgp output', () => {
  it('lists neighbours with their state in FRR\'s words, AS and accepted prefixes', () => {
    expect(parseGoBgpNeighbors(GOBGP_NEIGHBORS)).to.deep.equal([
      { address: '198.18.89.11', family: 'ipv4', state: 'Established', remoteAs: 64512, prefixesReceived: 1 },
      { address: 'fd59:18::12', family: 'ipv6', state: 'Established', remoteAs: 64512, prefixesReceived: 1 },
    ]);
    expect(parseGoBgpNeighbors(GOBGP_NEIGHBOR_IDLE)).to.deep.equal([
      { address: '198.18.162.1', family: 'ipv4', state: 'Idle', remoteAs: 64500, prefixesReceived: 0 },
    ]);
  });

  it('names states given as numbers or as enum names', () => {
    expect([1, 2, 3, 4, 5, 6].map(goBgpStateName)).to.deep.equal(['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established']);
    expect(goBgpStateName('SESSION_STATE_ESTABLISHED')).to.equal('Established');
    expect(goBgpStateName(9)).to.equal('state 9');
  });

  it('reads both paths of an IPv4 prefix with communities, large communities, MED and link bandwidth', () => {
    const [first, second] = parseGoBgpRoute(GOBGP_ROUTE_ECMP);
    expect(first).to.deep.equal({
      nextHop: '198.18.89.11',
      peer: '198.18.89.11',
      asPath: [64512],
      origin: 'IGP',
      communities: ['64500:1'],
      largeCommunities: ['64500:1:2'],
      extendedCommunities: ['LB:64512:125000', 'RT:64512:7'],
      linkBandwidth: 125000,
      med: 5,
      best: true,
      multipath: false,
      bestOrMultipath: true,
    });
    expect(second).to.include({ nextHop: '198.18.89.12', best: false });
    expect(second?.linkBandwidth).to.equal(undefined);
  });

  it('takes an IPv6 path\'s next hop from MP_REACH_NLRI', () => {
    expect(parseGoBgpRoute(GOBGP_ROUTE6_ECMP).map((p) => [p.nextHop, p.peer])).to.deep.equal([
      ['fd59:18::11', 'fd59:18::11'],
      ['fd59:18::12', 'fd59:18::12'],
    ]);
  });

  it('reads LOCAL_PREF', () => {
    expect(parseGoBgpRoute(GOBGP_ROUTE_LOCAL_PREF)[0]).to.include({ localPref: 250, nextHop: '0.0.0.0' });
  });

  it('finds no path for a prefix gobgpd does not hold', () => {
    expect(parseGoBgpRoute(GOBGP_ROUTE_NONE)).to.deep.equal([]);
  });
});
