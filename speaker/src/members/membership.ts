/**
 * The imperative shell: one UDP socket, one timer, the clocks and Math.random around the pure
 * endpoint (endpoint.ts). Reports members coming and going as events and counts what it sends,
 * receives and drops.
 */

import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIPv4 } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@herald/shared/log/logger.js';
import { addressKey, canonicalIP, DEFAULT_PORT, isValidPort, parseSeed, sourceAddress, type MemberAddress } from './address.js';
import { DROP_REASONS, isValidName, type DropReason } from './codec.js';
import { protocolConfig, type ProtocolConfig } from './config.js';
import { checkKey, createEndpoint, handle, receive, withKeys, type Change, type Clock, type Endpoint, type EndpointResult } from './endpoint.js';
import { liveNames } from './fsm.js';
import type { MemberStatus } from './messages.js';
import { DEFAULT_REPLAY_CONFIG, type ReplayConfig } from './replay.js';

export interface MembershipOptions {
  /** This node's name, as the other speakers know it (the Node's name). */
  readonly name: string;
  /** The address the others reach this node at (its Node address); IPv4 or IPv6. */
  readonly address: string;
  /** UDP port to listen on and to reach the others at; 7946 by default. 0: any free port (tests). */
  readonly port?: number;
  /** Where the socket binds; `address` by default. `::` binds every address, IPv4 ones too. */
  readonly bindAddress?: string;
  /** The shared HMAC-SHA256 key, at least 16 bytes (32 random bytes recommended). */
  readonly key: Buffer;
  /** Keys still accepted on receipt, during a rotation. */
  readonly previousKeys?: readonly Buffer[];
  /** Where to look for the others: the speakers' Node addresses, `ip` or `ip:port`. */
  readonly seeds?: readonly string[];
  readonly protocol?: Partial<ProtocolConfig>;
  readonly replay?: Partial<ReplayConfig>;
  /** Where this process starts counting its incarnation; the wall clock in seconds by default, above any earlier run. */
  readonly incarnation?: number;
  readonly logger: Logger;
}

export type DownReason = 'failed' | 'left';

export interface MembershipEvents {
  /** A member became live (alive or suspect) that was not: new, or back after it died or left. */
  'member-up': [name: string, address: string];
  /** A live member was declared dead (`failed`) or said it leaves (`left`). */
  'member-down': [name: string, reason: DownReason];
  /**
   * Another member called this one suspect, dead or departed, and it refuted the claim: the
   * others may have moved what it holds while they believed it.
   */
  refuted: [claim: 'suspect' | 'dead' | 'left'];
}

export interface MembershipCounters {
  sentBytes: number;
  sentDatagrams: number;
  receivedBytes: number;
  receivedDatagrams: number;
  sendErrors: number;
  drops: Record<DropReason, number>;
}

export interface MemberInfo {
  readonly name: string;
  readonly address: string;
  readonly status: MemberStatus;
  readonly incarnation: number;
}

type Phase = 'new' | 'starting' | 'running' | 'closing' | 'closed';

export class Membership extends EventEmitter<MembershipEvents> {
  readonly name: string;
  private readonly log: Logger;
  private readonly config: ProtocolConfig;
  private readonly replayConfig: ReplayConfig;
  private readonly address: string;
  private readonly bindAddress: string;
  private readonly requestedPort: number;
  private readonly incarnation: number;
  private keys: { current: Buffer; previous: readonly Buffer[] };
  private seeds: MemberAddress[] = [];
  private endpoint: Endpoint | undefined;
  private socket: Socket | undefined;
  private phase: Phase = 'new';
  private timer: NodeJS.Timeout | undefined;
  private armedAt: number | undefined;
  /** Bound to IPv6: IPv4 members are sent to at their mapped address. */
  private mapsIPv4 = false;
  private readonly sending = new Set<Promise<void>>();
  private readonly counts: MembershipCounters = {
    sentBytes: 0,
    sentDatagrams: 0,
    receivedBytes: 0,
    receivedDatagrams: 0,
    sendErrors: 0,
    drops: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
  };

  constructor(options: MembershipOptions) {
    super();
    if (!isValidName(options.name)) throw new Error(`membership: node name "${options.name}" is not 1-253 printable ASCII characters`);
    const address = canonicalIP(options.address);
    if (!address.ok) throw new Error(`membership of ${options.name}: address: ${address.error}`);
    const bind = canonicalIP(options.bindAddress ?? options.address);
    if (!bind.ok) throw new Error(`membership of ${options.name}: bindAddress: ${bind.error}`);
    const port = options.port ?? DEFAULT_PORT;
    if (port !== 0 && !isValidPort(port)) throw new Error(`membership of ${options.name}: port ${port} is not in 0-65535`);
    const config = protocolConfig(options.protocol);
    if (!config.ok) throw new Error(`membership of ${options.name}: ${config.errors.join('; ')}`);
    checkKey(options.key, `membership of ${options.name}: the key`);
    (options.previousKeys ?? []).forEach((k, i) => checkKey(k, `membership of ${options.name}: previous key ${i + 1}`));
    this.name = options.name;
    this.address = address.value;
    this.bindAddress = bind.value;
    this.requestedPort = port;
    this.config = config.config;
    this.replayConfig = { ...DEFAULT_REPLAY_CONFIG, ...options.replay };
    this.keys = { current: options.key, previous: options.previousKeys ?? [] };
    this.incarnation = options.incarnation ?? Math.floor(Date.now() / 1000);
    this.log = options.logger.child({ node: options.name });
    if (options.seeds) this.seeds = this.parseSeeds(options.seeds);
  }

  /** The port this member listens on: the one asked for, or the one given when 0 was asked. */
  get port(): number {
    return this.endpoint?.members.self.address.port ?? this.requestedPort;
  }

  /** Binds the socket and joins through the seeds; resolves once datagrams can flow. */
  async start(): Promise<void> {
    if (this.phase !== 'new') throw new Error(`membership of ${this.name}: start() called twice; create a new Membership`);
    this.phase = 'starting';
    const socket = createSocket({ type: isIPv4(this.bindAddress) ? 'udp4' : 'udp6', ipv6Only: false });
    this.socket = socket;
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ address: this.bindAddress, port: this.requestedPort, exclusive: true }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      this.phase = 'closed';
      socket.close();
      throw new Error(`membership of ${this.name}: cannot listen on ${addressKey({ ip: this.bindAddress, port: this.requestedPort })} (UDP): ${(e as Error).message}`);
    }
    socket.on('error', (e) => this.log.warn('membership socket error', { reason: e.message }));
    this.mapsIPv4 = socket.address().family === 'IPv6';
    socket.on('message', (bytes, rinfo) => this.onDatagram(bytes, rinfo.address, rinfo.port));
    const self = { ip: this.address, port: socket.address().port };
    this.endpoint = createEndpoint({ name: this.name, address: self, config: this.config, incarnation: this.incarnation, seeds: this.seeds, keys: this.keys, replay: this.replayConfig });
    this.phase = 'running';
    this.log.info('membership starting', { address: addressKey(self), seeds: this.seeds.length, probeIntervalMs: this.config.probeIntervalMs, incarnation: this.incarnation });
    this.apply(handle(this.endpoint, { kind: 'start' }, this.clock()));
  }

  /** Replaces the seed list; new seeds that are not live members are asked for the member list at once. */
  setSeeds(addresses: readonly string[]): void {
    this.seeds = this.parseSeeds(addresses);
    if (this.phase === 'running' && this.endpoint) this.apply(handle(this.endpoint, { kind: 'seeds', seeds: this.seeds }, this.clock()));
  }

  /** A new key signs from now on; `previous` keys are still accepted (for a rotation). */
  setKey(key: Buffer, previous: readonly Buffer[] = []): void {
    checkKey(key, `membership of ${this.name}: the key`);
    previous.forEach((k, i) => checkKey(k, `membership of ${this.name}: previous key ${i + 1}`));
    this.keys = { current: key, previous };
    if (this.endpoint) this.endpoint = withKeys(this.endpoint, this.keys);
  }

  /** Graceful: tells every live member this one leaves (they drop it at once), then closes. */
  async leave(): Promise<void> {
    if (this.phase === 'running' && this.endpoint) {
      this.apply(handle(this.endpoint, { kind: 'leave' }, this.clock()));
      this.log.info('membership left the group');
    }
    await this.stop();
  }

  /** Closes without a word: the others find out through failure detection. */
  async stop(): Promise<void> {
    if (this.phase === 'closing' || this.phase === 'closed' || this.phase === 'new') {
      this.phase = 'closed';
      return;
    }
    this.phase = 'closing';
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = undefined;
    await Promise.all(this.sending);
    await new Promise<void>((resolve) => (this.socket ? this.socket.close(() => resolve()) : resolve()));
    this.phase = 'closed';
  }

  /** The live members' names (alive or suspect), this node included while it has not left; sorted. */
  liveMembers(): string[] {
    return this.endpoint ? liveNames(this.endpoint.members) : [this.name];
  }

  /** Every member this one knows of, whatever its status, for diagnostics. */
  members(): MemberInfo[] {
    if (!this.endpoint) return [];
    return [...this.endpoint.members.members.values()].map((m) => ({ name: m.name, address: addressKey(m.address), status: m.status, incarnation: m.incarnation }));
  }

  counters(): MembershipCounters {
    return { ...this.counts, drops: { ...this.counts.drops } };
  }

  private parseSeeds(addresses: readonly string[]): MemberAddress[] {
    const port = this.requestedPort || DEFAULT_PORT;
    const seeds: MemberAddress[] = [];
    for (const text of addresses) {
      const seed = parseSeed(text, port);
      if (!seed.ok) this.log.warn('membership seed ignored', { reason: seed.error });
      else if (isIPv4(this.bindAddress) && !isIPv4(seed.value.ip)) this.log.warn('membership seed ignored', { reason: `seed "${text}" is IPv6; the socket is bound to IPv4 ${this.bindAddress}` });
      else seeds.push(seed.value);
    }
    return seeds;
  }

  private clock(): Clock {
    return { now: performance.now(), wallUs: Date.now() * 1000, random: Math.random };
  }

  private onDatagram(bytes: Buffer, ip: string, port: number): void {
    if (this.phase !== 'running' || !this.endpoint) return;
    this.counts.receivedBytes += bytes.length;
    this.counts.receivedDatagrams++;
    const result = receive(this.endpoint, bytes, sourceAddress(ip, port), this.clock());
    if (result.dropped) {
      this.counts.drops[result.dropped.reason]++;
      this.log.debug('membership datagram dropped', { reason: result.dropped.reason, detail: result.dropped.detail });
    }
    this.apply(result);
  }

  /**
   * Takes a step's result: the new state first (a listener may call back in), then the
   * datagrams, the timer, and last the events.
   */
  private apply(result: EndpointResult): void {
    this.endpoint = result.endpoint;
    for (const out of result.datagrams) this.send(out.to, out.bytes);
    if (this.phase === 'running') this.arm(result.wakeAt);
    for (const change of result.changes) this.report(change);
    for (const r of result.refuted) {
      this.log.info(`this member was said to be ${r.claim}; it refuted that`, { claim: r.claim, incarnation: r.incarnation });
      this.emit('refuted', r.claim);
    }
  }

  private send(to: MemberAddress, bytes: Buffer): void {
    const socket = this.socket;
    if (!socket) return;
    // A dual-stack IPv6 socket reaches IPv4 members through their mapped address.
    const ip = this.mapsIPv4 && isIPv4(to.ip) ? `::ffff:${to.ip}` : to.ip;
    const sent = new Promise<void>((resolve) => {
      socket.send(bytes, to.port, ip, (error) => {
        if (error) {
          this.counts.sendErrors++;
          this.log.debug('membership send failed', { peer: addressKey(to), reason: error.message });
        } else {
          this.counts.sentBytes += bytes.length;
          this.counts.sentDatagrams++;
        }
        resolve();
      });
    });
    this.sending.add(sent);
    void sent.then(() => this.sending.delete(sent));
  }

  /**
   * One timer, at the state's next deadline. When it fires, the tick waits for setImmediate:
   * Node runs timers before it polls sockets, so after a stall the datagrams that arrived
   * meanwhile (an ack, a refutation) are read before the state machine acts on the deadline.
   */
  private arm(at: number | undefined): void {
    if (this.timer && at === this.armedAt) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = at;
    if (at === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.armedAt = undefined;
      setImmediate(() => this.tick());
    }, Math.max(0, at - performance.now()));
  }

  private tick(): void {
    if (this.phase !== 'running' || !this.endpoint) return;
    this.apply(handle(this.endpoint, { kind: 'tick' }, this.clock()));
  }

  private report(change: Change): void {
    const wasLive = change.from === 'alive' || change.from === 'suspect';
    const isLive = change.to === 'alive' || change.to === 'suspect';
    const fields = { member: change.name, address: addressKey(change.address), incarnation: change.incarnation, from: change.from, to: change.to };
    if (!wasLive && isLive) {
      this.log.info('member up', fields);
      this.emit('member-up', change.name, addressKey(change.address));
    } else if (wasLive && !isLive) {
      const reason: DownReason = change.to === 'left' ? 'left' : 'failed';
      this.log.info('member down', { ...fields, reason });
      this.emit('member-down', change.name, reason);
    } else {
      this.log.debug('member status', fields);
    }
  }
}
