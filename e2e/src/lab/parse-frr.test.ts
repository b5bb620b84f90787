import { expect } from 'chai';
import { parseFrrNeighbors, parseFrrRoute } from './parse-frr.js';
import { FRR_NEIGHBORS_CONNECT, FRR_NEIGHBORS_ESTABLISHED, FRR_ROUTE6_ECMP, FRR_ROUTE_ECMP, FRR_ROUTE_NONE } from './samples.js';

describe('reading FRR output', () => {
  it('lists established neighbours with their AS and the prefixes they sent', () => {
    expect(parseFrrNeighbors(FRR_NEIGHBORS_ESTABLISHED)).to.deep.equal([
      { address: '198.18.247.11', family: 'ipv4', state: 'Established', remoteAs: 64512, prefixesReceived: 1 },
      { address: 'fdf7:18::11', family: 'ipv6', state: 'Established', remoteAs: 64512, prefixesReceived: 1 },
    ]);
  });

  it('lists neighbours that are still connecting', () => {
    expect(parseFrrNeighbors(FRR_NEIGHBORS_CONNECT)).to.deep.equal([
      { address: '198.18.165.11', family: 'ipv4', state: 'Connect', remoteAs: 64512, prefixesReceived: 0 },
      { address: 'fda5:18::11', family: 'ipv6', state: 'Connect', remoteAs: 64512, prefixesReceived: 0 },
    ]);
  });

  it('reads both ECMP paths of an IPv4 prefix with their attributes', () => {
    const paths = parseFrrRoute(FRR_ROUTE_ECMP);
    expect(paths).to.have.length(2);
    const common = {
      asPath: [64512],
      origin: 'IGP',
      communities: ['64500:100', '64500:200'],
      largeCommunities: ['64500:1:2'],
      med: 10,
      multipath: true,
      bestOrMultipath: true,
    };
    expect(paths).to.deep.include({ ...common, nextHop: '198.18.247.11', peer: '198.18.247.11', best: true });
    expect(paths).to.deep.include({ ...common, nextHop: '198.18.247.12', peer: '198.18.247.12', best: false });
  });

  it('reads the global next hops of IPv6 paths', () => {
    const paths = parseFrrRoute(FRR_ROUTE6_ECMP);
    expect(paths.map((p) => p.nextHop).sort()).to.deep.equal(['fdf7:18::11', 'fdf7:18::12']);
    expect(paths.every((p) => p.bestOrMultipath && p.communities === undefined)).to.equal(true);
  });

  it('prefers the global next hop when FRR also lists a link-local one', () => {
    const json = JSON.stringify({
      paths: [{ bestpath: { overall: true }, nexthops: [{ ip: 'fe80::1', scope: 'link-local' }, { ip: 'fd00::1', scope: 'global' }] }],
    });
    expect(parseFrrRoute(json)[0]?.nextHop).to.equal('fd00::1');
  });

  it('finds no paths for a prefix FRR does not hold', () => {
    expect(parseFrrRoute(FRR_ROUTE_NONE)).to.deep.equal([]);
  });

  it('says what it was reading when the output is not JSON', () => {
    expect(() => parseFrrNeighbors('% Unknown command')).to.throw(/show bgp neighbors json: not JSON/);
  });
});
