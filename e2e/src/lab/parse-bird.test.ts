import { expect } from 'chai';
import { parseBirdProtocols, parseBirdRoute } from './parse-bird.js';
import { BIRD_PROTOCOLS_CONNECT, BIRD_PROTOCOLS_ESTABLISHED, BIRD_ROUTE6_ECMP, BIRD_ROUTE_ECMP, BIRD_ROUTE_NONE } from './samples.js';
import { BIRD_ROUTE_LINK_BANDWIDTH } from './samples-bgp.js';

describe('reading BIRD output', () => {
  it('lists BGP neighbours with state, AS and imported routes, leaving other protocols out', () => {
    expect(parseBirdProtocols(BIRD_PROTOCOLS_ESTABLISHED)).to.deep.equal([
      { address: '198.18.138.11', family: 'ipv4', state: 'Established', remoteAs: 64512, prefixesReceived: 1 },
      { address: '198.18.138.12', family: 'ipv4', state: 'Established', remoteAs: 64512, prefixesReceived: 1 },
      { address: 'fd8a:18::11', family: 'ipv6', state: 'Established', remoteAs: 64512, prefixesReceived: 1 },
      { address: 'fd8a:18::12', family: 'ipv6', state: 'Established', remoteAs: 64512, prefixesReceived: 1 },
    ]);
  });

  it('lists neighbours that are still connecting', () => {
    expect(parseBirdProtocols(BIRD_PROTOCOLS_CONNECT)).to.deep.equal([
      { address: '198.18.21.11', family: 'ipv4', state: 'Connect', remoteAs: 64512, prefixesReceived: 0 },
      { address: 'fd15:18::11', family: 'ipv6', state: 'Connect', remoteAs: 64512, prefixesReceived: 0 },
    ]);
  });

  it('reads every route of a prefix with its attributes, the best one marked', () => {
    const peers = new Map([
      ['node1_v4', '198.18.138.11'],
      ['node2_v4', '198.18.138.12'],
    ]);
    const paths = parseBirdRoute(BIRD_ROUTE_ECMP, (p) => peers.get(p));
    const common = {
      asPath: [64512],
      origin: 'IGP',
      communities: ['64500:100', '64500:200'],
      largeCommunities: ['64500:1:2'],
      localPref: 100,
      med: 10,
      multipath: false,
    };
    expect(paths).to.deep.equal([
      { ...common, nextHop: '198.18.138.11', peer: '198.18.138.11', best: true, bestOrMultipath: true },
      { ...common, nextHop: '198.18.138.12', peer: '198.18.138.12', best: false, bestOrMultipath: false },
    ]);
  });

  it('reads IPv6 routes and leaves the peer out when it cannot name it', () => {
    const paths = parseBirdRoute(BIRD_ROUTE6_ECMP);
    expect(paths.map((p) => [p.nextHop, p.best, p.peer])).to.deep.equal([
      ['fd8a:18::11', true, undefined],
      ['fd8a:18::12', false, undefined],
    ]);
  });

  it('finds no routes when BIRD answers "Network not found"', () => {
    expect(parseBirdRoute(BIRD_ROUTE_NONE)).to.deep.equal([]);
  });

  it('reads link bandwidth, which BIRD shows as an unnamed community holding a float, and route targets', () => {
    const [path] = parseBirdRoute(BIRD_ROUTE_LINK_BANDWIDTH);
    expect(path).to.deep.include({ extendedCommunities: ['LB:64512:125000', 'RT:64512:7'], linkBandwidth: 125000 });
  });
});
