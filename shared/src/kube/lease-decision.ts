/**
 * Leader election on a coordination.k8s.io/v1 Lease, decided as a pure function.
 *
 * Expiry is judged by the local clock from the moment this candidate last saw the record change,
 * not from the renewTime the holder wrote: two machines' clocks never have to agree.
 */

export interface LeaseRecord {
  holderIdentity?: string | undefined;
  leaseDurationSeconds?: number | undefined;
  acquireTime?: string | undefined;
  renewTime?: string | undefined;
  leaseTransitions?: number | undefined;
}

export interface Observation {
  record: LeaseRecord;
  /** When this candidate first saw the record in its present form (ms since epoch). */
  observedAt: number;
}

export type LeaseDecision =
  | { kind: 'create'; record: LeaseRecord }
  | { kind: 'acquire'; record: LeaseRecord; previousHolder: string }
  | { kind: 'renew'; record: LeaseRecord }
  | { kind: 'follow'; holder: string; expiresAt: number };

export interface Candidate {
  identity: string;
  leaseDurationSeconds: number;
}

export function sameRecord(a: LeaseRecord, b: LeaseRecord): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.renewTime === b.renewTime &&
    a.acquireTime === b.acquireTime &&
    a.leaseTransitions === b.leaseTransitions &&
    a.leaseDurationSeconds === b.leaseDurationSeconds
  );
}

/** Carries the observation time forward while the record stays the same. */
export function observe(previous: Observation | undefined, record: LeaseRecord, now: number): Observation {
  return previous && sameRecord(previous.record, record) ? previous : { record, observedAt: now };
}

export function decideLease(current: Observation | undefined, me: Candidate, now: number): LeaseDecision {
  const stamp = new Date(now).toISOString();
  if (!current) {
    return {
      kind: 'create',
      record: { holderIdentity: me.identity, leaseDurationSeconds: me.leaseDurationSeconds, acquireTime: stamp, renewTime: stamp, leaseTransitions: 0 },
    };
  }
  const { record } = current;
  const holder = record.holderIdentity ?? '';
  if (holder === me.identity) {
    return { kind: 'renew', record: { ...record, leaseDurationSeconds: me.leaseDurationSeconds, renewTime: stamp } };
  }
  const duration = (record.leaseDurationSeconds ?? me.leaseDurationSeconds) * 1000;
  const expiresAt = current.observedAt + duration;
  if (holder === '' || now >= expiresAt) {
    return {
      kind: 'acquire',
      previousHolder: holder,
      record: {
        holderIdentity: me.identity,
        leaseDurationSeconds: me.leaseDurationSeconds,
        acquireTime: stamp,
        renewTime: stamp,
        leaseTransitions: (record.leaseTransitions ?? 0) + (holder === '' ? 0 : 1),
      },
    };
  }
  return { kind: 'follow', holder, expiresAt };
}

/** What a leader writes when it steps down on purpose: the standby need not wait for expiry. */
export function releasedRecord(record: LeaseRecord, now: number): LeaseRecord {
  return { ...record, holderIdentity: '', leaseDurationSeconds: 1, renewTime: new Date(now).toISOString() };
}
