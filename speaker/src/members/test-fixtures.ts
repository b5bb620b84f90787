// Test fixtures: members named a, b, c, ... at 10.0.0.1, 10.0.0.2, ... port 7946.

import type { MemberAddress } from './address.js';
import { protocolConfig, type ProtocolConfig } from './config.js';
import { initialState, step, type Member, type MemberAction, type MemberEvent, type MemberState, type StepResult } from './fsm.js';
import type { Body, Message, MessageType, Update } from './messages.js';

/**
 * The timings the state machine's tests are written against (probe 150 ms, ack 80 ms, suspicion
 * 2 x T), fixed here so that tuning the defaults does not rewrite every expected instant.
 */
export const TEST_CONFIG: ProtocolConfig = (() => {
  const r = protocolConfig({ probeIntervalMs: 150, ackTimeoutMs: 80, suspicionMult: 2 });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.config;
})();

export function addr(name: string): MemberAddress {
  return { ip: `10.0.0.${name.charCodeAt(0) - 96}`, port: 7946 };
}

/** Member `a`, started, knowing `others` (alive at incarnation 0 unless said), next probe at 1000 ms. */
export function stateWith(others: ReadonlyArray<Partial<Member> & { name: string }>, overrides: Partial<MemberState> = {}): MemberState {
  const base = initialState({ name: 'a', address: addr('a'), config: TEST_CONFIG });
  const members = new Map<string, Member>(others.map((o) => [o.name, { address: addr(o.name), incarnation: 0, status: 'alive', since: 0, ...o }]));
  return { ...base, started: true, members, nextProbeAt: 1000, nextReconnectAt: 1_000_000, ...overrides };
}

export function at(state: MemberState, event: MemberEvent, now: number, random: () => number = () => 0): StepResult {
  return step(state, event, now, random);
}

export function message(sender: string, body: Body, updates: readonly Update[] = [], incarnation = 0): MemberEvent {
  return { kind: 'message', from: addr(sender), message: { sender, incarnation, body, updates } };
}

export interface Sent {
  readonly to: MemberAddress;
  readonly message: Message;
}

export function sent(actions: readonly MemberAction[], type?: MessageType): Sent[] {
  return actions.flatMap((a) => (a.kind === 'send' && (type === undefined || a.message.body.type === type) ? [{ to: a.to, message: a.message }] : []));
}

/** `name: from -> to` for every status change. */
export function changes(actions: readonly MemberAction[]): string[] {
  return actions.flatMap((a) => (a.kind === 'change' ? [`${a.name}: ${a.from} -> ${a.to}`] : []));
}

export function scheduled(actions: readonly MemberAction[]): number | undefined {
  const last = actions[actions.length - 1];
  return last?.kind === 'schedule' ? last.at : undefined;
}

/** Which member an address belongs to, by the fixture's numbering. */
export function nameAt(address: MemberAddress): string {
  return String.fromCharCode(96 + Number(address.ip.split('.')[3]));
}
