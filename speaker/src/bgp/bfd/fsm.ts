/**
 * The BFD session state machine (RFC 5880 sections 6.2 and 6.8), asynchronous mode, no
 * authentication, no echo, no Demand mode of our own (a peer's Demand mode is honoured). A pure
 * function of (state, event, clock) to (state, actions): the shell sends the packets, reports the
 * state changes and arms one timer for the earlier of `nextTransmitAt` and `detectAt`.
 *
 * Times (`now`, `nextTransmitAt`, `detectAt`) are milliseconds on the shell's monotonic clock;
 * intervals are microseconds, as in the packets.
 */

import { DIAG, type ControlPacket, type SessionState } from './packet.js';
import { advertisedDesiredMinTxUs, jitteredDelayMs } from './timing.js';

export interface BfdParameters {
  readonly desiredMinTxUs: number;
  readonly requiredMinRxUs: number;
  readonly detectMult: number;
  /** Send nothing until the peer has been heard from (section 6.1, the Passive role). */
  readonly passive: boolean;
}

/**
 * A Poll Sequence in progress (section 6.5). The held values are the ones the peer last agreed
 * to, used in place of the new ones until its Final arrives (section 6.8.3): an increased Desired
 * Min TX must not slow transmission yet, and a reduced Required Min RX must not shorten detection yet.
 */
export interface PollSequence {
  readonly heldDesiredMinTxUs?: number;
  readonly heldRequiredMinRxUs?: number;
}

/** The state variables of section 6.8.1, plus the timers as deadlines. */
export interface BfdState {
  readonly params: BfdParameters;
  readonly sessionState: SessionState;
  readonly remoteSessionState: SessionState;
  readonly localDiscr: number;
  readonly remoteDiscr: number;
  readonly localDiag: number;
  /** As advertised now: the configured value once Up, at least 1 s before. */
  readonly desiredMinTxUs: number;
  readonly requiredMinRxUs: number;
  readonly remoteMinRxUs: number;
  /** From the last packet received; with remoteDetectMult it gives the detection time. 0 before any. */
  readonly remoteDesiredMinTxUs: number;
  readonly remoteDetectMult: number;
  readonly remoteDemandMode: boolean;
  readonly poll?: PollSequence;
  readonly nextTransmitAt?: number;
  readonly detectAt?: number;
}

export type BfdEvent =
  | { readonly kind: 'enable' }
  /** Section 6.8.16; the diagnostic defaults to Administratively Down. */
  | { readonly kind: 'disable'; readonly diag?: number }
  /** A packet the codec accepted and the listener matched to this session. */
  | { readonly kind: 'packet'; readonly packet: ControlPacket }
  /** The shell's timer fired: whatever deadline has passed is acted on. */
  | { readonly kind: 'timer' }
  | { readonly kind: 'parameters'; readonly params: BfdParameters };

export interface Clock {
  readonly now: number;
  /** In [0, 1); drawn once for each periodic packet scheduled. */
  readonly random: () => number;
}

export type BfdAction =
  | { readonly kind: 'send'; readonly packet: ControlPacket }
  | { readonly kind: 'state'; readonly from: SessionState; readonly to: SessionState; readonly diag: number }
  | { readonly kind: 'discard'; readonly reason: string };

export interface StepResult {
  readonly state: BfdState;
  readonly actions: readonly BfdAction[];
}

/** bfd.RemoteMinRxInterval starts at 1 microsecond (section 6.8.1): transmit at our own pace until told otherwise. */
const INITIAL_REMOTE_MIN_RX_US = 1;

const REMOTE_UNKNOWN = {
  remoteSessionState: 'Down',
  remoteDiscr: 0,
  remoteMinRxUs: INITIAL_REMOTE_MIN_RX_US,
  remoteDesiredMinTxUs: 0,
  remoteDetectMult: 0,
  remoteDemandMode: false,
} as const;

/** A new session starts administratively down; 'enable' brings it to Down. */
export function initialState(localDiscr: number, params: BfdParameters): BfdState {
  return {
    params,
    sessionState: 'AdminDown',
    localDiscr,
    localDiag: DIAG.none,
    desiredMinTxUs: advertisedDesiredMinTxUs(false, params.desiredMinTxUs),
    requiredMinRxUs: params.requiredMinRxUs,
    ...REMOTE_UNKNOWN,
  };
}

/** Section 6.8.2: the interval between periodic packets, before jitter. */
export function transmitIntervalUs(s: BfdState): number {
  return Math.max(s.poll?.heldDesiredMinTxUs ?? s.desiredMinTxUs, s.remoteMinRxUs);
}

/** Section 6.8.4: how long without a packet before the peer is declared gone; 0 before its first packet. */
export function detectionTimeUs(s: BfdState): number {
  return s.remoteDetectMult * Math.max(s.poll?.heldRequiredMinRxUs ?? s.requiredMinRxUs, s.remoteDesiredMinTxUs);
}

/** Section 6.8.7: when periodic packets may go out at all. */
export function mayTransmitPeriodically(s: BfdState): boolean {
  if (s.sessionState === 'AdminDown') return false;
  if (s.params.passive && s.remoteDiscr === 0) return false;
  if (s.remoteMinRxUs === 0) return false;
  return !(s.remoteDemandMode && s.sessionState === 'Up' && s.remoteSessionState === 'Up');
}

export function step(state: BfdState, event: BfdEvent, clock: Clock): StepResult {
  switch (event.kind) {
    case 'enable':
      return enable(state, clock);
    case 'disable':
      return disable(state, event.diag ?? DIAG.administrativelyDown);
    case 'packet':
      return receive(state, event.packet, clock);
    case 'timer':
      return timer(state, clock);
    case 'parameters':
      return setParameters(state, event.params, clock);
  }
}

function enable(s: BfdState, clock: Clock): StepResult {
  if (s.sessionState !== 'AdminDown') return { state: s, actions: [] };
  const fresh: BfdState = {
    params: s.params,
    localDiscr: s.localDiscr,
    sessionState: 'Down',
    localDiag: DIAG.none,
    desiredMinTxUs: advertisedDesiredMinTxUs(false, s.params.desiredMinTxUs),
    requiredMinRxUs: s.params.requiredMinRxUs,
    ...REMOTE_UNKNOWN,
  };
  const actions: BfdAction[] = [{ kind: 'state', from: 'AdminDown', to: 'Down', diag: DIAG.none }];
  if (!mayTransmitPeriodically(fresh)) return { state: fresh, actions };
  return sendNow(fresh, actions, clock, { poll: false, final: false });
}

/**
 * Section 6.8.16. A peer that may be Up with us (we are Init or Up) is told with one AdminDown
 * packet. The RFC suggests repeating it for a detection time, but FRR's bfdd takes every further
 * AdminDown, once it is Down itself, as a reason to keep our discriminator, and then sends Down
 * packets addressed to this old session forever, so a new session in passive mode (which must
 * not speak first) never hears a packet it may accept. A lost AdminDown costs nothing: the peer's
 * detection time runs out instead. A peer that is at most Init with us (we are Down) times out on
 * its own.
 */
function disable(s: BfdState, diag: number): StepResult {
  if (s.sessionState === 'AdminDown') return { state: s, actions: [] };
  const next: BfdState = withoutTimers({
    ...s,
    sessionState: 'AdminDown',
    localDiag: diag,
    desiredMinTxUs: advertisedDesiredMinTxUs(false, s.params.desiredMinTxUs),
    poll: undefined,
  });
  const actions: BfdAction[] = [{ kind: 'state', from: s.sessionState, to: 'AdminDown', diag }];
  if (s.sessionState === 'Down') return { state: next, actions };
  return send(next, actions, { poll: false, final: false });
}

function receive(s: BfdState, p: ControlPacket, clock: Clock): StepResult {
  if (p.auth) {
    return discard(s, 'the A bit is set but this session uses no authentication (RFC 5880 section 6.8.6)');
  }
  if (p.yourDiscriminator !== 0 && p.yourDiscriminator !== s.localDiscr) {
    return discard(s, `Your Discriminator ${p.yourDiscriminator} is not this session's ${s.localDiscr}`);
  }
  if (s.sessionState === 'AdminDown') return discard(s, 'the session is administratively down');
  const intervalBefore = transmitIntervalUs(s);
  let next: BfdState = {
    ...s,
    remoteDiscr: p.myDiscriminator,
    remoteSessionState: p.state,
    remoteDemandMode: p.demand,
    remoteMinRxUs: p.requiredMinRxUs,
    remoteDesiredMinTxUs: p.desiredMinTxUs,
    remoteDetectMult: p.detectMult,
    ...(p.final ? { poll: undefined } : {}),
  };
  const actions: BfdAction[] = [];
  const [to, diag] = nextSessionState(s.sessionState, p.state);
  if (to !== s.sessionState) next = enter(next, to, diag, actions);
  next = { ...next, detectAt: clock.now + detectionTimeUs(next) / 1000 };
  if (p.poll) {
    // Section 6.8.6: answer a Poll at once, whatever the timers say. A state change rides along.
    const final = send(next, actions, { poll: false, final: true });
    return to !== s.sessionState ? reschedule(final.state, final.actions, clock) : reconcile(final.state, final.actions, clock, intervalBefore);
  }
  if (to !== s.sessionState && mayTransmitPeriodically(next)) {
    return sendNow(next, actions, clock, { poll: next.poll !== undefined, final: false });
  }
  return reconcile(next, actions, clock, intervalBefore);
}

/** The reception table of section 6.8.6. */
function nextSessionState(local: SessionState, remote: SessionState): [SessionState, number] {
  if (remote === 'AdminDown') return local === 'Down' ? [local, DIAG.none] : ['Down', DIAG.neighborSignaledSessionDown];
  if (local === 'Down') {
    if (remote === 'Down') return ['Init', DIAG.none];
    if (remote === 'Init') return ['Up', DIAG.none];
    return [local, DIAG.none];
  }
  if (local === 'Init') return remote === 'Init' || remote === 'Up' ? ['Up', DIAG.none] : [local, DIAG.none];
  return remote === 'Down' ? ['Down', DIAG.neighborSignaledSessionDown] : [local, DIAG.none];
}

function timer(s: BfdState, clock: Clock): StepResult {
  const expired = s.detectAt !== undefined && clock.now >= s.detectAt ? expire(s, clock) : { state: s, actions: [] };
  const next = expired.state;
  if (next.nextTransmitAt === undefined || clock.now < next.nextTransmitAt) return expired;
  return mayTransmitPeriodically(next) ? sendPeriodic(next, expired.actions, clock) : { state: withoutTransmit(next), actions: expired.actions };
}

/** Section 6.8.5, and 6.8.1: a detection time without a packet forgets the peer, so a new session can form. */
function expire(s: BfdState, clock: Clock): StepResult {
  const { detectAt: _expired, ...rest } = s;
  const forgotten: BfdState = { ...rest, ...REMOTE_UNKNOWN };
  if (s.sessionState !== 'Init' && s.sessionState !== 'Up') return reconcile(forgotten, [], clock, transmitIntervalUs(s));
  const actions: BfdAction[] = [];
  const down = enter(forgotten, 'Down', DIAG.controlDetectionTimeExpired, actions);
  if (!mayTransmitPeriodically(down)) return { state: withoutTransmit(down), actions };
  return sendNow(down, actions, clock, { poll: false, final: false });
}

function setParameters(s: BfdState, params: BfdParameters, clock: Clock): StepResult {
  const up = s.sessionState === 'Up';
  const desired = advertisedDesiredMinTxUs(up, params.desiredMinTxUs);
  const required = params.requiredMinRxUs;
  const changed = desired !== s.desiredMinTxUs || required !== s.requiredMinRxUs;
  let next: BfdState = { ...s, params, desiredMinTxUs: desired, requiredMinRxUs: required };
  if (s.sessionState === 'AdminDown') return { state: next, actions: [] };
  if (changed && s.remoteDiscr !== 0) next = { ...next, poll: up ? holdsFor(s, desired, required) : {} };
  const intervalBefore = transmitIntervalUs(s);
  if (s.params.passive && !params.passive && s.remoteDiscr === 0 && s.sessionState === 'Down') {
    return sendNow(next, [], clock, { poll: false, final: false });
  }
  return reconcile(next, [], clock, intervalBefore);
}

/** Section 6.8.3: what the peer has agreed to stays in force until it answers the Poll. */
function holdsFor(s: BfdState, desired: number, required: number): PollSequence {
  const agreedDesired = s.poll?.heldDesiredMinTxUs ?? s.desiredMinTxUs;
  const agreedRequired = s.poll?.heldRequiredMinRxUs ?? s.requiredMinRxUs;
  return {
    ...(desired > agreedDesired ? { heldDesiredMinTxUs: agreedDesired } : {}),
    ...(required < agreedRequired ? { heldRequiredMinRxUs: agreedRequired } : {}),
  };
}

/**
 * Moves to a new session state. Up advertises the configured Desired Min TX, which differs from
 * the slow rate, and so starts a Poll (section 6.8.3); leaving Up ends any Poll and slows down.
 */
function enter(s: BfdState, to: SessionState, diag: number, actions: BfdAction[]): BfdState {
  actions.push({ kind: 'state', from: s.sessionState, to, diag });
  const desired = advertisedDesiredMinTxUs(to === 'Up', s.params.desiredMinTxUs);
  const poll = to === 'Up' && desired !== s.desiredMinTxUs ? {} : to === 'Up' ? s.poll : undefined;
  return { ...s, sessionState: to, localDiag: diag, desiredMinTxUs: desired, poll };
}

function discard(s: BfdState, reason: string): StepResult {
  return { state: s, actions: [{ kind: 'discard', reason }] };
}

function packetOf(s: BfdState, flags: { poll: boolean; final: boolean }): ControlPacket {
  return {
    diag: s.localDiag,
    state: s.sessionState,
    poll: flags.poll,
    final: flags.final,
    controlPlaneIndependent: false,
    demand: false,
    detectMult: s.params.detectMult,
    myDiscriminator: s.localDiscr,
    yourDiscriminator: s.remoteDiscr,
    desiredMinTxUs: s.desiredMinTxUs,
    requiredMinRxUs: s.requiredMinRxUs,
    // We never ask the peer to loop Echo packets back to us, nor do we send any.
    requiredMinEchoRxUs: 0,
  };
}

function send(s: BfdState, actions: readonly BfdAction[], flags: { poll: boolean; final: boolean }): StepResult {
  return { state: s, actions: [...actions, { kind: 'send', packet: packetOf(s, flags) }] };
}

/** Sends a packet now (a state change) and starts the periodic interval again from now. */
function sendNow(s: BfdState, actions: readonly BfdAction[], clock: Clock, flags: { poll: boolean; final: boolean }): StepResult {
  const sent = send(s, actions, flags);
  return reschedule(sent.state, sent.actions, clock);
}

function sendPeriodic(s: BfdState, actions: readonly BfdAction[], clock: Clock): StepResult {
  const sent = send(s, actions, { poll: s.poll !== undefined, final: false });
  return reschedule(sent.state, sent.actions, clock);
}

function reschedule(s: BfdState, actions: readonly BfdAction[], clock: Clock): StepResult {
  if (!mayTransmitPeriodically(s)) return { state: withoutTransmit(s), actions };
  const delay = jitteredDelayMs(transmitIntervalUs(s), s.params.detectMult, clock.random());
  return { state: { ...s, nextTransmitAt: clock.now + delay }, actions };
}

/**
 * Keeps the periodic timer in line with what may be sent: stopped when nothing may go, started
 * when something may and nothing was scheduled, brought forward when the interval got shorter.
 */
function reconcile(s: BfdState, actions: readonly BfdAction[], clock: Clock, intervalBeforeUs: number): StepResult {
  if (!mayTransmitPeriodically(s)) return { state: withoutTransmit(s), actions };
  if (s.nextTransmitAt === undefined) return reschedule(s, actions, clock);
  const interval = transmitIntervalUs(s);
  if (interval < intervalBeforeUs && s.nextTransmitAt > clock.now + interval / 1000) return reschedule(s, actions, clock);
  return { state: s, actions };
}

function withoutTransmit(s: BfdState): BfdState {
  const { nextTransmitAt: _dropped, ...rest } = s;
  return rest;
}

function withoutTimers(s: BfdState): BfdState {
  const { nextTransmitAt: _t, detectAt: _d, ...rest } = s;
  return rest;
}
