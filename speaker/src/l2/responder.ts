// The layer-2 responder of one node: the shell around the pure frame decisions. It keeps one packet
// socket per interface in use, answers ARP and Neighbor Solicitations for the addresses the node
// owns there, announces takeovers on a schedule, and checks now and then that no other station
// answers for them too.

import { readLink } from '../native/link.js';
import { type PacketSocket, type PacketSocketOptions, openPacketSocket } from '../native/packet.js';
import { ALL_NODES_IPV6, ipv6MulticastMac, solicitedNodeAddress, solicitedNodeMac } from './address.js';
import { DEFAULT_ANNOUNCE_SCHEDULE_MS, checkAnnounceSchedule, nextAnnouncementDelay } from './announce-schedule.js';
import { type Announcement, announcementFrames, answerFor } from './answer.js';
import { type L2Counters, emptyCounters, receivedKind } from './counters.js';
import { decodeFrame } from './frame.js';
import { type KernelGroups, openKernelGroups } from './kernel-groups.js';
import type { Mac } from './mac.js';
import { type OwnedAddress, type OwnedChange, type OwnedPair, type OwnedPlan, OwnedTable, pairKey } from './owned.js';
import {
  type ClaimSeen,
  type ProbeKind,
  type SplitBrainOptions,
  checkSplitBrainOptions,
  claimIn,
  nextCheckDelay,
  probeFrame,
  reportDue,
  withinAnswerWindow,
} from './split-brain.js';

/** Another station answered a split-brain check for an address this node owns. */
export interface Conflict {
  readonly address: string;
  readonly interface: string;
  readonly otherMac: Mac;
  /** The Services the address belongs to, as setOwned named them. */
  readonly services: readonly string[];
}

/** Time and randomness, replaceable in tests. */
export interface ResponderClock {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** In [0, 1). */
  random(): number;
}

export interface L2ResponderOptions {
  /** Called once per address at most every `splitBrain.reportEveryMs` while a conflict lasts. */
  onConflict: (conflict: Conflict) => void;
  /** Sockets that fail to open, receive errors (ENETDOWN), sends and joins that fail; never thrown. */
  onError: (error: Error) => void;
  /** Offsets in ms from a takeover; default DEFAULT_ANNOUNCE_SCHEDULE_MS (0, 250, 500, 1000, 2000). */
  announceScheduleMs?: readonly number[];
  splitBrain?: Partial<SplitBrainOptions>;
  /** How soon to try again an interface whose socket did not open; default 5000 ms. */
  retryMs?: number;
  openSocket?: (options: PacketSocketOptions) => PacketSocket;
  /** The MAC answers and announcements on an interface carry; default: sysfs. */
  interfaceMac?: (name: string) => Mac;
  kernelGroups?: (name: string, onError: (error: Error) => void) => KernelGroups;
  clock?: ResponderClock;
}

const REAL_CLOCK: ResponderClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  random: Math.random,
};

function sysfsMac(name: string): Mac {
  const mac = readLink(name).mac;
  if (mac === undefined) throw new Error(`interface ${name} has no Ethernet MAC address`);
  return mac;
}

const ALL_NODES_MAC = ipv6MulticastMac(ALL_NODES_IPV6);

/** What a retry applies: nothing new, only the interfaces whose socket did not open yet. */
const NO_CHANGE: OwnedPlan = { stop: [], start: [] };

/** One interface in use: its socket and the groups joined on it, counted by the pairs needing them. */
interface Link {
  readonly name: string;
  readonly mac: Mac;
  readonly socket: PacketSocket;
  readonly linkGroups: Map<Mac, number>;
  /** Undefined once a kernel join failed: reported once, then packet memberships alone. */
  kernel: KernelGroups | undefined;
  readonly kernelGroups: Map<string, number>;
}

/** One address on one interface, being answered for. */
interface Running {
  readonly pair: OwnedPair;
  readonly link: Link;
  readonly announcements: readonly Announcement[];
  readonly probe: { readonly kind: ProbeKind; readonly frame: Buffer };
  /** When the current round of announcements began: the takeover, or the last announceAgain. */
  startedAt: number;
  sent: number;
  announceTimer: unknown;
  checkTimer: unknown;
  checkedAt: number | undefined;
}

/** Adds one use of `key`; true when it is the first. */
function acquire<K>(counts: Map<K, number>, key: K): boolean {
  const n = (counts.get(key) ?? 0) + 1;
  counts.set(key, n);
  return n === 1;
}

/** Removes one use of `key`; true when it was the last. */
function release<K>(counts: Map<K, number>, key: K): boolean {
  const n = (counts.get(key) ?? 0) - 1;
  if (n > 0) {
    counts.set(key, n);
    return false;
  }
  counts.delete(key);
  return n === 0;
}

function withContext(context: string, e: unknown): Error {
  const cause = e as NodeJS.ErrnoException;
  const error: NodeJS.ErrnoException = new Error(`layer-2 responder: ${context}: ${cause.message}`, { cause });
  if (cause.code !== undefined) error.code = cause.code;
  return error;
}

export class L2Responder {
  private readonly schedule: readonly number[];
  private readonly splitBrain: SplitBrainOptions;
  private readonly retryMs: number;
  private readonly clock: ResponderClock;
  private readonly openSocket: (options: PacketSocketOptions) => PacketSocket;
  private readonly interfaceMac: (name: string) => Mac;
  private readonly kernelGroups: (name: string, onError: (error: Error) => void) => KernelGroups;
  private owned = new OwnedTable();
  private readonly links = new Map<string, Link>();
  private ownMacs: ReadonlySet<Mac> = new Set();
  private readonly running = new Map<string, Running>();
  private readonly lastReported = new Map<string, number>();
  private readonly counts = emptyCounters();
  private retryTimer: unknown;
  private closed = false;

  constructor(private readonly options: L2ResponderOptions) {
    if (typeof options?.onConflict !== 'function') throw new Error('layer-2 responder: onConflict: must be a function');
    if (typeof options.onError !== 'function') throw new Error('layer-2 responder: onError: must be a function');
    this.schedule = checkAnnounceSchedule(options.announceScheduleMs ?? DEFAULT_ANNOUNCE_SCHEDULE_MS);
    this.splitBrain = checkSplitBrainOptions(options.splitBrain);
    this.retryMs = options.retryMs ?? 5000;
    if (!Number.isInteger(this.retryMs) || this.retryMs < 1) {
      throw new Error(`layer-2 responder: retryMs: ${JSON.stringify(options.retryMs)} is not a whole number of milliseconds above 0`);
    }
    this.clock = options.clock ?? REAL_CLOCK;
    this.openSocket = options.openSocket ?? openPacketSocket;
    this.interfaceMac = options.interfaceMac ?? sysfsMac;
    this.kernelGroups = options.kernelGroups ?? openKernelGroups;
  }

  /**
   * Makes `owned` (address text to the interfaces it is announced on and its Services) what this
   * node answers for. Addresses no longer owned on an interface stop being answered before this
   * returns; newly owned ones are announced at once and then on the schedule. Throws, changing
   * nothing, on an address that is not one or has no interface; failures of sockets go to onError
   * and their interfaces are tried again after `retryMs`. Compares the whole set with the last
   * (cheaply: addresses already given are not read again); `updateOwned` takes only what changed.
   */
  setOwned(owned: ReadonlyMap<string, OwnedAddress>): void {
    if (this.closed) throw new Error('layer-2 responder: setOwned after close()');
    this.reconcile(this.owned.update(this.owned.changeTo(owned)));
  }

  /**
   * As setOwned, given only what changed: addresses owned now or owned differently, with their
   * whole new value, and addresses no longer owned. Costs what it names, not the whole set.
   */
  updateOwned(change: OwnedChange): void {
    if (this.closed) throw new Error('layer-2 responder: updateOwned after close()');
    this.reconcile(this.owned.update(change));
  }

  /**
   * Announces `addresses` again, on every interface they are answered on, from the start of the
   * schedule: for an owner that kept an address while others, cut off from it, believed it gone
   * and one of them announced it; the segment's caches now point there. Addresses not answered
   * for are ignored.
   */
  announceAgain(addresses: Iterable<string>): void {
    const wanted = new Set(addresses);
    for (const running of this.running.values()) {
      if (!wanted.has(running.pair.address)) continue;
      this.clock.clearTimeout(running.announceTimer);
      running.startedAt = this.clock.now();
      running.sent = 0;
      this.announce(running);
    }
  }

  /** Address to the interfaces it is answered on now (those whose socket is open). */
  answering(): Map<string, string[]> {
    const answering = new Map<string, string[]>();
    for (const { pair } of this.running.values()) {
      answering.set(pair.address, [...(answering.get(pair.address) ?? []), pair.interface]);
    }
    return answering;
  }

  counters(): L2Counters {
    return structuredClone(this.counts);
  }

  /** Stops answering, announcing and checking, and closes every socket. Idempotent. */
  close(): void {
    this.closed = true;
    this.clock.clearTimeout(this.retryTimer);
    this.owned = new OwnedTable();
    for (const key of [...this.running.keys()]) this.stop(key);
    for (const name of [...this.links.keys()]) this.closeLink(name);
  }

  /**
   * Stops and starts the pairs of one change. A pair runs only while its interface's socket is
   * open, so a socket that opens now also starts the pairs of earlier changes that waited for
   * it; a retry does only that.
   */
  private reconcile(plan: OwnedPlan): void {
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    for (const key of plan.stop) this.stop(key);
    for (const name of [...this.links.keys()]) if (!this.owned.usesInterface(name)) this.closeLink(name);
    let missing = false;
    const opened: Link[] = [];
    for (const name of this.owned.interfaces()) {
      if (this.links.has(name)) continue;
      const link = this.openLink(name);
      if (link === undefined) missing = true;
      else opened.push(link);
    }
    for (const pair of plan.start) {
      const link = this.links.get(pair.interface);
      if (link !== undefined) this.start(pair, link);
    }
    for (const link of opened) {
      for (const pair of this.owned.pairsOn(link.name)) if (!this.running.has(pair.key)) this.start(pair, link);
    }
    for (const address of [...this.lastReported.keys()]) if (!this.owned.entries.has(address)) this.lastReported.delete(address);
    if (missing) this.retryTimer = this.clock.setTimeout(() => this.reconcile(NO_CHANGE), this.retryMs);
  }

  private openLink(name: string): Link | undefined {
    let link: Link | undefined;
    try {
      const mac = this.interfaceMac(name);
      // Opens nothing until the first join, so a socket that fails to open leaves nothing behind.
      const kernel = this.kernelGroups(name, (error) => this.options.onError(withContext(`MLD on ${name}`, error)));
      const socket = this.openSocket({
        interface: name,
        onFrame: (frame) => {
          if (link !== undefined) this.receive(link, frame);
        },
        onError: (error) => this.options.onError(withContext(`receiving on ${name}`, error)),
      });
      link = { name, mac, socket, linkGroups: new Map(), kernel, kernelGroups: new Map() };
    } catch (e) {
      this.options.onError(withContext(`cannot answer on ${name} (trying again in ${this.retryMs} ms)`, e));
      return undefined;
    }
    this.links.set(name, link);
    this.ownMacs = new Set([...this.links.values()].map((l) => l.mac));
    return link;
  }

  private closeLink(name: string): void {
    const link = this.links.get(name);
    if (link === undefined) return;
    this.links.delete(name);
    this.ownMacs = new Set([...this.links.values()].map((l) => l.mac));
    link.kernel?.close();
    link.socket.close();
  }

  private start(pair: OwnedPair, link: Link): void {
    const running: Running = {
      pair,
      link,
      announcements: announcementFrames(pair.address, pair.family, link.mac),
      probe: probeFrame(pair.address, pair.family, link.mac),
      startedAt: this.clock.now(),
      sent: 0,
      announceTimer: undefined,
      checkTimer: undefined,
      checkedAt: undefined,
    };
    this.running.set(pair.key, running);
    if (pair.family === 6) this.joinGroups(link, pair.address);
    this.announce(running);
    if (this.splitBrain.intervalMs > 0) this.scheduleCheck(running);
  }

  private stop(key: string): void {
    const running = this.running.get(key);
    if (running === undefined) return;
    this.running.delete(key);
    this.clock.clearTimeout(running.announceTimer);
    this.clock.clearTimeout(running.checkTimer);
    if (running.pair.family === 6 && this.links.get(running.link.name) === running.link) this.leaveGroups(running.link, running.pair.address);
  }

  /** The solicited-node group, in the socket and in the kernel, and all nodes (split-brain answers). */
  private joinGroups(link: Link, address: string): void {
    for (const mac of [solicitedNodeMac(address), ALL_NODES_MAC]) {
      if (!acquire(link.linkGroups, mac)) continue;
      try {
        link.socket.addMembership(mac);
      } catch (e) {
        this.options.onError(withContext(`solicitations for ${address} on ${link.name} may not arrive`, e));
      }
    }
    const group = solicitedNodeAddress(address);
    if (acquire(link.kernelGroups, group) && link.kernel !== undefined) {
      try {
        link.kernel.join(group);
      } catch (e) {
        link.kernel.close();
        link.kernel = undefined;
        this.options.onError(
          withContext(`no MLD reports on ${link.name} (switches that snoop MLD may not forward solicitations; the socket still receives them)`, e),
        );
      }
    }
  }

  private leaveGroups(link: Link, address: string): void {
    for (const mac of [solicitedNodeMac(address), ALL_NODES_MAC]) {
      if (!release(link.linkGroups, mac)) continue;
      try {
        link.socket.dropMembership(mac);
      } catch (e) {
        this.options.onError(withContext(`leaving ${mac} on ${link.name}`, e));
      }
    }
    const group = solicitedNodeAddress(address);
    if (release(link.kernelGroups, group) && link.kernel !== undefined) {
      try {
        link.kernel.leave(group);
      } catch (e) {
        this.options.onError(withContext(`leaving ${group} on ${link.name}`, e));
      }
    }
  }

  /** Sends what is due now and sets a timer for the next; measured from the takeover. */
  private announce(running: Running): void {
    for (;;) {
      const delay = nextAnnouncementDelay(this.schedule, running.sent, running.startedAt, this.clock.now());
      if (delay === undefined) {
        running.announceTimer = undefined;
        return;
      }
      if (delay > 0) {
        running.announceTimer = this.clock.setTimeout(() => this.announce(running), delay);
        return;
      }
      running.sent++;
      for (const { kind, frame } of running.announcements) {
        if (this.send(running.link, frame, `announcing ${running.pair.address}`)) this.counts.announced[kind]++;
      }
    }
  }

  private scheduleCheck(running: Running): void {
    running.checkTimer = this.clock.setTimeout(() => {
      running.checkedAt = this.clock.now();
      if (this.send(running.link, running.probe.frame, `checking ${running.pair.address} for split brain`)) {
        this.counts.probes[running.probe.kind]++;
      }
      this.scheduleCheck(running);
    }, nextCheckDelay(this.splitBrain, this.clock.random()));
  }

  private send(link: Link, frame: Buffer, what: string): boolean {
    try {
      link.socket.send(frame);
      return true;
    } catch (e) {
      this.counts.sendErrors++;
      this.options.onError(withContext(what, e));
      return false;
    }
  }

  private receive(link: Link, bytes: Buffer): void {
    const decoded = decodeFrame(bytes);
    if (!decoded.ok) {
      this.counts.dropped[decoded.reason]++;
      return;
    }
    const frame = decoded.value;
    this.counts.received[receivedKind(frame)]++;
    const claim = claimIn(frame, this.ownMacs);
    if (claim !== undefined) this.claimSeen(link, claim);
    const answer = answerFor(frame, this.owned.entries, link);
    if (!answer.ok) {
      this.counts.ignored[answer.reason]++;
      return;
    }
    if (this.send(link, answer.frame, `answering for ${answer.address}`)) this.counts.answered[answer.kind]++;
  }

  private claimSeen(link: Link, claim: ClaimSeen): void {
    const running = this.running.get(pairKey(claim.address, link.name));
    const now = this.clock.now();
    if (running === undefined || !withinAnswerWindow(running.checkedAt, now, this.splitBrain.answerWindowMs)) return;
    this.counts.conflicts++;
    if (!reportDue(this.lastReported.get(claim.address), now, this.splitBrain.reportEveryMs)) return;
    this.lastReported.set(claim.address, now);
    this.options.onConflict({
      address: claim.address,
      interface: link.name,
      otherMac: claim.otherMac,
      services: this.owned.entries.get(claim.address)?.services ?? [],
    });
  }
}
