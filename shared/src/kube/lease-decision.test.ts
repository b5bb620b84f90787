import { expect } from 'chai';
import { decideLease, observe, releasedRecord, type LeaseRecord } from './lease-decision.js';

const me = { identity: 'controller-b', leaseDurationSeconds: 15 };
const T0 = Date.parse('2026-11-24T10:00:00Z');

describe('leader election on a Lease', () => {
  it('creates the Lease and leads when there is none', () => {
    const d = decideLease(undefined, me, T0);
    expect(d.kind).to.equal('create');
    if (d.kind === 'create') expect(d.record).to.include({ holderIdentity: 'controller-b', leaseDurationSeconds: 15, leaseTransitions: 0 });
  });

  it('renews its own Lease', () => {
    const rec: LeaseRecord = { holderIdentity: 'controller-b', leaseDurationSeconds: 15, renewTime: 'x', leaseTransitions: 3 };
    const d = decideLease(observe(undefined, rec, T0), me, T0 + 2000);
    expect(d.kind).to.equal('renew');
    if (d.kind === 'renew') expect(d.record).to.include({ leaseTransitions: 3, renewTime: new Date(T0 + 2000).toISOString() });
  });

  it('follows a holder whose Lease it saw change less than a lease duration ago', () => {
    const rec: LeaseRecord = { holderIdentity: 'controller-a', leaseDurationSeconds: 15, renewTime: 'r1' };
    const d = decideLease(observe(undefined, rec, T0), me, T0 + 14999);
    expect(d).to.deep.equal({ kind: 'follow', holder: 'controller-a', expiresAt: T0 + 15000 });
  });

  it('takes over once the holder has not renewed for a lease duration, counting a transition', () => {
    const rec: LeaseRecord = { holderIdentity: 'controller-a', leaseDurationSeconds: 15, renewTime: 'r1', leaseTransitions: 1 };
    const d = decideLease(observe(undefined, rec, T0), me, T0 + 15000);
    expect(d.kind).to.equal('acquire');
    if (d.kind === 'acquire') {
      expect(d.previousHolder).to.equal('controller-a');
      expect(d.record).to.include({ holderIdentity: 'controller-b', leaseTransitions: 2 });
    }
  });

  it('judges expiry from when it saw the record change, not from the holder clock', () => {
    const renewedInThePast: LeaseRecord = { holderIdentity: 'controller-a', leaseDurationSeconds: 15, renewTime: '2000-01-01T00:00:00Z' };
    expect(decideLease(observe(undefined, renewedInThePast, T0), me, T0 + 1000).kind).to.equal('follow');
  });

  it('keeps the first observation time while the record does not change, and restarts it when it does', () => {
    const rec: LeaseRecord = { holderIdentity: 'controller-a', renewTime: 'r1' };
    const first = observe(undefined, rec, T0);
    expect(observe(first, { ...rec }, T0 + 5000).observedAt).to.equal(T0);
    expect(observe(first, { ...rec, renewTime: 'r2' }, T0 + 5000).observedAt).to.equal(T0 + 5000);
  });

  it('takes a released Lease at once', () => {
    const released = releasedRecord({ holderIdentity: 'controller-a', leaseDurationSeconds: 15, leaseTransitions: 4 }, T0);
    const d = decideLease(observe(undefined, released, T0), me, T0 + 10);
    expect(d.kind).to.equal('acquire');
    if (d.kind === 'acquire') expect(d.record.leaseTransitions).to.equal(4);
  });
});
