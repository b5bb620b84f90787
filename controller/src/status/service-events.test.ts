import { expect } from 'chai';
import type { Decision } from '../allocator/index.js';
import { serviceEvents } from './service-events.js';
import { CONDITION_TYPE } from './service-status.js';

const ref = { namespace: 'shop', name: 'web' };
const base = { service: ref, key: 'shop/web', message: 'the allocator explains', warnings: [] as string[] };

describe('events for a Service decision', () => {
  const cases: [title: string, decision: Decision, events: string[]][] = [
    [
      'a first address names the address and the pool',
      { ...base, outcome: 'allocated', reason: 'Allocated', ips: ['10.0.0.1'], previous: [], pool: 'blue' },
      ['Normal AddressAllocated Allocated 10.0.0.1 from IPAddressPool blue.'],
    ],
    [
      'a move names the old and the new address',
      { ...base, outcome: 'allocated', reason: 'Reallocated', ips: ['10.0.1.1'], previous: ['10.0.0.1'], pool: 'green' },
      ['Normal AddressReallocated Moved from 10.0.0.1 to 10.0.1.1 (IPAddressPool green): the allocator explains'],
    ],
    [
      'a failure says why, and what was released',
      { ...base, outcome: 'failed', reason: 'PoolExhausted', ips: [], previous: ['10.0.0.1'], details: [] },
      ['Normal AddressReleased Released 10.0.0.1: PoolExhausted.', 'Warning AllocationFailed PoolExhausted: the allocator explains'],
    ],
    [
      'a Service that left Herald hears what it released',
      { ...base, outcome: 'notHandled', reason: 'OtherLoadBalancerClass', ips: [], previous: ['10.0.0.1'] },
      ['Normal AddressReleased Released 10.0.0.1: the allocator explains'],
    ],
    ['a deleted Service gets no event', { ...base, outcome: 'notHandled', reason: 'Deleted', ips: [], previous: ['10.0.0.1'] }, []],
    [
      'each warning of a decision becomes a Warning event',
      { ...base, warnings: ['metallb.universe.tf/address-pool is deprecated'], outcome: 'allocated', reason: 'Allocated', ips: ['10.0.0.1'], previous: [], pool: 'blue' },
      ['Normal AddressAllocated Allocated 10.0.0.1 from IPAddressPool blue.', 'Warning AllocationWarning metallb.universe.tf/address-pool is deprecated'],
    ],
  ];
  for (const [title, decision, events] of cases) {
    it(title, () => {
      expect(serviceEvents(decision, undefined).map((e) => `${e.type} ${e.reason} ${e.message}`)).to.deep.equal(events);
    });
  }

  it('says nothing about a kept address the status already showed as served', () => {
    const d: Decision = { ...base, outcome: 'allocated', reason: 'Kept', ips: ['10.0.0.1'], previous: ['10.0.0.1'], pool: 'blue' };
    const before = { conditions: [{ type: CONDITION_TYPE, status: 'True', reason: 'Allocated' }] };
    expect(serviceEvents(d, before)).to.deep.equal([]);
  });

  it('announces an address taken over from a status Herald had not marked as served', () => {
    const d: Decision = { ...base, outcome: 'allocated', reason: 'Kept', ips: ['10.0.0.1'], previous: ['10.0.0.1'], pool: 'blue' };
    expect(serviceEvents(d, { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } }).map((e) => e.reason)).to.deep.equal(['AddressAllocated']);
  });
});
