import { expect } from 'chai';
import fc from 'fast-check';
import type { ConfigResources, HeraldConfig } from '@herald/shared/config/types.js';
import type { ServiceInput } from '@herald/shared/service/types.js';
import type { ServiceEndpoints } from './endpoints.js';
import { decideL2 } from './l2-decision.js';
import type { NodeInterface } from './l2-interfaces.js';
import { INTERFACES, canonicalL2, iface, l2, l2Input, ownersByAddress, rank } from './l2-test-fixtures.js';
import type { L2Announcement, L2Decision } from './l2-types.js';
import { EXCLUDE_LABEL, type NodeInput, OUT_OF_SERVICE_TAINT } from './node-eligibility.js';
import { config, node, nodes, pool, ready, svc } from './test-fixtures.js';

const POOLS = [pool('public', { addresses: ['198.51.100.0/24', '2001:db8:100::/120'] }), pool('quiet', { addresses: ['203.0.113.0/28'] })];

/** The public pool advertised in layer 2 mode to every node, unless the overrides say otherwise. */
function setup(overrides: Partial<ConfigResources> = {}): HeraldConfig {
  return config({ ipAddressPools: POOLS, l2Advertisements: [l2('public', { ipAddressPools: ['public'] })], ...overrides });
}

function announcement(decision: L2Decision, key = 'default/web'): L2Announcement {
  const a = decision.services.get(key);
  if (a === undefined) expect.fail(`no announcement for ${key}`);
  return a;
}

const ADDRESS = '198.51.100.10';
const [FIRST, SECOND] = rank(['n1', 'n2'], ADDRESS) as [string, string];

describe('deciding which node answers for an address in layer 2 mode', () => {
  describe('the owner of an address and why, one rule per row', () => {
    interface Row {
      title: string;
      config?: HeraldConfig;
      nodeName?: string;
      nodes?: Map<string, NodeInput>;
      live?: string[];
      service?: ServiceInput;
      endpoints?: ServiceEndpoints | undefined;
      interfaces?: NodeInterface[];
      reason: string;
      role: string;
      owner?: string;
      message?: string;
    }
    const web = svc('web', { status: [ADDRESS], labels: { app: 'web' } });
    const local = svc('web', { status: [ADDRESS], labels: { app: 'web' }, local: true });
    const rows: Row[] = [
      {
        title: 'answers for the address on the interface of its subnet when this node is the only candidate',
        live: ['n1'],
        reason: 'Announced',
        role: 'owner',
        owner: 'n1',
        message: 'node n1 announces 198.51.100.10 of default/web on eth1',
      },
      {
        title: 'stands by when another candidate ranks first',
        nodeName: SECOND,
        nodes: nodes(node('n1'), node('n2')),
        reason: 'OwnedByOtherNode',
        role: 'candidate',
        owner: FIRST,
        message: `198.51.100.10 of default/web is announced by node ${FIRST}; node ${SECOND} stands by`,
      },
      {
        title: 'says why this node may not take over an address another node owns',
        service: local,
        endpoints: ready({ n2: 1 }),
        reason: 'OwnedByOtherNode',
        role: 'none',
        owner: 'n2',
        message: '198.51.100.10 of default/web is announced by node n2; node n1 may not take it over: node n1 has no ready endpoint of default/web (externalTrafficPolicy Local)',
      },
      { title: 'has no owner for a Service without a status address', service: svc('web'), reason: 'NoAddress', role: 'none', message: 'default/web has no address in status.loadBalancer.ingress to announce' },
      {
        title: 'has no owner for an address outside every pool',
        service: svc('web', { status: ['192.0.2.200'] }),
        reason: 'AddressNotInPool',
        role: 'none',
        message: '192.0.2.200 of default/web is in no IPAddressPool, so no node announces it',
      },
      {
        title: 'has no owner for an address of a pool without an L2Advertisement',
        service: svc('web', { status: ['203.0.113.1'] }),
        reason: 'NoAdvertisement',
        role: 'none',
        message: 'IPAddressPool quiet, which holds 203.0.113.1 of default/web, has no L2Advertisement, so no node answers for it in layer 2 mode',
      },
      {
        title: 'has no owner for a Service no advertisement selects by serviceSelectors',
        config: setup({ l2Advertisements: [l2('api-only', { ipAddressPools: ['public'], serviceSelectors: [{ matchLabels: { app: 'api' } }] })] }),
        reason: 'ServiceNotSelected',
        role: 'none',
        message: 'no L2Advertisement of IPAddressPool public selects default/web by its serviceSelectors (api-only), so no node announces 198.51.100.10',
      },
      {
        title: 'has no owner when the nodeSelectors select no known node',
        config: setup({ l2Advertisements: [l2('rack9', { ipAddressPools: ['public'], nodeSelectors: [{ matchLabels: { rack: 'r9' } }] })] }),
        reason: 'NoSelectedNode',
        role: 'none',
        message: 'no known node matches the nodeSelectors of L2Advertisement rack9, which cover 198.51.100.10 of default/web',
      },
      {
        title: 'has no owner while the Service has no ready endpoint anywhere',
        endpoints: undefined,
        reason: 'NoReadyEndpoints',
        role: 'none',
        message: 'default/web has no ready endpoint on any node, so no node announces 198.51.100.10',
      },
      {
        title: 'has no owner when no selected node is eligible',
        nodes: nodes(node('n1', { ready: 'False' }), node('n2', { labels: { [EXCLUDE_LABEL]: '' } })),
        reason: 'NoEligibleNode',
        role: 'none',
        message:
          'no node that L2Advertisement public selects may announce 198.51.100.10 of default/web: node n1 is not Ready (Ready is False, reason KubeletNotReady), ' +
          `node n2 is labelled ${EXCLUDE_LABEL}`,
      },
      {
        title: 'has no owner when no eligible node is a live member',
        live: [],
        reason: 'NoLiveNode',
        role: 'none',
        message: 'no live node may announce 198.51.100.10 of default/web: the membership reports none of the eligible nodes L2Advertisement public selects (n1, n2, n3) alive',
      },
      {
        title: 'has no owner for a Local Service whose endpoints are all on nodes that cannot announce',
        service: local,
        endpoints: ready({ n3: 2 }),
        live: ['n1', 'n2'],
        reason: 'NoLocalReadyEndpoints',
        role: 'none',
        message: 'no live node with a ready endpoint of default/web (externalTrafficPolicy Local) may announce 198.51.100.10; its ready endpoints are on n3',
      },
      {
        title: 'owns the address but cannot answer when no interface has its subnet',
        live: ['n1'],
        interfaces: [iface('eth0', { addresses: ['10.0.0.5/24'] })],
        reason: 'NoInterface',
        role: 'owner',
        owner: 'n1',
        message: 'node n1 owns 198.51.100.10 of default/web but cannot answer for it: no interface on node n1 has a subnet containing 198.51.100.10; set L2Advertisement interfaces',
      },
    ];
    for (const row of rows) {
      it(row.title, () => {
        const service = row.service ?? web;
        const endpoints = 'endpoints' in row ? row.endpoints : ready({ n1: 1, n2: 1, n3: 1 });
        const decision = decideL2(
          l2Input({
            config: row.config ?? setup(),
            nodeName: row.nodeName ?? 'n1',
            ...(row.nodes === undefined ? {} : { nodes: row.nodes }),
            ...(row.live === undefined ? {} : { live: row.live }),
            services: [service],
            endpoints: endpoints === undefined ? {} : { 'default/web': endpoints },
            ...(row.interfaces === undefined ? {} : { interfaces: row.interfaces }),
          }),
        );
        const a = announcement(decision);
        expect(a.reason).to.equal(row.reason);
        expect(a.role).to.equal(row.role);
        expect(a.announced).to.equal(row.reason === 'Announced');
        expect(a.addresses[0]?.owner).to.equal(row.owner);
        if (row.message !== undefined) expect(a.message).to.equal(row.message);
        expect([...decision.owned.keys()]).to.deep.equal(row.reason === 'Announced' ? [ADDRESS] : []);
      });
    }
  });

  describe('who may own an address', () => {
    const broken: Array<[string, NodeInput]> = [
      ['not Ready', node('n1', { ready: 'False' })],
      ['without a Ready condition', node('n1', { ready: 'missing' })],
      ['with its network unavailable', node('n1', { networkUnavailable: true })],
      ['tainted out-of-service', node('n1', { taints: [{ key: OUT_OF_SERVICE_TAINT, effect: 'NoExecute' }] })],
      ['excluded from external load balancers', node('n1', { labels: { [EXCLUDE_LABEL]: 'true' } })],
    ];
    for (const [what, n1] of broken) {
      it(`never elects a node ${what}`, () => {
        const d = decideL2(l2Input({ config: setup(), nodeName: 'n2', nodes: nodes(n1, node('n2')), services: [svc('web', { status: [ADDRESS] })], endpoints: { 'default/web': ready({ n1: 1 }) } }));
        expect(announcement(d).addresses[0]).to.deep.include({ owner: 'n2', reason: 'Announced', role: 'owner' });
      });
    }

    it('never elects a node the membership does not report alive, nor a live member without a Node', () => {
      const d = decideL2(l2Input({ config: setup(), nodeName: 'n2', live: ['n2', 'ghost'], services: [svc('web', { status: [ADDRESS] })], endpoints: { 'default/web': ready({ n1: 1 }) } }));
      expect(announcement(d).addresses[0]?.owner).to.equal('n2');
    });

    it('lets a node announce when any advertisement covering the address selects it', () => {
      const cfg = setup({
        l2Advertisements: [
          l2('rack-a', { ipAddressPools: ['public'], nodeSelectors: [{ matchLabels: { rack: 'a' } }] }),
          l2('rack-b', { ipAddressPools: ['public'], nodeSelectors: [{ matchLabels: { rack: 'b' } }] }),
        ],
      });
      const all = nodes(node('n1', { labels: { rack: 'a' } }), node('n2', { labels: { rack: 'b' } }), node('n3'));
      const d = decideL2(l2Input({ config: cfg, nodes: all, services: [svc('web', { status: [ADDRESS] })], endpoints: { 'default/web': ready({ n3: 1 }) } }));
      expect(announcement(d).addresses[0]?.owner).to.equal(FIRST);
    });

    it('elects only among nodes with a ready endpoint for a Local Service, and the first of them by rank', () => {
      const [first] = rank(['n2', 'n3'], ADDRESS);
      const d = decideL2(l2Input({ config: setup(), services: [svc('web', { status: [ADDRESS], local: true })], endpoints: { 'default/web': ready({ n2: 1, n3: 4 }) } }));
      expect(announcement(d).addresses[0]?.owner).to.equal(first);
    });

    it('elects among every eligible live node for a Cluster Service with one ready endpoint anywhere', () => {
      const [first] = rank(['n1', 'n2', 'n3'], ADDRESS);
      const d = decideL2(l2Input({ config: setup(), services: [svc('web', { status: [ADDRESS] })], endpoints: { 'default/web': ready({}, 1) } }));
      expect(announcement(d).addresses[0]?.owner).to.equal(first);
    });

    it('elects each address of a dual-stack Service on its own', () => {
      const v6 = '2001:db8:100::10';
      const d = decideL2(
        l2Input({ config: setup(), nodes: nodes(node('n1')), services: [svc('web', { status: [ADDRESS, v6] })], endpoints: { 'default/web': ready({ n1: 1 }) } }),
      );
      expect(announcement(d)).to.deep.include({ announced: true, reason: 'Announced', role: 'owner', interfaces: ['eth1'] });
      expect([...d.owned.keys()]).to.deep.equal([ADDRESS, v6]);
    });
  });

  describe('Services sharing an address', () => {
    it('elect the same owner, which answers once for both', () => {
      const owner = rank(['n1', 'n2', 'n3'], ADDRESS)[0] as string;
      const d = decideL2(
        l2Input({
          config: setup(),
          nodeName: owner,
          services: [svc('web', { status: [ADDRESS] }), svc('api', { status: [ADDRESS], ports: ['TCP/443'] })],
          endpoints: { 'default/web': ready({ n1: 1 }), 'default/api': ready({ n2: 1 }) },
        }),
      );
      expect(d.owned.get(ADDRESS)).to.deep.include({ services: ['default/api', 'default/web'] });
      expect([...ownersByAddress(d).get(ADDRESS)!]).to.deep.equal([owner]);
    });

    it('pick a node that serves both when their candidates differ but overlap', () => {
      const order = rank(['n1', 'n2', 'n3'], ADDRESS);
      const [top, middle, last] = order as [string, string, string];
      // web may use the top and middle nodes, api the middle and last: only the middle one serves both.
      const cfg = setup({
        l2Advertisements: [
          l2('web', { ipAddressPools: ['public'], serviceSelectors: [{ matchLabels: { app: 'web' } }], nodeSelectors: [{ matchLabels: { web: 'yes' } }] }),
          l2('api', { ipAddressPools: ['public'], serviceSelectors: [{ matchLabels: { app: 'api' } }], nodeSelectors: [{ matchLabels: { api: 'yes' } }] }),
        ],
      });
      const all = nodes(node(top, { labels: { web: 'yes' } }), node(middle, { labels: { web: 'yes', api: 'yes' } }), node(last, { labels: { api: 'yes' } }));
      const services = [svc('web', { status: [ADDRESS], labels: { app: 'web' } }), svc('api', { status: [ADDRESS], labels: { app: 'api' }, ports: ['TCP/443'] })];
      const d = decideL2(l2Input({ config: cfg, nodes: all, services, endpoints: { 'default/web': ready({}, 1), 'default/api': ready({}, 1) } }));
      expect([...ownersByAddress(d).get(ADDRESS)!]).to.deep.equal([middle]);
      expect(announcement(d, 'default/api').addresses[0]?.owner).to.equal(middle);
    });

    it('report the Service the owner cannot serve when no node serves both', () => {
      const cfg = setup({
        l2Advertisements: [
          l2('web', { ipAddressPools: ['public'], serviceSelectors: [{ matchLabels: { app: 'web' } }], nodeSelectors: [{ matchLabels: { rack: 'a' } }] }),
          l2('api', { ipAddressPools: ['public'], serviceSelectors: [{ matchLabels: { app: 'api' } }], nodeSelectors: [{ matchLabels: { rack: 'b' } }] }),
        ],
      });
      const all = nodes(node('n1', { labels: { rack: 'a' } }), node('n2', { labels: { rack: 'b' } }));
      const services = [svc('web', { status: [ADDRESS], labels: { app: 'web' } }), svc('api', { status: [ADDRESS], labels: { app: 'api' }, ports: ['TCP/443'] })];
      const d = decideL2(l2Input({ config: cfg, nodes: all, services, endpoints: { 'default/web': ready({}, 1), 'default/api': ready({}, 1) } }));
      const winner = FIRST;
      const [served, conflicted] = winner === 'n1' ? ['default/web', 'default/api'] : ['default/api', 'default/web'];
      expect([...ownersByAddress(d).get(ADDRESS)!]).to.deep.equal([winner]);
      expect(announcement(d, served).addresses[0]?.owner).to.equal(winner);
      const bad = announcement(d, conflicted);
      expect(bad.reason).to.equal('SharedAddressConflict');
      expect(bad.message).to.equal(
        `198.51.100.10 is shared with ${served} and answered by node ${winner}, which may not announce it for ${conflicted} ` +
          `(L2Advertisement ${conflicted.slice('default/'.length)}); give the Services sharing an address the same L2Advertisements`,
      );
    });
  });

  describe('interfaces of the advertisements that apply', () => {
    it('answers on the named interfaces of the advertisements selecting this node only', () => {
      const cfg = setup({
        l2Advertisements: [
          l2('mgmt', { ipAddressPools: ['public'], interfaces: ['eth0'] }),
          l2('subnet', { ipAddressPools: ['public'] }),
          l2('elsewhere', { ipAddressPools: ['public'], interfaces: ['eth2'], nodeSelectors: [{ matchLabels: { rack: 'b' } }] }),
        ],
      });
      const d = decideL2(
        l2Input({
          config: cfg,
          nodes: nodes(node('n1')),
          services: [svc('web', { status: [ADDRESS] })],
          endpoints: { 'default/web': ready({ n1: 1 }) },
          interfaces: [...INTERFACES, iface('eth2', { ifindex: 4 })],
        }),
      );
      expect(announcement(d).interfaces).to.deep.equal(['eth0', 'eth1']);
      expect(d.owned.get(ADDRESS)?.interfaces.map((i) => i.name)).to.deep.equal(['eth0', 'eth1']);
    });
  });

  it('refuses a Service listed twice, naming it', () => {
    expect(() => decideL2(l2Input({ config: setup(), services: [svc('web'), svc('web')] }))).to.throw('decideL2: Service default/web is listed twice');
  });

  describe('properties', () => {
    const NAMES = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
    const ADDRESSES = ['198.51.100.10', '198.51.100.11', '198.51.100.12', '198.51.100.200', '2001:db8:100::10', '2001:db8:100::11'];
    const CONFIG = setup({
      l2Advertisements: [
        l2('all', { ipAddressPools: ['public'] }),
        l2('rack-a', { ipAddressPools: ['public'], nodeSelectors: [{ matchLabels: { rack: 'a' } }], serviceSelectors: [{ matchLabels: { app: 'a' } }], interfaces: ['eth0'] }),
      ],
    });
    const world = fc.record({
      nodes: fc.uniqueArray(
        fc.record({ name: fc.constantFrom(...NAMES), ready: fc.boolean(), rack: fc.constantFrom('a', 'b') }).map(({ name, ready: r, rack }) => node(name, { ready: r ? 'True' : 'False', labels: { rack } })),
        { selector: (n) => n.metadata?.name, maxLength: 6 },
      ),
      live: fc.subarray(NAMES),
      services: fc.uniqueArray(
        fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd'), app: fc.constantFrom('a', 'b'), local: fc.boolean(), status: fc.subarray(ADDRESSES, { maxLength: 2 }) }),
        { selector: (s) => s.name },
      ),
      endpoints: fc.dictionary(fc.constantFrom('default/a', 'default/b', 'default/c', 'default/d'), fc.dictionary(fc.constantFrom(...NAMES), fc.nat(2))),
      thisNode: fc.constantFrom(...NAMES),
    });
    type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

    function decideWorld(w: World, o: { live?: string[]; nodeName?: string; order?: (value: unknown) => number } = {}): L2Decision {
      const flip = <T>(list: T[]): T[] => (o.order === undefined ? list : [...list].sort((a, b) => (o.order as (value: unknown) => number)(a) - (o.order as (value: unknown) => number)(b)));
      return decideL2({
        config: CONFIG,
        nodeName: o.nodeName ?? w.thisNode,
        nodes: new Map(flip(w.nodes).map((n) => [n.metadata?.name as string, n])),
        liveMembers: flip(o.live ?? w.live),
        services: flip(w.services.map((s) => svc(s.name, { labels: { app: s.app }, local: s.local, status: s.status }))),
        endpoints: new Map(flip(Object.entries(w.endpoints)).map(([k, v]) => [k, ready(v)])),
        interfaces: flip(INTERFACES),
      });
    }

    /** address -> its one owner, or undefined; fails on an address with two. */
    function owners(d: L2Decision): Map<string, string | undefined> {
      const out = new Map<string, string | undefined>();
      for (const [address, set] of ownersByAddress(d)) {
        expect(set.size, `owners of ${address}`).to.be.at.most(1);
        out.set(address, [...set][0]);
      }
      return out;
    }

    it('decides the same whatever order the input comes in', () => {
      fc.assert(
        fc.property(world, fc.func(fc.integer()), (w, order) => {
          expect(canonicalL2(decideWorld(w, { order }))).to.deep.equal(canonicalL2(decideWorld(w)));
        }),
      );
    });

    it('elects the same owners on every node, and at most one per address', () => {
      fc.assert(
        fc.property(world, fc.constantFrom(...NAMES), (w, other) => {
          expect(owners(decideWorld(w, { nodeName: other }))).to.deep.equal(owners(decideWorld(w)));
        }),
      );
    });

    it('moves only the addresses a joining node now wins, and only those of a node that leaves', () => {
      fc.assert(
        fc.property(world, fc.constantFrom(...NAMES), (w, mover) => {
          const without = decideWorld(w, { live: w.live.filter((n) => n !== mover) });
          const withIt = decideWorld(w, { live: [...new Set([...w.live, mover])] });
          const before = owners(without);
          // Read the other way round, the same check says that when the mover leaves only what it owned moves.
          for (const [address, owner] of owners(withIt)) {
            if (owner !== before.get(address)) expect(owner, `${address} moved from ${before.get(address)} to a node other than ${mover}`).to.equal(mover);
          }
        }),
      );
    });

    it('answers only for addresses it owns, on the interfaces its Services name', () => {
      fc.assert(
        fc.property(world, (w) => {
          const d = decideWorld(w);
          const byOwner = owners(d);
          for (const [address, owned] of d.owned) {
            expect(byOwner.get(address)).to.equal(w.thisNode);
            const named = owned.services.flatMap((key) => announcement(d, key).addresses.find((a) => a.address === address)?.interfaces ?? []);
            expect(owned.interfaces.map((i) => i.name)).to.deep.equal([...new Set(named)].sort());
          }
        }),
      );
    });
  });
});
