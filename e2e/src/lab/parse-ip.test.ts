import { expect } from 'chai';
import { parseKernelNextHops, parseKernelWeights, parseNeighborMac } from './parse-ip.js';
import { KERNEL_ROUTE_SINGLE, KERNEL_ROUTE_WEIGHTED } from './samples-bgp.js';
import { CLIENT_NEIGHBORS, KERNEL_ROUTE6_BIRD_ECMP, KERNEL_ROUTE_FRR_ECMP, KERNEL_ROUTE_NONE } from './samples.js';

describe('reading iproute2 output', () => {
  it('reads the next hops of a multipath route installed by zebra', () => {
    expect(parseKernelNextHops(KERNEL_ROUTE_FRR_ECMP)).to.deep.equal(['198.18.247.11', '198.18.247.12']);
  });

  it('reads the next hops of a multipath IPv6 route installed by BIRD', () => {
    expect(parseKernelNextHops(KERNEL_ROUTE6_BIRD_ECMP)).to.deep.equal(['fd8a:18::11', 'fd8a:18::12']);
  });

  it('reads the gateway of a single-path route, and nothing for no route or a blackhole', () => {
    expect(parseKernelNextHops('[{"dst":"198.51.100.7","nhid":6,"gateway":"198.18.42.11","dev":"eth0","protocol":"bgp","metric":20,"flags":[]}]')).to.deep.equal([
      '198.18.42.11',
    ]);
    expect(parseKernelNextHops(KERNEL_ROUTE_NONE)).to.deep.equal([]);
    expect(parseKernelNextHops('')).to.deep.equal([]);
    expect(parseKernelNextHops('[{"type":"blackhole","dst":"198.51.100.7","flags":[]}]')).to.deep.equal([]);
  });

  it('reads the MAC the client resolved for an address, in either family', () => {
    expect(parseNeighborMac(CLIENT_NEIGHBORS, '198.18.247.11')).to.equal('02:48:4c:f7:00:0b');
    expect(parseNeighborMac(CLIENT_NEIGHBORS, 'fdf7:18::11')).to.equal('02:48:4c:f7:00:0b');
  });

  it('has no MAC for an address that did not resolve or is not in the cache', () => {
    expect(parseNeighborMac(CLIENT_NEIGHBORS, '198.18.247.200')).to.equal(undefined);
    expect(parseNeighborMac(CLIENT_NEIGHBORS, '198.18.247.12')).to.equal(undefined);
    expect(parseNeighborMac('[{"dst":"198.18.1.5","dev":"eth0","lladdr":"02:00:00:00:00:05","state":["FAILED"]}]', '198.18.1.5')).to.equal(undefined);
  });

  it('keeps the MAC of a stale entry: the client still sends to it', () => {
    expect(parseNeighborMac('[{"dst":"198.18.1.5","dev":"eth0","lladdr":"02:00:00:00:00:05","state":["STALE"]}]', '198.18.1.5')).to.equal('02:00:00:00:00:05');
  });

  it('reads the weight of each next hop, 1 for a route with one gateway', () => {
    expect(parseKernelWeights(KERNEL_ROUTE_WEIGHTED)).to.deep.equal({ '198.18.231.11': 25, '198.18.231.12': 75 });
    expect(parseKernelWeights(KERNEL_ROUTE_SINGLE)).to.deep.equal({ '198.18.162.11': 1 });
    expect(parseKernelWeights(KERNEL_ROUTE_NONE)).to.deep.equal({});
  });
});
