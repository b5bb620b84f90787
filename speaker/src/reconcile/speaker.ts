import type { EventSpec } from '@herald/shared/api/event.js';
import type { HeraldConfig, PeerConfig } from '@herald/shared/config/types.js';
import type { EventTarget } from '@herald/shared/kube/event-recorder.js';
import type { Logger } from '@herald/shared/log/logger.js';
import type { ServiceKey } from '@herald/shared/service/types.js';
import { Announcer, type AnnouncerChanges } from '../announce/announcer.js';
import { prefixText } from '../announce/prefix.js';
import type { PeerRouteChanges, RouteChanges, ServiceAnnouncement } from '../announce/types.js';
import { announcementEvent } from './events.js';
import { AnnouncerTarget } from './announcer-target.js';
import type { WatchWorld } from './watch-feed.js';

/** Where decisions go: the BGP sessions. */
export interface BgpRouting {
  /** The sessions this node should have open; others close. */
  setPeers(peers: readonly PeerConfig[]): void;
  /** Per peer, the routes to send and withdraw. */
  applyRoutes(changes: RouteChanges): void;
}

export interface SpeakerOptions {
  nodeName: string;
  routing: BgpRouting;
  log: Logger;
  /** ServiceBGPStatus objects this node should hold: Service -> peers. */
  writeStatus: (desired: ReadonlyMap<ServiceKey, readonly string[]>) => void;
  recordEvent: (target: EventTarget, event: EventSpec) => void;
}

/**
 * BGP mode's shell around the Announcer, fed by the WatchFeed: route changes out to the sessions,
 * ServiceBGPStatus and events out to the API. Nothing is withdrawn because the API server went
 * away: the caches keep what they last saw.
 */
export class Speaker extends AnnouncerTarget<AnnouncerChanges> {
  private readonly announced = new Map<ServiceKey, ServiceAnnouncement>();
  private alreadyAnnouncing: ReadonlySet<ServiceKey> = new Set();

  constructor(private readonly o: SpeakerOptions) {
    super(o.recordEvent);
  }

  /** Before the feed begins: Services whose ServiceBGPStatus this node held before a restart (no new event for them). */
  heldBefore(keys: ReadonlySet<ServiceKey>): void {
    this.alreadyAnnouncing = keys;
  }

  start(config: HeraldConfig, world: WatchWorld): void {
    const announcer = new Announcer(config, this.o.nodeName, world.nodes);
    this.feed(announcer, world);
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
      if (a.announced && this.alreadyAnnouncing.has(key)) this.announced.set(key, a);
      else this.serviceOutcome(key, a);
    }
    this.alreadyAnnouncing = new Set();
    this.publishStatus();
  }

  protected apply(changes: AnnouncerChanges): void {
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
    this.o.log.info(event.message, { service: key, node: this.o.nodeName, reason: event.reason });
    this.recordOnService(key, event);
  }

  private publishStatus(): void {
    const desired = new Map<ServiceKey, readonly string[]>();
    for (const [key, a] of this.announced) desired.set(key, a.peers);
    this.o.writeStatus(desired);
  }
}
