import { expect } from 'chai';
import { linkBandwidthOf, parseFrrExtCommunities, parseFrrNeighbors, parseFrrRibWeights, parseFrrRoute, parseFrrSummary } from './parse-frr.js';
import { FRR_RIB_WEIGHTED, FRR_ROUTE_LINK_BANDWIDTH, FRR_SUMMARY } from './samples-bgp.js';
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

  it('reads link bandwidth from the extended communities, in bytes per second', () => {
    const paths = parseFrrRoute(FRR_ROUTE_LINK_BANDWIDTH);
    expect(paths.map((p) => [p.nextHop, p.extendedCommunities, p.linkBandwidth])).to.deep.equal([
      ['198.18.231.12', ['LB:64512:375000'], 375000],
      ['198.18.231.11', ['LB:64512:125000'], 125000],
    ]);
  });

  it('keeps FRR\'s words for extended communities without their unit notes', () => {
    expect(parseFrrExtCommunities('LB:64512:125000 (1.000 Mbps) RT:64512:7')).to.deep.equal(['LB:64512:125000', 'RT:64512:7']);
    expect(linkBandwidthOf(['RT:64512:7'])).to.equal(undefined);
  });

  it("reads the weights of zebra's selected route, and none when zebra has no route", () => {
    expect(parseFrrRibWeights(FRR_RIB_WEIGHTED)).to.deep.equal({ '198.18.231.11': 25, '198.18.231.12': 75 });
    expect(parseFrrRibWeights('{}')).to.deep.equal({});
  });

  it('reads the state of each neighbour and the prefixes it sent from the summary', () => {
    expect([...parseFrrSummary(FRR_SUMMARY)]).to.deep.equal([['198.18.216.11', { state: 'Established', prefixesReceived: 1 }]]);
    expect(parseFrrSummary('{}').size).to.equal(0);
  });
});
