/**
 * A deterministic simulator of a group of members: real endpoints (codec, HMAC, replay guard,
 * state machine) over an in-memory network with loss and delays, on a simulated clock, every
 * random choice drawn from generators seeded from one number. The same seed gives the same run.
 * No I/O. Used by the property tests and the benchmark.
 */

import { seededRandom, type Random } from '@herald/shared/bench/random.js';
import { addressKey, type MemberAddress } from './address.js';
import type { DropReason } from './codec.js';
import { protocolConfig, type ProtocolConfig } from './config.js';
import { createEndpoint, handle, receive, type Clock, type Endpoint, type EndpointResult } from './endpoint.js';
import { isLive, liveNames } from './fsm.js';
import type { MemberStatus } from './messages.js';

export interface NetworkOptions {
  /** Each datagram takes a delay drawn uniformly between these. */
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Probability that any datagram is lost. */
  readonly loss: number;
}

export const DEFAULT_NETWORK: NetworkOptions = { minDelayMs: 0.1, maxDelayMs: 1, loss: 0 };

export interface SimulatorOptions {
  /** How many members, named m0, m1, ... at 10.0.x.y port 7946. */
  readonly members: number;
  readonly seed: number;
  readonly protocol?: Partial<ProtocolConfig>;
  readonly network?: Partial<NetworkOptions>;
  /** The shared key; 32 bytes derived from the seed by default. */
  readonly key?: Buffer;
}

export interface SimulatedChange {
  readonly at: number;
  readonly observer: string;
  readonly name: string;
  readonly from: MemberStatus | 'unknown';
  readonly to: MemberStatus;
}

export interface Traffic {
  sentBytes: number;
  sentDatagrams: number;
  receivedBytes: number;
  receivedDatagrams: number;
}

interface SimMember {
  readonly name: string;
  readonly address: MemberAddress;
  endpoint: Endpoint;
  running: boolean;
  /** Bumped on every new wake time and restart, so that superseded wake events are ignored. */
  generation: number;
  stalledUntil: number;
  loss: number;
  readonly random: Random;
  readonly traffic: Traffic;
  readonly drops: Map<DropReason, number>;
}

/** At one instant, arrivals come before timers: the shell reads pending datagrams before it acts on a timer. */
type SimEvent = { readonly at: number; readonly priority: 0 | 1; readonly order: number } & (
  | { readonly kind: 'deliver'; readonly to: string; readonly from: MemberAddress; readonly bytes: Buffer }
  | { readonly kind: 'wake'; readonly member: string; readonly generation: number }
  | { readonly kind: 'call'; readonly callback: () => void }
);

/** Wall clock at simulated time 0, in ms: any fixed date will do; stamps only need to be comparable. */
const WALL_EPOCH_MS = Date.UTC(2026, 0, 1);

export class Simulator {
  now = 0;
  readonly changes: SimulatedChange[] = [];
  readonly config: ProtocolConfig;
  readonly network: NetworkOptions;
  private readonly key: Buffer;
  private readonly members = new Map<string, SimMember>();
  private readonly byAddress = new Map<string, string>();
  private readonly netRandom: Random;
  private readonly queue = new EventQueue();
  private order = 0;

  constructor(private readonly options: SimulatorOptions) {
    const config = protocolConfig(options.protocol);
    if (!config.ok) throw new RangeError(`simulator protocol settings: ${config.errors.join('; ')}`);
    this.config = config.config;
    this.network = { ...DEFAULT_NETWORK, ...options.network };
    this.netRandom = seededRandom(options.seed);
    this.key = options.key ?? Buffer.from(Array.from({ length: 32 }, () => Math.floor(this.netRandom() * 256)));
    for (let i = 0; i < options.members; i++) this.add(`m${i}`);
  }

  /** Adds a member (not started) at the next address, with the group's key unless `key` is given. */
  add(name: string, key: Buffer = this.key): string {
    const i = this.members.size;
    const address = { ip: `10.0.${i >> 8}.${i & 255}`, port: 7946 };
    this.members.set(name, {
      name,
      address,
      endpoint: this.newEndpoint(name, address, key, 0),
      running: false,
      generation: 0,
      stalledUntil: 0,
      loss: 0,
      random: seededRandom((this.options.seed ^ hashName(name)) >>> 0),
      traffic: { sentBytes: 0, sentDatagrams: 0, receivedBytes: 0, receivedDatagrams: 0 },
      drops: new Map(),
    });
    this.byAddress.set(addressKey(address), name);
    return name;
  }

  get names(): string[] {
    return [...this.members.keys()];
  }

  /** Starts members, each `staggerMs` after the previous, all knowing every address as a seed. */
  startAll(staggerMs = 0): void {
    this.names.forEach((name, i) => this.schedule(this.now + i * staggerMs, () => this.start(name)));
  }

  start(name: string): void {
    const m = this.member(name);
    m.running = true;
    const seeds = [...this.members.values()].map((x) => x.address);
    this.apply(m, handle(m.endpoint, { kind: 'seeds', seeds }, this.clock(m)));
    this.apply(m, handle(m.endpoint, { kind: 'start' }, this.clock(m)));
  }

  /** Crash: the member stops at once, tells nobody, and what is on the way to it is lost. */
  kill(name: string): void {
    const m = this.member(name);
    m.running = false;
    m.generation++;
  }

  leave(name: string): void {
    const m = this.member(name);
    this.apply(m, handle(m.endpoint, { kind: 'leave' }, this.clock(m)));
    m.running = false;
    m.generation++;
  }

  /** A new process under the same name and address, counting incarnations from `incarnation`. */
  restart(name: string, incarnation = 0, key: Buffer = this.key): void {
    const m = this.member(name);
    m.endpoint = this.newEndpoint(name, m.address, key, incarnation);
    m.generation++;
    this.start(name);
  }

  /** The member's event loop is blocked for `ms`: what arrives meanwhile waits, timers fire late. */
  stall(name: string, ms: number): void {
    this.member(name).stalledUntil = this.now + ms;
  }

  /** Loss on every datagram to or from this member, on top of the network's. */
  setLoss(name: string, loss: number): void {
    this.member(name).loss = loss;
  }

  /** Runs every event up to and including `until` (simulated ms). */
  run(until: number): void {
    for (let event = this.queue.peek(); event && event.at <= until; event = this.queue.peek()) {
      this.queue.pop();
      this.now = event.at;
      this.dispatch(event);
    }
    this.now = until;
  }

  /** The live members as `observer` sees them (itself included). */
  view(observer: string): string[] {
    return liveNames(this.member(observer).endpoint.members);
  }

  /** What `observer` holds about `name`: its status, or undefined when it does not know it. */
  statusOf(observer: string, name: string): MemberStatus | undefined {
    return this.member(observer).endpoint.members.members.get(name)?.status;
  }

  /** Running members that hold `name` live. */
  holdingLive(name: string): string[] {
    return this.running().filter((o) => {
      const record = this.member(o).endpoint.members.members.get(name);
      return record !== undefined && isLive(record);
    });
  }

  running(): string[] {
    return this.names.filter((n) => this.member(n).running);
  }

  traffic(name: string): Readonly<Traffic> {
    return this.member(name).traffic;
  }

  drops(name: string): ReadonlyMap<DropReason, number> {
    return this.member(name).drops;
  }

  endpoint(name: string): Endpoint {
    return this.member(name).endpoint;
  }

  private newEndpoint(name: string, address: MemberAddress, key: Buffer, incarnation: number): Endpoint {
    return createEndpoint({ name, address, config: this.config, incarnation, keys: { current: key, previous: [] } });
  }

  private member(name: string): SimMember {
    const m = this.members.get(name);
    if (!m) throw new RangeError(`the simulator has no member ${name}`);
    return m;
  }

  private clock(m: SimMember): Clock {
    return { now: this.now, wallUs: (WALL_EPOCH_MS + this.now) * 1000, random: m.random };
  }

  private schedule(at: number, callback: () => void): void {
    this.queue.push({ at, priority: 1, order: this.order++, kind: 'call', callback });
  }

  private dispatch(event: SimEvent): void {
    if (event.kind === 'call') {
      event.callback();
      return;
    }
    const name = event.kind === 'deliver' ? event.to : event.member;
    const m = this.member(name);
    if (!m.running) return;
    if (this.now < m.stalledUntil) {
      // Stalled: it happens when the loop is free again.
      this.queue.push({ ...event, at: m.stalledUntil, order: this.order++ });
      return;
    }
    if (event.kind === 'wake') {
      if (event.generation === m.generation) this.apply(m, handle(m.endpoint, { kind: 'tick' }, this.clock(m)));
      return;
    }
    m.traffic.receivedBytes += event.bytes.length;
    m.traffic.receivedDatagrams++;
    const result = receive(m.endpoint, event.bytes, event.from, this.clock(m));
    if (result.dropped) m.drops.set(result.dropped.reason, (m.drops.get(result.dropped.reason) ?? 0) + 1);
    this.apply(m, result);
  }

  private apply(m: SimMember, result: EndpointResult): void {
    m.endpoint = result.endpoint;
    for (const change of result.changes) this.changes.push({ at: this.now, observer: m.name, name: change.name, from: change.from, to: change.to });
    for (const out of result.datagrams) {
      m.traffic.sentBytes += out.bytes.length;
      m.traffic.sentDatagrams++;
      const to = this.byAddress.get(addressKey(out.to));
      if (!to) continue;
      const loss = 1 - (1 - this.network.loss) * (1 - m.loss) * (1 - this.member(to).loss);
      if (this.netRandom() < loss) continue;
      const delay = this.network.minDelayMs + this.netRandom() * (this.network.maxDelayMs - this.network.minDelayMs);
      this.queue.push({ at: this.now + delay, priority: 0, order: this.order++, kind: 'deliver', to, from: m.address, bytes: out.bytes });
    }
    if (!result.dropped) {
      m.generation++;
      if (result.wakeAt !== undefined) this.queue.push({ at: Math.max(this.now, result.wakeAt), priority: 1, order: this.order++, kind: 'wake', member: m.name, generation: m.generation });
    }
  }
}

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A binary heap ordered by time, then priority, then the order events were queued in. */
class EventQueue {
  private readonly items: SimEvent[] = [];

  peek(): SimEvent | undefined {
    return this.items[0];
  }

  push(event: SimEvent): void {
    const items = this.items;
    items.push(event);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, items[parent] as SimEvent)) break;
      items[i] = items[parent] as SimEvent;
      i = parent;
    }
    items[i] = event;
  }

  pop(): SimEvent | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && before(items[right] as SimEvent, items[left] as SimEvent) ? right : left;
      if (!before(items[child] as SimEvent, last)) break;
      items[i] = items[child] as SimEvent;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.at !== b.at ? a.at < b.at : a.priority !== b.priority ? a.priority < b.priority : a.order < b.order;
}
