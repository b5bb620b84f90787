/**
 * One member as bytes in, bytes out: the codec, the replay guard and the state machine put
 * together. Pure: the shell (membership.ts) and the simulator (simulator.ts) both drive it, so
 * what the simulator measures is what runs.
 */

import type { MemberAddress } from './address.js';
import { decodeDatagram, encodeDatagram, type DropReason } from './codec.js';
import { initialState, step, wakeTime, type InitialOptions, type MemberAction, type MemberEvent, type MemberState } from './fsm.js';
import { checkReplay, DEFAULT_REPLAY_CONFIG, EMPTY_REPLAY_STATE, pruneReplay, type ReplayConfig, type ReplayState } from './replay.js';

export interface Keys {
  /** Signs what this member sends. */
  readonly current: Buffer;
  /** Also accepted on receipt, during a key rotation. */
  readonly previous: readonly Buffer[];
}

export interface Endpoint {
  readonly members: MemberState;
  readonly replay: ReplayState;
  readonly replayConfig: ReplayConfig;
  readonly keys: Keys;
  /** The last stamp sent: the next is above it even if the clock stands still or steps back. */
  readonly lastStamp: number;
  readonly nextPruneUs: number;
}

export interface Clock {
  /** Monotonic milliseconds, for the protocol's timers. */
  readonly now: number;
  /** Wall-clock microseconds, for stamps and freshness: comparable across members. */
  readonly wallUs: number;
  readonly random: () => number;
}

export interface Outgoing {
  readonly to: MemberAddress;
  readonly bytes: Buffer;
}

export type Change = Extract<MemberAction, { kind: 'change' }>;
export type Refuted = Extract<MemberAction, { kind: 'refuted' }>;

export interface EndpointResult {
  readonly endpoint: Endpoint;
  readonly datagrams: readonly Outgoing[];
  readonly changes: readonly Change[];
  /** Claims about this member it refuted in this step. */
  readonly refuted: readonly Refuted[];
  /** When to tick next; undefined: nothing pending. */
  readonly wakeAt: number | undefined;
  /** Set when a received datagram was dropped, with why in words. */
  readonly dropped?: { readonly reason: DropReason; readonly detail: string };
}

/** Keys shorter than this are refused: HMAC-SHA256 wants at least its output size, 32, and 16 is the floor. */
const MIN_KEY_BYTES = 16;

export function checkKey(key: Buffer, what: string): void {
  if (key.length < MIN_KEY_BYTES) throw new RangeError(`${what} is ${key.length} bytes; a membership key needs at least ${MIN_KEY_BYTES} (32 random bytes recommended)`);
}

export function createEndpoint(options: InitialOptions & { keys: Keys; replay?: ReplayConfig }): Endpoint {
  checkKey(options.keys.current, 'the membership key');
  options.keys.previous.forEach((k, i) => checkKey(k, `previous membership key ${i + 1}`));
  return {
    members: initialState(options),
    replay: EMPTY_REPLAY_STATE,
    replayConfig: options.replay ?? DEFAULT_REPLAY_CONFIG,
    keys: options.keys,
    lastStamp: 0,
    nextPruneUs: 0,
  };
}

export function withKeys(endpoint: Endpoint, keys: Keys): Endpoint {
  checkKey(keys.current, 'the membership key');
  keys.previous.forEach((k, i) => checkKey(k, `previous membership key ${i + 1}`));
  return { ...endpoint, keys };
}

/** A local event: start, seeds, tick, leave. */
export function handle(endpoint: Endpoint, event: Exclude<MemberEvent, { kind: 'message' }>, clock: Clock): EndpointResult {
  return run(endpoint, event, clock);
}

/** A datagram from the network. */
export function receive(endpoint: Endpoint, bytes: Buffer, from: MemberAddress, clock: Clock): EndpointResult {
  const decoded = decodeDatagram(bytes, [endpoint.keys.current, ...endpoint.keys.previous]);
  if (!decoded.ok) return dropped(endpoint, decoded.reason, `from ${from.ip} port ${from.port}: ${decoded.detail}`);
  const datagram = decoded.value;
  if (datagram.sender === endpoint.members.self.name) {
    return dropped(endpoint, 'loopback', `from ${from.ip} port ${from.port}: claims to be this member, ${datagram.sender}`);
  }
  let replay = endpoint.replay;
  let nextPruneUs = endpoint.nextPruneUs;
  if (clock.wallUs >= nextPruneUs) {
    replay = pruneReplay(replay, clock.wallUs, endpoint.replayConfig);
    nextPruneUs = clock.wallUs + endpoint.replayConfig.maxAgeMs * 1000;
  }
  const verdict = checkReplay(replay, datagram.sender, datagram.stamp, clock.wallUs, endpoint.replayConfig);
  if (!verdict.ok) return dropped({ ...endpoint, replay, nextPruneUs }, verdict.reason, verdict.detail);
  return run({ ...endpoint, replay: verdict.state, nextPruneUs }, { kind: 'message', from, message: datagram }, clock);
}

function dropped(endpoint: Endpoint, reason: DropReason, detail: string): EndpointResult {
  return { endpoint, datagrams: [], changes: [], refuted: [], wakeAt: wakeTime(endpoint.members), dropped: { reason, detail } };
}

function run(endpoint: Endpoint, event: MemberEvent, clock: Clock): EndpointResult {
  const result = step(endpoint.members, event, clock.now, clock.random);
  const datagrams: Outgoing[] = [];
  const changes: Change[] = [];
  const refuted: Refuted[] = [];
  let stamp = endpoint.lastStamp;
  let wakeAt: number | undefined;
  for (const action of result.actions) {
    if (action.kind === 'send') {
      stamp = Math.max(Math.floor(clock.wallUs), stamp + 1);
      datagrams.push({ to: action.to, bytes: encodeDatagram(action.message, stamp, endpoint.keys.current) });
    } else if (action.kind === 'change') {
      changes.push(action);
    } else if (action.kind === 'refuted') {
      refuted.push(action);
    } else {
      wakeAt = action.at;
    }
  }
  return { endpoint: { ...endpoint, members: result.state, lastStamp: stamp }, datagrams, changes, refuted, wakeAt };
}
