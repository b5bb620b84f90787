import type { HeraldConfig } from '@herald/shared/config/types.js';
import { type Family, familyName, formatAddress } from '@herald/shared/net/address.js';
import { type ServiceRequest, classifyService, readServiceRef, readServiceRequest } from '@herald/shared/service/request.js';
import { type ServiceInput, type ServiceKey, type ServiceRef, serviceKey } from '@herald/shared/service/types.js';
import { type PoolState, Pools, poolRefusal } from './pools.js';
import { AddressUse, type Sharer, type SharingConflict, sharingConflict } from './sharing.js';
import type { AllocatorOptions, Assignment, Decision, FailedDecision, FailureReason, NotHandledDecision, PoolCounts } from './types.js';

/** An address a Service holds, claims in its status, or asks for. */
interface Claim {
  family: Family;
  value: bigint;
  text: string;
}

/** An address chosen in a pool, not yet taken. */
interface Pick {
  pool: PoolState;
  family: Family;
  value: bigint;
  ordinal: bigint;
}

interface ServiceRecord {
  req: ServiceRequest;
  sharer: Sharer;
  /** What it holds, primary family first. */
  held: AddressUse[];
  /**
   * Addresses from its status that another Service holds: it waits for them rather than taking
   * new ones (the issue: the younger claimant gets no address; nothing moves).
   */
  sticky?: Claim[];
  /** The addresses of its last decision (at first sight: its status), for `previous`. */
  shown: string[];
  /**
   * Not decided yet. Only then does its status count as a claim: afterwards the allocator's own
   * record is the truth, and a status seen later may merely lag behind the last decision.
   */
  fresh?: true;
  /** Why held addresses were taken away before the next decide (pool or namespace change). */
  moveReasons?: string[];
  /** Its last decision, kept only while it is pending: retryPending reports only changes. */
  last?: Decision;
}

interface Failure {
  reason: FailureReason;
  message: string;
  details: string[];
  conflictsWith?: ServiceRef;
}

type PoolChoice = { ok: true; pools: PoolState[] } | { ok: false; failure: Failure };

type Attempt = { ok: true; picks: Pick[] } | { ok: false; failure: Failure };

/**
 * Herald's address manager, as pure state: every pool's free addresses and every Service's
 * addresses. Mutable, and deterministic: the same calls in the same order give the same
 * decisions. Nothing here reads a clock, a file or the network.
 */
export class Allocator {
  private pools: Pools;
  private readonly options: AllocatorOptions;
  private readonly records = new Map<ServiceKey, ServiceRecord>();
  private readonly byNamespace = new Map<string, Set<ServiceKey>>();
  private readonly pending = new Set<ServiceKey>();
  private holders: Record<Family, Map<bigint, AddressUse>> = { 4: new Map(), 6: new Map() };
  private bySharingKey = new Map<string, Set<AddressUse>>();
  private readonly namespaceLabels = new Map<string, Readonly<Record<string, string>>>();
  /** Something was freed or widened since the last retryPending. */
  private dirty = false;

  constructor(config: HeraldConfig, options: AllocatorOptions = {}) {
    this.pools = new Pools(config);
    this.options = options;
  }

  /** Sets a namespace's labels (undefined: the namespace is gone). Returns decisions for the Services that had to move. */
  setNamespaceLabels(namespace: string, labels: Readonly<Record<string, string>> | undefined): Decision[] {
    if (labels === undefined) this.namespaceLabels.delete(namespace);
    else this.namespaceLabels.set(namespace, { ...labels });
    this.dirty = true;
    const recs = [...(this.byNamespace.get(namespace) ?? [])].map((k) => this.records.get(k) as ServiceRecord);
    return this.moveInvalid(recs.sort(byAge));
  }

  /**
   * Start-up (and after winning leader election): takes every valid address already in status,
   * oldest Service first, before anything new is allocated; then decides every Service, oldest
   * first. One decision per distinct Service: those Herald does not serve first, then by age.
   */
  adopt(services: readonly ServiceInput[]): Decision[] {
    const out: Decision[] = [];
    const batch = new Map<ServiceKey, ServiceRecord>();
    for (const service of services) {
      const cls = classifyService(service, this.options);
      if (!cls.handled) {
        const ref = readServiceRef(service);
        const known = this.records.get(serviceKey(ref));
        if (known !== undefined) batch.delete(known.req.key);
        out.push(this.forget(ref, cls.reason, cls.message));
        continue;
      }
      const rec = this.upsert(service);
      batch.set(rec.req.key, rec);
    }
    const ordered = [...batch.values()].sort(byAge);
    for (const rec of ordered) {
      if (rec.held.length === 0) this.takeStatusClaims(rec);
    }
    for (const rec of ordered) out.push(this.decide(rec));
    return out;
  }

  /** A Service was added or changed. */
  reconcile(service: ServiceInput): Decision {
    const cls = classifyService(service, this.options);
    if (!cls.handled) return this.forget(readServiceRef(service), cls.reason, cls.message);
    return this.decide(this.upsert(service));
  }

  /** A Service was deleted. Undefined when the allocator did not know it. */
  remove(ref: ServiceRef): Decision | undefined {
    const key = serviceKey(ref);
    if (!this.records.has(key)) return undefined;
    return this.forget(ref, 'Deleted', 'The Service was deleted.', key);
  }

  /**
   * A new validated configuration. Addresses still inside a pool that allows their Service stay
   * where they are; returns decisions for exactly the Services that lost an address, each
   * re-allocated (old and new addresses in the decision) or told why it now has none.
   */
  setConfig(config: HeraldConfig): Decision[] {
    const oldHeld = [...this.records.values()].filter((r) => r.held.length > 0).sort(byAge);
    this.pools = new Pools(config);
    this.holders = { 4: new Map(), 6: new Map() };
    this.bySharingKey = new Map();
    this.dirty = true;
    const moving: ServiceRecord[] = [];
    for (const rec of oldHeld) {
      const claims = rec.held.map(claimOf);
      rec.held = [];
      for (const claim of claims) {
        const check = this.checkClaim(rec.req, claim, rec.req.problem !== undefined);
        const conflict = check.ok ? this.conflictAt(claim, rec.sharer) : undefined;
        if (!check.ok) addMoveReason(rec, check.why);
        else if (conflict !== undefined) addMoveReason(rec, conflict.message);
        else rec.held.push(this.take(check.pick, rec.sharer));
      }
      if (rec.moveReasons !== undefined) moving.push(rec);
    }
    return moving.map((rec) => this.decide(rec));
  }

  /**
   * Retries every Service that lacks (some of) its addresses: failed ones, and PreferDualStack
   * ones that got one family. Oldest first. Returns only the decisions that changed. Cheap when
   * nothing was freed since the last call.
   */
  retryPending(): Decision[] {
    if (!this.dirty) return [];
    this.dirty = false;
    const out: Decision[] = [];
    const recs = [...this.pending].map((k) => this.records.get(k) as ServiceRecord).sort(byAge);
    for (const rec of recs) {
      const before = rec.last;
      const after = this.decide(rec);
      if (before === undefined || !sameDecision(before, after)) out.push(after);
    }
    return out;
  }

  /** Counts per pool, sorted by name. A shared address counts once. */
  poolCounts(): PoolCounts[] {
    return [...this.pools.byName.values()]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((p) => {
        const count = (f: Family): [bigint, bigint] => {
          const fp = p.families[f];
          return fp === undefined ? [0n, 0n] : [fp.space.size - fp.free.size, fp.free.size];
        };
        const [assignedIPv4, availableIPv4] = count(4);
        const [assignedIPv6, availableIPv6] = count(6);
        return { pool: p.name, assignedIPv4, availableIPv4, assignedIPv6, availableIPv6 };
      });
  }

  assignment(ref: ServiceRef): Assignment | undefined {
    const rec = this.records.get(serviceKey(ref));
    const first = rec?.held[0];
    if (rec === undefined || first === undefined) return undefined;
    return { service: rec.req.ref, ips: rec.held.map((u) => u.text), pool: first.pool.name };
  }

  /** Every Service holding addresses, by key. */
  assignments(): Assignment[] {
    const out: Assignment[] = [];
    for (const rec of this.records.values()) {
      const a = this.assignment(rec.req.ref);
      if (a !== undefined) out.push(a);
    }
    return out.sort((a, b) => compareStrings(serviceKey(a.service), serviceKey(b.service)));
  }

  // ---- records -------------------------------------------------------------------------------

  private upsert(service: ServiceInput): ServiceRecord {
    const req = readServiceRequest(service);
    const sharer: Sharer = { key: req.key, ref: req.ref, ports: req.ports, backend: req.backend };
    if (req.sharingKey !== undefined) sharer.sharingKey = req.sharingKey;
    const known = this.records.get(req.key);
    if (known !== undefined) {
      known.req = req;
      known.sharer = sharer;
      return known;
    }
    const rec: ServiceRecord = { req, sharer, held: [], shown: req.statusIPs.map((ip) => text(ip.family, ip.value)), fresh: true };
    this.records.set(req.key, rec);
    let keys = this.byNamespace.get(req.ref.namespace);
    if (keys === undefined) this.byNamespace.set(req.ref.namespace, (keys = new Set()));
    keys.add(req.key);
    return rec;
  }

  private forget(ref: ServiceRef, reason: NotHandledDecision['reason'], why: string, key = serviceKey(ref)): NotHandledDecision {
    const rec = this.records.get(key);
    const previous = rec?.shown ?? [];
    if (rec !== undefined) {
      for (const use of rec.held) this.release(use, key);
      this.records.delete(key);
      this.pending.delete(key);
      this.byNamespace.get(ref.namespace)?.delete(key);
      this.dirty = true;
    }
    const released = rec !== undefined && rec.held.length > 0 ? ` Released ${list(rec.held.map((u) => u.text))}.` : '';
    return { outcome: 'notHandled', service: ref, key, reason, previous, ips: [], message: `${why}${released}`, warnings: [] };
  }

  // ---- taking and releasing ------------------------------------------------------------------

  private take(pick: Pick, sharer: Sharer): AddressUse {
    const map = this.holders[pick.family];
    let use = map.get(pick.value);
    if (use === undefined) {
      const fp = pick.pool.families[pick.family];
      if (fp === undefined || !fp.free.take(pick.ordinal)) {
        throw new Error(`internal error: ${text(pick.family, pick.value)} of pool ${pick.pool.name} is neither free nor held`);
      }
      use = new AddressUse(pick.pool, pick.family, pick.value, pick.ordinal, text(pick.family, pick.value));
      map.set(pick.value, use);
      if (sharer.sharingKey !== undefined) {
        let set = this.bySharingKey.get(sharer.sharingKey);
        if (set === undefined) this.bySharingKey.set(sharer.sharingKey, (set = new Set()));
        set.add(use);
      }
    }
    use.add(sharer);
    return use;
  }

  private release(use: AddressUse, key: ServiceKey): void {
    const sharingKey = use.sharingKey;
    if (!use.delete(key)) return;
    use.pool.families[use.family]?.free.release(use.ordinal);
    this.holders[use.family].delete(use.value);
    if (sharingKey !== undefined) this.bySharingKey.get(sharingKey)?.delete(use);
  }

  /** Status addresses that are valid for the Service and free (or shareable), taken all together or not at all. */
  private takeStatusClaims(rec: ServiceRecord): void {
    const claims = rec.sticky ?? (rec.fresh ? statusClaims(rec.req) : []);
    const picks: Pick[] = [];
    for (const claim of claims) {
      const check = this.checkClaim(rec.req, claim, rec.req.problem !== undefined);
      if (!check.ok) continue;
      if (this.conflictAt(claim, rec.sharer) !== undefined) return;
      picks.push(check.pick);
    }
    for (const pick of picks) rec.held.push(this.take(pick, rec.sharer));
  }

  private conflictAt(claim: Claim, sharer: Sharer): SharingConflict | undefined {
    const use = this.holders[claim.family].get(claim.value);
    return use === undefined ? undefined : sharingConflict(use, sharer);
  }

  // ---- deciding ------------------------------------------------------------------------------

  /**
   * Decides one Service from scratch: releases what it holds, then keeps whatever of it (or of
   * its status, or of the addresses it waits for) still fits, and allocates what is missing.
   * Releasing first makes "keep" and "allocate" one path; a kept address is taken back at once,
   * so nobody else can get it in between.
   */
  private decide(rec: ServiceRecord): Decision {
    const { req } = rec;
    const before = rec.held.map((u) => u.text);
    // The sharer stored on its addresses is the one from before this change.
    const oldSharer = rec.held[0]?.user(req.key);
    const held = rec.held.map(claimOf);
    for (const use of rec.held) this.release(use, req.key);
    rec.held = [];
    const kind = held.length > 0 ? 'held' : rec.sticky !== undefined ? 'sticky' : 'status';
    const claims = kind === 'held' ? held : (rec.sticky ?? (rec.fresh ? statusClaims(req) : []));
    rec.fresh = undefined;
    const dropped = rec.moveReasons ?? [];
    rec.moveReasons = undefined;

    const decision = req.problem !== undefined ? this.keepDespiteProblem(rec, claims) : this.allocate(rec, claims, kind, dropped);
    rec.shown = decision.ips;
    const wanting = decision.outcome === 'failed' ? decision.reason !== 'InvalidRequest' : rec.held.length < req.families.length;
    if (wanting) {
      this.pending.add(req.key);
      rec.last = decision;
    } else {
      this.pending.delete(req.key);
      rec.last = undefined;
    }
    const after = rec.held.map((u) => u.text);
    if (before.some((ip) => !after.includes(ip)) || (oldSharer !== undefined && fingerprint(oldSharer) !== fingerprint(rec.sharer))) this.dirty = true;
    return decision;
  }

  /** A request that cannot be read: keep what it had where its pool still allows it, and say what is wrong. */
  private keepDespiteProblem(rec: ServiceRecord, claims: Claim[]): Decision {
    const { req } = rec;
    rec.sticky = undefined;
    for (const claim of claims) {
      const check = this.checkClaim(req, claim, true);
      if (check.ok && this.conflictAt(claim, rec.sharer) === undefined) rec.held.push(this.take(check.pick, rec.sharer));
    }
    const problem = req.problem as NonNullable<ServiceRequest['problem']>;
    const ips = rec.held.map((u) => u.text);
    const keeping = ips.length > 0 ? ` Keeping ${list(ips)} until it is fixed.` : '';
    const failure: Failure = { reason: 'InvalidRequest', message: `${capitalise(`${problem.field} ${problem.message}`)}.${keeping}`, details: [`${problem.field} ${problem.message}`] };
    return this.failed(rec, failure);
  }

  private allocate(rec: ServiceRecord, claims: Claim[], kind: 'held' | 'sticky' | 'status', dropped: string[]): Decision {
    const { req, sharer } = rec;
    const wanted = req.families;
    const keep = new Map<Family, Pick>();
    const valid: Claim[] = [];
    let blocked: SharingConflict | undefined;
    for (const claim of claims) {
      const check = this.checkClaim(req, claim, false);
      if (!check.ok) {
        dropped.push(check.why);
        continue;
      }
      valid.push(claim);
      const conflict = this.conflictAt(claim, sharer);
      if (conflict !== undefined) {
        blocked ??= conflict;
        if (kind === 'held') dropped.push(`${conflict.message}, so this Service had to leave ${claim.text}`);
        continue;
      }
      keep.set(claim.family, check.pick);
    }
    if (blocked !== undefined && kind !== 'held') {
      rec.sticky = valid;
      const until = blocked.reason === 'AddressInUse' ? 'until that Service releases it' : 'until the conflict is resolved';
      return this.failed(rec, {
        reason: blocked.reason,
        message: `${capitalise(blocked.message)}. This Service keeps no address ${until}.`,
        details: [blocked.message],
        conflictsWith: blocked.with,
      });
    }
    rec.sticky = undefined;

    // An explicit request that cannot be met fails whatever the Service holds: nothing it holds
    // can fit such a request (checkClaim requires the requested address and pool).
    const explicit = req.requestedPool !== undefined || req.families.some((f) => req.requested[f] !== undefined);
    let choice = explicit ? this.choosePools(req) : undefined;
    if (choice !== undefined && !choice.ok) return this.failed(rec, choice.failure, dropped);

    if (wanted.every((f) => keep.has(f))) return this.succeed(rec, wanted.map((f) => keep.get(f) as Pick), dropped, []);

    const firstKept = wanted.map((f) => keep.get(f)).find((p) => p !== undefined);
    if (firstKept !== undefined) {
      // Complete the set from the pool it already uses; a PreferDualStack Service does not move
      // to another pool just to gain a family.
      const added = this.attempt(rec, wanted, [firstKept.pool], keep);
      if (added.ok) return this.succeed(rec, added.picks, dropped, []);
      if (req.policy === 'PreferDualStack') {
        const kept = wanted.map((f) => keep.get(f)).filter((p): p is Pick => p !== undefined);
        return this.succeed(rec, kept, dropped, [`${capitalise(added.failure.details.join('; '))}; the Service stays single-stack for now.`]);
      }
      dropped.push(`the Service needs ${wanted.map(familyName).join(' and ')} from one pool and ${added.failure.details.join('; ')}`);
    }

    choice ??= this.choosePools(req);
    if (!choice.ok) return this.failed(rec, choice.failure, dropped);
    const both = this.attempt(rec, wanted, choice.pools, keep);
    if (both.ok) return this.succeed(rec, both.picks, dropped, []);
    if (req.policy !== 'PreferDualStack' || wanted.length < 2) return this.failed(rec, both.failure, dropped);
    // PreferDualStack: one family when no pool can give both, the primary family first.
    let firstFailure: Failure | undefined;
    for (const family of wanted) {
      const single = this.attempt(rec, [family], choice.pools, keep);
      if (single.ok) {
        const warning = `No pool this Service may use can give it both IPv4 and IPv6 (${both.failure.details.join('; ')}); it got ${familyName(family)} only.`;
        return this.succeed(rec, single.picks, dropped, [warning]);
      }
      firstFailure ??= single.failure;
    }
    return this.failed(rec, firstFailure ?? both.failure, dropped);
  }

  /** The pools a fresh allocation may come from, in the order they are tried. */
  private choosePools(req: ServiceRequest): PoolChoice {
    const labels = this.namespaceLabels.get(req.ref.namespace);
    const requested = req.families.map((f) => req.requested[f]).filter((ip) => ip !== undefined);
    if (requested.length > 0) {
      const from = req.requestedFrom ?? 'the request';
      const located = requested.map((ip) => ({ ip, t: text(ip.family, ip.value), pool: this.pools.poolOf(ip.family, ip.value) }));
      const outside = located.find((l) => l.pool === undefined);
      if (outside !== undefined) {
        return fail('RequestedAddressNotInPool', `${outside.t} (${from}) is not in any IPAddressPool`);
      }
      const pool = located[0]?.pool as PoolState;
      const elsewhere = located.find((l) => l.pool !== pool);
      if (elsewhere !== undefined) {
        return fail(
          'InvalidRequest',
          `${from} asks for ${located[0]?.t} (pool ${pool.name}) and ${elsewhere.t} (pool ${elsewhere.pool?.name}); both families must come from one pool`,
        );
      }
      if (req.requestedPool !== undefined && req.requestedPool !== pool.name) {
        return fail('RequestedAddressNotInPool', `${located[0]?.t} (${from}) is in pool ${pool.name}, not in pool ${req.requestedPool} that ${req.requestedPoolFrom} asks for`);
      }
      const refusal = poolRefusal(pool.config, req, labels);
      if (refusal !== undefined) {
        return fail('RequestedPoolNotAllowed', `${located[0]?.t} (${from}) is in pool ${pool.name}, which does not allow this Service: ${refusal}`);
      }
      for (const l of located) {
        const fp = pool.families[l.ip.family];
        const why = fp?.space.exclusion(l.ip.value, pool.config.entries, pool.config.avoidBuggyIPs);
        if (why !== undefined) return fail('RequestedAddressNotInPool', `${l.t} (${from}) is in pool ${pool.name}, but ${why}, so the pool never hands it out`);
      }
      return { ok: true, pools: [pool] };
    }
    if (req.requestedPool !== undefined) {
      const pool = this.pools.byName.get(req.requestedPool);
      if (pool === undefined) {
        return fail('RequestedPoolUnknown', `There is no IPAddressPool named ${req.requestedPool} (${req.requestedPoolFrom})`);
      }
      const refusal = poolRefusal(pool.config, req, labels);
      if (refusal !== undefined) return fail('RequestedPoolNotAllowed', `Pool ${pool.name} (${req.requestedPoolFrom}) does not allow this Service: ${refusal}`);
      return { ok: true, pools: [pool] };
    }
    if (this.pools.ordered.length === 0) return fail('NoPoolAllowed', 'There are no IPAddressPools');
    const allowed: PoolState[] = [];
    const details: string[] = [];
    for (const pool of this.pools.ordered) {
      const refusal = poolRefusal(pool.config, req, labels);
      if (refusal !== undefined) details.push(`pool ${pool.name}: ${refusal}`);
      else if (!pool.config.autoAssign) {
        details.push(`pool ${pool.name}: autoAssign is false, so it serves only Services that name it (annotation heraldlb.io/address-pool) or ask for an address in it`);
      } else allowed.push(pool);
    }
    if (allowed.length === 0) {
      return { ok: false, failure: { reason: 'NoPoolAllowed', message: `No pool allows this Service. ${details.map(capitalise).join('. ')}.`, details } };
    }
    return { ok: true, pools: allowed };
  }

  /** The first pool, in order, that can give every family; takes nothing until one can. */
  private attempt(rec: ServiceRecord, families: readonly Family[], pools: readonly PoolState[], keep: Map<Family, Pick>): Attempt {
    const { req, sharer } = rec;
    const lacking: string[] = [];
    const full: string[] = [];
    let conflict: SharingConflict | undefined;
    pools: for (const pool of pools) {
      const picks: Pick[] = [];
      for (const family of families) {
        const fp = pool.families[family];
        if (fp === undefined) {
          lacking.push(`pool ${pool.name} has no ${familyName(family)} addresses`);
          continue pools;
        }
        const requested = req.requested[family];
        if (requested !== undefined) {
          const ordinal = fp.space.ordinal(requested.value) as bigint;
          const c = this.conflictAt({ family, value: requested.value, text: '' }, sharer);
          if (c !== undefined) {
            conflict ??= c;
            continue pools;
          }
          picks.push({ pool, family, value: requested.value, ordinal });
          continue;
        }
        const kept = keep.get(family);
        if (kept !== undefined && kept.pool === pool) {
          picks.push(kept);
          continue;
        }
        const shared = this.shareable(pool, family, sharer);
        if (shared !== undefined) {
          picks.push(shared);
          continue;
        }
        const ordinal = fp.free.lowest();
        if (ordinal === undefined) {
          full.push(`pool ${pool.name} has no free ${familyName(family)} address (all ${fp.space.size} in use)`);
          continue pools;
        }
        picks.push({ pool, family, value: fp.space.address(ordinal), ordinal });
      }
      return { ok: true, picks };
    }
    if (conflict !== undefined) {
      return {
        ok: false,
        failure: {
          reason: conflict.reason,
          message: `${capitalise(conflict.message)}. This Service gets no address until ${conflict.reason === 'AddressInUse' ? 'that Service releases it' : 'the conflict is resolved'}.`,
          details: [conflict.message],
          conflictsWith: conflict.with,
        },
      };
    }
    const dual = families.length === 2;
    if (full.length === 0) {
      const message = dual
        ? `The Service needs both IPv4 and IPv6 (${req.policy}), and no pool it may use has both`
        : `No pool this Service may use has ${familyName(families[0] as Family)} addresses`;
      return { ok: false, failure: { reason: 'FamilyUnavailable', message: `${message}: ${lacking.join('; ')}.`, details: lacking } };
    }
    const details = [...full, ...lacking];
    const message =
      full.length === 1 && lacking.length === 0
        ? `${capitalise(full[0] as string)}.`
        : `Every pool this Service may use is out of addresses: ${details.join('; ')}.`;
    return { ok: false, failure: { reason: 'PoolExhausted', message, details } };
  }

  /** The lowest address of the pool already used under the Service's sharing key that it may join. */
  private shareable(pool: PoolState, family: Family, sharer: Sharer): Pick | undefined {
    if (sharer.sharingKey === undefined) return undefined;
    let best: AddressUse | undefined;
    for (const use of this.bySharingKey.get(sharer.sharingKey) ?? []) {
      if (use.pool !== pool || use.family !== family) continue;
      if (best !== undefined && best.value < use.value) continue;
      if (sharingConflict(use, sharer) === undefined) best = use;
    }
    return best === undefined ? undefined : { pool, family, value: best.value, ordinal: best.ordinal };
  }

  /**
   * Whether an address the Service holds or claims still fits: inside a pool that hands it out
   * and allows the Service, of a family it wants, and matching what it asks for. With an
   * unreadable request only the pool is checked. Does not look at who else holds it.
   */
  private checkClaim(req: ServiceRequest, claim: Claim, requestUnreadable: boolean): { ok: true; pick: Pick } | { ok: false; why: string } {
    const pool = this.pools.poolOf(claim.family, claim.value);
    if (pool === undefined) return { ok: false, why: `${claim.text} is no longer in any IPAddressPool` };
    const fp = pool.families[claim.family];
    const ordinal = fp?.space.ordinal(claim.value);
    if (fp === undefined || ordinal === undefined) {
      const why = fp?.space.exclusion(claim.value, pool.config.entries, pool.config.avoidBuggyIPs) ?? 'it is excluded';
      return { ok: false, why: `${claim.text} is in pool ${pool.name}, but ${why}, so the pool never hands it out` };
    }
    const refusal = poolRefusal(pool.config, req, this.namespaceLabels.get(req.ref.namespace));
    if (refusal !== undefined) return { ok: false, why: `pool ${pool.name} (of ${claim.text}) does not allow this Service: ${refusal}` };
    if (!requestUnreadable) {
      if (!req.families.includes(claim.family)) {
        return { ok: false, why: `the Service no longer uses ${familyName(claim.family)} (spec.ipFamilies, spec.ipFamilyPolicy), so it gave up ${claim.text}` };
      }
      const asked = req.requested[claim.family];
      if (asked !== undefined && asked.value !== claim.value) {
        return { ok: false, why: `the Service asks for ${text(asked.family, asked.value)} (${req.requestedFrom}) instead of ${claim.text}` };
      }
      const explicitPool = req.requestedPool ?? this.poolOfRequest(req);
      if (explicitPool !== undefined && explicitPool !== pool.name) {
        return { ok: false, why: `the Service asks for pool ${explicitPool}, and ${claim.text} is in pool ${pool.name}` };
      }
    }
    return { ok: true, pick: { pool, family: claim.family, value: claim.value, ordinal } };
  }

  private poolOfRequest(req: ServiceRequest): string | undefined {
    for (const family of req.families) {
      const ip = req.requested[family];
      if (ip !== undefined) return this.pools.poolOf(ip.family, ip.value)?.name;
    }
    return undefined;
  }

  /** Moves the given Services off addresses their pools no longer allow them (namespace relabelled). */
  private moveInvalid(recs: ServiceRecord[]): Decision[] {
    const moving: ServiceRecord[] = [];
    for (const rec of recs) {
      const kept: AddressUse[] = [];
      for (const use of rec.held) {
        const check = this.checkClaim(rec.req, claimOf(use), rec.req.problem !== undefined);
        if (check.ok) kept.push(use);
        else {
          addMoveReason(rec, check.why);
          this.release(use, rec.req.key);
        }
      }
      rec.held = kept;
      if (rec.moveReasons !== undefined) moving.push(rec);
    }
    return moving.map((rec) => this.decide(rec));
  }

  // ---- outcomes ------------------------------------------------------------------------------

  private succeed(rec: ServiceRecord, picks: Pick[], dropped: string[], warnings: string[]): Decision {
    const { req } = rec;
    for (const pick of picks) rec.held.push(this.take(pick, rec.sharer));
    const ips = rec.held.map((u) => u.text);
    const previous = rec.shown;
    const pool = (rec.held[0] as AddressUse).pool.name;
    const what = describeHeld(rec.held, req.key);
    let reason: 'Allocated' | 'Kept' | 'Reallocated';
    let message: string;
    if (previous.length === 0) {
      reason = 'Allocated';
      message = `Assigned ${what}.`;
    } else if (sameSet(previous, ips)) {
      reason = 'Kept';
      message = `Keeps ${what}.`;
    } else {
      reason = 'Reallocated';
      const why = dropped.length > 0 ? ` because ${dropped.join('; ')}` : '';
      message = `Now has ${what}, instead of ${list(previous)}${why}.`;
    }
    return {
      outcome: 'allocated',
      service: req.ref,
      key: req.key,
      reason,
      previous,
      ips,
      pool,
      message,
      warnings: [...req.warnings, ...warnings],
    };
  }

  private failed(rec: ServiceRecord, failure: Failure, dropped: string[] = []): FailedDecision {
    const { req } = rec;
    const ips = rec.held.map((u) => u.text);
    const lost = rec.shown.filter((ip) => !ips.includes(ip));
    const lostNote = lost.length > 0 && dropped.length > 0 ? ` It lost ${list(lost)} because ${dropped.join('; ')}.` : '';
    const decision: FailedDecision = {
      outcome: 'failed',
      service: req.ref,
      key: req.key,
      reason: failure.reason,
      previous: rec.shown,
      ips,
      message: `${failure.message}${lostNote}`,
      details: failure.details,
      warnings: [...req.warnings],
    };
    const first = rec.held[0];
    if (first !== undefined) decision.pool = first.pool.name;
    if (failure.conflictsWith !== undefined) decision.conflictsWith = failure.conflictsWith;
    return decision;
  }
}

function fail(reason: FailureReason, message: string): PoolChoice {
  return { ok: false, failure: { reason, message: `${capitalise(message)}.`, details: [message] } };
}

function addMoveReason(rec: ServiceRecord, why: string): void {
  (rec.moveReasons ??= []).push(why);
}

function statusClaims(req: ServiceRequest): Claim[] {
  return req.statusIPs.map((ip) => ({ family: ip.family, value: ip.value, text: text(ip.family, ip.value) }));
}

function claimOf(use: AddressUse): Claim {
  return { family: use.family, value: use.value, text: use.text };
}

/** Oldest first (creationTimestamp), then namespace/name: the order conflicts are settled in. */
function byAge(a: ServiceRecord, b: ServiceRecord): number {
  const ta = a.req.created;
  const tb = b.req.created;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return compareStrings(a.req.key, b.req.key);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fingerprint(s: Sharer): string {
  return `${s.sharingKey ?? ''}|${s.backend}|${s.ports.join(',')}`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function sameDecision(a: Decision, b: Decision): boolean {
  return a.outcome === b.outcome && a.reason === b.reason && a.message === b.message && sameSet(a.ips, b.ips);
}

/** Capitalises a leading plain word ("port", "pool"), never an address, a field or a namespace/name. */
function capitalise(s: string): string {
  return /^[a-z]+ /.test(s) ? (s[0] as string).toUpperCase() + s.slice(1) : s;
}

/** "a", "a and b". */
function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? 'nothing') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "198.51.100.7 and 2001:db8::7 from pool blue", naming sharers when there are any. */
function describeHeld(held: readonly AddressUse[], self: ServiceKey): string {
  const only = held[0];
  if (held.length === 1 && only !== undefined && only.users.length === 1) return `${only.text} from pool ${only.pool.name}`;
  const pools = new Set(held.map((u) => u.pool.name));
  const addresses =
    pools.size === 1
      ? `${list(held.map((u) => u.text))} from pool ${held[0]?.pool.name}`
      : list(held.map((u) => `${u.text} from pool ${u.pool.name}`));
  const sharers = [...new Set(held.flatMap((u) => u.users.map((x) => x.key).filter((k) => k !== self)))].sort(compareStrings);
  return sharers.length === 0 ? addresses : `${addresses}, shared with ${list(sharers)}`;
}

/** Dotted quad without a library call: the allocator formats every address it hands out. */
function text(family: Family, value: bigint): string {
  if (family === 6) return formatAddress(6, value);
  const n = Number(value);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
