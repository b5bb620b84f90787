import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { Logger } from '@herald/shared/log/logger.js';
import { type IP, formatIP, parseIP } from '@herald/shared/net/address.js';
import type { Md5ConnectOptions } from '../../native/tcp-md5.js';
import {
  CEASE,
  FSM_ERROR,
  type OutboundRoute,
  decodeMessage,
  describeNotificationMessage,
  encodeMessage,
  endOfRib,
  isEndOfRib,
  notificationFromError,
} from '../codec/index.js';
import type { AddressFamily, NotificationMessage, UpdateMessage } from '../messages.js';
import { AFI_IPV4, AFI_IPV6, ERROR_CODE, MAX_EXTENDED_MESSAGE_LENGTH } from '../messages.js';
import { AdjRibOut } from './adj-rib-out.js';
import { planIncoming, resolveCollision } from './collision.js';
import { BOTH_UNICAST_FAMILIES, DEFAULT_RESTART_TIME_SECONDS, type PeerAsn, type SessionConfig, familyText } from './config.js';
import { Connection, type ConnectionHandlers } from './connection.js';
import { OPEN_WAIT_MS, cease, step } from './fsm.js';
import { type FsmAction, type FsmEvent, type FsmState, INITIAL_FSM_STATE, type SessionState, type TimerName } from './fsm-types.js';
import { type NegotiatedSession, buildOpen, initialCodecOptions, negotiate } from './negotiation.js';
import { sendChanges, writeAll } from './route-sender.js';

export interface BgpSessionOptions {
  readonly peerName: string;
  readonly peerAddress: IP;
  readonly peerPort: number;
  /** A number, 'internal' or 'external' (dynamic ASN), or undefined to accept any AS. */
  readonly peerASN: PeerAsn;
  readonly localASN: number;
  /** Our BGP identifier as a 32-bit number; see deriveRouterId. */
  readonly routerId: number;
  /** Dial from this address; it must exist on the node. */
  readonly sourceAddress?: IP;
  readonly holdTimeSeconds: number;
  readonly keepaliveTimeSeconds: number;
  readonly connectTimeSeconds: number;
  /** TCP-MD5 key; needs `connect`, which sets it on the socket before the SYN. */
  readonly password?: string;
  readonly gracefulRestart: boolean;
  /** Restart Time advertised with graceful restart; default 120 s. */
  readonly gracefulRestartTimeSeconds?: number;
  /** The configuration says iBGP; the AS in the peer's OPEN decides for a dynamic peer. */
  readonly ibgp: boolean;
  /** Accepted for completeness: Node cannot set the TTL of a TCP socket, so it changes nothing yet. */
  readonly ebgpMultiHop: boolean;
  /** Never dial: only take connections handed over with acceptIncoming. Default false. */
  readonly passive?: boolean;
  /** Families offered; default IPv4 and IPv6 unicast. */
  readonly families?: readonly AddressFamily[];
  readonly logger: Logger;
  /** Dials with TCP-MD5 (speaker/src/native connectWithMd5); used when `password` is set. */
  readonly connect?: (options: Md5ConnectOptions) => Promise<net.Socket>;
}

export interface StateChange {
  readonly from: SessionState;
  readonly to: SessionState;
  readonly reason: string;
}

export interface SessionDown {
  readonly reason: string;
  /** The NOTIFICATION sent or received, when there was one. */
  readonly notification?: NotificationMessage;
}

export interface BgpSessionEvents {
  state: [StateChange];
  established: [NegotiatedSession];
  down: [SessionDown];
  /** Every UPDATE received while Established, decoded; Herald imports no routes, so this is for logs and tests. */
  update: [UpdateMessage];
}

const TIMER_EVENTS: Record<TimerName, FsmEvent> = {
  connectRetry: { type: 'ConnectRetryTimerExpires' },
  hold: { type: 'HoldTimerExpires' },
  keepalive: { type: 'KeepaliveTimerExpires' },
};

/**
 * One BGP session with one peer: the state machine of fsm.ts driven by a TCP socket and timers,
 * plus the routes this node wants the peer to hold (setRoutes), sent as differences.
 */
export class BgpSession extends EventEmitter<BgpSessionEvents> {
  private readonly config: SessionConfig;
  private readonly log: Logger;
  private fsm: FsmState = INITIAL_FSM_STATE;
  private readonly pending: FsmEvent[] = [];
  private dispatching = false;
  private connection: Connection | undefined;
  private candidate: { connection: Connection; timer: NodeJS.Timeout } | undefined;
  private dial: { token: number; abort: () => void } | undefined;
  private dials = 0;
  private readonly timers = new Map<TimerName, NodeJS.Timeout>();
  private rib = new AdjRibOut();
  private desired: ReadonlyMap<string, OutboundRoute> = new Map();
  /** Prefixes changed since the last flush, or 'all' when the whole table must be compared. */
  private dirty: Set<string> | 'all' = 'all';
  private flushScheduled = false;
  private flushDirty = false;
  private flushRunning: Promise<void> | undefined;
  private endOfRibPending = false;
  private gracefulShutdown = false;

  constructor(private readonly options: BgpSessionOptions) {
    super();
    if (options.password !== undefined && options.connect === undefined) {
      throw new Error(
        `peer ${options.peerName}: a TCP-MD5 password is configured but no MD5-capable connect function was given`,
      );
    }
    this.log = options.logger.child({ peer: options.peerName });
    this.config = {
      peerName: options.peerName,
      localAsn: options.localASN,
      routerId: options.routerId,
      peerAsn: options.peerASN,
      holdTimeSeconds: options.holdTimeSeconds,
      keepaliveTimeSeconds: options.keepaliveTimeSeconds,
      connectTimeSeconds: options.connectTimeSeconds,
      gracefulRestart: options.gracefulRestart,
      restartTimeSeconds: options.gracefulRestartTimeSeconds ?? DEFAULT_RESTART_TIME_SECONDS,
      passive: options.passive ?? false,
      families: options.families ?? BOTH_UNICAST_FAMILIES,
    };
  }

  get state(): SessionState {
    return this.fsm.name;
  }

  /**
   * Our end of the connection in use (IPv4-mapped addresses read as IPv4): the next hop this
   * node announces to the peer.
   */
  get localAddress(): IP | undefined {
    const text = this.connection?.socket.localAddress;
    if (text === undefined) return undefined;
    return parseIP(text.startsWith('::ffff:') && text.includes('.') ? text.slice(7) : text);
  }

  /** What the two OPENs agreed, from OpenConfirm on. */
  get negotiated(): NegotiatedSession | undefined {
    return this.fsm.negotiated;
  }

  start(): void {
    this.gracefulShutdown = false;
    this.dispatch({ type: 'ManualStart' });
  }

  /**
   * Ends the session with Cease / Administrative Shutdown and stops dialling. With `graceful`, on
   * a session that negotiated graceful restart, the connection is closed without NOTIFICATION so
   * the peer keeps our routes while we restart (RFC 4724). A `reason` also goes to the peer's
   * operator in the NOTIFICATION (RFC 9003). Resolves when the connection is closed.
   */
  async stop(options: { graceful?: boolean; reason?: string } = {}): Promise<void> {
    const connection = this.connection;
    const keepRoutes = options.graceful === true && this.fsm.negotiated?.gracefulRestart === true;
    this.dropCandidate('the session is stopping', cease(CEASE.administrativeShutdown));
    this.dispatch({
      type: 'ManualStop',
      reason: options.reason ?? (keepRoutes ? 'stopped for a graceful restart' : 'stopped'),
      notify: !keepRoutes,
      ...(options.reason === undefined ? {} : { communication: options.reason }),
    });
    if (connection !== undefined) await connection.whenClosed;
  }

  /**
   * RFC 8326 graceful shutdown: re-announce every route with GRACEFUL_SHUTDOWN (and LOCAL_PREF 0
   * on iBGP) so the peer moves traffic to other paths, wait `gracefulShutdownMs`, then stop.
   */
  async shutdown(options: { gracefulShutdownMs: number }): Promise<void> {
    if (this.fsm.name === 'Established') {
      this.gracefulShutdown = true;
      this.rib.resend(4);
      this.rib.resend(6);
      this.dirty = 'all';
      this.requestFlush();
      await this.flushed();
      this.log.info('graceful shutdown: routes re-announced with GRACEFUL_SHUTDOWN; waiting before closing', {
        waitMs: options.gracefulShutdownMs,
      });
      await this.whileEstablished(options.gracefulShutdownMs);
    }
    await this.stop({ reason: 'graceful shutdown (RFC 8326)' });
  }

  /**
   * Tears the session down at once with Cease (default subcode BFD Down, RFC 9384) and dials again
   * after the back-off, e.g. when BFD says the path failed.
   */
  bringDown(reason: string, ceaseSubcode: number = CEASE.bfdDown): void {
    this.dropCandidate(reason, cease(ceaseSubcode));
    this.dispatch({ type: 'AutomaticStop', reason, ceaseSubcode });
  }

  /**
   * The routes the peer should hold, keyed by prefix text. Calls within one tick are coalesced;
   * only the difference from what the peer holds is sent. `changed`, when given, names every
   * prefix in which `routes` differs from the routes of the previous call (the caller may pass
   * the same map, changed in place): only those are compared, so the cost follows the change,
   * not the size of the table. Without it the whole table is compared.
   */
  setRoutes(routes: ReadonlyMap<string, OutboundRoute>, changed?: Iterable<string>): void {
    this.desired = routes;
    // Not Established: the next Established sends the whole table anyway.
    if (changed === undefined || this.fsm.name !== 'Established') this.dirty = 'all';
    else if (this.dirty !== 'all') for (const key of changed) this.dirty.add(key);
    if (this.fsm.name === 'Established') this.requestFlush();
  }

  /** A connection the peer opened to us: taken, held for collision resolution, or refused. */
  acceptIncoming(socket: net.Socket): void {
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    switch (planIncoming(this.fsm.name)) {
      case 'refuse':
        this.log.info('refused a connection from the peer: the session is stopped', { remote });
        socket.destroy();
        return;
      case 'adopt':
        // A dial still under way is left to finish: if it does, it is resolved as a collision,
        // because the peer may already have taken it as its session.
        this.connection = this.attach(socket, 'incoming');
        this.dispatch({ type: 'TcpConnectionConfirmed' });
        return;
      case 'hold':
        this.holdCandidate(this.attach(socket, 'incoming'));
        this.log.info('the peer opened a second connection; its OPEN will settle which one stays', { remote });
    }
  }

  private dispatch(event: FsmEvent): void {
    this.pending.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.pending.shift(); next !== undefined; next = this.pending.shift()) this.run(next);
    } finally {
      this.dispatching = false;
    }
  }

  private run(event: FsmEvent): void {
    const from = this.fsm;
    const result = step(from, event, { config: this.config, jitter: Math.random() });
    this.fsm = result.state;
    if (from.negotiated === undefined && result.state.negotiated?.codec.extendedMessage === true) {
      this.connection?.setMaxLength(MAX_EXTENDED_MESSAGE_LENGTH);
    }
    const announcements: FsmAction[] = [];
    for (const action of result.actions) {
      if (action.type === 'established' || action.type === 'down') announcements.push(action);
      else this.apply(action);
    }
    if (from.name !== result.state.name) {
      this.log.info(`BGP session ${from.name} -> ${result.state.name}`, { from: from.name, to: result.state.name, reason: result.reason });
      this.emit('state', { from: from.name, to: result.state.name, reason: result.reason });
    } else if (result.actions.length === 0) {
      this.log.debug(result.reason);
    }
    for (const action of announcements) this.announce(action);
  }

  private apply(action: FsmAction): void {
    switch (action.type) {
      case 'connect':
        this.startDial();
        return;
      case 'close': {
        this.abortDial();
        const connection = this.connection;
        this.connection = undefined;
        void connection?.close();
        return;
      }
      case 'send':
        // Which NOTIFICATION we sent is what the peer's operator will ask about; the reason alone does not say.
        if (action.message.type === 'notification') this.log.warn('NOTIFICATION sent', { notification: describeNotificationMessage(action.message) });
        this.connection?.write(encodeMessage(action.message, this.codecOptions()));
        return;
      case 'start-timer': {
        clearTimeout(this.timers.get(action.timer));
        const timer = setTimeout(() => {
          this.timers.delete(action.timer);
          this.dispatch(TIMER_EVENTS[action.timer]);
        }, action.ms);
        this.timers.set(action.timer, timer);
        return;
      }
      case 'stop-timer':
        clearTimeout(this.timers.get(action.timer));
        this.timers.delete(action.timer);
        return;
      case 'established':
      case 'down':
        return;
    }
  }

  private announce(action: FsmAction): void {
    if (action.type === 'established') {
      const { negotiated } = action;
      this.log.info('BGP session established', {
        peerAsn: negotiated.peerAsn,
        holdTimeSeconds: negotiated.holdTimeSeconds,
        families: negotiated.families.map(familyText),
        gracefulRestart: negotiated.gracefulRestart,
      });
      this.rib = new AdjRibOut();
      this.dirty = 'all';
      this.endOfRibPending = true;
      this.requestFlush();
      this.emit('established', negotiated);
    } else if (action.type === 'down') {
      this.log.warn('BGP session down', { reason: action.reason });
      this.emit('down', action.notification === undefined ? { reason: action.reason } : { reason: action.reason, notification: action.notification });
    }
  }

  private codecOptions() {
    return this.fsm.negotiated?.codec ?? initialCodecOptions(this.options.ibgp);
  }

  private startDial(): void {
    const token = ++this.dials;
    const { peerAddress, peerPort, sourceAddress, password, connect } = this.options;
    const host = formatIP(peerAddress);
    const localAddress = sourceAddress === undefined ? undefined : formatIP(sourceAddress);
    let attempt: Promise<net.Socket>;
    let abort: () => void;
    if (password !== undefined && connect !== undefined) {
      attempt = connect({
        host,
        port: peerPort,
        family: peerAddress.family,
        ...(localAddress === undefined ? {} : { localAddress }),
        password,
        timeoutMs: this.config.connectTimeSeconds * 1000,
      });
      // The addon's connect cannot be cancelled; its socket is closed when it arrives late.
      abort = () => undefined;
    } else {
      const socket = net.connect({ host, port: peerPort, family: peerAddress.family, ...(localAddress === undefined ? {} : { localAddress }) });
      attempt = new Promise((resolve, reject) => {
        socket.once('error', reject);
        socket.once('connect', () => {
          socket.off('error', reject);
          resolve(socket);
        });
      });
      abort = () => socket.destroy();
    }
    this.dial = { token, abort };
    attempt.then(
      (socket) => {
        if (this.dial?.token !== token) {
          socket.destroy();
          return;
        }
        this.dial = undefined;
        if (this.connection === undefined && this.fsm.name === 'Connect') {
          this.connection = this.attach(socket, 'outgoing');
          this.dispatch({ type: 'TcpConnectionAcknowledged' });
        } else if (planIncoming(this.fsm.name) === 'hold') {
          this.holdCandidate(this.attach(socket, 'outgoing'));
          this.log.info('our connection completed after the peer\'s; its OPEN will settle which one stays');
        } else {
          socket.destroy();
        }
      },
      (error: Error) => {
        if (this.dial?.token !== token) return;
        this.dial = undefined;
        const reason = `cannot connect to ${host} port ${peerPort}: ${error.message}`;
        if (this.connection === undefined && this.fsm.name === 'Connect') this.dispatch({ type: 'TcpConnectionFails', reason });
        else this.log.debug(`a second connection was not needed after all: ${reason}`);
      },
    );
  }

  private abortDial(): void {
    this.dial?.abort();
    this.dial = undefined;
  }

  private attach(socket: net.Socket, direction: 'outgoing' | 'incoming'): Connection {
    const handlers: ConnectionHandlers = {
      frame: (connection, frame) => {
        if (connection === this.connection) this.receive(frame);
        else if (connection === this.candidate?.connection) this.receiveOnCandidate(connection, frame);
      },
      headerError: (connection, error) => {
        if (connection === this.connection) this.dispatch({ type: 'MessageError', error });
        else if (connection === this.candidate?.connection) this.dropCandidate(error.reason, notificationFromError(error));
      },
      lost: (connection, reason) => {
        if (connection === this.connection) this.dispatch({ type: 'TcpConnectionFails', reason });
        else if (connection === this.candidate?.connection) this.dropCandidate(reason);
      },
    };
    return new Connection(socket, direction, handlers);
  }

  private receive(frame: Uint8Array): void {
    const decoded = decodeMessage(frame, this.codecOptions());
    if (!decoded.ok) {
      this.dispatch({ type: 'MessageError', error: decoded.error });
      return;
    }
    const { message } = decoded;
    switch (message.type) {
      case 'open':
        this.dispatch({ type: 'BGPOpen', open: message });
        return;
      case 'keepalive':
        this.dispatch({ type: 'KeepAliveMsg' });
        return;
      case 'notification':
        this.dispatch({ type: 'NotifMsg', notification: message });
        return;
      case 'update':
        this.dispatch({ type: 'UpdateMsg' });
        if (this.fsm.name !== 'Established') return;
        for (const issue of decoded.issues) {
          this.log.warn(`received UPDATE: ${issue.reason}`, { attribute: issue.code, action: issue.action });
        }
        this.logEndOfRib(message);
        this.emit('update', message);
        return;
      case 'route-refresh':
        this.dispatch({ type: 'RouteRefreshMsg' });
        if (this.fsm.name !== 'Established') return;
        this.resendFamily(message.family);
        return;
    }
  }

  private logEndOfRib(update: UpdateMessage): void {
    const family = isEndOfRib(update);
    if (family !== undefined) this.log.debug('received End-of-RIB', { family: familyText(family) });
  }

  /** RFC 2918: the peer asks for everything again. */
  private resendFamily(family: AddressFamily): void {
    const ip = family.afi === AFI_IPV4 ? 4 : family.afi === AFI_IPV6 ? 6 : undefined;
    if (ip === undefined) return;
    this.log.info('the peer asked for a route refresh; resending', { family: familyText(family) });
    this.rib.resend(ip);
    this.dirty = 'all';
    this.requestFlush();
  }

  /** A second connection while one is in use: our OPEN goes out on it too, and its OPEN decides. */
  private holdCandidate(connection: Connection): void {
    this.dropCandidate('a newer second connection replaced it', cease(CEASE.connectionCollisionResolution));
    const timer = setTimeout(() => this.dropCandidate(`no OPEN within ${OPEN_WAIT_MS / 1000} s`), OPEN_WAIT_MS);
    this.candidate = { connection, timer };
    connection.write(encodeMessage(buildOpen(this.config), initialCodecOptions(this.options.ibgp)));
  }

  /** The first message on a second connection must be an OPEN; it settles the collision. */
  private receiveOnCandidate(connection: Connection, frame: Uint8Array): void {
    const decoded = decodeMessage(frame, initialCodecOptions(this.options.ibgp));
    if (!decoded.ok) {
      this.dropCandidate(decoded.error.reason, notificationFromError(decoded.error));
      return;
    }
    if (decoded.message.type !== 'open') {
      const unexpected: NotificationMessage = {
        type: 'notification',
        code: ERROR_CODE.finiteStateMachine,
        subcode: FSM_ERROR.unexpectedMessageInOpenSent,
        data: new Uint8Array(0),
      };
      this.dropCandidate(`the peer sent ${decoded.message.type} before OPEN on its second connection`, unexpected);
      return;
    }
    const open = decoded.message;
    const negotiation = negotiate(open, this.config);
    if (!negotiation.ok) {
      this.dropCandidate(negotiation.error.reason, notificationFromError(negotiation.error));
      return;
    }
    const state = this.fsm.name;
    const existing = this.connection;
    if (state === 'Idle') {
      this.dropCandidate('the session is stopped', cease(CEASE.administrativeShutdown));
      return;
    }
    if (existing !== undefined && (state === 'OpenSent' || state === 'OpenConfirm' || state === 'Established')) {
      const outcome = resolveCollision({
        existingState: state,
        existingDirection: existing.direction,
        newDirection: connection.direction,
        localId: this.config.routerId,
        localAsn: this.config.localAsn,
        remoteId: open.bgpIdentifier,
        remoteAsn: negotiation.session.peerAsn,
        peerRestarted: negotiation.session.gracefulRestart,
      });
      if (outcome.keep === 'existing') {
        this.dropCandidate(outcome.reason, cease(CEASE.connectionCollisionResolution));
        return;
      }
      this.releaseCandidate();
      this.dispatch({ type: 'OpenCollisionDump', reason: outcome.reason });
    } else {
      this.releaseCandidate();
      this.abortDial();
    }
    this.connection = connection;
    this.dispatch({ type: 'TcpConnectionConfirmed', openSent: true });
    this.dispatch({ type: 'BGPOpen', open });
  }

  private releaseCandidate(): Connection | undefined {
    const candidate = this.candidate;
    if (candidate === undefined) return undefined;
    clearTimeout(candidate.timer);
    this.candidate = undefined;
    return candidate.connection;
  }

  private dropCandidate(reason: string, notification?: NotificationMessage): void {
    const connection = this.releaseCandidate();
    if (connection === undefined) return;
    if (notification !== undefined) connection.write(encodeMessage(notification, initialCodecOptions(this.options.ibgp)));
    void connection.close();
    this.log.info('closed the second connection to the peer', { reason });
  }

  private requestFlush(): void {
    this.flushDirty = true;
    if (this.flushScheduled || this.flushRunning !== undefined) return;
    this.flushScheduled = true;
    // setImmediate, not a microtask: every setRoutes of this tick lands before the diff is taken.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushRunning = this.flush().finally(() => {
        this.flushRunning = undefined;
        if (this.flushDirty) this.requestFlush();
      });
    });
  }

  private async flush(): Promise<void> {
    while (this.flushDirty) {
      this.flushDirty = false;
      const connection = this.connection;
      const negotiated = this.fsm.negotiated;
      if (this.fsm.name !== 'Established' || connection === undefined || negotiated === undefined) return;
      const dirty = this.dirty;
      this.dirty = new Set();
      const summary = await sendChanges(
        {
          rib: this.rib,
          desired: this.desired,
          ...(dirty === 'all' ? {} : { keys: dirty }),
          families: negotiated.families,
          policy: { localAsn: this.config.localAsn, ibgp: negotiated.ibgp, gracefulShutdown: this.gracefulShutdown },
          codec: negotiated.codec,
        },
        connection,
      );
      if (!summary.complete) {
        // The connection is gone; whatever comes next compares everything.
        this.dirty = 'all';
        return;
      }
      if (summary.announced + summary.withdrawn > 0) {
        this.log.info('routes sent', { announced: summary.announced, withdrawn: summary.withdrawn, held: this.rib.size });
      }
      if (this.endOfRibPending && connection === this.connection) {
        this.endOfRibPending = false;
        const markers = negotiated.families.map((family) => encodeMessage(endOfRib(family), negotiated.codec));
        if (!(await writeAll(connection, markers))) return;
        this.log.info('End-of-RIB sent', { families: negotiated.families.map(familyText) });
      }
    }
  }

  /**
   * Resolves once every route change requested so far has been handed to the socket and the
   * socket drained (at once when not Established: nothing is sent then).
   */
  async flushed(): Promise<void> {
    while (this.flushScheduled || this.flushRunning !== undefined) {
      await (this.flushRunning ?? new Promise<void>((resolve) => setImmediate(resolve)));
    }
    await this.connection?.drained();
  }

  /** Waits `ms`, or less if the session leaves Established first. */
  private whileEstablished(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.off('state', onState);
        resolve();
      };
      const onState = (change: StateChange) => {
        if (change.to !== 'Established') done();
      };
      const timer = setTimeout(done, ms);
      this.on('state', onState);
    });
  }
}
