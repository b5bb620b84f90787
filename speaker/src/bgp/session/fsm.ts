import { CEASE, FSM_ERROR, describeNotificationMessage, notificationFromError, shutdownNotification } from '../codec/index.js';
import type { NotificationMessage, OpenMessage } from '../messages.js';
import { ERROR_CODE } from '../messages.js';
import { reconnectDelayMs } from './backoff.js';
import type { SessionConfig } from './config.js';
import type { FsmAction, FsmEvent, FsmState, StepResult, TimerName } from './fsm-types.js';
import { buildOpen, negotiate } from './negotiation.js';

/** RFC 4271 section 8.2.2: "a large value" for the hold timer while waiting for OPEN; 4 minutes is suggested. */
export const OPEN_WAIT_MS = 240_000;

export interface StepContext {
  readonly config: SessionConfig;
  /** In [0, 1): spreads the reconnect delay; the shell draws it, tests fix it. */
  readonly jitter: number;
}

const ALL_TIMERS: readonly TimerName[] = ['connectRetry', 'hold', 'keepalive'];

/** One step of the BGP state machine: the next state and what the shell must do, nothing else. */
export function step(state: FsmState, event: FsmEvent, context: StepContext): StepResult {
  switch (state.name) {
    case 'Idle':
      return idle(state, event, context);
    case 'Connect':
    case 'Active':
      return connecting(state, event, context);
    case 'OpenSent':
    case 'OpenConfirm':
    case 'Established':
      return connected(state, event, context);
  }
}

function idle(state: FsmState, event: FsmEvent, context: StepContext): StepResult {
  if (event.type !== 'ManualStart') return ignore(state, event);
  if (context.config.passive) {
    return { state: { name: 'Active', failures: 0 }, actions: [], reason: 'started; waiting for the peer to connect (passive)' };
  }
  return {
    state: { name: 'Connect', failures: 0 },
    actions: [{ type: 'connect' }, startTimer('connectRetry', context.config.connectTimeSeconds * 1000)],
    reason: 'started; connecting to the peer',
  };
}

/** Connect (dialling) and Active (waiting to dial again, or for the peer to dial us). */
function connecting(state: FsmState, event: FsmEvent, context: StepContext): StepResult {
  const dialling = state.name === 'Connect';
  switch (event.type) {
    case 'ManualStop':
      return stop(state, event.reason, dialling ? [{ type: 'close' }] : []);
    case 'AutomaticStop':
      return dialling ? retryLater(state, event.reason, [{ type: 'close' }], context) : ignore(state, event);
    case 'ConnectRetryTimerExpires':
      if (dialling) {
        const reason = `the TCP connection did not complete within ${context.config.connectTimeSeconds} s`;
        return retryLater(state, reason, [{ type: 'close' }], context);
      }
      return {
        state: { name: 'Connect', failures: state.failures },
        actions: [{ type: 'connect' }, startTimer('connectRetry', context.config.connectTimeSeconds * 1000)],
        reason: 'retrying the connection to the peer',
      };
    case 'TcpConnectionFails':
      return dialling ? retryLater(state, event.reason, [{ type: 'close' }], context) : ignore(state, event);
    case 'TcpConnectionAcknowledged':
      return dialling ? sendOpen(state, 'connected to the peer', context, false) : ignore(state, event);
    case 'TcpConnectionConfirmed':
      return event.openSent === true
        ? sendOpen(state, 'took the connection that won the collision', context, true)
        : sendOpen(state, 'the peer connected to us', context, false);
    default:
      return ignore(state, event);
  }
}

function sendOpen(state: FsmState, reason: string, context: StepContext, alreadySent: boolean): StepResult {
  const open: FsmAction[] = alreadySent ? [] : [{ type: 'send', message: buildOpen(context.config) }];
  return {
    state: { name: 'OpenSent', failures: state.failures },
    actions: [stopTimer('connectRetry'), ...open, startTimer('hold', OPEN_WAIT_MS)],
    reason: alreadySent ? reason : `${reason}; OPEN sent`,
  };
}

/** OpenSent, OpenConfirm and Established: a TCP connection is up. */
function connected(state: FsmState, event: FsmEvent, context: StepContext): StepResult {
  switch (event.type) {
    case 'ManualStart':
    case 'TcpConnectionAcknowledged':
    case 'TcpConnectionConfirmed':
    case 'ConnectRetryTimerExpires':
      return ignore(state, event);
    case 'ManualStop': {
      if (!event.notify) return stop(state, event.reason, [{ type: 'close' }]);
      const notification =
        event.communication === undefined ? cease(CEASE.administrativeShutdown) : shutdownNotification(event.communication);
      return stop(state, event.reason, [send(notification), { type: 'close' }], notification);
    }
    case 'AutomaticStop':
      return notifyAndRetry(state, event.reason, cease(event.ceaseSubcode), context);
    case 'OpenCollisionDump':
      return notifyAndRetry(state, event.reason, cease(CEASE.connectionCollisionResolution), context);
    case 'TcpConnectionFails':
      return retryLater(state, event.reason, [{ type: 'close' }], context);
    case 'HoldTimerExpires': {
      const seconds = state.negotiated?.holdTimeSeconds ?? OPEN_WAIT_MS / 1000;
      const notification = notificationOf(ERROR_CODE.holdTimerExpired, 0);
      return notifyAndRetry(state, `hold timer expired: nothing from the peer for ${seconds} s`, notification, context);
    }
    case 'KeepaliveTimerExpires': {
      const negotiated = state.negotiated;
      if (state.name === 'OpenSent' || negotiated === undefined || negotiated.keepaliveMs === 0) return ignore(state, event);
      return same(state, [send({ type: 'keepalive' }), startTimer('keepalive', negotiated.keepaliveMs)], 'keepalive sent');
    }
    case 'MessageError':
      return notifyAndRetry(state, event.error.reason, notificationFromError(event.error), context);
    case 'NotifMsg':
      return retryLater(state, `the peer sent NOTIFICATION ${describeNotificationMessage(event.notification)}`, [{ type: 'close' }], context, event.notification);
    case 'BGPOpen':
      return state.name === 'OpenSent' ? openReceived(state, event.open, context) : unexpected(state, 'OPEN', context);
    case 'KeepAliveMsg':
      if (state.name === 'OpenSent') return unexpected(state, 'KEEPALIVE', context);
      return state.name === 'OpenConfirm' ? establish(state) : heard(state);
    case 'UpdateMsg':
    case 'RouteRefreshMsg':
      if (state.name !== 'Established') return unexpected(state, event.type === 'UpdateMsg' ? 'UPDATE' : 'ROUTE-REFRESH', context);
      return heard(state);
  }
}

function openReceived(state: FsmState, open: OpenMessage, context: StepContext): StepResult {
  const result = negotiate(open, context.config);
  if (!result.ok) return notifyAndRetry(state, result.error.reason, notificationFromError(result.error), context);
  const negotiated = result.session;
  const timers: FsmAction[] =
    negotiated.holdTimeSeconds === 0
      ? [stopTimer('hold')]
      : [startTimer('hold', negotiated.holdTimeSeconds * 1000), startTimer('keepalive', negotiated.keepaliveMs)];
  return {
    state: { name: 'OpenConfirm', failures: state.failures, negotiated },
    actions: [send({ type: 'keepalive' }), ...timers],
    reason: `OPEN accepted: AS ${negotiated.peerAsn}, hold time ${negotiated.holdTimeSeconds} s`,
  };
}

function establish(state: FsmState): StepResult {
  const negotiated = state.negotiated;
  if (negotiated === undefined) throw new Error('OpenConfirm without a negotiated session: a bug in the state machine');
  const hold: FsmAction[] = negotiated.holdTimeSeconds === 0 ? [] : [startTimer('hold', negotiated.holdTimeSeconds * 1000)];
  return {
    state: { name: 'Established', failures: 0, negotiated },
    actions: [...hold, { type: 'established', negotiated }],
    reason: 'the peer confirmed our OPEN',
  };
}

/** Any message from the peer proves it alive: the hold timer starts over. */
function heard(state: FsmState): StepResult {
  const seconds = state.negotiated?.holdTimeSeconds ?? 0;
  return same(state, seconds === 0 ? [] : [startTimer('hold', seconds * 1000)], 'message received');
}

function unexpected(state: FsmState, what: string, context: StepContext): StepResult {
  const subcode =
    state.name === 'OpenSent'
      ? FSM_ERROR.unexpectedMessageInOpenSent
      : state.name === 'OpenConfirm'
        ? FSM_ERROR.unexpectedMessageInOpenConfirm
        : FSM_ERROR.unexpectedMessageInEstablished;
  return notifyAndRetry(state, `the peer sent ${what} in state ${state.name}`, notificationOf(ERROR_CODE.finiteStateMachine, subcode), context);
}

function notifyAndRetry(state: FsmState, reason: string, notification: NotificationMessage, context: StepContext): StepResult {
  return retryLater(state, reason, [send(notification), { type: 'close' }], context, notification);
}

/** Drop the connection and go back to Active; dial again after the back-off (unless passive). */
function retryLater(
  state: FsmState,
  reason: string,
  first: readonly FsmAction[],
  context: StepContext,
  notification?: NotificationMessage,
): StepResult {
  const failures = state.failures + 1;
  const retry: FsmAction[] = context.config.passive
    ? []
    : [startTimer('connectRetry', reconnectDelayMs(failures, context.config.connectTimeSeconds, context.jitter))];
  const actions: FsmAction[] = [...first, ...ALL_TIMERS.map(stopTimer), ...retry, ...down(state, reason, notification)];
  return { state: { name: 'Active', failures }, actions, reason };
}

function stop(state: FsmState, reason: string, first: readonly FsmAction[], notification?: NotificationMessage): StepResult {
  const actions: FsmAction[] = [...first, ...ALL_TIMERS.map(stopTimer), ...down(state, reason, notification)];
  return { state: { name: 'Idle', failures: 0 }, actions, reason };
}

function down(state: FsmState, reason: string, notification?: NotificationMessage): FsmAction[] {
  if (state.name !== 'Established') return [];
  return [notification === undefined ? { type: 'down', reason } : { type: 'down', reason, notification }];
}

function same(state: FsmState, actions: readonly FsmAction[], reason: string): StepResult {
  return { state, actions, reason };
}

function ignore(state: FsmState, event: FsmEvent): StepResult {
  return { state, actions: [], reason: `${event.type} ignored in state ${state.name}` };
}

function startTimer(timer: TimerName, ms: number): FsmAction {
  return { type: 'start-timer', timer, ms };
}

function stopTimer(timer: TimerName): FsmAction {
  return { type: 'stop-timer', timer };
}

function send(message: NotificationMessage | { type: 'keepalive' }): FsmAction {
  return { type: 'send', message };
}

export function cease(subcode: number): NotificationMessage {
  return notificationOf(ERROR_CODE.cease, subcode);
}

function notificationOf(code: number, subcode: number): NotificationMessage {
  return { type: 'notification', code, subcode, data: new Uint8Array(0) };
}
