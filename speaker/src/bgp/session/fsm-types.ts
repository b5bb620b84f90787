import type { BgpError } from '../codec/index.js';
import type { Message, NotificationMessage, OpenMessage } from '../messages.js';
import type { NegotiatedSession } from './negotiation.js';

/** RFC 4271 section 8.2.2. Here Idle means stopped; a started session waiting to retry is Active. */
export type SessionState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

export type TimerName = 'connectRetry' | 'hold' | 'keepalive';

/** Everything the machine remembers between events. */
export interface FsmState {
  readonly name: SessionState;
  /** Failed attempts since the last Established: drives the reconnect back-off. */
  readonly failures: number;
  /** Set from OpenConfirm on: what both OPENs agreed. */
  readonly negotiated?: NegotiatedSession;
}

export const INITIAL_FSM_STATE: FsmState = { name: 'Idle', failures: 0 };

/** RFC 4271 section 8.1 events, named as there; the few additions say why in their comment. */
export type FsmEvent =
  | { readonly type: 'ManualStart' }
  /**
   * `notify: false` closes without NOTIFICATION, so a graceful restart helper keeps our routes.
   * `communication` goes to the peer's operator with the Cease (RFC 9003).
   */
  | { readonly type: 'ManualStop'; readonly reason: string; readonly notify: boolean; readonly communication?: string }
  /** The local system tears the session down but keeps retrying, e.g. BFD saw the path fail. */
  | { readonly type: 'AutomaticStop'; readonly reason: string; readonly ceaseSubcode: number }
  /** Our outgoing connection completed. */
  | { readonly type: 'TcpConnectionAcknowledged' }
  /**
   * A connection the peer opened was handed to this session. `openSent`: it won a collision and
   * already carries our OPEN.
   */
  | { readonly type: 'TcpConnectionConfirmed'; readonly openSent?: boolean }
  | { readonly type: 'TcpConnectionFails'; readonly reason: string }
  | { readonly type: 'ConnectRetryTimerExpires' }
  | { readonly type: 'HoldTimerExpires' }
  | { readonly type: 'KeepaliveTimerExpires' }
  /** An OPEN arrived; the machine validates it (a failed check is RFC event BGPOpenMsgErr). */
  | { readonly type: 'BGPOpen'; readonly open: OpenMessage }
  /** A message could not be decoded: header, OPEN or UPDATE error, with the NOTIFICATION to send. */
  | { readonly type: 'MessageError'; readonly error: BgpError }
  | { readonly type: 'NotifMsg'; readonly notification: NotificationMessage }
  | { readonly type: 'KeepAliveMsg' }
  | { readonly type: 'UpdateMsg' }
  /** RFC 2918; counts as traffic for the hold timer like an UPDATE. */
  | { readonly type: 'RouteRefreshMsg' }
  /** Collision resolution chose the other connection. */
  | { readonly type: 'OpenCollisionDump'; readonly reason: string };

export type FsmAction =
  /** Dial the peer. */
  | { readonly type: 'connect' }
  /** Drop the current connection (after anything already sent on it). */
  | { readonly type: 'close' }
  | { readonly type: 'send'; readonly message: Message }
  | { readonly type: 'start-timer'; readonly timer: TimerName; readonly ms: number }
  | { readonly type: 'stop-timer'; readonly timer: TimerName }
  | { readonly type: 'established'; readonly negotiated: NegotiatedSession }
  /** The session left Established. `notification` is the one sent or received, when there was one. */
  | { readonly type: 'down'; readonly reason: string; readonly notification?: NotificationMessage };

export interface StepResult {
  readonly state: FsmState;
  readonly actions: readonly FsmAction[];
  /** Why: logged with the transition, and the reason of 'state' and 'down'. */
  readonly reason: string;
}
