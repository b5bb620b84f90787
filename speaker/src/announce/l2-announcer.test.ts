import { expect } from 'chai';
import fc from 'fast-check';
import type { HeraldConfig } from '@herald/shared/config/types.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import type { ServiceEndpoints } from './endpoints.js';
import { plainEqual } from './equal.js';
import { L2Announcer } from './l2-announcer.js';
import { decideL2 } from './l2-decision.js';
import type { NodeInterface } from './l2-interfaces.js';
import { INTERFACES, canonicalL2, iface, l2, rank } from './l2-test-fixtures.js';
import type { L2Announcement, L2Changes, OwnedAddress } from './l2-types.js';
import { EXCLUDE_LABEL, type NodeInput } from './node-eligibility.js';
import { config, node, nodes, pool, ready, svc } from './test-fixtures.js';

const POOLS = [pool('public', { addresses: ['198.51.100.0/24', '2001:db8:100::/120'] }), pool('quiet', { addresses: ['203.0.113.0/28'] })];

/** Configurations the property switches between: subnet rule for all plus named eth0 on rack a for app=a; rack b only; nothing in layer 2. */
const CONFIGS: HeraldConfig[] = [
  config({
    ipAddressPools: POOLS,
    l2Advertisements: [
      l2('all', { ipAddressPools: ['public'] }),
      l2('rack-a', { ipAddressPools: ['public'], nodeSelectors: [{ matchLabels: { rack: 'a' } }], serviceSelectors: [{ matchLabels: { app: 'a' } }], interfaces: ['eth0'] }),
    ],
  }),
  config({ ipAddressPools: POOLS, l2Advertisements: [l2('rack-b', { nodeSelectors: [{ matchLabels: { rack: 'b' } }] })] }),
  config({ ipAddressPools: POOLS }),
];

const NAMES = ['n1', 'n2', 'n3', 'n4'];
const ADDRESSES = ['198.51.100.10', '198.51.100.11', '198.51.100.200', '203.0.113.1', '192.0.2.50', '2001:db8:100::10', '2001:db8:100::11'];

/** Interface sets this node switches between: the usual, eth1 down, eth1 in a bridge, none. */
const INTERFACE_SETS: NodeInterface[][] = [
  INTERFACES,
  [iface('eth0', { ifindex: 2, addresses: ['10.0.0.5/24'] }), iface('eth1', { ifindex: 3, up: false })],
  [iface('eth0', { ifindex: 2 }), iface('eth1', { ifindex: 3, master: 'br0', masterKind: 'bridge' }), iface('br0', { ifindex: 9, addresses: ['198.51.100.2/24', '2001:db8:100::2/120'] })],
  [],
];

const serviceArb = fc
  .record({
    name: fc.constantFrom('a', 'b', 'c', 'd'),
    app: fc.constantFrom('a', 'b', undefined),
    local: fc.boolean(),
    status: fc.subarray(ADDRESSES, { maxLength: 2 }),
  })
  .map(({ name, app, local, status }) => svc(name, { labels: app === undefined ? {} : { app }, local, status }));

const keyArb = fc.constantFrom('default/a', 'default/b', 'default/c', 'default/d');

const endpointsArb: fc.Arbitrary<ServiceEndpoints | undefined> = fc.option(
  fc.record({ n1: fc.nat(2), n2: fc.nat(2), n3: fc.nat(1), elsewhere: fc.nat(1) }).map(({ n1, n2, n3, elsewhere }) => ready({ n1, n2, n3 }, elsewhere)),
  { nil: undefined },
);

const nodeArb: fc.Arbitrary<NodeInput> = fc
  .record({ name: fc.constantFrom(...NAMES), rack: fc.constantFrom('a', 'b', undefined), ready: fc.boolean(), excluded: fc.boolean(), zone: fc.boolean() })
  .map(({ name, rack, ready: r, excluded, zone }) => {
    const labels: Record<string, string> = {};
    if (rack !== undefined) labels.rack = rack;
    if (excluded) labels[EXCLUDE_LABEL] = '';
    // A label no selector reads: changing it must change nothing.
    if (zone) labels.zone = 'z1';
    return node(name, { labels, ready: r ? 'True' : 'False' });
  });

type Op =
  | { kind: 'service'; service: ServiceInput }
  | { kind: 'remove'; key: ServiceKey }
  | { kind: 'endpoints'; key: ServiceKey; endpoints: ServiceEndpoints | undefined }
  | { kind: 'node'; node: NodeInput }
  | { kind: 'removeNode'; name: string }
  | { kind: 'nodes'; nodes: NodeInput[] }
  | { kind: 'live'; names: string[] }
  | { kind: 'interfaces'; index: number }
  | { kind: 'config'; index: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: serviceArb.map((service): Op => ({ kind: 'service', service })) },
  { weight: 2, arbitrary: keyArb.map((key): Op => ({ kind: 'remove', key })) },
  { weight: 4, arbitrary: fc.record({ key: keyArb, endpoints: endpointsArb }).map(({ key, endpoints }): Op => ({ kind: 'endpoints', key, endpoints })) },
  { weight: 3, arbitrary: nodeArb.map((n): Op => ({ kind: 'node', node: n })) },
  { weight: 1, arbitrary: fc.constantFrom(...NAMES).map((name): Op => ({ kind: 'removeNode', name })) },
  { weight: 1, arbitrary: fc.uniqueArray(nodeArb, { selector: (n) => n.metadata?.name }).map((list): Op => ({ kind: 'nodes', nodes: list })) },
  { weight: 3, arbitrary: fc.subarray([...NAMES, 'ghost']).map((names): Op => ({ kind: 'live', names })) },
  { weight: 1, arbitrary: fc.nat(INTERFACE_SETS.length - 1).map((index): Op => ({ kind: 'interfaces', index })) },
  { weight: 1, arbitrary: fc.nat(CONFIGS.length - 1).map((index): Op => ({ kind: 'config', index })) },
);

/** What the shell would keep if it applied every change it was given, checking each makes sense. */
class Mirror {
  readonly owned = new Map<string, OwnedAddress>();
  readonly services = new Map<ServiceKey, L2Announcement>();

  apply(changes: L2Changes): void {
    for (const o of changes.started) {
      expect(this.owned.has(o.address), `${o.address} started twice`).to.equal(false);
      expect(o.interfaces.length, `${o.address} started without an interface`).to.be.above(0);
      this.owned.set(o.address, o);
    }
    for (const o of changes.changed) {
      const old = this.owned.get(o.address);
      expect(old, `${o.address} changed before it started`).to.not.equal(undefined);
      expect(plainEqual(old, o), `${o.address} reported changed without a change`).to.equal(false);
      this.owned.set(o.address, o);
    }
    for (const o of changes.stopped) {
      expect(this.owned.get(o.address), `${o.address} stopped as last handed out`).to.deep.equal(o);
      this.owned.delete(o.address);
    }
    for (const [key, a] of changes.services) {
      expect(plainEqual(this.services.get(key), a), `${key} reported without a change`).to.equal(false);
      if (a === undefined) this.services.delete(key);
      else this.services.set(key, a);
    }
  }
}

/** The inputs the announcer was given, to decide from scratch. */
class Inputs {
  config: HeraldConfig = CONFIGS[0] as HeraldConfig;
  /** Start with every node Ready and live, racks a and b, so that owners change hands from the first event. */
  readonly nodes = nodes(...NAMES.map((name, i) => node(name, { labels: { rack: i < 2 ? 'a' : 'b' } })));
  live: string[] = [...NAMES];
  readonly services = new Map<ServiceKey, ServiceInput>();
  readonly endpoints = new Map<ServiceKey, ServiceEndpoints>();
  interfaces: NodeInterface[] = INTERFACES;
}

function apply(a: L2Announcer, inputs: Inputs, op: Op): L2Changes {
  switch (op.kind) {
    case 'service':
      inputs.services.set(`default/${op.service.metadata?.name}`, op.service);
      return a.updateService(op.service);
    case 'remove':
      inputs.services.delete(op.key);
      return a.removeService(op.key);
    case 'endpoints':
      if (op.endpoints === undefined) inputs.endpoints.delete(op.key);
      else inputs.endpoints.set(op.key, op.endpoints);
      return a.updateEndpoints(op.key, op.endpoints);
    case 'node':
      inputs.nodes.set(op.node.metadata?.name as string, op.node);
      return a.updateNode(op.node);
    case 'removeNode':
      inputs.nodes.delete(op.name);
      return a.removeNode(op.name);
    case 'nodes':
      inputs.nodes.clear();
      for (const n of op.nodes) inputs.nodes.set(n.metadata?.name as string, n);
      return a.setNodes(new Map(inputs.nodes));
    case 'live':
      inputs.live = op.names;
      return a.setLiveMembers(op.names);
    case 'interfaces':
      inputs.interfaces = INTERFACE_SETS[op.index] as NodeInterface[];
      return a.setInterfaces(inputs.interfaces);
    case 'config':
      inputs.config = CONFIGS[op.index] as HeraldConfig;
      return a.setConfig(inputs.config);
  }
}

function fromScratch(inputs: Inputs, nodeName: string): ReturnType<typeof decideL2> {
  return decideL2({
    config: inputs.config,
    nodeName,
    nodes: inputs.nodes,
    liveMembers: inputs.live,
    services: [...inputs.services.values()],
    endpoints: inputs.endpoints,
    interfaces: inputs.interfaces,
  });
}

const ADDRESS = '198.51.100.10';
const cfg = CONFIGS[0] as HeraldConfig;
const three = nodes(node('n1'), node('n2'), node('n3'));

describe('the incremental L2Announcer', () => {
  it('equals deciding from scratch after any sequence of events, and its changes rebuild the same state', () => {
    fc.assert(
      fc.property(fc.constantFrom(...NAMES), fc.array(opArb, { maxLength: 40 }), (thisNode, ops) => {
        const inputs = new Inputs();
        const a = new L2Announcer(cfg, thisNode, { nodes: inputs.nodes, liveMembers: inputs.live, interfaces: inputs.interfaces });
        const mirror = new Mirror();
        for (const op of ops) {
          mirror.apply(apply(a, inputs, op));
          const want = fromScratch(inputs, thisNode);
          expect(canonicalL2(a.decision()), `after ${op.kind}`).to.deep.equal(canonicalL2(want));
          expect([...mirror.owned].sort(), 'owned addresses rebuilt from the changes').to.deep.equal([...want.owned].sort());
          expect([...mirror.services].sort(), 'announcements rebuilt from the changes').to.deep.equal([...want.services].sort());
        }
      }),
      { numRuns: 500 },
    );
  });

  it('takes over within one call when the owner leaves the membership', () => {
    const [owner, next] = rank(['n1', 'n2', 'n3'], ADDRESS) as [string, string];
    const a = new L2Announcer(cfg, next, { nodes: three, liveMembers: ['n1', 'n2', 'n3'], interfaces: INTERFACES });
    a.updateService(svc('web', { status: [ADDRESS] }));
    a.updateEndpoints('default/web', ready({ n1: 1 }));
    expect(a.announcement('default/web')).to.deep.include({ reason: 'OwnedByOtherNode', role: 'candidate' });

    const failover = a.setLiveMembers(['n1', 'n2', 'n3'].filter((n) => n !== owner));
    expect(failover.started).to.deep.equal([a.ownedAddress(ADDRESS)]);
    expect(failover.started[0]?.interfaces.map((i) => i.name)).to.deep.equal(['eth1']);
    expect(failover.services.get('default/web')).to.deep.include({ announced: true, reason: 'Announced', interfaces: ['eth1'] });

    const back = a.setLiveMembers(['n1', 'n2', 'n3']);
    expect(back.stopped.map((o) => o.address)).to.deep.equal([ADDRESS]);
    expect(back.services.get('default/web')?.addresses[0]?.owner).to.equal(owner);
  });

  it('releases its addresses when it leaves the membership itself (graceful shutdown)', () => {
    const owner = rank(['n1', 'n2', 'n3'], ADDRESS)[0] as string;
    const a = new L2Announcer(cfg, owner, { nodes: three, liveMembers: ['n1', 'n2', 'n3'], interfaces: INTERFACES });
    a.updateService(svc('web', { status: [ADDRESS] }));
    expect(a.updateEndpoints('default/web', ready({ n2: 1 })).started.map((o) => o.address)).to.deep.equal([ADDRESS]);
    const leaving = a.setLiveMembers(['n1', 'n2', 'n3'].filter((n) => n !== owner));
    expect(leaving.stopped.map((o) => o.address)).to.deep.equal([ADDRESS]);
    expect(leaving.services.get('default/web')).to.deep.include({ announced: false, reason: 'OwnedByOtherNode' });
  });

  it('moves a Local Service with its last endpoint', () => {
    const a = new L2Announcer(cfg, 'n1', { nodes: three, liveMembers: ['n1', 'n2', 'n3'], interfaces: INTERFACES });
    a.updateService(svc('web', { status: [ADDRESS], local: true }));
    expect(a.updateEndpoints('default/web', ready({ n1: 1 })).started.map((o) => o.address)).to.deep.equal([ADDRESS]);
    const moved = a.updateEndpoints('default/web', ready({ n3: 1 }));
    expect(moved.stopped.map((o) => o.address)).to.deep.equal([ADDRESS]);
    expect(moved.services.get('default/web')?.addresses[0]).to.deep.include({ owner: 'n3', role: 'none' });
  });

  it('stops answering when its interface goes down, and starts again when it comes back', () => {
    const a = new L2Announcer(cfg, 'n1', { nodes: nodes(node('n1')), liveMembers: ['n1'], interfaces: INTERFACES });
    a.updateService(svc('web', { status: [ADDRESS] }));
    a.updateEndpoints('default/web', ready({ n1: 1 }));
    const down = a.setInterfaces(INTERFACE_SETS[1] as NodeInterface[]);
    expect(down.stopped.map((o) => o.address)).to.deep.equal([ADDRESS]);
    expect(down.services.get('default/web')).to.deep.include({ reason: 'NoInterface', role: 'owner' });
    const bridged = a.setInterfaces(INTERFACE_SETS[2] as NodeInterface[]);
    expect(bridged.started.map((o) => o.interfaces.map((i) => i.name))).to.deep.equal([['br0']]);
    const moved = a.setInterfaces(INTERFACES);
    expect(moved.changed.map((o) => o.interfaces.map((i) => i.name))).to.deep.equal([['eth1']]);
    expect(a.setInterfaces([...INTERFACES].reverse())).to.deep.equal({ started: [], changed: [], stopped: [], services: new Map() });
  });

  it('reports nothing when another node changes in a way that does not matter', () => {
    const a = new L2Announcer(cfg, 'n1', { nodes: three, liveMembers: ['n1', 'n2', 'n3'], interfaces: INTERFACES });
    a.updateService(svc('web', { status: [ADDRESS] }));
    a.updateEndpoints('default/web', ready({ n1: 1 }));
    const nothing = { started: [], changed: [], stopped: [], services: new Map() };
    expect(a.updateNode(node('n2', { labels: { zone: 'z1' } }))).to.deep.equal(nothing);
    expect(a.setLiveMembers(['n3', 'n2', 'n1'])).to.deep.equal(nothing);
    expect(a.setLiveMembers(['n3', 'n2', 'n1', 'not-a-node'])).to.deep.equal(nothing);
  });

  it('moves a shared address to a joining node that serves every Service sharing it, whatever its rank', () => {
    // web's endpoints are on n1 and n3, api's on n2 and n3: while n3 is away no node serves both.
    // An address n3 ranks last for, so that only serving both can bring it there.
    const shared = Array.from({ length: 50 }, (_, i) => `198.51.100.${i + 1}`).find((ip) => rank(['n1', 'n2', 'n3'], ip)[2] === 'n3') as string;
    const first = rank(['n1', 'n2'], shared)[0];
    const a = new L2Announcer(cfg, 'n1', { nodes: three, liveMembers: ['n1', 'n2'], interfaces: INTERFACES });
    a.updateService(svc('web', { status: [shared], local: true }));
    a.updateService(svc('api', { status: [shared], local: true, ports: ['TCP/443'] }));
    a.updateEndpoints('default/web', ready({ n1: 1, n3: 1 }));
    a.updateEndpoints('default/api', ready({ n2: 1, n3: 1 }));
    expect([a.announcement('default/api'), a.announcement('default/web')].map((x) => x?.reason)).to.include('SharedAddressConflict');
    expect([a.announcement('default/api'), a.announcement('default/web')].map((x) => x?.addresses[0]?.owner)).to.include(first);
    const joined = a.setLiveMembers(['n1', 'n2', 'n3']);
    expect([...joined.services.values()].map((x) => x?.addresses[0]?.owner)).to.deep.equal(['n3', 'n3']);
  });

  it('moves only the addresses a joining node wins', () => {
    const addresses = Array.from({ length: 60 }, (_, i) => `198.51.100.${i + 1}`);
    const a = new L2Announcer(cfg, 'n1', { nodes: nodes(node('n1'), node('n2'), node('n3'), node('n4')), liveMembers: ['n1', 'n2', 'n3'], interfaces: INTERFACES });
    addresses.forEach((ip, i) => {
      a.updateService(svc(`s${i}`, { status: [ip] }));
      a.updateEndpoints(`default/s${i}`, ready({}, 1));
    });
    const joined = a.setLiveMembers(['n1', 'n2', 'n3', 'n4']);
    const moved = [...joined.services.values()].map((s) => s?.addresses[0]?.owner);
    expect(moved.length, 'some addresses move to the newcomer').to.be.above(0);
    expect(new Set(moved)).to.deep.equal(new Set(['n4']));
    expect(moved.length).to.equal(addresses.filter((ip) => rank(['n1', 'n2', 'n3', 'n4'], ip)[0] === 'n4').length);
  });
});
