import type { EventSpec } from '@herald/shared/api/event.js';
import type { HeraldConfig } from '@herald/shared/config/types.js';
import type { EventTarget } from '@herald/shared/kube/event-recorder.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import type { ServiceEndpoints } from '../announce/endpoints.js';
import type { NodeInput } from '../announce/node-eligibility.js';
import { keyOf, type WatchTarget, type WatchWorld } from './watch-feed.js';

/** What the BGP Announcer and the L2Announcer share: one call per watch event, each returning what changed. */
export interface IncrementalAnnouncer<C> {
  setConfig(config: HeraldConfig): C;
  updateService(service: ServiceInput): C;
  removeService(key: ServiceKey): C;
  updateEndpoints(key: ServiceKey, endpoints: ServiceEndpoints | undefined): C;
  updateNode(node: NodeInput): C;
  removeNode(name: string): C;
}

/**
 * The part of a reconciler that is the same in both modes: watch events become announcer calls
 * whose changes go to `apply`, and the Services are kept so that events can name their uid.
 */
export abstract class AnnouncerTarget<C> implements WatchTarget {
  protected announcer: IncrementalAnnouncer<C> | undefined;
  protected readonly serviceObjects = new Map<ServiceKey, ServiceInput>();

  constructor(private readonly record: (target: EventTarget, event: EventSpec) => void) {}

  abstract start(config: HeraldConfig, world: WatchWorld): void;
  protected abstract apply(changes: C): void;

  setConfig(config: HeraldConfig): void {
    if (this.announcer) this.apply(this.announcer.setConfig(config));
  }

  updateService(service: ServiceInput): void {
    this.serviceObjects.set(keyOf(service), service);
    if (this.announcer) this.apply(this.announcer.updateService(service));
  }

  removeService(key: ServiceKey): void {
    this.serviceObjects.delete(key);
    if (this.announcer) this.apply(this.announcer.removeService(key));
  }

  updateEndpoints(key: ServiceKey, endpoints: ServiceEndpoints | undefined): void {
    if (this.announcer) this.apply(this.announcer.updateEndpoints(key, endpoints));
  }

  updateNode(node: NodeInput): void {
    if (this.announcer) this.apply(this.announcer.updateNode(node));
  }

  removeNode(name: string): void {
    if (this.announcer) this.apply(this.announcer.removeNode(name));
  }

  /** A new announcer gets every Service of the world with its endpoints; its changes are read from its decision afterwards. */
  protected feed(announcer: IncrementalAnnouncer<C>, world: WatchWorld): void {
    this.announcer = announcer;
    for (const { service, endpoints } of world.services) {
      const key = keyOf(service);
      this.serviceObjects.set(key, service);
      announcer.updateEndpoints(key, endpoints);
      announcer.updateService(service);
    }
  }

  protected recordOnService(key: ServiceKey, event: EventSpec): void {
    const [namespace = '', name = ''] = key.split('/');
    this.record({ apiVersion: 'v1', kind: 'Service', namespace, name, uid: this.serviceObjects.get(key)?.metadata?.uid }, event);
  }
}
