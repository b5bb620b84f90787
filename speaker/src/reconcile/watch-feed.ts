import type { KubernetesObject } from '@kubernetes/client-node';
import { buildConfig, formatConfigError } from '@herald/shared/config/index.js';
import type { HeraldConfig } from '@herald/shared/config/types.js';
import type { Logger } from '@herald/shared/log/logger.js';
import { type ClassifyOptions, classifyService } from '@herald/shared/service/request.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import { type EndpointSliceInput, EndpointSliceIndex, type ServiceEndpoints } from '../announce/endpoints.js';
import type { NodeInput } from '../announce/node-eligibility.js';
import type { SourceKind } from '../kube/sources.js';
import type { SpeakerMetrics } from '../metrics/metrics.js';

/** What the reconcilers read: the informers' caches. */
export interface SpeakerInputs {
  configResources(): Parameters<typeof buildConfig>[0];
  services(): readonly KubernetesObject[];
  endpointSlices(): readonly KubernetesObject[];
  nodes(): readonly KubernetesObject[];
}

/** Everything a reconciler starts from once the first valid configuration is there. */
export interface WatchWorld {
  /** Every Node, by name. */
  nodes: ReadonlyMap<string, NodeInput>;
  /** The Services Herald handles (classifyService), with their ready endpoints (undefined: none). */
  services: ReadonlyArray<{ service: ServiceInput; endpoints: ServiceEndpoints | undefined }>;
}

/**
 * A reconciler fed by the WatchFeed: `start` once with the first valid configuration, then one
 * call per change. Services Herald does not handle arrive as `removeService`.
 */
export interface WatchTarget {
  start(config: HeraldConfig, world: WatchWorld): void;
  setConfig(config: HeraldConfig): void;
  updateService(service: ServiceInput): void;
  removeService(key: ServiceKey): void;
  updateEndpoints(key: ServiceKey, endpoints: ServiceEndpoints | undefined): void;
  updateNode(node: NodeInput): void;
  removeNode(name: string): void;
}

export interface WatchFeedOptions {
  nodeName: string;
  namespace: string;
  classify: ClassifyOptions;
  inputs: SpeakerInputs;
  log: Logger;
  metrics: SpeakerMetrics;
  /** The reconcilers (BGP, layer 2), each given every change in this order. */
  targets: readonly WatchTarget[];
}

export function keyOf(obj: { metadata?: { namespace?: string; name?: string } }): ServiceKey {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

/**
 * One dispatcher for the speaker's watch events, shared by its reconcilers: it keeps the
 * EndpointSlice index (Services are read from the informer's cache), classifies Services, and rebuilds and validates the configuration
 * on every change of a Herald object or Secret (gathered until the current burst of events ends).
 * An invalid configuration is reported once for all reconcilers and the last good one stays.
 */
export class WatchFeed {
  private readonly endpointIndex = new EndpointSliceIndex();
  private configFingerprint = '';
  private configTimer: NodeJS.Immediate | undefined;
  private ready = false;
  private started = false;

  constructor(private readonly o: WatchFeedOptions) {}

  /** After the caches synced: every reconciler starts, if the configuration is valid. */
  begin(): void {
    const config = this.buildConfig();
    for (const slice of this.o.inputs.endpointSlices()) this.endpointIndex.upsert(slice as EndpointSliceInput);
    this.ready = true;
    if (config !== undefined) this.startTargets(config);
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

  private startTargets(config: HeraldConfig): void {
    this.started = true;
    const nodes = new Map<string, NodeInput>();
    for (const n of this.o.inputs.nodes()) nodes.set(n.metadata?.name ?? '', n as NodeInput);
    const services: WatchWorld['services'][number][] = [];
    for (const obj of this.o.inputs.services()) {
      const service = obj as ServiceInput;
      if (this.handled(service)) services.push({ service, endpoints: this.endpointIndex.endpoints(keyOf(service)) });
    }
    for (const t of this.o.targets) t.start(config, { nodes, services });
  }

  private handled(service: ServiceInput): boolean {
    return classifyService(service, this.o.classify).handled;
  }

  private buildConfig(): HeraldConfig | undefined {
    const result = buildConfig(this.o.inputs.configResources(), { namespace: this.o.namespace });
    if (!result.ok) {
      this.o.metrics.configStale.set(this.started ? 1 : 0);
      this.o.metrics.configErrors.set(result.errors.length);
      this.o.log.error(
        this.started ? 'the configuration is invalid; the last valid one stays in force' : 'the configuration is invalid; nothing is announced until it is fixed',
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
    this.o.log.info('configuration changed', {
      node: this.o.nodeName,
      pools: config.pools.length,
      peers: config.peers.length,
      bgpAdvertisements: config.bgpAdvertisements.length,
      l2Advertisements: config.l2Advertisements.length,
    });
    if (!this.started) this.startTargets(config);
    else for (const t of this.o.targets) t.setConfig(config);
  }

  private serviceChanged(service: ServiceInput, deleted: boolean): void {
    if (!this.started) return;
    const key = keyOf(service);
    const gone = deleted || !this.handled(service);
    for (const t of this.o.targets) {
      if (gone) t.removeService(key);
      else t.updateService(service);
    }
  }

  private endpointSliceChanged(slice: EndpointSliceInput, deleted: boolean): void {
    const keys = deleted ? this.endpointIndex.remove(slice.metadata?.namespace ?? '', slice.metadata?.name ?? '') : this.endpointIndex.upsert(slice);
    if (!this.started) return;
    for (const key of keys) {
      const endpoints = this.endpointIndex.endpoints(key);
      for (const t of this.o.targets) t.updateEndpoints(key, endpoints);
    }
  }

  private nodeChanged(node: NodeInput, deleted: boolean): void {
    if (!this.started) return;
    const name = node.metadata?.name ?? '';
    for (const t of this.o.targets) {
      if (deleted) t.removeNode(name);
      else t.updateNode(node);
    }
  }
}
