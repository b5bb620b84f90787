import { expect } from 'chai';
import type { OpenMessage } from '../messages.js';
import type { SessionConfig } from './config.js';
import { OPEN_WAIT_MS, step } from './fsm.js';
import type { FsmAction, FsmEvent, FsmState, SessionState } from './fsm-types.js';
import { negotiate } from './negotiation.js';
import { TEST_CONFIG, peerOpen } from './test-fixtures.js';

const CONFIG = TEST_CONFIG;

function negotiatedWith(open: OpenMessage) {
  const result = negotiate(open, CONFIG);
  if (!result.ok) throw new Error(result.error.reason);
  return result.session;
}

const NEGOTIATED = negotiatedWith(peerOpen());
const NO_HOLD = negotiatedWith(peerOpen({ holdTimeSeconds: 0 }));

const STATES: Record<SessionState, FsmState> = {
  Idle: { name: 'Idle', failures: 0 },
  Connect: { name: 'Connect', failures: 0 },
  Active: { name: 'Active', failures: 1 },
  OpenSent: { name: 'OpenSent', failures: 0 },
  OpenConfirm: { name: 'OpenConfirm', failures: 2, negotiated: NEGOTIATED },
  Established: { name: 'Established', failures: 0, negotiated: NEGOTIATED },
};

const EVENTS = {
  start: { type: 'ManualStart' },
  stop: { type: 'ManualStop', reason: 'stopped', notify: true },
  stopQuietly: { type: 'ManualStop', reason: 'restarting', notify: false },
  stopSaying: { type: 'ManualStop', reason: 'maintenance', notify: true, communication: 'node drained for maintenance' },
  bfdDown: { type: 'AutomaticStop', reason: 'BFD down', ceaseSubcode: 10 },
  connected: { type: 'TcpConnectionAcknowledged' },
  accepted: { type: 'TcpConnectionConfirmed' },
  wonCollision: { type: 'TcpConnectionConfirmed', openSent: true },
  tcpFails: { type: 'TcpConnectionFails', reason: 'ECONNREFUSED' },
  connectRetry: { type: 'ConnectRetryTimerExpires' },
  hold: { type: 'HoldTimerExpires' },
  keepaliveTimer: { type: 'KeepaliveTimerExpires' },
  open: { type: 'BGPOpen', open: peerOpen() },
  openWrongAs: { type: 'BGPOpen', open: peerOpen({ myAS: 65000, capabilities: [{ kind: 'four-octet-as', asn: 65000 }] }) },
  openNoHold: { type: 'BGPOpen', open: peerOpen({ holdTimeSeconds: 0 }) },
  badUpdate: { type: 'MessageError', error: { code: 3, subcode: 1, data: new Uint8Array(0), reason: 'malformed attribute list' } },
  notification: { type: 'NotifMsg', notification: { type: 'notification', code: 6, subcode: 2, data: new Uint8Array(0) } },
  keepalive: { type: 'KeepAliveMsg' },
  update: { type: 'UpdateMsg' },
  routeRefresh: { type: 'RouteRefreshMsg' },
  collision: { type: 'OpenCollisionDump', reason: 'collision' },
} satisfies Record<string, FsmEvent>;

type EventName = keyof typeof EVENTS;

/** Actions as short text, so a table row reads like the RFC's prose. */
function summarize(action: FsmAction): string {
  switch (action.type) {
    case 'connect':
    case 'close':
    case 'established':
      return action.type;
    case 'down':
      return action.notification === undefined ? 'down' : `down ${action.notification.code}/${action.notification.subcode}`;
    case 'send':
      return action.message.type === 'notification'
        ? `send notification ${action.message.code}/${action.message.subcode}`
        : `send ${action.message.type}`;
    case 'start-timer':
      return `start ${action.timer} ${action.ms}`;
    case 'stop-timer':
      return `stop ${action.timer}`;
  }
}

const STOP_ALL = ['stop connectRetry', 'stop hold', 'stop keepalive'];
const SEND_OPEN = ['stop connectRetry', 'send open', `start hold ${OPEN_WAIT_MS}`];

interface Row {
  from: SessionState;
  event: EventName;
  to: SessionState;
  actions: string[];
}

const ROWS: Row[] = [
  { from: 'Idle', event: 'start', to: 'Connect', actions: ['connect', 'start connectRetry 120000'] },
  ...(['stop', 'bfdDown', 'accepted', 'connected', 'tcpFails', 'connectRetry', 'hold', 'keepaliveTimer', 'open', 'notification', 'keepalive', 'update'] as const).map(
    (event): Row => ({ from: 'Idle', event, to: 'Idle', actions: [] }),
  ),

  { from: 'Connect', event: 'start', to: 'Connect', actions: [] },
  { from: 'Connect', event: 'stop', to: 'Idle', actions: ['close', ...STOP_ALL] },
  { from: 'Connect', event: 'bfdDown', to: 'Active', actions: ['close', ...STOP_ALL, 'start connectRetry 1000'] },
  { from: 'Connect', event: 'connectRetry', to: 'Active', actions: ['close', ...STOP_ALL, 'start connectRetry 1000'] },
  { from: 'Connect', event: 'tcpFails', to: 'Active', actions: ['close', ...STOP_ALL, 'start connectRetry 1000'] },
  { from: 'Connect', event: 'connected', to: 'OpenSent', actions: SEND_OPEN },
  { from: 'Connect', event: 'accepted', to: 'OpenSent', actions: SEND_OPEN },
  ...(['hold', 'keepaliveTimer', 'open', 'notification', 'keepalive', 'update'] as const).map(
    (event): Row => ({ from: 'Connect', event, to: 'Connect', actions: [] }),
  ),

  { from: 'Active', event: 'stop', to: 'Idle', actions: STOP_ALL },
  { from: 'Active', event: 'connectRetry', to: 'Connect', actions: ['connect', 'start connectRetry 120000'] },
  { from: 'Active', event: 'accepted', to: 'OpenSent', actions: SEND_OPEN },
  { from: 'Active', event: 'wonCollision', to: 'OpenSent', actions: ['stop connectRetry', `start hold ${OPEN_WAIT_MS}`] },
  ...(['start', 'bfdDown', 'connected', 'tcpFails', 'hold', 'open', 'keepalive'] as const).map(
    (event): Row => ({ from: 'Active', event, to: 'Active', actions: [] }),
  ),

  { from: 'OpenSent', event: 'stop', to: 'Idle', actions: ['send notification 6/2', 'close', ...STOP_ALL] },
  { from: 'OpenSent', event: 'stopQuietly', to: 'Idle', actions: ['close', ...STOP_ALL] },
  { from: 'OpenSent', event: 'bfdDown', to: 'Active', actions: ['send notification 6/10', 'close', ...STOP_ALL, 'start connectRetry 1000'] },
  { from: 'OpenSent', event: 'hold', to: 'Active', actions: ['send notification 4/0', 'close', ...STOP_ALL, 'start connectRetry 1000'] },
  { from: 'OpenSent', event: 'tcpFails', to: 'Active', actions: ['close', ...STOP_ALL, 'start connectRetry 1000'] },
  { from: 'OpenSent', event: 'open', to: 'OpenConfirm', actions: ['send keepalive', 'start hold 90000', 'start keepalive 30000'] },
  { from: 'OpenSent', event: 'openNoHold', to: 'OpenConfirm', actions: ['send keepalive', 'stop hold'] },
  { from: 'OpenSent', event: 'openWrongAs', to: 'Active', actions: ['send notification 2/2', 'close', ...STOP_ALL, 'start connectRetry 1000'] },
  { from: 'OpenSent', event: 'badUpdate', to: 'Active', actions: ['send notification 3/1', 'close', ...STOP_ALL, 'start connectRetry 1000'] },
  { from: 'OpenSent', event: 'notification', to: 'Active', actions: ['close', ...STOP_ALL, 'start connectRetry 1000'] },
  { from: 'OpenSent', event: 'keepalive', to: 'Active', actions: ['send notification 5/1', 'close', ...STOP_ALL, 'start connectRetry 1000'] },
  { from: 'OpenSent', event: 'update', to: 'Active', actions: ['send notification 5/1', 'close', ...STOP_ALL, 'start connectRetry 1000'] },
  { from: 'OpenSent', event: 'collision', to: 'Active', actions: ['send notification 6/7', 'close', ...STOP_ALL, 'start connectRetry 1000'] },
  ...(['start', 'connected', 'accepted', 'connectRetry', 'keepaliveTimer'] as const).map(
    (event): Row => ({ from: 'OpenSent', event, to: 'OpenSent', actions: [] }),
  ),

  { from: 'OpenConfirm', event: 'keepalive', to: 'Established', actions: ['start hold 90000', 'established'] },
  { from: 'OpenConfirm', event: 'keepaliveTimer', to: 'OpenConfirm', actions: ['send keepalive', 'start keepalive 30000'] },
  { from: 'OpenConfirm', event: 'stop', to: 'Idle', actions: ['send notification 6/2', 'close', ...STOP_ALL] },
  { from: 'OpenConfirm', event: 'bfdDown', to: 'Active', actions: ['send notification 6/10', 'close', ...STOP_ALL, 'start connectRetry 4000'] },
  { from: 'OpenConfirm', event: 'hold', to: 'Active', actions: ['send notification 4/0', 'close', ...STOP_ALL, 'start connectRetry 4000'] },
  { from: 'OpenConfirm', event: 'tcpFails', to: 'Active', actions: ['close', ...STOP_ALL, 'start connectRetry 4000'] },
  { from: 'OpenConfirm', event: 'notification', to: 'Active', actions: ['close', ...STOP_ALL, 'start connectRetry 4000'] },
  { from: 'OpenConfirm', event: 'open', to: 'Active', actions: ['send notification 5/2', 'close', ...STOP_ALL, 'start connectRetry 4000'] },
  { from: 'OpenConfirm', event: 'update', to: 'Active', actions: ['send notification 5/2', 'close', ...STOP_ALL, 'start connectRetry 4000'] },
  { from: 'OpenConfirm', event: 'routeRefresh', to: 'Active', actions: ['send notification 5/2', 'close', ...STOP_ALL, 'start connectRetry 4000'] },
  { from: 'OpenConfirm', event: 'badUpdate', to: 'Active', actions: ['send notification 3/1', 'close', ...STOP_ALL, 'start connectRetry 4000'] },
  { from: 'OpenConfirm', event: 'collision', to: 'Active', actions: ['send notification 6/7', 'close', ...STOP_ALL, 'start connectRetry 4000'] },
  ...(['start', 'connected', 'accepted', 'connectRetry'] as const).map(
    (event): Row => ({ from: 'OpenConfirm', event, to: 'OpenConfirm', actions: [] }),
  ),

  { from: 'Established', event: 'keepalive', to: 'Established', actions: ['start hold 90000'] },
  { from: 'Established', event: 'update', to: 'Established', actions: ['start hold 90000'] },
  { from: 'Established', event: 'routeRefresh', to: 'Established', actions: ['start hold 90000'] },
  { from: 'Established', event: 'keepaliveTimer', to: 'Established', actions: ['send keepalive', 'start keepalive 30000'] },
  { from: 'Established', event: 'stop', to: 'Idle', actions: ['send notification 6/2', 'close', ...STOP_ALL, 'down 6/2'] },
  { from: 'Established', event: 'stopQuietly', to: 'Idle', actions: ['close', ...STOP_ALL, 'down'] },
  { from: 'Established', event: 'bfdDown', to: 'Active', actions: ['send notification 6/10', 'close', ...STOP_ALL, 'start connectRetry 1000', 'down 6/10'] },
  { from: 'Established', event: 'hold', to: 'Active', actions: ['send notification 4/0', 'close', ...STOP_ALL, 'start connectRetry 1000', 'down 4/0'] },
  { from: 'Established', event: 'tcpFails', to: 'Active', actions: ['close', ...STOP_ALL, 'start connectRetry 1000', 'down'] },
  { from: 'Established', event: 'notification', to: 'Active', actions: ['close', ...STOP_ALL, 'start connectRetry 1000', 'down 6/2'] },
  { from: 'Established', event: 'open', to: 'Active', actions: ['send notification 5/3', 'close', ...STOP_ALL, 'start connectRetry 1000', 'down 5/3'] },
  { from: 'Established', event: 'badUpdate', to: 'Active', actions: ['send notification 3/1', 'close', ...STOP_ALL, 'start connectRetry 1000', 'down 3/1'] },
  { from: 'Established', event: 'collision', to: 'Active', actions: ['send notification 6/7', 'close', ...STOP_ALL, 'start connectRetry 1000', 'down 6/7'] },
  ...(['start', 'connected', 'accepted', 'connectRetry'] as const).map(
    (event): Row => ({ from: 'Established', event, to: 'Established', actions: [] }),
  ),
];

function run(from: FsmState, event: FsmEvent, config: SessionConfig = CONFIG) {
  return step(from, event, { config, jitter: 0 });
}

describe('BGP state machine (RFC 4271 section 8)', () => {
  for (const row of ROWS) {
    it(`in ${row.from}, ${row.event} leads to ${row.to}${row.actions.length ? `: ${row.actions.join(', ')}` : ' and does nothing'}`, () => {
      const result = run(STATES[row.from], EVENTS[row.event]);
      expect(result.state.name).to.equal(row.to);
      expect(result.actions.map(summarize)).to.deep.equal(row.actions);
    });
  }

  it('tells the peer\'s operator why, in the Administrative Shutdown (RFC 9003)', () => {
    const send = run(STATES.Established, EVENTS.stopSaying).actions.find((a) => a.type === 'send');
    const message = send?.type === 'send' ? send.message : undefined;
    expect(message?.type === 'notification' && new TextDecoder().decode(message.data.subarray(1))).to.equal('node drained for maintenance');
  });

  it('a passive session waits in Active without dialling', () => {
    const result = run(STATES.Idle, EVENTS.start, { ...CONFIG, passive: true });
    expect(result.state.name).to.equal('Active');
    expect(result.actions).to.deep.equal([]);
  });

  it('a passive session that loses its peer waits for it without a retry timer', () => {
    const result = run(STATES.Established, EVENTS.tcpFails, { ...CONFIG, passive: true });
    expect(result.state.name).to.equal('Active');
    expect(result.actions.map(summarize)).to.deep.equal(['close', ...STOP_ALL, 'down']);
  });

  it('doubles the retry delay with each consecutive failure, up to the connect time', () => {
    const delays: number[] = [];
    let state: FsmState = STATES.Connect;
    const config = { ...CONFIG, connectTimeSeconds: 10 };
    for (let i = 0; i < 6; i++) {
      const failed = run(state, EVENTS.tcpFails, config);
      const retry = failed.actions.find((a) => a.type === 'start-timer');
      delays.push(retry?.type === 'start-timer' ? retry.ms : -1);
      state = run(failed.state, EVENTS.connectRetry, config).state;
    }
    expect(delays).to.deep.equal([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it('forgets past failures once Established', () => {
    const result = run(STATES.OpenConfirm, EVENTS.keepalive);
    expect(result.state.failures).to.equal(0);
  });

  it('keeps the negotiated session from OpenConfirm on and drops it when the connection goes', () => {
    const confirmed = run(STATES.OpenSent, EVENTS.open);
    expect(confirmed.state.negotiated?.peerAsn).to.equal(64513);
    const established = run(confirmed.state, EVENTS.keepalive);
    expect(established.state.negotiated).to.equal(confirmed.state.negotiated);
    expect(run(established.state, EVENTS.tcpFails).state.negotiated).to.equal(undefined);
  });

  it('runs no hold timer and sends no keepalives when the hold time negotiated is 0', () => {
    const established: FsmState = { name: 'Established', failures: 0, negotiated: NO_HOLD };
    expect(run(established, EVENTS.keepalive).actions).to.deep.equal([]);
    expect(run(established, EVENTS.keepaliveTimer).actions).to.deep.equal([]);
    const confirmed: FsmState = { name: 'OpenConfirm', failures: 0, negotiated: NO_HOLD };
    expect(run(confirmed, EVENTS.keepalive).actions.map(summarize)).to.deep.equal(['established']);
  });

  it('says why the session went down, with the NOTIFICATION the peer sent', () => {
    const result = run(STATES.Established, EVENTS.notification);
    const down = result.actions.find((a) => a.type === 'down');
    expect(down?.type === 'down' && down.reason).to.equal('the peer sent NOTIFICATION Cease / Administrative Shutdown');
  });

  it('names the hold time in the reason when the hold timer expires', () => {
    expect(run(STATES.Established, EVENTS.hold).reason).to.equal('hold timer expired: nothing from the peer for 90 s');
  });

  it('sends an OPEN that offers both unicast families and our hold time', () => {
    const send = run(STATES.Connect, EVENTS.connected).actions.find((a) => a.type === 'send');
    expect(send?.type === 'send' && send.message.type === 'open' && send.message.holdTimeSeconds).to.equal(90);
  });
});
