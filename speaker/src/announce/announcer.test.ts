import { expect } from 'chai';
import fc from 'fast-check';
import type { HeraldConfig, PeerConfig } from '@herald/shared/config/types.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import { Announcer, type AnnouncerChanges } from './announcer.js';
import { decideBgp } from './decide.js';
import type { ServiceEndpoints } from './endpoints.js';
import { EXCLUDE_LABEL, type NodeInput } from './node-eligibility.js';
import { sortedTable } from './merge.js';
import { prefixText } from './prefix.js';
import { bgpAd, canonical, config, node, nodes, peer, pool, ready, svc, viewRoutes } from './test-fixtures.js';
import type { BgpDecision, RouteIntent, ServiceAnnouncement } from './types.js';

const POOLS = [pool('public', { addresses: ['198.51.100.0/24', '2001:db8:100::/120'] }), pool('quiet', { addresses: ['203.0.113.0/28'] })];
const PEERS = [
  peer('r1', { peerAddress: '192.0.2.1', myASN: 64512, peerASN: 64512 }),
  peer('r2', { peerAddress: '192.0.2.2', nodeSelectors: [{ matchLabels: { rack: 'r1' } }] }),
  peer('r6', { peerAddress: '2001:db8::1' }),
  peer('u', { peerAddress: undefined, interface: 'eth1' }),
];

/** Configurations the property switches between: host routes with a LOCAL_PREF conflict for app=web, aggregates with node selectors, and nothing advertised. */
const CONFIGS: HeraldConfig[] = [
  config({
    ipAddressPools: POOLS,
    bgpPeers: PEERS,
    bgpAdvertisements: [
      bgpAd('host', { ipAddressPools: ['public'], communities: ['64500:1'], localPref: 100 }),
      bgpAd('agg', { ipAddressPools: ['public'], aggregationLength: 24, aggregationLengthV6: 120, peers: ['r6', 'u'], communities: ['large:1:2:3'] }),
      bgpAd('web-only', { ipAddressPools: ['public'], serviceSelectors: [{ matchLabels: { app: 'web' } }], localPref: 200, communities: ['64500:2'], nodeSelectors: [{ matchLabels: { rack: 'r1' } }] }),
    ],
  }),
  config({
    ipAddressPools: POOLS,
    bgpPeers: PEERS,
    bgpAdvertisements: [
      bgpAd('all', { aggregationLength: 28, peers: ['r1', 'r2'], nodeSelectors: [{ matchExpressions: [{ key: 'rack', operator: 'Exists' }] }] }),
      bgpAd('api-host', { ipAddressPools: ['public'], serviceSelectors: [{ matchLabels: { app: 'api' } }], communities: ['64500:3', 'large:64500:0:1'] }),
    ],
  }),
  config({ ipAddressPools: POOLS, bgpPeers: PEERS.slice(0, 2) }),
];

const ADDRESSES = ['198.51.100.10', '198.51.100.11', '198.51.100.200', '203.0.113.1', '192.0.2.50', '2001:db8:100::10', '2001:db8:100::11', '2001:db8:999::1'];

const serviceArb = fc
  .record({
    name: fc.constantFrom('a', 'b', 'c', 'd'),
    namespace: fc.constantFrom('default', 'shop'),
    app: fc.constantFrom('web', 'api', undefined),
    local: fc.boolean(),
    status: fc.subarray(ADDRESSES, { maxLength: 3 }),
  })
  .map(({ name, namespace, app, local, status }) => svc(name, { namespace, labels: app === undefined ? {} : { app }, local, status }));

const keyArb = fc.constantFrom('default/a', 'default/b', 'default/c', 'default/d', 'shop/a', 'shop/b');

const endpointsArb: fc.Arbitrary<ServiceEndpoints | undefined> = fc.option(
  fc.record({ n1: fc.nat(3), n2: fc.nat(3), elsewhere: fc.nat(1) }).map(({ n1, n2, elsewhere }) => ready({ n1, n2 }, elsewhere)),
  { nil: undefined },
);

const thisNodeArb: fc.Arbitrary<NodeInput | undefined> = fc.option(
  fc
    .record({ rack: fc.constantFrom('r1', 'r2', undefined), ready: fc.constantFrom('True', 'False') as fc.Arbitrary<'True' | 'False'>, excluded: fc.boolean(), other: fc.boolean() })
    .map(({ rack, ready: r, excluded, other }) => {
      const labels: Record<string, string> = {};
      if (rack !== undefined) labels.rack = rack;
      if (excluded) labels[EXCLUDE_LABEL] = '';
      // A label no selector looks at: changing it must change nothing.
      if (other) labels.zone = 'z1';
      return node('n1', { labels, ready: r });
    }),
  { nil: undefined, freq: 5 },
);

type Op =
  | { kind: 'service'; service: ServiceInput }
  | { kind: 'remove'; key: ServiceKey }
  | { kind: 'endpoints'; key: ServiceKey; endpoints: ServiceEndpoints | undefined }
  | { kind: 'node'; node: NodeInput | undefined }
  | { kind: 'otherNode' }
  | { kind: 'config'; index: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: serviceArb.map((service): Op => ({ kind: 'service', service })) },
  { weight: 2, arbitrary: keyArb.map((key): Op => ({ kind: 'remove', key })) },
  { weight: 4, arbitrary: fc.record({ key: keyArb, endpoints: endpointsArb }).map(({ key, endpoints }): Op => ({ kind: 'endpoints', key, endpoints })) },
  { weight: 1, arbitrary: thisNodeArb.map((n): Op => ({ kind: 'node', node: n })) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'otherNode' }) },
  { weight: 1, arbitrary: fc.nat(CONFIGS.length - 1).map((index): Op => ({ kind: 'config', index })) },
);

/** What the shell would keep if it applied every change it was given. */
class Mirror {
  routes = new Map<string, Map<string, RouteIntent>>();
  services = new Map<ServiceKey, ServiceAnnouncement>();
  peers: readonly PeerConfig[];

  constructor(first: BgpDecision) {
    this.peers = first.peers;
  }

  apply(changes: AnnouncerChanges): void {
    if (changes.peers !== undefined) this.peers = changes.peers;
    for (const [peer, c] of changes.routes) {
      let byPrefix = this.routes.get(peer);
      if (byPrefix === undefined) this.routes.set(peer, (byPrefix = new Map()));
      for (const r of c.added) {
        expect(byPrefix.has(prefixText(r.prefix)), `${peer} ${prefixText(r.prefix)} added twice`).to.equal(false);
        byPrefix.set(prefixText(r.prefix), r);
      }
      for (const r of c.changed) {
        expect(byPrefix.has(prefixText(r.prefix)), `${peer} ${prefixText(r.prefix)} changed before being added`).to.equal(true);
        byPrefix.set(prefixText(r.prefix), r);
      }
      for (const r of c.withdrawn) {
        expect(byPrefix.get(prefixText(r.prefix)), `${peer} ${prefixText(r.prefix)} withdrawn as last sent`).to.deep.equal(r);
        byPrefix.delete(prefixText(r.prefix));
      }
      if (byPrefix.size === 0) this.routes.delete(peer);
    }
    for (const [key, a] of changes.services) {
      if (a === undefined) this.services.delete(key);
      else this.services.set(key, a);
    }
  }
}

function sortedServices(m: ReadonlyMap<ServiceKey, ServiceAnnouncement>): Array<[ServiceKey, ServiceAnnouncement]> {
  return [...m].sort(([a], [b]) => (a < b ? -1 : 1));
}

describe('the incremental Announcer', () => {
  const web = svc('web', { status: ['198.51.100.10'], local: true });
  const cfg = CONFIGS[0] as HeraldConfig;

  it('announces a Local Service when its first endpoint on this node becomes ready, and withdraws it when the last goes', () => {
    const a = new Announcer(cfg, 'n1', nodes(node('n1')));
    const first = a.updateService(web);
    expect(first.routes.size).to.equal(0);
    expect(first.services.get('default/web')?.reason).to.equal('NoLocalReadyEndpoints');

    const up = a.updateEndpoints('default/web', ready({ n1: 1 }));
    expect([...up.routes.keys()]).to.deep.equal(['r1', 'u']);
    expect(up.routes.get('r1')?.added.map((r) => [prefixText(r.prefix), r.linkBandwidth])).to.deep.equal([['198.51.100.10/32', 125000]]);
    expect(up.services.get('default/web')?.announced).to.equal(true);

    const more = a.updateEndpoints('default/web', ready({ n1: 2 }));
    expect(more.routes.get('r1')?.changed.map((r) => r.linkBandwidth)).to.deep.equal([250000]);

    const down = a.updateEndpoints('default/web', ready({ n2: 2 }));
    expect(down.routes.get('r1')?.withdrawn.map((r) => prefixText(r.prefix))).to.deep.equal(['198.51.100.10/32']);
    expect(down.services.get('default/web')?.reason).to.equal('NoLocalReadyEndpoints');
  });

  it('reports nothing when a Service changes in a way that does not matter here', () => {
    const a = new Announcer(cfg, 'n1', nodes(node('n1')));
    a.updateService(web);
    a.updateEndpoints('default/web', ready({ n1: 1 }));
    const again = a.updateService({ ...web, metadata: { ...web.metadata, annotations: { note: 'x' } } });
    expect(again.routes.size).to.equal(0);
    expect(again.services.size).to.equal(0);
  });

  it('ignores other nodes and labels no selector reads, and recomputes when this node stops being Ready', () => {
    const a = new Announcer(cfg, 'n1', nodes(node('n1')));
    a.updateService(svc('web', { status: ['198.51.100.10'] }));
    a.updateEndpoints('default/web', ready({ n2: 1 }));
    expect(a.updateNode(node('n2', { ready: 'False' }))).to.deep.equal({ routes: new Map(), services: new Map() });
    expect(a.updateNode(node('n1', { labels: { zone: 'z1' } }))).to.deep.equal({ routes: new Map(), services: new Map() });
    const down = a.updateNode(node('n1', { ready: 'False' }));
    expect([...down.routes.keys()]).to.deep.equal(['r1', 'u']);
    expect(down.services.get('default/web')?.reason).to.equal('NodeNotReady');
    expect(down.peers, 'sessions stay').to.equal(undefined);
  });

  it('hands out the new session list when this node gains a peer', () => {
    const a = new Announcer(cfg, 'n1', nodes(node('n1')));
    const changes = a.setNodes(nodes(node('n1', { labels: { rack: 'r1' } })));
    expect(changes.peers?.map((p) => p.name)).to.deep.equal(['r1', 'r2', 'r6', 'u']);
  });

  it('keeps an aggregate while another Service holds it when one is removed', () => {
    const a = new Announcer(cfg, 'n1', nodes(node('n1')));
    a.updateService(svc('web', { status: ['2001:db8:100::10'] }));
    a.updateService(svc('api', { status: ['2001:db8:100::11'] }));
    a.updateEndpoints('default/web', ready({ n1: 1 }));
    a.updateEndpoints('default/api', ready({ n1: 1 }));
    expect(viewRoutes(a.decision()).r6).to.deep.equal({
      '2001:db8:100::/120': { large: ['1:2:3'], services: ['default/api', 'default/web'] },
      '2001:db8:100::10/128': { communities: ['64500:1'], services: ['default/web'] },
      '2001:db8:100::11/128': { communities: ['64500:1'], services: ['default/api'] },
    });
    const removed = a.removeService('default/web');
    expect(removed.services.get('default/web')).to.equal(undefined);
    expect(removed.services.has('default/web')).to.equal(true);
    const r6 = removed.routes.get('r6');
    expect(r6?.changed.map((r) => [prefixText(r.prefix), r.services])).to.deep.equal([['2001:db8:100::/120', ['default/api']]]);
    expect(r6?.withdrawn.map((r) => prefixText(r.prefix))).to.deep.equal(['2001:db8:100::10/128']);
  });

  it('keeps endpoints that arrive before their Service', () => {
    const a = new Announcer(cfg, 'n1', nodes(node('n1')));
    expect(a.updateEndpoints('default/web', ready({ n1: 1 })).services.size).to.equal(0);
    expect(a.updateService(web).services.get('default/web')?.announced).to.equal(true);
  });

  it('equals decideBgp of the same inputs after any sequence of changes, and its changes rebuild the same tables', () => {
    fc.assert(
      fc.property(fc.nat(CONFIGS.length - 1), thisNodeArb, fc.array(opArb, { maxLength: 40 }), (start, firstNode, ops) => {
        let currentConfig = CONFIGS[start] as HeraldConfig;
        const allNodes = new Map<string, NodeInput>([['n2', node('n2')]]);
        if (firstNode !== undefined) allNodes.set('n1', firstNode);
        const services = new Map<ServiceKey, ServiceInput>();
        const endpoints = new Map<ServiceKey, ServiceEndpoints>();
        const announcer = new Announcer(currentConfig, 'n1', allNodes);
        const mirror = new Mirror(announcer.decision());
        for (const op of ops) {
          let changes: AnnouncerChanges;
          switch (op.kind) {
            case 'service': {
              const key = `${op.service.metadata?.namespace}/${op.service.metadata?.name}`;
              services.set(key, op.service);
              changes = announcer.updateService(op.service);
              break;
            }
            case 'remove':
              services.delete(op.key);
              changes = announcer.removeService(op.key);
              break;
            case 'endpoints':
              if (op.endpoints === undefined) endpoints.delete(op.key);
              else endpoints.set(op.key, op.endpoints);
              changes = announcer.updateEndpoints(op.key, op.endpoints);
              break;
            case 'node':
              if (op.node === undefined) allNodes.delete('n1');
              else allNodes.set('n1', op.node);
              changes = op.node === undefined ? announcer.removeNode('n1') : announcer.updateNode(op.node);
              break;
            case 'otherNode':
              allNodes.set('n2', node('n2', { ready: 'False' }));
              changes = announcer.setNodes(allNodes);
              break;
            case 'config':
              currentConfig = CONFIGS[op.index] as HeraldConfig;
              changes = announcer.setConfig(currentConfig);
              break;
          }
          mirror.apply(changes);
          const full = decideBgp({ config: currentConfig, nodeName: 'n1', nodes: allNodes, services: [...services.values()], endpoints });
          expect(canonical(announcer.decision())).to.deep.equal(canonical(full));
          // The mirror's maps are in arrival order; sortedTable puts them in the decision's.
          const mirrored = { peers: mirror.peers, routes: sortedTable(mirror.routes, (r) => r), services: new Map(sortedServices(mirror.services)) };
          expect(canonical(mirrored)).to.deep.equal(
            canonical({ peers: full.peers, routes: full.routes, services: full.services }),
          );
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('decides the same whatever the order of Services, endpoints and nodes', () => {
    fc.assert(
      fc.property(
        fc.nat(CONFIGS.length - 1),
        thisNodeArb,
        fc.uniqueArray(serviceArb, { selector: (s) => `${s.metadata?.namespace}/${s.metadata?.name}`, maxLength: 8 }),
        fc.array(fc.tuple(keyArb, endpointsArb), { maxLength: 8 }),
        (index, thisNode, services, eps) => {
          const cfgAt = CONFIGS[index] as HeraldConfig;
          const endpoints = new Map<ServiceKey, ServiceEndpoints>();
          for (const [key, e] of eps) if (e !== undefined) endpoints.set(key, e);
          const nodeList = thisNode === undefined ? [node('n2')] : [node('n2'), thisNode];
          const one = decideBgp({ config: cfgAt, nodeName: 'n1', nodes: nodes(...nodeList), services, endpoints });
          const other = decideBgp({ config: cfgAt, nodeName: 'n1', nodes: nodes(...[...nodeList].reverse()), services: [...services].reverse(), endpoints: new Map([...endpoints].reverse()) });
          expect(canonical(other)).to.deep.equal(canonical(one));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
