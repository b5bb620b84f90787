import { expect } from 'chai';
import type { ConfigResources, HeraldConfig } from '@herald/shared/config/types.js';
import type { ServiceInput } from '@herald/shared/service/types.js';
import { decideBgp } from './decide.js';
import type { ServiceEndpoints } from './endpoints.js';
import { EXCLUDE_LABEL, type NodeInput, OUT_OF_SERVICE_TAINT } from './node-eligibility.js';
import { LINK_BANDWIDTH_PER_ENDPOINT } from './service-decision.js';
import { bgpAd, community, config, input, node, nodes, peer, pool, ready, svc, viewRoutes } from './test-fixtures.js';
import type { ServiceAnnouncement } from './types.js';

const POOLS = [
  pool('public', { addresses: ['198.51.100.0/24', '2001:db8:100::/120'] }),
  pool('quiet', { addresses: ['203.0.113.0/28'] }),
];
const PEERS = [peer('r1', { peerAddress: '192.0.2.1' }), peer('r6', { peerAddress: '2001:db8::1' })];

/** One pool announced by one advertisement to an IPv4 and an IPv6 eBGP peer, unless the overrides say otherwise. */
function setup(overrides: Partial<ConfigResources> = {}): HeraldConfig {
  return config({ ipAddressPools: POOLS, bgpAdvertisements: [bgpAd('public', { ipAddressPools: ['public'] })], bgpPeers: PEERS, ...overrides });
}

function announcement(decision: ReturnType<typeof decideBgp>, key = 'default/web'): ServiceAnnouncement {
  const a = decision.services.get(key);
  if (a === undefined) expect.fail(`no announcement for ${key}`);
  return a;
}

describe('deciding what a node announces over BGP', () => {
  describe('whether a Service is announced, one rule per row', () => {
    interface Row {
      title: string;
      config?: HeraldConfig;
      nodes?: Map<string, NodeInput>;
      service?: ServiceInput;
      endpoints?: ServiceEndpoints;
      reason: string;
      message?: string;
    }
    const web = svc('web', { status: ['198.51.100.10'], labels: { app: 'web' } });
    const rows: Row[] = [
      { title: 'announces a Service with an address, an advertisement, a peer and a ready endpoint', reason: 'Announced', message: 'node n1 announces default/web as 198.51.100.10/32 to r1' },
      { title: 'announces nothing while this node has not been seen', nodes: nodes(), reason: 'NodeUnknown', message: 'node n1 does not announce default/web: no Node named n1 has been seen' },
      {
        title: 'announces nothing from a node that is not Ready',
        nodes: nodes(node('n1', { ready: 'False' })),
        reason: 'NodeNotReady',
        message: 'node n1 does not announce default/web: node n1 is not Ready (Ready is False, reason KubeletNotReady)',
      },
      { title: 'announces nothing from a node whose network is unavailable', nodes: nodes(node('n1', { networkUnavailable: true })), reason: 'NodeNetworkUnavailable' },
      { title: 'announces nothing from a node tainted out-of-service', nodes: nodes(node('n1', { taints: [{ key: OUT_OF_SERVICE_TAINT, effect: 'NoExecute' }] })), reason: 'NodeOutOfService' },
      { title: 'announces nothing from a node excluded from external load balancers', nodes: nodes(node('n1', { labels: { [EXCLUDE_LABEL]: 'true' } })), reason: 'NodeExcludedByLabel' },
      {
        title: 'announces nothing from a node no BGPPeer selects',
        config: setup({ bgpPeers: [peer('r1', { nodeSelectors: [{ matchLabels: { rack: 'r2' } }] })] }),
        reason: 'NoPeers',
        message: 'node n1 does not announce default/web: no BGPPeer selects node n1',
      },
      { title: 'announces nothing for a Service without a status address', service: svc('web'), reason: 'NoAddress', message: 'default/web has no address in status.loadBalancer.ingress to announce' },
      {
        title: 'does not announce an address outside every pool',
        service: svc('web', { status: ['192.0.2.200'] }),
        reason: 'AddressNotInPool',
        message: '192.0.2.200 of default/web is in no IPAddressPool, so node n1 does not announce it',
      },
      {
        title: 'does not announce an address of a pool without a BGPAdvertisement',
        service: svc('web', { status: ['203.0.113.1'] }),
        reason: 'NoAdvertisement',
        message: 'IPAddressPool quiet, which holds 203.0.113.1 of default/web, has no BGPAdvertisement, so it is not announced over BGP',
      },
      {
        title: 'does not announce a Service no advertisement selects by serviceSelectors',
        config: setup({ bgpAdvertisements: [bgpAd('api-only', { ipAddressPools: ['public'], serviceSelectors: [{ matchLabels: { app: 'api' } }] })] }),
        reason: 'ServiceNotSelected',
        message: 'no BGPAdvertisement of IPAddressPool public selects default/web by its serviceSelectors (api-only), so 198.51.100.10 is not announced',
      },
      {
        title: 'does not announce from a node no advertisement selects by nodeSelectors',
        config: setup({ bgpAdvertisements: [bgpAd('rack2', { ipAddressPools: ['public'], nodeSelectors: [{ matchLabels: { rack: 'r2' } }] })] }),
        reason: 'NodeNotSelected',
        message: 'no BGPAdvertisement of IPAddressPool public for default/web selects node n1 by its nodeSelectors (rack2), so it does not announce 198.51.100.10',
      },
      {
        title: 'does not announce an IPv4 address to peers that only carry IPv6',
        config: setup({ bgpAdvertisements: [bgpAd('v6-peer', { ipAddressPools: ['public'], peers: ['r6'] })] }),
        reason: 'NoPeerForAddress',
        message: 'node n1 has no session carrying IPv4 to a peer of BGPAdvertisement v6-peer (r6), so it does not announce 198.51.100.10 of default/web',
      },
      {
        title: 'does not announce a Cluster Service without a ready endpoint anywhere',
        endpoints: ready({}),
        reason: 'NoReadyEndpoints',
        message: 'default/web has no ready endpoint on any node, so node n1 does not announce it (externalTrafficPolicy Cluster)',
      },
      {
        title: 'does not announce a Local Service from a node without a ready endpoint of it',
        service: svc('web', { status: ['198.51.100.10'], local: true }),
        endpoints: ready({ n2: 3 }),
        reason: 'NoLocalReadyEndpoints',
        message: 'node n1 has no ready endpoint of default/web and its externalTrafficPolicy is Local',
      },
    ];
    for (const row of rows) {
      it(row.title, () => {
        const d = decideBgp(
          input({
            config: row.config ?? setup(),
            ...(row.nodes !== undefined ? { nodes: row.nodes } : {}),
            services: [row.service ?? web],
            endpoints: { 'default/web': row.endpoints ?? ready({ n1: 1 }) },
          }),
        );
        const a = announcement(d);
        expect(a.reason).to.equal(row.reason);
        expect(a.announced).to.equal(row.reason === 'Announced');
        if (row.message !== undefined) expect(a.message).to.equal(row.message);
        if (row.reason !== 'Announced') {
          expect(d.routes.size, 'no route').to.equal(0);
          expect(a.peers).to.deep.equal([]);
          expect(a.addresses.every((x) => x.reason === row.reason)).to.equal(true);
        }
      });
    }
  });

  it('opens sessions to the peers that select the node, whether or not it announces anything', () => {
    const c = setup({ bgpPeers: [...PEERS, peer('rack2', { peerAddress: '192.0.2.2', nodeSelectors: [{ matchLabels: { rack: 'r2' } }] })] });
    const d = decideBgp(input({ config: c, nodes: nodes(node('n1', { ready: 'False' })), services: [] }));
    expect(d.peers.map((p) => p.name)).to.deep.equal(['r1', 'r6']);
  });

  it('gives every input Service an announcement, in key order', () => {
    const d = decideBgp(input({ config: setup(), services: [svc('b'), svc('a', { namespace: 'shop' }), svc('a')] }));
    expect([...d.services.keys()]).to.deep.equal(['default/a', 'default/b', 'shop/a']);
  });

  it('refuses a Service listed twice, naming it', () => {
    expect(() => decideBgp(input({ config: setup(), services: [svc('web'), svc('web')] }))).to.throw('decideBgp: Service default/web is listed twice');
  });

  describe('routes', () => {
    it('announces a dual-stack Service to the IPv4 peer and the IPv6 peer, each its own family', () => {
      const d = decideBgp(input({ config: setup(), services: [svc('web', { status: ['198.51.100.10', '2001:db8:100::10'] })], endpoints: { 'default/web': ready({ n2: 1 }) } }));
      expect(viewRoutes(d)).to.deep.equal({
        r1: { '198.51.100.10/32': { services: ['default/web'] } },
        r6: { '2001:db8:100::10/128': { services: ['default/web'] } },
      });
      const a = announcement(d);
      expect(a.peers).to.deep.equal(['r1', 'r6']);
      expect(a.prefixes).to.deep.equal(['198.51.100.10/32', '2001:db8:100::10/128']);
      expect(a.message).to.equal('node n1 announces default/web as 198.51.100.10/32 to r1 and 2001:db8:100::10/128 to r6');
    });

    it('announces the address it can and says why not the other', () => {
      const d = decideBgp(input({ config: setup(), services: [svc('web', { status: ['198.51.100.10', '2001:db8:999::1'] })], endpoints: { 'default/web': ready({ n1: 1 }) } }));
      const a = announcement(d);
      expect(a.announced).to.equal(true);
      expect(a.addresses.map((x) => [x.address, x.reason, x.pool])).to.deep.equal([
        ['198.51.100.10', 'Announced', 'public'],
        ['2001:db8:999::1', 'AddressNotInPool', undefined],
      ]);
      expect(a.message).to.equal(
        'node n1 announces default/web as 198.51.100.10/32 to r1; 2001:db8:999::1 of default/web is in no IPAddressPool, so node n1 does not announce it',
      );
    });

    it('puts the endpoint reason first when configuration and endpoints both stop a Service', () => {
      const d = decideBgp(input({ config: setup(), services: [svc('web', { status: ['198.51.100.10', '2001:db8:999::1'], local: true })] }));
      const a = announcement(d);
      expect(a.reason).to.equal('NoLocalReadyEndpoints');
      expect(a.message).to.equal(
        'node n1 has no ready endpoint of default/web and its externalTrafficPolicy is Local; 2001:db8:999::1 of default/web is in no IPAddressPool, so node n1 does not announce it',
      );
    });

    it('sends an unnumbered peer both families', () => {
      const c = setup({ bgpPeers: [peer('u', { peerAddress: undefined, interface: 'eth1' })] });
      const d = decideBgp(input({ config: c, services: [svc('web', { status: ['198.51.100.10', '2001:db8:100::10'] })], endpoints: { 'default/web': ready({ n1: 1 }) } }));
      expect(Object.keys(viewRoutes(d).u ?? {})).to.deep.equal(['198.51.100.10/32', '2001:db8:100::10/128']);
    });

    it('masks each address to the aggregation length and merges Services sharing the aggregate', () => {
      const c = setup({ bgpAdvertisements: [bgpAd('agg', { ipAddressPools: ['public'], aggregationLength: 24, aggregationLengthV6: 120 })] });
      const d = decideBgp(
        input({
          config: c,
          services: [svc('web', { status: ['198.51.100.10', '2001:db8:100::10'] }), svc('api', { status: ['198.51.100.77'] })],
          endpoints: { 'default/web': ready({ n1: 1 }), 'default/api': ready({ n1: 1 }) },
        }),
      );
      expect(viewRoutes(d)).to.deep.equal({
        r1: { '198.51.100.0/24': { services: ['default/api', 'default/web'] } },
        r6: { '2001:db8:100::/120': { services: ['default/web'] } },
      });
    });

    it('keeps the aggregate while any of its Services is announced', () => {
      const c = setup({ bgpAdvertisements: [bgpAd('agg', { ipAddressPools: ['public'], aggregationLength: 24 })] });
      const d = decideBgp(
        input({
          config: c,
          services: [svc('web', { status: ['198.51.100.10'] }), svc('api', { status: ['198.51.100.77'] })],
          endpoints: { 'default/web': ready({ n1: 1 }) },
        }),
      );
      expect(viewRoutes(d)).to.deep.equal({ r1: { '198.51.100.0/24': { services: ['default/web'] } } });
      expect(announcement(d, 'default/api').reason).to.equal('NoReadyEndpoints');
    });

    it('sends both routes when two advertisements aggregate one pool differently', () => {
      const c = setup({
        bgpAdvertisements: [bgpAd('host', { ipAddressPools: ['public'], communities: ['64500:32'] }), bgpAd('agg', { ipAddressPools: ['public'], aggregationLength: 24, communities: ['64500:24'] })],
      });
      const d = decideBgp(input({ config: c, services: [svc('web', { status: ['198.51.100.10'] })], endpoints: { 'default/web': ready({ n1: 1 }) } }));
      expect(viewRoutes(d)).to.deep.equal({
        r1: {
          '198.51.100.0/24': { communities: ['64500:24'], services: ['default/web'] },
          '198.51.100.10/32': { communities: ['64500:32'], services: ['default/web'] },
        },
      });
      expect(announcement(d).message).to.equal('node n1 announces default/web as 198.51.100.0/24 to r1 and 198.51.100.10/32 to r1');
    });

    it('unites the communities, standard and large, of every advertisement for the same route, without repeats and sorted', () => {
      const c = setup({
        communities: [community('aliases', [{ name: 'transit', value: '64500:666' }])],
        bgpAdvertisements: [
          bgpAd('a', { ipAddressPools: ['public'], communities: ['64500:2', 'large:64500:9:9', 'transit'] }),
          bgpAd('b', { ipAddressPools: ['public'], communities: ['64500:666', '64500:1', 'large:64500:1:2', 'large:64500:9:9'] }),
        ],
      });
      const d = decideBgp(input({ config: c, services: [svc('web', { status: ['198.51.100.10'] })], endpoints: { 'default/web': ready({ n1: 1 }) } }));
      expect(viewRoutes(d).r1?.['198.51.100.10/32']).to.deep.equal({
        communities: ['64500:1', '64500:2', '64500:666'],
        large: ['64500:1:2', '64500:9:9'],
        services: ['default/web'],
      });
    });

    it('writes a standard community with a high half above 32767 as an unsigned number', () => {
      const c = setup({ bgpAdvertisements: [bgpAd('a', { ipAddressPools: ['public'], communities: ['65535:65281'] })] });
      const d = decideBgp(input({ config: c, services: [svc('web', { status: ['198.51.100.10'] })], endpoints: { 'default/web': ready({ n1: 1 }) } }));
      expect(d.routes.get('r1')?.get('198.51.100.10/32')?.communities).to.deep.equal([0xffffff01]);
    });

    it('unites the communities of Services sharing one aggregate when their advertisements differ', () => {
      const c = setup({
        bgpAdvertisements: [
          bgpAd('web', { ipAddressPools: ['public'], communities: ['64500:1'], serviceSelectors: [{ matchLabels: { app: 'web' } }] }),
          bgpAd('api', { ipAddressPools: ['public'], communities: ['64500:2'], serviceSelectors: [{ matchLabels: { app: 'api' } }] }),
        ],
      });
      const shared = ['198.51.100.10'];
      const d = decideBgp(
        input({
          config: c,
          services: [svc('web', { status: shared, labels: { app: 'web' } }), svc('api', { status: shared, labels: { app: 'api' } })],
          endpoints: { 'default/web': ready({ n1: 1 }), 'default/api': ready({ n1: 1 }) },
        }),
      );
      expect(viewRoutes(d).r1?.['198.51.100.10/32']).to.deep.equal({ communities: ['64500:1', '64500:2'], services: ['default/api', 'default/web'] });
    });

    it('announces only to the peers the advertisement lists', () => {
      const c = setup({
        bgpPeers: [...PEERS, peer('r2', { peerAddress: '192.0.2.2' })],
        bgpAdvertisements: [bgpAd('to-r2', { ipAddressPools: ['public'], peers: ['r2'] })],
      });
      const d = decideBgp(input({ config: c, services: [svc('web', { status: ['198.51.100.10'] })], endpoints: { 'default/web': ready({ n1: 1 }) } }));
      expect([...d.routes.keys()]).to.deep.equal(['r2']);
      expect(announcement(d).peers).to.deep.equal(['r2']);
    });

    it('leaves out listed peers that do not select this node', () => {
      const c = setup({
        bgpPeers: [peer('r1', { peerAddress: '192.0.2.1' }), peer('r2', { peerAddress: '192.0.2.2', nodeSelectors: [{ matchLabels: { rack: 'r2' } }] })],
        bgpAdvertisements: [bgpAd('both', { ipAddressPools: ['public'], peers: ['r1', 'r2'] })],
      });
      const d = decideBgp(input({ config: c, services: [svc('web', { status: ['198.51.100.10'] })], endpoints: { 'default/web': ready({ n1: 1 }) } }));
      expect([...d.routes.keys()]).to.deep.equal(['r1']);
    });

    it('announces through the advertisements whose nodeSelectors select this node only', () => {
      const c = setup({
        bgpAdvertisements: [
          bgpAd('rack1', { ipAddressPools: ['public'], communities: ['64500:1'], nodeSelectors: [{ matchLabels: { rack: 'r1' } }] }),
          bgpAd('rack2', { ipAddressPools: ['public'], communities: ['64500:2'], nodeSelectors: [{ matchLabels: { rack: 'r2' } }] }),
        ],
      });
      const d = decideBgp(
        input({ config: c, nodes: nodes(node('n1', { labels: { rack: 'r1' } })), services: [svc('web', { status: ['198.51.100.10'] })], endpoints: { 'default/web': ready({ n1: 1 }) } }),
      );
      expect(viewRoutes(d).r1?.['198.51.100.10/32']?.communities).to.deep.equal(['64500:1']);
    });

    it('sends LOCAL_PREF to iBGP peers only', () => {
      const c = setup({
        bgpPeers: [peer('ibgp', { peerAddress: '192.0.2.1', myASN: 64512, peerASN: 64512 }), peer('ebgp', { peerAddress: '192.0.2.2' })],
        bgpAdvertisements: [bgpAd('pref', { ipAddressPools: ['public'], localPref: 150 })],
      });
      const d = decideBgp(input({ config: c, services: [svc('web', { status: ['198.51.100.10'] })], endpoints: { 'default/web': ready({ n1: 1 }) } }));
      expect(viewRoutes(d)).to.deep.equal({
        ebgp: { '198.51.100.10/32': { services: ['default/web'] } },
        ibgp: { '198.51.100.10/32': { localPref: 150, services: ['default/web'] } },
      });
    });

    it('sends the lowest LOCAL_PREF when two advertisements for the Service disagree, and warns', () => {
      const c = setup({
        bgpPeers: [peer('ibgp', { peerAddress: '192.0.2.1', myASN: 64512, peerASN: 64512 })],
        bgpAdvertisements: [
          bgpAd('high', { ipAddressPools: ['public'], localPref: 200, serviceSelectors: [{ matchLabels: { app: 'web' } }] }),
          bgpAd('low', { ipAddressPools: ['public'], localPref: 50, serviceSelectors: [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }] }),
        ],
      });
      const d = decideBgp(input({ config: c, services: [svc('web', { status: ['198.51.100.10'], labels: { app: 'web' } })], endpoints: { 'default/web': ready({ n1: 1 }) } }));
      expect(viewRoutes(d).ibgp?.['198.51.100.10/32']?.localPref).to.equal(50);
      const a = announcement(d);
      expect(a.announced).to.equal(true);
      expect(a.warnings).to.deep.equal([
        {
          reason: 'LocalPrefConflict',
          message: 'BGPAdvertisements high (localPref 200) and low (localPref 50) both send 198.51.100.10/32 of default/web to iBGP peer ibgp; node n1 sends localPref 50, the lowest set',
        },
      ]);
    });

    it('does not warn about LOCAL_PREF for eBGP peers, which never receive it', () => {
      const c = setup({
        bgpAdvertisements: [
          bgpAd('high', { ipAddressPools: ['public'], localPref: 200, serviceSelectors: [{ matchLabels: { app: 'web' } }] }),
          bgpAd('low', { ipAddressPools: ['public'], localPref: 50, serviceSelectors: [{ matchLabels: { app: 'web' } }] }),
        ],
      });
      const d = decideBgp(input({ config: c, services: [svc('web', { status: ['198.51.100.10'], labels: { app: 'web' } })], endpoints: { 'default/web': ready({ n1: 1 }) } }));
      expect(announcement(d).warnings).to.deep.equal([]);
    });
  });

  describe('traffic policy and link bandwidth', () => {
    it('announces a Cluster Service from every eligible node while any endpoint is ready, without link bandwidth', () => {
      const d = decideBgp(input({ config: setup(), services: [svc('web', { status: ['198.51.100.10'] })], endpoints: { 'default/web': ready({ n2: 2 }) } }));
      expect(viewRoutes(d)).to.deep.equal({ r1: { '198.51.100.10/32': { services: ['default/web'] } } });
    });

    it('counts an endpoint without a node as ready anywhere for a Cluster Service', () => {
      const d = decideBgp(input({ config: setup(), services: [svc('web', { status: ['198.51.100.10'] })], endpoints: { 'default/web': ready({}, 1) } }));
      expect(announcement(d).announced).to.equal(true);
    });

    it('gives a Local Service link bandwidth in proportion to its ready endpoints on this node', () => {
      const d = decideBgp(input({ config: setup(), services: [svc('web', { status: ['198.51.100.10'], local: true })], endpoints: { 'default/web': ready({ n1: 3, n2: 5 }) } }));
      expect(viewRoutes(d).r1?.['198.51.100.10/32']?.linkBandwidth).to.equal(3 * LINK_BANDWIDTH_PER_ENDPOINT);
      expect(announcement(d).message).to.equal('node n1 announces default/web as 198.51.100.10/32 to r1 with link bandwidth 375000 bytes/s for its 3 ready endpoints here');
    });

    it('sums the link bandwidth of the Local Services on one aggregate', () => {
      const c = setup({ bgpAdvertisements: [bgpAd('agg', { ipAddressPools: ['public'], aggregationLength: 24 })] });
      const d = decideBgp(
        input({
          config: c,
          services: [svc('web', { status: ['198.51.100.10'], local: true }), svc('api', { status: ['198.51.100.20'], local: true })],
          endpoints: { 'default/web': ready({ n1: 2 }), 'default/api': ready({ n1: 3 }) },
        }),
      );
      expect(viewRoutes(d).r1?.['198.51.100.0/24']?.linkBandwidth).to.equal(5 * LINK_BANDWIDTH_PER_ENDPOINT);
    });

    it('leaves link bandwidth off an aggregate that also carries a Cluster Service', () => {
      const c = setup({ bgpAdvertisements: [bgpAd('agg', { ipAddressPools: ['public'], aggregationLength: 24 })] });
      const d = decideBgp(
        input({
          config: c,
          services: [svc('web', { status: ['198.51.100.10'], local: true }), svc('api', { status: ['198.51.100.20'] })],
          endpoints: { 'default/web': ready({ n1: 2 }), 'default/api': ready({ n2: 3 }) },
        }),
      );
      expect(viewRoutes(d).r1?.['198.51.100.0/24']).to.deep.equal({ services: ['default/api', 'default/web'] });
    });
  });
});
