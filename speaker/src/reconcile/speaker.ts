import type { KubernetesObject } from '@kubernetes/client-node';
import type { EventSpec } from '@herald/shared/api/event.js';
import { buildConfig, formatConfigError } from '@herald/shared/config/index.js';
import type { HeraldConfig, PeerConfig } from '@herald/shared/config/types.js';
import type { EventTarget } from '@herald/shared/kube/event-recorder.js';
import type { Logger } from '@herald/shared/log/logger.js';
import { type ClassifyOptions, classifyService } from '@herald/shared/service/request.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import { Announcer, type AnnouncerChanges } from '../announce/announcer.js';
import { type EndpointSliceInput, EndpointSliceIndex } from '../announce/endpoints.js';
import type { NodeInput } from '../announce/node-eligibility.js';
import { prefixText } from '../announce/prefix.js';
import type { PeerRouteChanges, RouteChanges, ServiceAnnouncement } from '../announce/types.js';
import type { SourceKind } from '../kube/sources.js';
import type { SpeakerMetrics } from '../metrics/metrics.js';
import { announcementEvent } from './events.js';

/** Where decisions go: the BGP sessions. */
export interface BgpRouting {
  /** The sessions this node should have open; others close. */
  setPeers(peers: readonly PeerConfig[]): void;
  /** Per peer, the routes to send and withdraw. */
  applyRoutes(changes: RouteChanges): void;
}

/** What the reconciler reads: the informers' caches. */
export interface SpeakerInputs {
  configResources(): Parameters<typeof buildConfig>[0];
  services(): readonly KubernetesObject[];
  endpointSlices(): readonly KubernetesObject[];
  nodes(): readonly KubernetesObject[];
}

export interface SpeakerOptions {
  nodeName: string;
  namespace: string;
  classify: ClassifyOptions;
  inputs: SpeakerInputs;
  routing: BgpRouting;
  log: Logger;
  metrics: SpeakerMetrics;
  /** ServiceBGPStatus objects this node should hold: Service -> peers. */
  writeStatus: (desired: ReadonlyMap<ServiceKey, readonly string[]>) => void;
  recordEvent: (target: EventTarget, event: EventSpec) => void;
}

function keyOf(obj: { metadata?: { namespace?: string; name?: string } }): ServiceKey {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

/**
 * The speaker's shell around the Announcer: watch events in, route changes out to the sessions,
 * ServiceBGPStatus and events out to the API. Configuration is rebuilt and validated on every
 * change of a Herald object; an invalid one is reported and the last good one stays in force.
 * Nothing is withdrawn because the API server went away: the caches keep what they last saw.
 */
export class Speaker {
  private announcer: Announcer | undefined;
  private readonly endpointIndex = new EndpointSliceIndex();
  private readonly serviceObjects = new Map<ServiceKey, ServiceInput>();
  private readonly announced = new Map<ServiceKey, ServiceAnnouncement>();
  private configFingerprint = '';
  private configTimer: NodeJS.Immediate | undefined;
  private ready = false;

  constructor(private readonly o: SpeakerOptions) {}

  /** After the caches synced: the first full decision. `alreadyAnnouncing` lists Services whose status this node held before. */
  begin(alreadyAnnouncing: ReadonlySet<ServiceKey> = new Set()): void {
    const config = this.buildConfig();
    for (const slice of this.o.inputs.endpointSlices()) this.endpointIndex.upsert(slice as EndpointSliceInput);
    for (const s of this.o.inputs.services()) this.serviceObjects.set(keyOf(s), s as ServiceInput);
    this.ready = true;
    if (config === undefined) return;
    this.startAnnouncer(config, alreadyAnnouncing);
  }

  /** A watch event. Configuration changes are gathered until the current burst of events ends. */
  changed(kind: SourceKind, obj: KubernetesObject, deleted: boolean): void {
    if (!this.ready) return;
    switch (kind) {
      case 'config':
        if (this.configTimer === undefined) this.configTimer = setImmediate(() => this.configChanged());
        return;
      case 'service':
        this.serviceChanged(obj as ServiceInput, deleted);
        return;
      case 'endpointslice':
        this.endpointSliceChanged(obj as EndpointSliceInput, deleted);
        return;
      case 'node':
        this.nodeChanged(obj as NodeInput, deleted);
        return;
    }
  }

  stop(): void {
    if (this.configTimer !== undefined) clearImmediate(this.configTimer);
    this.ready = false;
  }

  private startAnnouncer(config: HeraldConfig, alreadyAnnouncing: ReadonlySet<ServiceKey>): void {
    const nodes = new Map<string, NodeInput>();
    for (const n of this.o.inputs.nodes()) nodes.set(n.metadata?.name ?? '', n as NodeInput);
    const announcer = new Announcer(config, this.o.nodeName, nodes);
    this.announcer = announcer;
    for (const [key, service] of this.serviceObjects) {
      if (!this.handled(service)) continue;
      announcer.updateEndpoints(key, this.endpointIndex.endpoints(key));
      announcer.updateService(service);
    }
    const decision = announcer.decision();
    this.o.routing.setPeers(decision.peers);
    const routes = new Map<string, PeerRouteChanges>();
    let count = 0;
    for (const [peer, table] of decision.routes) {
      routes.set(peer, { added: [...table.values()], changed: [], withdrawn: [] });
      count += table.size;
    }
    this.o.routing.applyRoutes(routes);
    this.o.log.info('announcing what the cluster asks for', { node: this.o.nodeName, peers: decision.peers.map((p) => p.name), routes: count, services: decision.services.size });
    for (const [key, a] of decision.services) {
      if (a.announced && alreadyAnnouncing.has(key)) this.announced.set(key, a);
      else this.serviceOutcome(key, a);
    }
    this.publishStatus();
  }

  private handled(service: ServiceInput): boolean {
    return classifyService(service, this.o.classify).handled;
  }

  private buildConfig(): HeraldConfig | undefined {
    const resources = this.o.inputs.configResources();
    const result = buildConfig(resources, { namespace: this.o.namespace });
    if (!result.ok) {
      this.o.metrics.configStale.set(this.announcer === undefined ? 0 : 1);
      this.o.metrics.configErrors.set(result.errors.length);
      this.o.log.error(
        this.announcer === undefined ? 'the configuration is invalid; nothing is announced until it is fixed' : 'the configuration is invalid; the last valid one stays in force',
        { node: this.o.nodeName, errors: result.errors.map(formatConfigError) },
      );
      return undefined;
    }
    this.o.metrics.configStale.set(0);
    this.o.metrics.configErrors.set(0);
    return result.config;
  }

  private configChanged(): void {
    this.configTimer = undefined;
    const fingerprint = JSON.stringify(this.o.inputs.configResources(), (k, v: unknown) => (k === 'resourceVersion' || k === 'status' || k === 'managedFields' ? undefined : v));
    if (fingerprint === this.configFingerprint) return;
    this.configFingerprint = fingerprint;
    const config = this.buildConfig();
    if (config === undefined) return;
    this.o.log.info('configuration changed', { node: this.o.nodeName, pools: config.pools.length, peers: config.peers.length, bgpAdvertisements: config.bgpAdvertisements.length });
    if (this.announcer === undefined) this.startAnnouncer(config, new Set());
    else this.apply(this.announcer.setConfig(config));
  }

  private serviceChanged(service: ServiceInput, deleted: boolean): void {
    const key = keyOf(service);
    if (deleted) this.serviceObjects.delete(key);
    else this.serviceObjects.set(key, service);
    if (this.announcer === undefined) return;
    if (deleted || !this.handled(service)) this.apply(this.announcer.removeService(key));
    else this.apply(this.announcer.updateService(service));
  }

  private endpointSliceChanged(slice: EndpointSliceInput, deleted: boolean): void {
    const keys = deleted ? this.endpointIndex.remove(slice.metadata?.namespace ?? '', slice.metadata?.name ?? '') : this.endpointIndex.upsert(slice);
    const announcer = this.announcer;
    if (announcer === undefined) return;
    for (const key of keys) this.apply(announcer.updateEndpoints(key, this.endpointIndex.endpoints(key)));
  }

  private nodeChanged(node: NodeInput, deleted: boolean): void {
    if (this.announcer === undefined) return;
    const name = node.metadata?.name ?? '';
    this.apply(deleted ? this.announcer.removeNode(name) : this.announcer.updateNode(node));
  }

  private apply(changes: AnnouncerChanges): void {
    if (changes.peers !== undefined) this.o.routing.setPeers(changes.peers);
    if (changes.routes.size > 0) {
      this.o.routing.applyRoutes(changes.routes);
      for (const [peer, c] of changes.routes) {
        for (const r of [...c.added, ...c.changed]) this.o.log.info('announcing', { peer, prefix: prefixText(r.prefix), service: r.services.join(',') });
        for (const r of c.withdrawn) this.o.log.info('withdrawing', { peer, prefix: prefixText(r.prefix), service: r.services.join(',') });
      }
    }
    if (changes.services.size === 0) return;
    for (const [key, a] of changes.services) this.serviceOutcome(key, a);
    this.publishStatus();
  }

  /** Records a Service's new announcement: an event when this node starts or stops announcing it. */
  private serviceOutcome(key: ServiceKey, a: ServiceAnnouncement | undefined): void {
    const before = this.announced.get(key);
    if (a?.announced === true) this.announced.set(key, a);
    else this.announced.delete(key);
    const event = announcementEvent(this.o.nodeName, before, a);
    if (event === undefined) return;
    const service = this.serviceObjects.get(key);
    const [namespace = '', name = ''] = key.split('/');
    this.o.log.info(event.message, { service: key, node: this.o.nodeName, reason: event.reason });
    this.o.recordEvent({ apiVersion: 'v1', kind: 'Service', namespace, name, uid: service?.metadata?.uid }, event);
  }

  private publishStatus(): void {
    const desired = new Map<ServiceKey, readonly string[]>();
    for (const [key, a] of this.announced) desired.set(key, a.peers);
    this.o.writeStatus(desired);
  }
}
