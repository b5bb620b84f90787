import { expect } from 'chai';
import { buildConfig } from './build.js';
import { NS, bgpAd, community, expectValid, l2, peer, pool, table } from './test-fixtures.js';

const L = `L2Advertisement ${NS}`;
const A = `BGPAdvertisement ${NS}`;

const pools = [
  pool('blue', { addresses: ['198.51.100.0/26', '2001:db8:1::/120'] }, { color: 'blue' }),
  pool('green', { addresses: ['198.51.100.64/26'] }, { color: 'green' }),
  pool('ranged', { addresses: ['198.51.100.130-198.51.100.140'] }),
];

describe('L2Advertisement validation', () => {
  it('covers every pool when it names none and selects none', () => {
    const config = expectValid({ ipAddressPools: pools, l2Advertisements: [l2('all')] });
    expect(config.l2Advertisements).to.deep.equal([
      { name: 'all', pools: ['blue', 'green', 'ranged'], nodeSelectors: [], interfaces: [], serviceSelectors: [] },
    ]);
  });

  it('resolves pools by name and by label, and sorts interfaces', () => {
    const config = expectValid({
      ipAddressPools: pools,
      l2Advertisements: [
        l2('some', {
          ipAddressPools: ['ranged'],
          ipAddressPoolSelectors: [{ matchLabels: { color: 'green' } }],
          interfaces: ['eth1', 'bond0'],
          nodeSelectors: [{ matchExpressions: [{ key: 'node-role.kubernetes.io/edge', operator: 'Exists' }] }],
          serviceSelectors: [{ matchLabels: { app: 'web' } }],
        }),
      ],
    });
    expect(config.l2Advertisements[0]).to.deep.equal({
      name: 'some',
      pools: ['green', 'ranged'],
      nodeSelectors: [{ matchExpressions: [{ key: 'node-role.kubernetes.io/edge', operator: 'Exists' }] }],
      interfaces: ['bond0', 'eth1'],
      serviceSelectors: [{ matchLabels: { app: 'web' } }],
    });
  });

  it('reads a missing or null spec as an advertisement of everything', () => {
    const bare = { apiVersion: 'heraldlb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'bare', namespace: NS } } as const;
    const config = expectValid({ ipAddressPools: pools, l2Advertisements: [bare, { ...bare, metadata: { name: 'nulled', namespace: NS }, spec: null as never }] });
    expect(config.l2Advertisements.map((a) => a.pools)).to.deep.equal([
      ['blue', 'green', 'ranged'],
      ['blue', 'green', 'ranged'],
    ]);
  });

  describe('refuses', () => {
    table([
      {
        title: 'a pool that does not exist',
        resources: { ipAddressPools: pools, l2Advertisements: [l2('x', { ipAddressPools: ['blue', 'purple'] })] },
        want: [`${L}/x: spec.ipAddressPools[1]: IPAddressPool "purple" does not exist in ${NS}`],
      },
      {
        title: 'a pool named twice',
        resources: { ipAddressPools: pools, l2Advertisements: [l2('x', { ipAddressPools: ['blue', 'blue'] })] },
        want: [`${L}/x: spec.ipAddressPools[1]: "blue" is listed twice (also at spec.ipAddressPools[0])`],
      },
      {
        title: 'an interface name with a slash',
        resources: { ipAddressPools: pools, l2Advertisements: [l2('x', { interfaces: ['eth0/1'] })] },
        want: [`${L}/x: spec.interfaces[0]: "eth0/1" is not a valid Linux interface name`],
      },
      {
        title: 'node selectors that are not a list',
        resources: { ipAddressPools: pools, l2Advertisements: [l2('x', { nodeSelectors: { matchLabels: { rack: 'r1' } } })] },
        want: [`${L}/x: spec.nodeSelectors: must be a list, not an object`],
      },
    ]);
  });
});

describe('BGPAdvertisement validation', () => {
  it('fills in defaults and resolves every peer when none is named', () => {
    const config = expectValid({ ipAddressPools: pools, bgpPeers: [peer('tor-b', { peerAddress: '192.0.2.2' }), peer('tor-a')], bgpAdvertisements: [bgpAd('all')] });
    expect(config.bgpAdvertisements).to.deep.equal([
      {
        name: 'all',
        pools: ['blue', 'green', 'ranged'],
        aggregationLength: 32,
        aggregationLengthV6: 128,
        communities: [],
        peers: ['tor-a', 'tor-b'],
        nodeSelectors: [],
        serviceSelectors: [],
      },
    ]);
  });

  it('resolves community aliases to values, merges repeats and sorts them', () => {
    const config = expectValid({
      ipAddressPools: pools,
      communities: [community('aliases', [{ name: 'no-export', value: '65535:65281' }, { name: 'big', value: 'large:64512:1:2' }])],
      bgpAdvertisements: [bgpAd('tagged', { ipAddressPools: ['green'], communities: ['big', '64512:100', 'no-export', '65535:65281'], localPref: 150 })],
    });
    const ad = config.bgpAdvertisements[0];
    expect(ad?.localPref).to.equal(150);
    expect(ad?.communities.map((c) => c.text)).to.deep.equal(['64512:100', '65535:65281', 'large:64512:1:2']);
  });

  it('accepts aggregation as short as the pool\'s own prefixes', () => {
    expectValid({
      ipAddressPools: pools,
      bgpAdvertisements: [bgpAd('agg', { ipAddressPools: ['blue'], aggregationLength: 26, aggregationLengthV6: 120 })],
    });
  });

  it('accepts different localPref values for routes that differ in aggregation, nodes or peers, or go only to eBGP peers', () => {
    expectValid({
      ipAddressPools: pools,
      bgpPeers: [peer('ibgp-a', { peerASN: 64512 }), peer('ibgp-b', { peerASN: 64512, peerAddress: '192.0.2.2' }), peer('ebgp', { peerAddress: '192.0.2.3' })],
      bgpAdvertisements: [
        bgpAd('host', { ipAddressPools: ['blue'], localPref: 100, peers: ['ibgp-a'], nodeSelectors: [{ matchLabels: { rack: 'r1' } }] }),
        bgpAd('aggregate', { ipAddressPools: ['blue'], localPref: 200, peers: ['ibgp-a'], aggregationLength: 26, aggregationLengthV6: 120 }),
        bgpAd('other-peer', { ipAddressPools: ['blue'], localPref: 300, peers: ['ibgp-b'] }),
        bgpAd('other-nodes', { ipAddressPools: ['blue'], localPref: 400, peers: ['ibgp-a'], nodeSelectors: [{ matchLabels: { rack: 'r9' } }] }),
        bgpAd('rack8', { ipAddressPools: ['blue'], localPref: 500, peers: ['ibgp-a'], nodeSelectors: [{ matchLabels: { rack: 'r8' } }] }),
        bgpAd('ebgp-1', { ipAddressPools: ['green'], localPref: 10, peers: ['ebgp'] }),
        bgpAd('ebgp-2', { ipAddressPools: ['green'], localPref: 20, peers: ['ebgp'] }),
        bgpAd('per-service', { ipAddressPools: ['blue'], localPref: 600, peers: ['ibgp-a'], serviceSelectors: [{ matchLabels: { app: 'x' } }] }),
      ],
    });
  });

  it('marks unknown pools, peers and aliases as missing references', () => {
    const result = buildConfig({ bgpAdvertisements: [bgpAd('x', { ipAddressPools: ['p'], peers: ['q'], communities: ['gold'] })] });
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors.every((e) => e.missingReference === true)).to.equal(true);
  });

  describe('refuses', () => {
    table([
      {
        title: 'a pool that does not exist',
        resources: { ipAddressPools: pools, bgpAdvertisements: [bgpAd('x', { ipAddressPools: ['purple'] })] },
        want: [`${A}/x: spec.ipAddressPools[0]: IPAddressPool "purple" does not exist in ${NS}`],
      },
      {
        title: 'a peer that does not exist',
        resources: { ipAddressPools: pools, bgpPeers: [peer('tor')], bgpAdvertisements: [bgpAd('x', { peers: ['tor', 'tor-b'] })] },
        want: [`${A}/x: spec.peers[1]: BGPPeer "tor-b" does not exist in ${NS}`],
      },
      {
        title: 'a standard community with a part beyond 16 bits',
        resources: { ipAddressPools: pools, bgpAdvertisements: [bgpAd('x', { communities: ['65536:1'] })] },
        want: [`${A}/x: spec.communities[0]: "65536:1": first part 65536 does not fit in 16 bits (at most 65535)`],
      },
      {
        title: 'a large community with two parts',
        resources: { ipAddressPools: pools, bgpAdvertisements: [bgpAd('x', { communities: ['large:1:2'] })] },
        want: [`${A}/x: spec.communities[0]: "large:1:2" is not a large community: write large:a:b:c with three 32-bit numbers`],
      },
      {
        title: 'an alias no Community defines',
        resources: { ipAddressPools: pools, bgpAdvertisements: [bgpAd('x', { communities: ['gold'] })] },
        want: [`${A}/x: spec.communities[0]: "gold" is neither a community value (a:b, large:a:b:c) nor an alias defined by a Community in ${NS}`],
      },
      {
        title: 'the same community twice',
        resources: { ipAddressPools: pools, bgpAdvertisements: [bgpAd('x', { communities: ['1:1', '1:1'] })] },
        want: [`${A}/x: spec.communities[1]: "1:1" is listed twice (also at spec.communities[0])`],
      },
      {
        title: 'an IPv4 aggregation length beyond 32',
        resources: { ipAddressPools: pools, bgpAdvertisements: [bgpAd('x', { aggregationLength: 33 })] },
        want: [`${A}/x: spec.aggregationLength: 33 is out of range: must be between 0 and 32`],
      },
      {
        title: 'an IPv6 aggregation length beyond 128',
        resources: { ipAddressPools: pools, bgpAdvertisements: [bgpAd('x', { aggregationLengthV6: 129 })] },
        want: [`${A}/x: spec.aggregationLengthV6: 129 is out of range: must be between 0 and 128`],
      },
      {
        title: 'an aggregation length shorter than a pool CIDR',
        resources: { ipAddressPools: pools, bgpAdvertisements: [bgpAd('x', { ipAddressPools: ['blue'], aggregationLength: 24 })] },
        want: [
          `${A}/x: spec.aggregationLength: /24 is shorter than 198.51.100.0/26 (spec.addresses[0] of IPAddressPool ${NS}/blue); an aggregate that short would announce addresses outside the pool`,
        ],
      },
      {
        title: 'an aggregation length shorter than the CIDRs covering a range',
        resources: { ipAddressPools: pools, bgpAdvertisements: [bgpAd('x', { ipAddressPools: ['ranged'], aggregationLength: 30 })] },
        want: [
          `${A}/x: spec.aggregationLength: /30 is shorter than 198.51.100.140/32, part of 198.51.100.130-198.51.100.140 (spec.addresses[0] of IPAddressPool ${NS}/ranged); an aggregate that short would announce addresses outside the pool`,
        ],
      },
      {
        title: 'an IPv6 aggregation length shorter than a pool CIDR, for every pool it selects',
        resources: { ipAddressPools: pools, bgpAdvertisements: [bgpAd('x', { ipAddressPoolSelectors: [{ matchLabels: { color: 'blue' } }], aggregationLengthV6: 64 })] },
        want: [
          `${A}/x: spec.aggregationLengthV6: /64 is shorter than 2001:db8:1::/120 (spec.addresses[1] of IPAddressPool ${NS}/blue); an aggregate that short would announce addresses outside the pool`,
        ],
      },
      {
        title: 'service selectors together with aggregation',
        resources: {
          ipAddressPools: [pool('wide', { addresses: ['203.0.113.0/24'] })],
          bgpAdvertisements: [bgpAd('x', { aggregationLength: 24, serviceSelectors: [{ matchLabels: { app: 'web' } }] })],
        },
        want: [
          `${A}/x: spec.serviceSelectors: cannot be combined with aggregation (aggregationLength 24, aggregationLengthV6 128): an aggregate route covers the addresses of Services the selectors leave out; keep the defaults 32 and 128`,
        ],
      },
      {
        title: 'two localPref values for one route to one iBGP peer',
        resources: {
          ipAddressPools: pools,
          bgpPeers: [peer('tor', { peerASN: 64512 })],
          bgpAdvertisements: [bgpAd('b', { ipAddressPools: ['green'], localPref: 200 }), bgpAd('a', { ipAddressPools: ['green', 'blue'], localPref: 100 })],
        },
        want: [
          `${A}/b: spec.localPref: localPref 200 conflicts with localPref 100 of ${A}/a: both announce the IPv4 addresses of IPAddressPool green as /32 to iBGP peer tor from nodes both select, and a route carries one LOCAL_PREF`,
        ],
      },
      {
        title: 'a localPref on one advertisement and none on another for the same route',
        resources: {
          ipAddressPools: pools,
          bgpPeers: [peer('tor', { peerASN: undefined, dynamicASN: 'internal' })],
          bgpAdvertisements: [
            bgpAd('a', { ipAddressPools: ['blue'], nodeSelectors: [{ matchLabels: { rack: 'r1' } }] }),
            bgpAd('b', { ipAddressPools: ['blue'], localPref: 50, aggregationLength: 26 }),
          ],
        },
        want: [
          `${A}/b: spec.localPref: localPref 50 conflicts with no localPref of ${A}/a: both announce the IPv6 addresses of IPAddressPool blue as /128 to iBGP peer tor from nodes both select, and a route carries one LOCAL_PREF`,
        ],
      },
    ]);
  });
});
