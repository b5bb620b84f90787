/**
 * One member's view of the group: a SWIM failure detector with Lifeguard's refinements, as a
 * pure function `step(state, event, now, random) -> { state, actions }`. No I/O, no clock, no
 * randomness of its own: `now` is the shell's monotonic clock in milliseconds and `random`
 * returns numbers in [0, 1) (the shell passes Math.random, tests and the simulator a seeded
 * generator). The shell sends what `send` actions say, reports `change` actions, and calls
 * back with a `tick` at the time of the last `schedule` action; a tick handles every deadline
 * that has passed (probe phases, relay duties, suspicions, forgetting, reconnecting).
 *
 * The protocol, and the arithmetic behind its defaults, is in README.md.
 */

import { addressKey, sameAddress, type MemberAddress } from './address.js';
import { chunkUpdates, queueBroadcast, takeBroadcasts, type Broadcast } from './broadcasts.js';
import { baseSize, MAX_DATAGRAM_BYTES } from './codec.js';
import { ackTimeoutAt, probeIntervalAt, retransmitLimit, suspicionTimeoutMs, type ProtocolConfig } from './config.js';
import type { Body, Message, MemberStatus, Update } from './messages.js';

export interface Suspicion {
  readonly startedAt: number;
  /** The member whose failed probe started it. */
  readonly accuser: string;
  /** Other members known to have found it unresponsive: further accusers, relays that nacked. */
  readonly confirmations: readonly string[];
  readonly deadline: number;
  /**
   * A suspicion this member holds on its own evidence (its probe failed too): when it next pings
   * the suspect with the suspicion attached. A lost datagram is the usual reason a live member misses a probe; a
   * ping that carries the suspicion gets the refutation back in its ack.
   */
  readonly repingAt?: number;
}

export interface Member {
  readonly name: string;
  readonly address: MemberAddress;
  readonly incarnation: number;
  readonly status: MemberStatus;
  /** When the status last changed. */
  readonly since: number;
  readonly suspicion?: Suspicion;
  /** Dead or left: when the record is forgotten. */
  readonly reapAt?: number;
}

export interface Probe {
  readonly seq: number;
  readonly target: string;
  readonly incarnation: number;
  readonly address: MemberAddress;
  /** When the ping-req goes to the relays if no ack came. */
  readonly indirectAt: number;
  /** When the probe has failed if no ack came, directly or through a relay. */
  readonly failAt: number;
  readonly relays: readonly string[];
  readonly indirectSent: boolean;
  readonly nacks: readonly string[];
}

/** A ping-req we serve: our ping to its target under `seq`, to be answered to the requester. */
export interface RelayDuty {
  readonly seq: number;
  readonly requester: MemberAddress;
  readonly requesterSeq: number;
  readonly nackAt: number;
}

export interface SelfState {
  readonly name: string;
  readonly address: MemberAddress;
  readonly incarnation: number;
  readonly leaving: boolean;
}

export interface MemberState {
  readonly config: ProtocolConfig;
  readonly self: SelfState;
  readonly started: boolean;
  /** Every other member this one knows, whatever its status, until forgotten. */
  readonly members: ReadonlyMap<string, Member>;
  readonly seeds: readonly MemberAddress[];
  /** This round's probe order (shuffled at the start of each round) and the next position. */
  readonly round: readonly string[];
  readonly roundIndex: number;
  readonly seq: number;
  readonly nextProbeAt?: number;
  readonly probe?: Probe;
  readonly relays: readonly RelayDuty[];
  readonly broadcasts: readonly Broadcast[];
  readonly broadcastOrder: number;
  /** Lifeguard's local health score, 0 (healthy) to config.maxHealthScore. */
  readonly health: number;
  readonly nextReconnectAt?: number;
}

export type MemberEvent =
  | { readonly kind: 'start' }
  | { readonly kind: 'seeds'; readonly seeds: readonly MemberAddress[] }
  /** An authenticated, fresh message (the codec and the replay guard have passed it). */
  | { readonly kind: 'message'; readonly from: MemberAddress; readonly message: Message }
  | { readonly kind: 'tick' }
  | { readonly kind: 'leave' };

export type MemberAction =
  | { readonly kind: 'send'; readonly to: MemberAddress; readonly message: Message }
  | {
      readonly kind: 'change';
      readonly name: string;
      readonly address: MemberAddress;
      readonly incarnation: number;
      readonly from: MemberStatus | 'unknown';
      readonly to: MemberStatus;
    }
  /**
   * This member heard itself called suspect, dead or departed, and said it is alive at a higher
   * incarnation: meanwhile the others may have acted on the claim (moved what it holds).
   */
  | { readonly kind: 'refuted'; readonly claim: Exclude<MemberStatus, 'alive'>; readonly incarnation: number }
  /** Tick at `at`; undefined: nothing is pending (not started, or left). Last action of every step. */
  | { readonly kind: 'schedule'; readonly at: number | undefined };

export interface StepResult {
  readonly state: MemberState;
  readonly actions: readonly MemberAction[];
}

export interface InitialOptions {
  readonly name: string;
  readonly address: MemberAddress;
  readonly config: ProtocolConfig;
  /** Where to start counting; a restarted member that starts above its old incarnation is believed at once. */
  readonly incarnation?: number;
  readonly seeds?: readonly MemberAddress[];
}

export function initialState(options: InitialOptions): MemberState {
  return {
    config: options.config,
    self: { name: options.name, address: options.address, incarnation: options.incarnation ?? 0, leaving: false },
    started: false,
    members: new Map(),
    seeds: seedsWithout(options.seeds ?? [], options.address),
    round: [],
    roundIndex: 0,
    seq: 0,
    relays: [],
    broadcasts: [],
    broadcastOrder: 0,
    health: 0,
  };
}

/** Live: alive or suspect. A suspect member still counts until it is declared dead. */
export function isLive(member: Member): boolean {
  return member.status === 'alive' || member.status === 'suspect';
}

/** The names of the live members, this one included unless it left; sorted. */
export function liveNames(state: MemberState): string[] {
  const names = [...state.members.values()].filter(isLive).map((m) => m.name);
  if (!state.self.leaving) names.push(state.self.name);
  return names.sort();
}

/** Seeds asked for the member list when joining or when the seed list grows. */
export const JOIN_SEEDS = 3;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Work extends Mutable<Omit<MemberState, 'broadcasts' | 'relays'>> {
  /** `members` copied on the first write (putMember, forget): a step that changes nobody copies nothing. */
  draft: Map<string, Member> | undefined;
  /** Live members, this one included; recounted after a change. */
  live: number | undefined;
  broadcasts: Broadcast[];
  relays: RelayDuty[];
  now: number;
  random: () => number;
  actions: MemberAction[];
  /** News learned in this step, pushed at its end to pushFanout random members. */
  push: Update[];
  /** Suspected members to push to as well, so they can refute at once. */
  buddies: Set<string>;
  /** This member declared someone dead: the push goes to every live member, not pushFanout. */
  pushToAll: boolean;
}

export function step(state: MemberState, event: MemberEvent, now: number, random: () => number): StepResult {
  const w: Work = {
    ...state,
    draft: undefined,
    live: undefined,
    broadcasts: [...state.broadcasts],
    relays: [...state.relays],
    now,
    random,
    actions: [],
    push: [],
    buddies: new Set(),
    pushToAll: false,
  };
  if (!w.self.leaving) {
    switch (event.kind) {
      case 'start':
        start(w);
        break;
      case 'seeds':
        setSeeds(w, event.seeds);
        break;
      case 'message':
        if (w.started) receive(w, event.from, event.message);
        break;
      case 'tick':
        if (w.started) tick(w);
        break;
      case 'leave':
        leave(w);
        break;
    }
    flushPush(w);
  }
  w.actions.push({ kind: 'schedule', at: wakeTime(w) });
  const { now: _now, random: _random, actions, push: _push, buddies: _buddies, pushToAll: _all, draft: _draft, live: _live, ...next } = w;
  return { state: next, actions };
}

function seedsWithout(seeds: readonly MemberAddress[], own: MemberAddress): MemberAddress[] {
  const byKey = new Map(seeds.filter((s) => !sameAddress(s, own)).map((s) => [addressKey(s), s]));
  return [...byKey.values()];
}

// ---- joining ----

function start(w: Work): void {
  if (w.started) return;
  w.started = true;
  enqueue(w, selfAlive(w));
  askSeeds(w, w.seeds);
  w.nextProbeAt = w.now + w.random() * w.config.probeIntervalMs;
  w.nextReconnectAt = w.now + w.config.reconnectIntervalMs;
}

function setSeeds(w: Work, seeds: readonly MemberAddress[]): void {
  const before = new Set(w.seeds.map(addressKey));
  w.seeds = seedsWithout(seeds, w.self.address);
  if (!w.started) return;
  const live = liveAddressKeys(w);
  askSeeds(w, w.seeds.filter((s) => !before.has(addressKey(s)) && !live.has(addressKey(s))));
}

/**
 * Asks up to JOIN_SEEDS of `seeds`, picked at random, for the member list. One answer is
 * enough to know the group, and the group learns of us from the first few by push; asking
 * every seed would have every member send its whole list at once. If none answers, the
 * reconnect loop asks another seed every reconnect interval.
 */
function askSeeds(w: Work, seeds: readonly MemberAddress[]): void {
  for (const seed of shuffle([...seeds], w.random).slice(0, JOIN_SEEDS)) sendSync(w, seed, true, [selfAlive(w)]);
}

function liveAddressKeys(w: Work): Set<string> {
  return new Set([...w.members.values()].filter(isLive).map((m) => addressKey(m.address)));
}

/** Everything this member knows, as updates: what a sync carries. */
function fullState(w: Work): Update[] {
  const updates: Update[] = [selfAlive(w)];
  for (const m of w.members.values()) {
    switch (m.status) {
      case 'alive':
        updates.push({ kind: 'alive', name: m.name, incarnation: m.incarnation, address: m.address });
        break;
      case 'suspect':
        updates.push({ kind: 'suspect', name: m.name, incarnation: m.incarnation, from: m.suspicion?.accuser ?? w.self.name });
        break;
      case 'dead':
        updates.push({ kind: 'dead', name: m.name, incarnation: m.incarnation, from: w.self.name });
        break;
      case 'left':
        updates.push({ kind: 'left', name: m.name, incarnation: m.incarnation });
        break;
    }
  }
  return updates;
}

function sendSync(w: Work, to: MemberAddress, replyWanted: boolean, updates: readonly Update[]): void {
  const first: Body = { type: 'sync', replyWanted };
  const chunks = chunkUpdates(updates, MAX_DATAGRAM_BYTES - baseSize({ sender: w.self.name, body: first }));
  chunks.forEach((chunk, i) => sendExact(w, to, i === 0 ? first : { type: 'sync', replyWanted: false }, chunk));
}

// ---- leaving ----

function leave(w: Work): void {
  w.self = { ...w.self, leaving: true };
  if (!w.started) return;
  const left: Update = { kind: 'left', name: w.self.name, incarnation: w.self.incarnation };
  for (const m of w.members.values()) if (isLive(m)) sendExact(w, m.address, { type: 'gossip' }, [left]);
  w.probe = undefined;
  w.nextProbeAt = undefined;
  w.nextReconnectAt = undefined;
  w.relays = [];
  w.push = [];
}

// ---- receiving ----

function receive(w: Work, from: MemberAddress, message: Message): void {
  if (message.sender === w.self.name) return;
  const before = w.members.get(message.sender);
  const viaSync = message.body.type === 'sync';
  for (const update of message.updates) {
    if (update.name === w.self.name) aboutSelf(w, update);
    else apply(w, update, viaSync && update.name !== message.sender);
  }
  heardFrom(w, message.sender, message.incarnation, from, before);
  const body = message.body;
  switch (body.type) {
    case 'ping':
      if (body.target === w.self.name) send(w, from, { type: 'ack', seq: body.seq }, message.sender);
      break;
    case 'ack':
      acked(w, body.seq);
      break;
    case 'nack':
      if (w.probe?.seq === body.seq && w.probe.relays.includes(message.sender) && !w.probe.nacks.includes(message.sender)) {
        w.probe = { ...w.probe, nacks: [...w.probe.nacks, message.sender] };
      }
      break;
    case 'ping-req': {
      const seq = nextSeq(w);
      send(w, body.targetAddress, { type: 'ping', seq, target: body.target }, body.target);
      // The requester's indirect window is what is left of its interval; nacking at 80% of it
      // gets the nack there before its probe ends.
      const window = w.config.probeIntervalMs - w.config.ackTimeoutMs;
      w.relays.push({ seq, requester: from, requesterSeq: body.seq, nackAt: w.now + 0.8 * window });
      break;
    }
    case 'sync':
      if (body.replyWanted) sendSync(w, from, false, fullState(w));
      break;
    case 'gossip':
      break;
  }
}

/**
 * A datagram from a member is first-hand evidence that it is alive at the incarnation it
 * carries (after its updates, which may hold its own claim with its address): a member we did
 * not know is added at the address it sent from, and one we knew at a lower incarnation is alive
 * again. Neither is broadcast (the member announces itself), except a refuted suspicion, which
 * is spread like the refutation itself. A member
 * we held dead or departed (before this message) at this incarnation or later is told so, and
 * will refute.
 */
function heardFrom(w: Work, name: string, incarnation: number, from: MemberAddress, before: Member | undefined): void {
  const m = w.members.get(name);
  if (!m || incarnation > m.incarnation) {
    const address = m && isLive(m) ? m.address : from;
    setStatus(w, { name, address, incarnation, status: 'alive', since: w.now }, m);
    // The others likely hold it suspect too, and the stale suspicion may still sit in our queue.
    if (m?.status === 'suspect') news(w, { kind: 'alive', name, incarnation, address }, true);
    return;
  }
  if (before?.status === 'dead' && incarnation <= before.incarnation) {
    sendExact(w, from, { type: 'gossip' }, [{ kind: 'dead', name, incarnation: before.incarnation, from: w.self.name }]);
  }
  if (before?.status === 'left' && incarnation <= before.incarnation) {
    sendExact(w, from, { type: 'gossip' }, [{ kind: 'left', name, incarnation: before.incarnation }]);
  }
}

/** Somebody says something about us: refute suspicion, death and departure we did not declare. */
function aboutSelf(w: Work, update: Update): void {
  if (update.kind === 'alive') {
    // Our own claim from an earlier life of this member: continue above it.
    if (update.incarnation > w.self.incarnation) refute(w, update.incarnation, false);
    return;
  }
  if (update.incarnation >= w.self.incarnation) {
    refute(w, update.incarnation, update.kind !== 'left');
    w.actions.push({ kind: 'refuted', claim: update.kind, incarnation: w.self.incarnation });
  }
}

function refute(w: Work, incarnation: number, unhealthy: boolean): void {
  w.self = { ...w.self, incarnation: incarnation + 1 };
  if (unhealthy) w.health = Math.min(w.config.maxHealthScore, w.health + 1);
  news(w, selfAlive(w), true);
}

/**
 * An update about another member. Incarnations order them: alive(i) beats anything below i;
 * suspect(i) beats alive(i) and below; dead(i) and left(i) beat alive and suspect at i and
 * below. Through a sync, news about a member we did not know is taken but not broadcast (the
 * member announces itself), and dead is taken as suspect: a list may be older than the news.
 */
function apply(w: Work, u: Update, viaSync: boolean): void {
  const m = w.members.get(u.name);
  const spread = !viaSync || m !== undefined;
  switch (u.kind) {
    case 'alive':
      if (m && u.incarnation <= m.incarnation) return;
      setStatus(w, { name: u.name, address: u.address, incarnation: u.incarnation, status: 'alive', since: w.now }, m);
      if (spread) news(w, u, !viaSync);
      return;
    case 'suspect':
      if (!m || !isLive(m) || u.incarnation < m.incarnation) return;
      if (m.status === 'suspect' && u.incarnation === m.incarnation) {
        if (confirm(w, m, [u.from])) enqueue(w, u);
        return;
      }
      suspect(w, m, u.incarnation, u.from, [], !viaSync);
      return;
    case 'dead':
      if (!m || !isLive(m) || u.incarnation < m.incarnation) return;
      if (viaSync) {
        if (m.status === 'alive' || u.incarnation > m.incarnation) suspect(w, m, u.incarnation, u.from, [], false);
        else confirm(w, m, [u.from]);
        return;
      }
      declareDead(w, m, u.incarnation, u);
      return;
    case 'left':
      if (!m || m.status === 'left' || u.incarnation < m.incarnation) return;
      setStatus(w, { ...m, incarnation: u.incarnation, status: 'left', since: w.now, suspicion: undefined, reapAt: w.now + w.config.reapAfterMs }, m);
      news(w, u, !viaSync);
      return;
  }
}

function acked(w: Work, seq: number): void {
  if (w.probe?.seq === seq) {
    w.probe = undefined;
    w.health = Math.max(0, w.health - 1);
    return;
  }
  const duty = w.relays.find((r) => r.seq === seq);
  if (duty) {
    w.relays = w.relays.filter((r) => r !== duty);
    send(w, duty.requester, { type: 'ack', seq: duty.requesterSeq });
  }
}

// ---- timers ----

function tick(w: Work): void {
  for (const duty of w.relays.filter((r) => r.nackAt <= w.now)) send(w, duty.requester, { type: 'nack', seq: duty.requesterSeq });
  w.relays = w.relays.filter((r) => r.nackAt > w.now);
  if (w.probe && w.probe.failAt <= w.now) probeFailed(w, w.probe);
  else if (w.probe && !w.probe.indirectSent && w.probe.indirectAt <= w.now) askRelays(w, w.probe);
  if (w.nextProbeAt !== undefined && w.nextProbeAt <= w.now) startProbe(w);
  // Replacing or deleting entries of a Map while iterating it is well defined; none is added here.
  for (const m of w.members.values()) {
    if (m.status === 'suspect' && m.suspicion && m.suspicion.deadline <= w.now) {
      declareDead(w, m, m.incarnation, { kind: 'dead', name: m.name, incarnation: m.incarnation, from: w.self.name });
      w.pushToAll = true;
    } else if (m.suspicion?.repingAt !== undefined && m.suspicion.repingAt <= w.now) {
      pingSuspect(w, m, m.suspicion);
    } else if (m.reapAt !== undefined && m.reapAt <= w.now) {
      forget(w, m.name);
    }
  }
  if (w.nextReconnectAt !== undefined && w.nextReconnectAt <= w.now) reconnect(w);
}

function startProbe(w: Work): void {
  const interval = probeIntervalAt(w.config, w.health);
  w.nextProbeAt = w.now + interval;
  const target = nextTarget(w);
  if (!target) return;
  const seq = nextSeq(w);
  w.probe = {
    seq,
    target: target.name,
    incarnation: target.incarnation,
    address: target.address,
    indirectAt: w.now + ackTimeoutAt(w.config, w.health),
    failAt: w.now + interval,
    relays: [],
    indirectSent: false,
    nacks: [],
  };
  send(w, target.address, { type: 'ping', seq, target: target.name }, target.name);
}

/** Round-robin over the live members, in an order shuffled afresh for every round. */
function nextTarget(w: Work): Member | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    while (w.roundIndex < w.round.length) {
      const m = w.members.get(w.round[w.roundIndex++] ?? '');
      if (m && isLive(m)) return m;
    }
    w.round = shuffle([...w.members.values()].filter(isLive).map((m) => m.name), w.random);
    w.roundIndex = 0;
  }
  return undefined;
}

function askRelays(w: Work, probe: Probe): void {
  const candidates = [...w.members.values()].filter((m) => m.status === 'alive' && m.name !== probe.target);
  const relays = shuffle(candidates, w.random).slice(0, w.config.indirectChecks);
  for (const relay of relays) {
    send(w, relay.address, { type: 'ping-req', seq: probe.seq, target: probe.target, targetAddress: probe.address }, relay.name);
  }
  w.probe = { ...probe, indirectSent: true, relays: relays.map((r) => r.name) };
}

/**
 * No ack, direct or relayed. A timer that fires more than an ack timeout late means this
 * process was stalled, and the ack may be unread: the probe is dropped without suspicion, and
 * the local health score rises. Relays that were asked and none nacked mean the same (Lifeguard):
 * the fault is likely ours.
 */
function probeFailed(w: Work, probe: Probe): void {
  w.probe = undefined;
  if (w.now - probe.failAt > ackTimeoutAt(w.config, w.health)) {
    w.health = Math.min(w.config.maxHealthScore, w.health + 1);
    return;
  }
  if (probe.relays.length > 0 && probe.nacks.length === 0) w.health = Math.min(w.config.maxHealthScore, w.health + 1);
  const m = w.members.get(probe.target);
  if (!m || !isLive(m) || m.incarnation !== probe.incarnation) return;
  if (m.status === 'alive') {
    suspect(w, m, m.incarnation, w.self.name, probe.nacks, true);
  } else if (confirm(w, m, [w.self.name, ...probe.nacks])) {
    enqueue(w, { kind: 'suspect', name: m.name, incarnation: m.incarnation, from: w.self.name });
  }
}

function reconnect(w: Work): void {
  w.nextReconnectAt = w.now + w.config.reconnectIntervalMs;
  const live = liveAddressKeys(w);
  const candidates = w.seeds.filter((s) => !live.has(addressKey(s)));
  if (candidates.length === 0) return;
  const seed = candidates[Math.floor(w.random() * candidates.length)];
  if (seed) sendSync(w, seed, true, fullState(w));
}

/** Pings a member this one suspects, with the suspicion attached: its ack carries the refutation. */
function pingSuspect(w: Work, m: Member, s: Suspicion): void {
  sendExact(w, m.address, { type: 'ping', seq: nextSeq(w), target: m.name }, [{ kind: 'suspect', name: m.name, incarnation: m.incarnation, from: s.accuser }]);
  putMember(w, { ...m, suspicion: { ...s, repingAt: w.now + ackTimeoutAt(w.config, w.health) } });
}

// ---- status changes ----

function suspect(w: Work, m: Member, incarnation: number, accuser: string, confirmations: readonly string[], push: boolean): void {
  const distinct = [...new Set(confirmations)].filter((c) => c !== accuser);
  const deadline = w.now + suspicionTimeoutMs(w.config, liveCount(w), distinct.length);
  const repingAt = accuser === w.self.name ? w.now + ackTimeoutAt(w.config, w.health) : undefined;
  const suspicion: Suspicion = { startedAt: w.now, accuser, confirmations: distinct, deadline, ...(repingAt === undefined ? {} : { repingAt }) };
  setStatus(w, { ...m, incarnation, status: 'suspect', since: w.now, suspicion, reapAt: undefined }, m);
  news(w, { kind: 'suspect', name: m.name, incarnation, from: accuser }, push);
  if (push) w.buddies.add(m.name);
}

/** Adds independent confirmations to a suspicion, which shortens it. True when any was new. */
function confirm(w: Work, m: Member, names: readonly string[]): boolean {
  const s = m.suspicion;
  if (!s) return false;
  const added = names.filter((n) => n !== s.accuser && !s.confirmations.includes(n));
  if (added.length === 0) return false;
  const confirmations = [...new Set([...s.confirmations, ...added])];
  const deadline = s.startedAt + suspicionTimeoutMs(w.config, liveCount(w), confirmations.length);
  const repingAt = s.repingAt ?? (added.includes(w.self.name) ? w.now + ackTimeoutAt(w.config, w.health) : undefined);
  putMember(w, { ...m, suspicion: { ...s, confirmations, deadline, ...(repingAt === undefined ? {} : { repingAt }) } });
  return true;
}

function declareDead(w: Work, m: Member, incarnation: number, update: Update): void {
  setStatus(w, { ...m, incarnation, status: 'dead', since: w.now, suspicion: undefined, reapAt: w.now + w.config.reapAfterMs }, m);
  news(w, update, true);
}

function setStatus(w: Work, next: Member, previous: Member | undefined): void {
  putMember(w, next);
  if (previous?.status !== next.status) {
    w.actions.push({ kind: 'change', name: next.name, address: next.address, incarnation: next.incarnation, from: previous?.status ?? 'unknown', to: next.status });
  }
}

function writableMembers(w: Work): Map<string, Member> {
  if (!w.draft) {
    w.draft = new Map(w.members);
    w.members = w.draft;
  }
  return w.draft;
}

function putMember(w: Work, member: Member): void {
  writableMembers(w).set(member.name, member);
  w.live = undefined;
}

function forget(w: Work, name: string): void {
  writableMembers(w).delete(name);
  w.live = undefined;
}

function liveCount(w: Work): number {
  if (w.live === undefined) {
    w.live = 1;
    for (const m of w.members.values()) if (isLive(m)) w.live++;
  }
  return w.live;
}

// ---- dissemination ----

function selfAlive(w: Work): Update {
  return { kind: 'alive', name: w.self.name, incarnation: w.self.incarnation, address: w.self.address };
}

function enqueue(w: Work, update: Update): void {
  w.broadcasts = queueBroadcast(w.broadcasts, update, w.broadcastOrder++);
}

/** Queue for piggybacking and, when `push`, send at once to a few members too. */
function news(w: Work, update: Update, push: boolean): void {
  enqueue(w, update);
  if (push) w.push = [...w.push.filter((u) => u.name !== update.name), update];
}

function flushPush(w: Work): void {
  if (w.push.length === 0) return;
  const subjects = new Set(w.push.map((u) => u.name));
  const others = [...w.members.values()].filter((m) => m.status === 'alive' && !subjects.has(m.name));
  const targets = w.pushToAll ? others : shuffle(others, w.random).slice(0, w.config.pushFanout);
  for (const name of w.buddies) {
    const m = w.members.get(name);
    if (m && isLive(m)) targets.push(m);
  }
  const chunks = chunkUpdates(w.push, MAX_DATAGRAM_BYTES - baseSize({ sender: w.self.name, body: { type: 'gossip' } }));
  for (const target of targets) for (const chunk of chunks) sendExact(w, target.address, { type: 'gossip' }, chunk);
  w.push = [];
  w.buddies.clear();
  w.pushToAll = false;
}

/** Sends `body` with as many queued updates as fit, those about `about` first. */
function send(w: Work, to: MemberAddress, body: Body, about?: string): void {
  const budget = MAX_DATAGRAM_BYTES - baseSize({ sender: w.self.name, body });
  const taken = takeBroadcasts(w.broadcasts, budget, retransmitLimit(w.config, liveCount(w)), about);
  w.broadcasts = taken.queue;
  sendExact(w, to, body, taken.updates);
}

function sendExact(w: Work, to: MemberAddress, body: Body, updates: readonly Update[]): void {
  w.actions.push({ kind: 'send', to, message: { sender: w.self.name, incarnation: w.self.incarnation, body, updates } });
}

function nextSeq(w: Work): number {
  w.seq = (w.seq + 1) >>> 0;
  return w.seq;
}

/** When the state wants its next tick; undefined when nothing is pending. */
export function wakeTime(state: MemberState): number | undefined {
  if (!state.started || state.self.leaving) return undefined;
  let at = Infinity;
  if (state.nextProbeAt !== undefined) at = Math.min(at, state.nextProbeAt);
  if (state.nextReconnectAt !== undefined) at = Math.min(at, state.nextReconnectAt);
  if (state.probe) at = Math.min(at, state.probe.indirectSent ? state.probe.failAt : state.probe.indirectAt);
  for (const r of state.relays) at = Math.min(at, r.nackAt);
  for (const m of state.members.values()) {
    if (m.suspicion) at = Math.min(at, m.suspicion.deadline, m.suspicion.repingAt ?? Infinity);
    if (m.reapAt !== undefined) at = Math.min(at, m.reapAt);
  }
  return at === Infinity ? undefined : at;
}

/** Fisher-Yates with the caller's random numbers. */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}
