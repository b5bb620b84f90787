import type { EventSpec } from '@herald/shared/api/event.js';
import type { HeraldConfig } from '@herald/shared/config/types.js';
import type { EventTarget } from '@herald/shared/kube/event-recorder.js';
import type { Logger } from '@herald/shared/log/logger.js';
import type { ServiceKey } from '@herald/shared/service/types.js';
import { L2Announcer } from '../announce/l2-announcer.js';
import type { NodeInterface } from '../announce/l2-interfaces.js';
import type { L2Announcement, L2Changes, OwnedAddress } from '../announce/l2-types.js';
import type { OwnedChange, OwnedAddress as ResponderOwned } from '../l2/owned.js';
import type { SpeakerMetrics } from '../metrics/metrics.js';
import { type ConflictReport, l2AnnouncementEvent, splitBrainEvent } from './l2-events.js';
import { AnnouncerTarget } from './announcer-target.js';
import type { WatchWorld } from './watch-feed.js';

/** Where layer-2 decisions go: the responder that answers ARP / NDP (L2Responder). */
export interface L2Answering {
  /** Only the addresses that changed: a change costs what it touches, not every address owned. */
  updateOwned(change: OwnedChange): void;
  announceAgain(addresses: Iterable<string>): void;
}

export interface L2SpeakerOptions {
  nodeName: string;
  responder: L2Answering;
  log: Logger;
  metrics: SpeakerMetrics;
  /**
   * The ServiceL2Status objects this node should hold, where they may have changed: Service ->
   * interface names, undefined for one it should not hold. Services left out are as before.
   */
  updateStatus: (changed: ReadonlyMap<ServiceKey, readonly string[] | undefined>) => void;
  recordEvent: (target: EventTarget, event: EventSpec) => void;
}

/**
 * Layer-2 mode's shell around the L2Announcer, fed by the WatchFeed like the BGP Speaker, plus the
 * membership's live set and this node's interfaces: owned addresses out to the responder,
 * ServiceL2Status and events out to the API, split-brain reports back in as Warning events.
 */
export class L2Speaker extends AnnouncerTarget<L2Changes> {
  private l2: L2Announcer | undefined;
  private readonly announced = new Map<ServiceKey, L2Announcement>();
  private readonly owned = new Map<string, OwnedAddress>();
  private alreadyAnnouncing: ReadonlySet<ServiceKey> = new Set();
  private live: readonly string[] = [];
  private interfaces: readonly NodeInterface[] = [];
  private released = false;

  constructor(private readonly o: L2SpeakerOptions) {
    super(o.recordEvent);
  }

  /** Before the feed begins: Services whose ServiceL2Status this node held before a restart (no new event for them). */
  heldBefore(keys: ReadonlySet<ServiceKey>): void {
    this.alreadyAnnouncing = keys;
  }

  start(config: HeraldConfig, world: WatchWorld): void {
    const announcer = new L2Announcer(config, this.o.nodeName, { nodes: world.nodes, liveMembers: this.live, interfaces: this.interfaces });
    this.l2 = announcer;
    this.feed(announcer, world);
    const decision = announcer.decision();
    this.o.log.info('layer-2 mode deciding what the cluster asks for', { node: this.o.nodeName, owned: decision.owned.size, services: decision.services.size, liveMembers: this.live.length });
    this.applyOwned({ started: [...decision.owned.values()], changed: [], stopped: [] });
    for (const [key, a] of decision.services) {
      if (a.announced && this.alreadyAnnouncing.has(key)) this.announced.set(key, a);
      else this.serviceOutcome(key, a);
    }
    this.alreadyAnnouncing = new Set();
    this.publishStatus(decision.services.keys());
  }

  /**
   * The membership's live set changed (member-up, member-down). A member that comes back may have
   * been cut off from this node rather than dead: alone, it answered for this node's addresses
   * and announced them, and the segment's caches still point at it. So the addresses this node
   * keeps are announced again whenever a member joins.
   */
  setLiveMembers(names: readonly string[]): void {
    if (this.released) names = names.filter((n) => n !== this.o.nodeName);
    const joined = names.filter((n) => !this.live.includes(n));
    this.live = names;
    if (this.l2 === undefined) return;
    const changes = this.l2.setLiveMembers(names);
    this.apply(changes);
    if (joined.length === 0 || this.released) return;
    // What this node owns now but did not just take over: read only when a member joined.
    const taken = new Set(changes.started.map((a) => a.address));
    const kept = [...this.owned.keys()].filter((a) => !taken.has(a));
    if (kept.length === 0) return;
    this.o.log.info('announcing again the addresses this node kept, as a member joined', { node: this.o.nodeName, member: joined.join(','), addresses: kept.length });
    this.o.responder.announceAgain(kept);
  }

  /** This node's interfaces, at start and after each rescan that found a difference. */
  setInterfaces(interfaces: readonly NodeInterface[]): void {
    this.interfaces = interfaces;
    if (this.l2) this.apply(this.l2.setInterfaces(interfaces));
  }

  /**
   * Other members may have taken this node's addresses while they doubted it (it refuted a
   * suspicion or a death it never noticed itself): tell the segment again who answers for them.
   */
  announceHeldAgain(why: string): void {
    if (this.released || this.owned.size === 0) return;
    this.o.log.info('announcing again the addresses this node holds', { node: this.o.nodeName, reason: why, addresses: this.owned.size });
    this.o.responder.announceAgain(this.owned.keys());
  }

  /**
   * Shutdown: this node stops answering at once and drops out of its own election, so its status
   * objects go and its Services say why; the membership's leave tells the others.
   */
  release(): void {
    const answered = this.released ? [] : [...this.owned.keys()];
    this.released = true;
    this.setLiveMembers(this.live);
    this.o.responder.updateOwned({ removed: answered });
  }

  /** The responder found another station answering for an address this node owns. */
  conflict(report: ConflictReport & { services: readonly string[] }): void {
    this.o.metrics.l2Conflicts.inc();
    const event = splitBrainEvent(this.o.nodeName, report);
    this.o.log.warn(event.message, { node: this.o.nodeName, address: report.address, interface: report.interface, otherMac: report.otherMac, service: report.services.join(',') });
    for (const key of report.services) this.recordOnService(key, event);
  }

  protected apply(changes: L2Changes): void {
    if (changes.started.length + changes.changed.length + changes.stopped.length > 0) this.applyOwned(changes);
    if (changes.services.size === 0) return;
    for (const [key, a] of changes.services) this.serviceOutcome(key, a);
    this.publishStatus(changes.services.keys());
  }

  /** Hands the responder only the addresses that changed: the whole owned set on every change made a burst of changes cost the square of their number. */
  private applyOwned(changes: Pick<L2Changes, 'started' | 'changed' | 'stopped'>): void {
    const removed: string[] = [];
    for (const a of changes.stopped) {
      this.owned.delete(a.address);
      removed.push(a.address);
      this.o.log.info('stopped answering for', { node: this.o.nodeName, address: a.address, service: a.services.join(',') });
    }
    const set = new Map<string, ResponderOwned>();
    for (const a of [...changes.started, ...changes.changed]) {
      this.owned.set(a.address, a);
      const interfaces = a.interfaces.map((i) => i.name);
      set.set(a.address, { interfaces, services: a.services });
      this.o.log.info('answering for', { node: this.o.nodeName, address: a.address, interfaces: interfaces.join(','), service: a.services.join(',') });
    }
    this.o.metrics.l2OwnedAddresses.set(this.owned.size);
    if (this.released) return;
    this.o.responder.updateOwned({ set, removed });
  }

  private serviceOutcome(key: ServiceKey, a: L2Announcement | undefined): void {
    const before = this.announced.get(key);
    if (a?.announced === true) this.announced.set(key, a);
    else this.announced.delete(key);
    const event = l2AnnouncementEvent(this.o.nodeName, before, a);
    if (event === undefined) return;
    this.o.log.info(event.message, { service: key, node: this.o.nodeName, reason: event.reason });
    this.recordOnService(key, event);
  }

  /** The ServiceL2Status of these Services only: copying every Service's on each change made a burst of changes cost the square of their number. */
  private publishStatus(keys: Iterable<ServiceKey>): void {
    const changed = new Map<ServiceKey, readonly string[] | undefined>();
    for (const key of keys) changed.set(key, this.announced.get(key)?.interfaces);
    this.o.updateStatus(changed);
  }
}
