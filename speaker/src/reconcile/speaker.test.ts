import { expect } from 'chai';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EventSpec } from '@herald/shared/api/event.js';
import type { PeerConfig } from '@herald/shared/config/types.js';
import { bgpAd, community, peer, pool } from '@herald/shared/config/test-fixtures.js';
import type { EventTarget } from '@herald/shared/kube/event-recorder.js';
import { svc, withStatus } from '@herald/shared/service/test-fixtures.js';
import type { ServiceKey } from '@herald/shared/service/types.js';
import { node } from '../announce/test-fixtures.js';
import type { RouteChanges } from '../announce/types.js';
import { SpeakerMetrics } from '../metrics/metrics.js';
import { collectingLogger, slice } from './test-fixtures.js';
import { Speaker } from './speaker.js';
import { type SpeakerInputs, WatchFeed } from './watch-feed.js';


/** A Speaker fed from plain objects, recording what it asks of the sessions, the API and the log. */
function harness(config: Record<string, unknown[]> = {}) {
  const state = {
    config: { ipAddressPools: [pool('default', { addresses: ['198.51.100.0/24'] })], bgpPeers: [peer('router')], bgpAdvertisements: [bgpAd('ad')], ...config } as Record<string, unknown[]>,
    services: [withStatus(svc('web'), ['198.51.100.1'])] as unknown as KubernetesObject[],
    slices: [slice('web', { n1: 1, n2: 1 })],
    nodes: [node('n1'), node('n2')] as KubernetesObject[],
  };
  const inputs: SpeakerInputs = {
    configResources: () => state.config,
    services: () => state.services,
    endpointSlices: () => state.slices,
    nodes: () => state.nodes,
  };
  const peers: string[][] = [];
  const routes: RouteChanges[] = [];
  const status: Array<ReadonlyMap<ServiceKey, readonly string[]>> = [];
  const events: Array<{ target: EventTarget; event: EventSpec }> = [];
  const { log, logs } = collectingLogger();
  const metrics = new SpeakerMetrics({ processMetrics: false });
  const bgp = new Speaker({
    nodeName: 'n1',
    routing: { setPeers: (p: readonly PeerConfig[]) => peers.push(p.map((x) => x.name)), applyRoutes: (c) => routes.push(c) },
    log,
    writeStatus: (d) => status.push(d),
    recordEvent: (target, event) => events.push({ target, event }),
  });
  const feed = new WatchFeed({ nodeName: 'n1', namespace: 'herald-system', classify: {}, inputs, log, metrics, targets: [bgp] });
  // As run.ts drives them: what this node held before a restart, then the feed's first decision.
  const speaker = {
    begin(held?: ReadonlySet<ServiceKey>): void {
      if (held) bgp.heldBefore(held);
      feed.begin();
    },
    changed: feed.changed.bind(feed),
  };
  return { state, speaker, peers, routes, status, events, logs, metrics };
}

function announced(changes: RouteChanges | undefined, peerName: string): string[] {
  return (changes?.get(peerName)?.added ?? []).map((r) => r.services.join(','));
}

const flushImmediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('speaker reconciler', () => {
  it('opens the peers for this node and announces every Service with a ready endpoint at start', () => {
    const h = harness();
    h.speaker.begin();
    expect(h.peers).to.deep.equal([['router']]);
    expect(announced(h.routes[0], 'router')).to.deep.equal(['default/web']);
    expect([...(h.status.at(-1) ?? new Map())]).to.deep.equal([['default/web', ['router']]]);
    expect(h.events.map((e) => e.event.reason)).to.deep.equal(['AnnouncedOverBGP']);
    expect(h.events[0]?.target).to.include({ kind: 'Service', namespace: 'default', name: 'web' });
  });

  it('raises no new event for a Service this node already announced before a restart', () => {
    const h = harness();
    h.speaker.begin(new Set(['default/web']));
    expect(h.events).to.deep.equal([]);
    expect([...(h.status.at(-1) ?? new Map()).keys()]).to.deep.equal(['default/web']);
  });

  it('withdraws a Local Service when this node loses its last ready endpoint, and says why', () => {
    const h = harness();
    h.state.services = [withStatus(svc('web', { local: true }), ['198.51.100.1'])] as unknown as KubernetesObject[];
    h.speaker.begin();
    const moved = slice('web', { n2: 2 });
    h.speaker.changed('endpointslice', moved, false);
    const last = h.routes.at(-1)?.get('router');
    expect(last?.withdrawn.map((r) => r.services.join(','))).to.deep.equal(['default/web']);
    expect(h.events.at(-1)?.event).to.deep.include({ reason: 'StoppedAnnouncingOverBGP' });
    expect(h.events.at(-1)?.event.message).to.contain('node n1 has no ready endpoint of default/web');
    expect([...(h.status.at(-1) ?? new Map())]).to.deep.equal([]);
    expect(h.logs.some((l) => l.message === 'withdrawing' && l.peer === 'router' && l.prefix === '198.51.100.1/32' && l.service === 'default/web')).to.equal(true);
  });

  it('withdraws a deleted Service', () => {
    const h = harness();
    h.speaker.begin();
    const web = h.state.services[0] as KubernetesObject;
    h.state.services = [];
    h.speaker.changed('service', web, true);
    expect(h.routes.at(-1)?.get('router')?.withdrawn).to.have.length(1);
  });

  it('keeps the last valid configuration when a change makes it invalid, and reports it', async () => {
    const h = harness();
    h.speaker.begin();
    const before = h.routes.length;
    h.state.config = { ...h.state.config, bgpAdvertisements: [bgpAd('ad', { communities: ['not-a-community-alias'] })] };
    h.speaker.changed('config', h.state.config.bgpAdvertisements?.[0] as KubernetesObject, false);
    await flushImmediate();
    expect(h.routes.length).to.equal(before);
    expect(h.logs.some((l) => l.level === 'error' && String(l.message).includes('the last valid one stays in force'))).to.equal(true);
    const stale = await h.metrics.configStale.get();
    expect(stale.values[0]?.value).to.equal(1);
  });

  it('applies a valid configuration change as a difference: new communities re-announce the route', async () => {
    const h = harness();
    h.speaker.begin();
    h.state.config = { ...h.state.config, communities: [community('aliases', [{ name: 'edge', value: '64500:7' }])], bgpAdvertisements: [bgpAd('ad', { communities: ['edge'] })] };
    h.speaker.changed('config', h.state.config.bgpAdvertisements?.[0] as KubernetesObject, false);
    await flushImmediate();
    const changed = h.routes.at(-1)?.get('router')?.changed ?? [];
    expect(changed.map((r) => r.communities)).to.deep.equal([[64500 * 65536 + 7]]);
  });

  it('announces nothing while the first configuration is invalid, then everything once it is fixed', async () => {
    const h = harness({ bgpAdvertisements: [bgpAd('ad', { communities: ['missing-alias'] })] });
    h.speaker.begin();
    expect(h.routes).to.deep.equal([]);
    h.state.config = { ...h.state.config, bgpAdvertisements: [bgpAd('ad')] };
    h.speaker.changed('config', h.state.config.bgpAdvertisements?.[0] as KubernetesObject, false);
    await flushImmediate();
    expect(announced(h.routes.at(-1), 'router')).to.deep.equal(['default/web']);
  });

  it('stops announcing when this node is tainted out of service', () => {
    const h = harness();
    h.speaker.begin();
    h.speaker.changed('node', node('n1', { taints: [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }] }) as KubernetesObject, false);
    expect(h.routes.at(-1)?.get('router')?.withdrawn).to.have.length(1);
  });
});
