import { expect } from 'chai';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EventSpec } from '@herald/shared/api/event.js';
import type { EventTarget } from '@herald/shared/kube/event-recorder.js';
import type { ServiceKey } from '@herald/shared/service/types.js';
import { INTERFACES, l2, rank } from '../announce/l2-test-fixtures.js';
import { node, pool, svc } from '../announce/test-fixtures.js';
import type { OwnedAddress, OwnedChange } from '../l2/owned.js';
import { SpeakerMetrics } from '../metrics/metrics.js';
import { L2Speaker } from './l2-speaker.js';
import { collectingLogger, slice } from './test-fixtures.js';
import { type SpeakerInputs, WatchFeed } from './watch-feed.js';

const NODES = ['n1', 'n2', 'n3'];

/** The first address of 198.51.100.0/24 the nodes rank in this order first (`owner`, then the next in line). */
function addressWonBy(...order: string[]): string {
  for (let i = 1; i < 255; i++) {
    const address = `198.51.100.${i}`;
    if (order.every((n, j) => rank(NODES, address)[j] === n)) return address;
  }
  throw new Error(`no address of 198.51.100.0/24 ranks ${order.join(', ')} first`);
}


/** The first `n` addresses of 198.51.100.0/24 that `owner` wins. */
function addressesWonBy(owner: string, n: number): string[] {
  const won: string[] = [];
  for (let i = 1; i < 255 && won.length < n; i++) if (rank(NODES, `198.51.100.${i}`)[0] === owner) won.push(`198.51.100.${i}`);
  if (won.length < n) throw new Error(`198.51.100.0/24 has fewer than ${n} addresses ${owner} wins`);
  return won;
}

/** A layer-2 reconciler fed from plain objects, with a fake responder, recording what it asks of the API and the log. */
function harness(address: string, o: { local?: boolean; endpoints?: Record<string, number> } = {}) {
  const state = {
    config: { ipAddressPools: [pool('default', { addresses: ['198.51.100.0/24'] })], l2Advertisements: [l2('l2')] } as Record<string, unknown[]>,
    services: [svc('web', { status: [address], local: o.local })] as unknown as KubernetesObject[],
    slices: [slice('web', o.endpoints ?? { n1: 1, n2: 1, n3: 1 })],
    nodes: NODES.map((n) => node(n)) as KubernetesObject[],
  };
  const inputs: SpeakerInputs = {
    configResources: () => state.config,
    services: () => state.services,
    endpointSlices: () => state.slices,
    nodes: () => state.nodes,
  };
  // What the responder and the status writer hold after each call, and each call as it came.
  const answering = new Map<string, OwnedAddress>();
  const owned: Array<ReadonlyMap<string, OwnedAddress>> = [];
  const updates: OwnedChange[] = [];
  const announcedAgain: string[][] = [];
  const holding = new Map<ServiceKey, readonly string[]>();
  const status: Array<ReadonlyMap<ServiceKey, readonly string[]>> = [];
  const statusUpdates: Array<ReadonlyMap<ServiceKey, readonly string[] | undefined>> = [];
  const events: Array<{ target: EventTarget; event: EventSpec }> = [];
  const { log, logs } = collectingLogger();
  const metrics = new SpeakerMetrics({ processMetrics: false });
  const speaker = new L2Speaker({
    nodeName: 'n1',
    responder: {
      updateOwned: (change) => {
        updates.push(change);
        for (const address of change.removed ?? []) answering.delete(address);
        for (const [address, a] of change.set ?? []) answering.set(address, a);
        owned.push(new Map(answering));
      },
      announceAgain: (a) => announcedAgain.push([...a]),
    },
    log,
    metrics,
    updateStatus: (changed) => {
      statusUpdates.push(changed);
      for (const [key, interfaces] of changed) {
        if (interfaces === undefined) holding.delete(key);
        else holding.set(key, interfaces);
      }
      status.push(new Map(holding));
    },
    recordEvent: (target, event) => events.push({ target, event }),
  });
  const feed = new WatchFeed({ nodeName: 'n1', namespace: 'herald-system', classify: {}, inputs, log, metrics, targets: [speaker] });
  speaker.setInterfaces(INTERFACES);
  return { state, speaker, feed, owned, updates, status, statusUpdates, events, logs, metrics, announcedAgain };
}

const lastOwned = (h: { owned: Array<ReadonlyMap<string, OwnedAddress>> }): Record<string, OwnedAddress> => Object.fromEntries(h.owned.at(-1) ?? new Map());
const lastStatus = (h: { status: Array<ReadonlyMap<ServiceKey, readonly string[]>> }): Array<[ServiceKey, readonly string[]]> => [...(h.status.at(-1) ?? new Map())];

describe('layer-2 speaker reconciler', () => {
  it('answers for an address this node wins on the interface whose subnet holds it, writes its ServiceL2Status and says so on the Service', () => {
    const address = addressWonBy('n1');
    const h = harness(address);
    h.speaker.setLiveMembers(NODES);
    h.feed.begin();
    expect(lastOwned(h)).to.deep.equal({ [address]: { interfaces: ['eth1'], services: ['default/web'] } });
    expect(lastStatus(h)).to.deep.equal([['default/web', ['eth1']]]);
    expect(h.events.map((e) => e.event)).to.deep.equal([{ type: 'Normal', reason: 'AnnouncedOverL2', message: `announced by node n1 on eth1 (${address})` }]);
    expect(h.events[0]?.target).to.include({ kind: 'Service', namespace: 'default', name: 'web' });
    expect(h.logs.some((l) => l.message === 'answering for' && l.address === address && l.interfaces === 'eth1')).to.equal(true);
  });

  it('answers for nothing while the membership has not reported this node live', () => {
    const h = harness(addressWonBy('n1'));
    h.feed.begin();
    expect(lastOwned(h)).to.deep.equal({});
    expect(lastStatus(h)).to.deep.equal([]);
  });

  it('takes an address over when its owner leaves the membership, and lets it go when the owner is back', () => {
    const address = addressWonBy('n2', 'n1');
    const h = harness(address);
    h.speaker.setLiveMembers(NODES);
    h.feed.begin();
    expect(lastOwned(h)).to.deep.equal({});
    h.speaker.setLiveMembers(['n1', 'n3']);
    expect(lastOwned(h)).to.have.keys(address);
    expect(h.updates.at(-1), 'in the same call').to.deep.equal({ set: new Map([[address, { interfaces: ['eth1'], services: ['default/web'] }]]), removed: [] });
    expect(h.events.at(-1)?.event.reason).to.equal('AnnouncedOverL2');
    h.speaker.setLiveMembers(NODES);
    expect(lastOwned(h)).to.deep.equal({});
    expect(lastStatus(h)).to.deep.equal([]);
    expect(h.events.at(-1)?.event).to.deep.include({ reason: 'StoppedAnnouncingOverL2' });
    expect(h.events.at(-1)?.event.message).to.contain('n2');
  });

  it('announces the addresses it kept again when a member joins that was cut off (it answered for them alone), and not those it just took or lost', () => {
    const kept = addressWonBy('n1', 'n2');
    const h = harness(kept);
    h.speaker.setLiveMembers(['n1', 'n3']);
    h.feed.begin();
    expect(lastOwned(h)).to.have.keys(kept);
    expect(h.announcedAgain).to.deep.equal([]);
    h.speaker.setLiveMembers(['n1', 'n3']);
    expect(h.announcedAgain, 'no member joined').to.deep.equal([]);
    h.speaker.setLiveMembers(NODES);
    expect(h.announcedAgain).to.deep.equal([[kept]]);
    expect(h.logs.some((l) => l.message === 'announcing again the addresses this node kept, as a member joined' && l.member === 'n2')).to.equal(true);

    const lost = addressWonBy('n2', 'n1');
    const g = harness(lost);
    g.speaker.setLiveMembers(['n1', 'n3']);
    g.feed.begin();
    expect(lastOwned(g)).to.have.keys(lost);
    g.speaker.setLiveMembers(NODES);
    expect(lastOwned(g)).to.deep.equal({});
    expect(g.announcedAgain, 'the joining member wins it back; nothing kept').to.deep.equal([]);
  });

  it('announces every address it holds again when another member held it dead or suspect (the others may have taken them), and none once released', () => {
    const held = addressWonBy('n1', 'n2');
    const h = harness(held);
    h.speaker.setLiveMembers(NODES);
    h.feed.begin();
    h.speaker.announceHeldAgain('another member held this node dead');
    expect(h.announcedAgain).to.deep.equal([[held]]);
    expect(h.logs.some((l) => l.message === 'announcing again the addresses this node holds' && l.reason === 'another member held this node dead')).to.equal(true);
    h.speaker.release();
    h.speaker.announceHeldAgain('another member held this node suspect');
    expect(h.announcedAgain).to.have.length(1);
  });

  it("hands the responder and the status writer only a new Service's address and status, not those of the Services it already serves", () => {
    const [web, api] = addressesWonBy('n1', 2) as [string, string];
    const h = harness(web);
    h.speaker.setLiveMembers(NODES);
    h.feed.begin();
    h.feed.changed('endpointslice', slice('api', { n1: 1 }), false);
    h.feed.changed('service', svc('api', { status: [api] }) as unknown as KubernetesObject, false);
    expect(h.updates.at(-1)).to.deep.equal({ set: new Map([[api, { interfaces: ['eth1'], services: ['default/api'] }]]), removed: [] });
    expect(h.statusUpdates.at(-1)).to.deep.equal(new Map([['default/api', ['eth1']]]));
    expect(lastOwned(h)).to.have.keys(web, api);
    expect(lastStatus(h)).to.deep.equal([['default/web', ['eth1']], ['default/api', ['eth1']]]);

    h.feed.changed('service', svc('api', { status: [api] }) as unknown as KubernetesObject, true);
    expect(h.updates.at(-1)).to.deep.equal({ set: new Map(), removed: [api] });
    expect(h.statusUpdates.at(-1)).to.deep.equal(new Map([['default/api', undefined]]));
    expect(lastOwned(h)).to.have.keys(web);
  });

  it('with Local, answers only when this node has a ready endpoint', () => {
    const address = addressWonBy('n2');
    const h = harness(address, { local: true, endpoints: { n1: 1 } });
    h.speaker.setLiveMembers(NODES);
    h.feed.begin();
    expect(lastOwned(h)).to.have.keys(address);
    h.feed.changed('endpointslice', slice('web', { n2: 1 }), false);
    expect(lastOwned(h)).to.deep.equal({});
    expect(h.events.at(-1)?.event.reason).to.equal('StoppedAnnouncingOverL2');
  });

  it('stops answering at once on release and drops its ServiceL2Status', () => {
    const h = harness(addressWonBy('n1'));
    h.speaker.setLiveMembers(NODES);
    h.feed.begin();
    h.speaker.release();
    expect(lastOwned(h)).to.deep.equal({});
    expect(lastStatus(h)).to.deep.equal([]);
    h.speaker.setLiveMembers(NODES);
    expect(lastOwned(h)).to.deep.equal({});
  });

  it('moves the answer to the new interface when the interfaces change', () => {
    const address = addressWonBy('n1');
    const h = harness(address);
    h.speaker.setLiveMembers(NODES);
    h.feed.begin();
    h.speaker.setInterfaces(INTERFACES.filter((i) => i.name !== 'eth1'));
    expect(lastOwned(h)).to.deep.equal({});
    expect(h.events.at(-1)?.event.message).to.contain('no interface on node n1');
  });

  it('reports a split brain as a Warning on each Service of the address, a metric and a log line', async () => {
    const address = addressWonBy('n1');
    const h = harness(address);
    h.speaker.setLiveMembers(NODES);
    h.feed.begin();
    h.speaker.conflict({ address, interface: 'eth1', otherMac: '02:00:00:00:00:09', services: ['default/web'] });
    expect(h.events.at(-1)?.event).to.deep.equal({ type: 'Warning', reason: 'SplitBrain', message: `node n1 owns ${address} but another station (MAC 02:00:00:00:00:09) also answers for it on eth1` });
    expect(h.events.at(-1)?.target).to.include({ namespace: 'default', name: 'web' });
    expect((await h.metrics.l2Conflicts.get()).values[0]?.value).to.equal(1);
    expect(h.logs.some((l) => l.level === 'warn' && l.otherMac === '02:00:00:00:00:09' && l.service === 'default/web')).to.equal(true);
  });

  it('raises no new event for a Service this node already announced before a restart', () => {
    const h = harness(addressWonBy('n1'));
    h.speaker.setLiveMembers(NODES);
    h.speaker.heldBefore(new Set(['default/web']));
    h.feed.begin();
    expect(h.events).to.deep.equal([]);
    expect(lastStatus(h)).to.deep.equal([['default/web', ['eth1']]]);
  });
});
