/**
 * One single-hop BFD session (RFC 5881) with one peer: the imperative shell around the pure state
 * machine. It sends from its own UDP socket (a source port in 49152..65535, TTL 255), receives
 * through the listener shared by the sessions of its local address, and keeps one timer.
 */

import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@herald/shared/log/logger.js';
import { formatIP, type IP } from '@herald/shared/net/address.js';
import type { BFDProfileConfig } from '@herald/shared/config/types.js';
import { encodeControlPacket } from './codec.js';
import { detectionTimeUs, initialState, step, transmitIntervalUs, type BfdAction, type BfdEvent, type BfdParameters, type BfdState } from './fsm.js';
import { allocateDiscriminator, attach, bindSocket, releaseDiscriminator } from './listener.js';
import { CONTROL_PORT, SINGLE_HOP_TTL, SOURCE_PORT_MAX, SOURCE_PORT_MIN, describeDiag, type ControlPacket, type SessionState } from './packet.js';
import { msToUs } from './timing.js';

export interface BfdSessionOptions {
  readonly peerAddress: IP;
  /** The address BGP uses towards the peer; the session sends from it and listens on it. */
  readonly localAddress: IP;
  readonly profile: BFDProfileConfig;
  readonly logger: Logger;
  /** Destination and listening port: 3784 (RFC 5881) unless a test needs another. */
  readonly port?: number;
}

export interface BfdStateChange {
  readonly from: SessionState;
  readonly to: SessionState;
  readonly diag: number;
  /** The diagnostic in words, e.g. "Control Detection Time Expired". */
  readonly reason: string;
}

export interface BfdSessionEvents {
  up: [];
  /** Up to Down only: the peer was not heard from for a detection time, or said it went down. Not on stop(). */
  down: [reason: string, diag: number];
  state: [change: BfdStateChange];
}

const SOURCE_PORT_TRIES = 64;

/** The profile as the state machine wants it; refuses what Herald's BFD cannot do. */
export function parametersFromProfile(profile: BFDProfileConfig): BfdParameters {
  if (profile.echoMode) {
    throw new Error(
      `BFDProfile ${profile.name}: echo mode is not supported by Herald's speaker (sending Echo packets needs ` +
        'IP packets addressed to ourselves through the peer, which UDP sockets cannot send); turn echoMode off',
    );
  }
  // minimumTtl applies to multi-hop sessions only; single hop always sends and expects 255.
  return {
    desiredMinTxUs: msToUs(profile.transmitInterval),
    requiredMinRxUs: msToUs(profile.receiveInterval),
    detectMult: profile.detectMultiplier,
    passive: profile.passiveMode,
  };
}

type Phase = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

export class BfdSession extends EventEmitter<BfdSessionEvents> {
  readonly peer: string;
  private readonly local: IP;
  private readonly port: number;
  private readonly log: Logger;
  private readonly listenerLog: Logger;
  private params: BfdParameters;
  private fsm: BfdState | undefined;
  private phase: Phase = 'new';
  private socket: Socket | undefined;
  private detach: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private discriminator = 0;
  private readonly queue: BfdEvent[] = [];
  private applying = false;
  /** Packets handed to the socket and not yet sent; stop() waits for them before closing it. */
  private readonly sending = new Set<Promise<void>>();
  private opening: Promise<void> | undefined;
  /** The timers last logged, so that each change is logged once. */
  private timers = '';
  private stopped: Promise<void> = Promise.resolve();

  constructor(options: BfdSessionOptions) {
    super();
    if (options.peerAddress.family !== options.localAddress.family) {
      throw new Error(`BFD session with ${formatIP(options.peerAddress)}: local address ${formatIP(options.localAddress)} is of the other family`);
    }
    this.peer = formatIP(options.peerAddress);
    this.local = options.localAddress;
    this.port = options.port ?? CONTROL_PORT;
    this.params = parametersFromProfile(options.profile);
    this.log = options.logger.child({ peer: this.peer, bfdProfile: options.profile.name });
    this.listenerLog = options.logger;
  }

  get state(): SessionState {
    return this.fsm?.sessionState ?? 'AdminDown';
  }

  /** 0 until started. */
  get localDiscriminator(): number {
    return this.discriminator;
  }

  /** The diagnostic of the last state change (bfd.LocalDiag). */
  get diagnostic(): number {
    return this.fsm?.localDiag ?? 0;
  }

  /** Opens the sockets and starts the session; resolves once packets can flow. */
  start(): Promise<void> {
    if (this.phase !== 'new') return Promise.reject(new Error(`BFD session with ${this.peer}: start() called twice; create a new BfdSession`));
    this.phase = 'starting';
    this.opening = this.open();
    return this.opening;
  }

  private async open(): Promise<void> {
    this.discriminator = allocateDiscriminator();
    try {
      this.socket = await openSendSocket(this.local, this.peer);
      this.socket.on('error', (e) => this.log.warn('BFD send socket error', { reason: e.message }));
      this.fsm = initialState(this.discriminator, this.params);
      this.detach = await attach({ local: this.local, port: this.port }, this.receiver(), this.listenerLog);
    } catch (e) {
      this.close();
      throw e;
    }
    this.phase = 'running';
    this.log.info('BFD session starting', {
      localAddress: formatIP(this.local),
      localDiscriminator: this.discriminator,
      transmitIntervalMs: this.params.desiredMinTxUs / 1000,
      receiveIntervalMs: this.params.requiredMinRxUs / 1000,
      detectMultiplier: this.params.detectMult,
      passive: this.params.passive,
    });
    this.apply({ kind: 'enable' });
  }

  /**
   * Goes AdminDown, tells a peer that may be Up with us (RFC 5880 section 6.8.16), then closes the
   * sockets. Emits 'state' but not 'down'. Resolves once the sockets are closed.
   */
  async stop(): Promise<void> {
    if (this.phase === 'starting') await this.opening?.catch(() => undefined);
    if (this.phase !== 'running') {
      if (this.phase === 'new') this.phase = 'stopped';
      return this.stopped;
    }
    this.phase = 'stopping';
    this.detach?.();
    this.detach = undefined;
    this.apply({ kind: 'disable' });
    // Called from an event handler, the disable is still queued: its AdminDown goes out first.
    this.stopped = new Promise((resolve) => setImmediate(resolve))
      .then(() => Promise.all(this.sending))
      .then(() => this.close());
    return this.stopped;
  }

  /** A changed BFDProfile: new intervals are negotiated with a Poll Sequence (RFC 5880 section 6.8.3). */
  setProfile(profile: BFDProfileConfig): void {
    this.params = parametersFromProfile(profile);
    if (this.phase === 'running') this.apply({ kind: 'parameters', params: this.params });
  }

  private receiver(): { localDiscriminator: number; peer: string; receive: (p: ControlPacket) => void } {
    return {
      localDiscriminator: this.discriminator,
      peer: this.peer,
      receive: (packet) => {
        if (this.phase === 'running') this.apply({ kind: 'packet', packet });
      },
    };
  }

  /** Events raised while actions run (a handler calling stop(), say) wait their turn. */
  private apply(event: BfdEvent): void {
    this.queue.push(event);
    if (this.applying) return;
    this.applying = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        if (!this.fsm) continue;
        const result = step(this.fsm, next, { now: performance.now(), random: Math.random });
        this.fsm = result.state;
        for (const action of result.actions) this.perform(action);
      }
    } finally {
      this.applying = false;
    }
    this.logTimers();
    this.arm();
  }

  private perform(action: BfdAction): void {
    switch (action.kind) {
      case 'send':
        this.send(action.packet);
        return;
      case 'discard':
        this.log.debug('BFD packet discarded', { reason: action.reason });
        return;
      case 'state':
        this.changed(action.from, action.to, action.diag);
        return;
    }
  }

  private send(packet: ControlPacket): void {
    const socket = this.socket;
    if (!socket) return;
    const sent = new Promise<void>((resolve) =>
      socket.send(encodeControlPacket(packet), this.port, this.peer, (e) => {
        // A link that is down refuses sends; the detection timer is what declares the session down.
        if (e) this.log.debug('BFD packet not sent', { reason: e.message });
        resolve();
      }),
    );
    this.sending.add(sent);
    void sent.then(() => this.sending.delete(sent));
  }

  private changed(from: SessionState, to: SessionState, diag: number): void {
    const reason = describeDiag(diag);
    const level = from === 'Up' || to === 'Up' ? 'info' : 'debug';
    this.log[level]('BFD session state changed', { from, to, reason, remoteDiscriminator: this.fsm?.remoteDiscr ?? 0 });
    this.emit('state', { from, to, diag, reason });
    if (to === 'Up') this.emit('up');
    if (from === 'Up' && to === 'Down') this.emit('down', reason, diag);
  }

  /** Logs the timers once the peer has agreed to them (no Poll pending), each time they change while Up. */
  private logTimers(): void {
    const fsm = this.fsm;
    if (!fsm || fsm.sessionState !== 'Up') {
      this.timers = '';
      return;
    }
    if (fsm.poll) return;
    const timers = { transmitIntervalMs: transmitIntervalUs(fsm) / 1000, detectionTimeMs: detectionTimeUs(fsm) / 1000 };
    const key = `${timers.transmitIntervalMs}/${timers.detectionTimeMs}`;
    if (key === this.timers) return;
    this.timers = key;
    this.log.info('BFD timers agreed', timers);
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const fsm = this.fsm;
    if (!fsm) return;
    const deadlines = [fsm.nextTransmitAt, fsm.detectAt].filter((d): d is number => d !== undefined);
    if (deadlines.length === 0) return;
    const delay = Math.max(0, Math.min(...deadlines) - performance.now());
    this.timer = setTimeout(() => this.apply({ kind: 'timer' }), delay);
  }

  private close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.detach?.();
    this.detach = undefined;
    this.socket?.close();
    this.socket = undefined;
    if (this.discriminator !== 0) releaseDiscriminator(this.discriminator);
    this.phase = 'stopped';
  }
}

/**
 * RFC 5881 section 4: a source port in 49152..65535, the same for the whole session, and TTL 255.
 * Ports are tried at random; another process may hold any of them.
 */
async function openSendSocket(local: IP, peer: string): Promise<Socket> {
  let lastError: Error | undefined;
  for (let i = 0; i < SOURCE_PORT_TRIES; i++) {
    const socket = createSocket({ type: local.family === 4 ? 'udp4' : 'udp6' });
    try {
      await bindSocket(socket, formatIP(local), randomInt(SOURCE_PORT_MIN, SOURCE_PORT_MAX + 1));
      socket.setTTL(SINGLE_HOP_TTL);
      return socket;
    } catch (e) {
      socket.close();
      lastError = e as Error;
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
    }
  }
  throw new Error(`BFD session with ${peer}: cannot bind a source port on ${formatIP(local)}: ${lastError?.message ?? 'no port free'}`);
}
