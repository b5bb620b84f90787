import { expect } from 'chai';
import type { IPAddressPool } from '@herald/shared/api/pool.js';
import { Allocator } from './allocator.js';
import { config, pool, svc, withStatus } from './test-fixtures.js';
import type { ServiceInput } from '@herald/shared/service/types.js';
import type { AllocatorOptions, Decision } from './types.js';

interface Want {
  reason: string;
  ips?: string[];
  pool?: string;
  message?: string;
  warnings?: string[];
}

interface Case {
  title: string;
  pools: IPAddressPool[];
  namespaces?: Record<string, Record<string, string>>;
  options?: AllocatorOptions;
  /** Reconciled first, in order. */
  before?: ServiceInput[];
  service: ServiceInput;
  want: Want;
}

function check(d: Decision, want: Want): void {
  expect(d.reason, d.message).to.equal(want.reason);
  if (want.ips !== undefined) expect(d.ips).to.deep.equal(want.ips);
  if (want.pool !== undefined) expect(d.pool).to.equal(want.pool);
  if (want.message !== undefined) expect(d.message).to.equal(want.message);
  if (want.warnings !== undefined) expect(d.warnings).to.deep.equal(want.warnings);
}

function table(cases: Case[]): void {
  for (const c of cases) {
    it(c.title, () => {
      const a = new Allocator(config(...c.pools), c.options);
      for (const [ns, labels] of Object.entries(c.namespaces ?? {})) a.setNamespaceLabels(ns, labels);
      for (const s of c.before ?? []) a.reconcile(s);
      check(a.reconcile(c.service), c.want);
    });
  }
}

const blue = pool('blue', { addresses: ['198.51.100.0/29'] });
const dual = pool('dual', { addresses: ['198.51.100.0/29', '2001:db8:1::/125'] });
const v6only = pool('six', { addresses: ['2001:db8:6::/125'] });
const blue2 = pool('blue', { addresses: ['198.51.100.8/29'] });
const green = pool('green', { addresses: ['203.0.113.0/29'] });

describe('Allocator: which Services get an address', () => {
  table([
    {
      title: 'a LoadBalancer Service without a class gets the lowest free address of the pool',
      pools: [blue],
      service: svc('web'),
      want: { reason: 'Allocated', ips: ['198.51.100.1'], pool: 'blue', message: 'Assigned 198.51.100.1 from pool blue.' },
    },
    {
      title: 'a Service of another load balancer class is left alone',
      pools: [blue],
      service: svc('web', { lbClass: 'other.io/lb' }),
      want: { reason: 'OtherLoadBalancerClass', ips: [] },
    },
    {
      title: 'a Service without a class is left alone when Herald is not the default implementation',
      pools: [blue],
      options: { defaultImplementation: false },
      service: svc('web'),
      want: { reason: 'NoLoadBalancerClass', ips: [] },
    },
    {
      title: 'a Service naming Herald’s class gets an address when Herald is not the default implementation',
      pools: [blue],
      options: { defaultImplementation: false },
      service: svc('web', { lbClass: 'heraldlb.io/herald' }),
      want: { reason: 'Allocated', ips: ['198.51.100.1'] },
    },
    {
      title: 'a Service that stops being a LoadBalancer releases its address',
      pools: [blue],
      before: [svc('web')],
      service: svc('web', { type: 'ClusterIP' }),
      want: {
        reason: 'NotLoadBalancer',
        ips: [],
        message: 'The Service is of type ClusterIP, not LoadBalancer, so Herald gives it no address. Released 198.51.100.1.',
      },
    },
    {
      title: 'a Service that switches to another class releases its address',
      pools: [blue],
      before: [svc('web')],
      service: svc('web', { lbClass: 'other.io/lb' }),
      want: { reason: 'OtherLoadBalancerClass', ips: [], message: 'The Service asks for load balancer class other.io/lb; Herald serves heraldlb.io/herald. Released 198.51.100.1.' },
    },
  ]);
});

describe('Allocator: requested addresses and pools', () => {
  const restricted = pool('red', { addresses: ['192.0.2.0/29'], serviceAllocation: { namespaces: ['team-b'] } });
  const manual = pool('manual', { addresses: ['192.0.2.64/29'], autoAssign: false });
  table([
    {
      title: 'a Service asking for an address with spec.loadBalancerIP gets it',
      pools: [blue],
      service: svc('web', { loadBalancerIP: '198.51.100.5' }),
      want: { reason: 'Allocated', ips: ['198.51.100.5'] },
    },
    {
      title: 'a Service asking with the heraldlb.io/loadBalancerIPs annotation gets it',
      pools: [blue],
      service: svc('web', { annotations: { 'heraldlb.io/loadBalancerIPs': '198.51.100.4' } }),
      want: { reason: 'Allocated', ips: ['198.51.100.4'] },
    },
    {
      title: 'a Service asking with the deprecated metallb.universe.tf annotation gets it, with a warning',
      pools: [blue],
      service: svc('web', { annotations: { 'metallb.universe.tf/loadBalancerIPs': '198.51.100.4' } }),
      want: {
        reason: 'Allocated',
        ips: ['198.51.100.4'],
        warnings: ['Annotation metallb.universe.tf/loadBalancerIPs is deprecated; use heraldlb.io/loadBalancerIPs.'],
      },
    },
    {
      title: 'a dual-stack Service asking for one address per family gets both, in its family order',
      pools: [dual],
      service: svc('web', { families: ['IPv6', 'IPv4'], policy: 'RequireDualStack', annotations: { 'metallb.io/loadBalancerIPs': '198.51.100.3,2001:db8:1::3' } }),
      want: { reason: 'Allocated', ips: ['2001:db8:1::3', '198.51.100.3'], message: 'Assigned 2001:db8:1::3 and 198.51.100.3 from pool dual.' },
    },
    {
      title: 'a Service asking for an address outside every pool gets none and is told so',
      pools: [blue],
      service: svc('web', { loadBalancerIP: '10.9.9.9' }),
      want: { reason: 'RequestedAddressNotInPool', ips: [], message: '10.9.9.9 (spec.loadBalancerIP) is not in any IPAddressPool.' },
    },
    {
      title: 'a Service asking for the network address of a CIDR pool is told the pool never hands it out',
      pools: [blue],
      service: svc('web', { loadBalancerIP: '198.51.100.0' }),
      want: {
        reason: 'RequestedAddressNotInPool',
        message: '198.51.100.0 (spec.loadBalancerIP) is in pool blue, but it is the network address of 198.51.100.0/29, so the pool never hands it out.',
      },
    },
    {
      title: 'a Service asking for an address ending in .255 of an avoidBuggyIPs pool is told why not',
      pools: [pool('wide', { addresses: ['10.0.0.0-10.0.1.255'], avoidBuggyIPs: true })],
      service: svc('web', { loadBalancerIP: '10.0.0.255' }),
      want: {
        reason: 'RequestedAddressNotInPool',
        message: '10.0.0.255 (spec.loadBalancerIP) is in pool wide, but it ends in .255, which the pool avoids (avoidBuggyIPs), so the pool never hands it out.',
      },
    },
    {
      title: 'a Service asking for an address in a pool that excludes its namespace is told which rule excluded it',
      pools: [restricted],
      service: svc('web', { loadBalancerIP: '192.0.2.3' }),
      want: {
        reason: 'RequestedPoolNotAllowed',
        message: '192.0.2.3 (spec.loadBalancerIP) is in pool red, which does not allow this Service: namespace default is not in serviceAllocation.namespaces (team-b).',
      },
    },
    {
      title: 'a Service asking for an address and for a pool that does not contain it is told both',
      pools: [blue, green],
      service: svc('web', { loadBalancerIP: '198.51.100.3', annotations: { 'heraldlb.io/address-pool': 'green' } }),
      want: {
        reason: 'RequestedAddressNotInPool',
        message: '198.51.100.3 (spec.loadBalancerIP) is in pool blue, not in pool green that annotation heraldlb.io/address-pool asks for.',
      },
    },
    {
      title: 'a Service asking for an address in an autoAssign: false pool gets it',
      pools: [blue, manual],
      service: svc('web', { loadBalancerIP: '192.0.2.66' }),
      want: { reason: 'Allocated', ips: ['192.0.2.66'], pool: 'manual' },
    },
    {
      title: 'a Service naming an autoAssign: false pool gets an address from it',
      pools: [blue, manual],
      service: svc('web', { annotations: { 'heraldlb.io/address-pool': 'manual' } }),
      want: { reason: 'Allocated', ips: ['192.0.2.65'], pool: 'manual' },
    },
    {
      title: 'a Service naming a pool that does not exist is told so',
      pools: [blue],
      service: svc('web', { annotations: { 'metallb.io/address-pool': 'purple' } }),
      want: { reason: 'RequestedPoolUnknown', ips: [], message: 'There is no IPAddressPool named purple (annotation metallb.io/address-pool).' },
    },
    {
      title: 'a Service naming a pool that excludes its namespace is told which rule excluded it',
      pools: [blue, restricted],
      service: svc('web', { annotations: { 'heraldlb.io/address-pool': 'red' } }),
      want: {
        reason: 'RequestedPoolNotAllowed',
        message: 'Pool red (annotation heraldlb.io/address-pool) does not allow this Service: namespace default is not in serviceAllocation.namespaces (team-b).',
      },
    },
    {
      title: 'a Service asking for an address another Service holds gets none, and is told who holds it',
      pools: [blue],
      before: [svc('web-a', { loadBalancerIP: '198.51.100.3' })],
      service: svc('web-b', { loadBalancerIP: '198.51.100.3' }),
      want: {
        reason: 'AddressInUse',
        ips: [],
        message: '198.51.100.3 is in use by default/web-a, which does not allow sharing (no allow-shared-ip annotation). This Service gets no address until that Service releases it.',
      },
    },
    {
      title: 'a Service whose two annotation spellings disagree gets no address and is told both names',
      pools: [blue],
      service: svc('web', { annotations: { 'heraldlb.io/loadBalancerIPs': '198.51.100.3', 'metallb.io/loadBalancerIPs': '198.51.100.4' } }),
      want: {
        reason: 'InvalidRequest',
        ips: [],
        message: 'Annotations heraldlb.io/loadBalancerIPs and metallb.io/loadBalancerIPs disagree ("198.51.100.3" and "198.51.100.4"); keep one of them.',
      },
    },
    {
      title: 'a Service asking for addresses in two different pools is told both families come from one pool',
      pools: [blue, v6only],
      service: svc('web', { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack', annotations: { 'heraldlb.io/loadBalancerIPs': '198.51.100.3,2001:db8:6::3' } }),
      want: {
        reason: 'InvalidRequest',
        message: 'Annotation heraldlb.io/loadBalancerIPs asks for 198.51.100.3 (pool blue) and 2001:db8:6::3 (pool six); both families must come from one pool.',
      },
    },
  ]);
});

describe('Allocator: which pools a Service may use, and in what order', () => {
  const teamB = pool('red', { addresses: ['192.0.2.0/29'], serviceAllocation: { namespaces: ['team-b'] } });
  const bySelector = pool('labelled', { addresses: ['192.0.2.8/29'], serviceAllocation: { namespaceSelectors: [{ matchLabels: { tier: 'gold' } }] } });
  const byService = pool('svcsel', { addresses: ['192.0.2.16/29'], serviceAllocation: { serviceSelectors: [{ matchLabels: { expose: 'public' } }] } });
  const manual = pool('manual', { addresses: ['192.0.2.64/29'], autoAssign: false });
  table([
    {
      title: 'a Service in a namespace the pool does not allow gets no address and says which pool excluded it',
      pools: [teamB],
      service: svc('web', { namespace: 'team-a' }),
      want: {
        reason: 'NoPoolAllowed',
        ips: [],
        message: 'No pool allows this Service. Pool red: namespace team-a is not in serviceAllocation.namespaces (team-b).',
      },
    },
    {
      title: 'a Service in a listed namespace gets an address from the restricted pool before the general one',
      pools: [blue, teamB],
      service: svc('web', { namespace: 'team-b' }),
      want: { reason: 'Allocated', pool: 'red', ips: ['192.0.2.1'] },
    },
    {
      title: 'a restricted pool is never a fallback for Services it does not allow',
      pools: [blue, teamB],
      service: svc('web', { namespace: 'team-a' }),
      want: { reason: 'Allocated', pool: 'blue' },
    },
    {
      title: 'a namespace whose labels match a namespaceSelector may use the pool',
      pools: [bySelector],
      namespaces: { shop: { tier: 'gold' } },
      service: svc('web', { namespace: 'shop' }),
      want: { reason: 'Allocated', pool: 'labelled' },
    },
    {
      title: 'a namespace whose labels match no namespaceSelector is told so',
      pools: [bySelector],
      namespaces: { shop: { tier: 'bronze' } },
      service: svc('web', { namespace: 'shop' }),
      want: { reason: 'NoPoolAllowed', message: "No pool allows this Service. Pool labelled: namespace shop's labels match none of serviceAllocation.namespaceSelectors." },
    },
    {
      title: 'a Service whose labels match no serviceSelector is told so',
      pools: [byService],
      service: svc('web', { labels: { expose: 'internal' } }),
      want: { reason: 'NoPoolAllowed', message: "No pool allows this Service. Pool svcsel: the Service's labels match none of serviceAllocation.serviceSelectors." },
    },
    {
      title: 'a Service whose labels match a serviceSelector may use the pool',
      pools: [byService],
      service: svc('web', { labels: { expose: 'public' } }),
      want: { reason: 'Allocated', pool: 'svcsel' },
    },
    {
      title: 'an autoAssign: false pool is not used unless asked for, and the Service is told how to ask',
      pools: [manual],
      service: svc('web'),
      want: {
        reason: 'NoPoolAllowed',
        message:
          'No pool allows this Service. Pool manual: autoAssign is false, so it serves only Services that name it (annotation heraldlb.io/address-pool) or ask for an address in it.',
      },
    },
    {
      title: 'with no pools at all, the Service is told there are none',
      pools: [],
      service: svc('web'),
      want: { reason: 'NoPoolAllowed', message: 'There are no IPAddressPools.' },
    },
    {
      title: 'pools are tried by priority, lowest first, ahead of pools without serviceAllocation',
      pools: [
        pool('a-general', { addresses: ['10.0.0.0/29'] }),
        pool('b-prio2', { addresses: ['10.0.1.0/29'], serviceAllocation: { priority: 2 } }),
        pool('c-prio1', { addresses: ['10.0.2.0/29'], serviceAllocation: { priority: 1 } }),
      ],
      service: svc('web'),
      want: { reason: 'Allocated', pool: 'c-prio1' },
    },
    {
      title: 'a pool with serviceAllocation but no priority comes after every pool with one, and before pools without serviceAllocation',
      pools: [
        pool('a-general', { addresses: ['10.0.0.0/29'] }),
        pool('b-noprio', { addresses: ['10.0.1.0/29'], serviceAllocation: { namespaces: ['default'] } }),
        pool('c-prio9', { addresses: ['10.0.2.0/30'], serviceAllocation: { priority: 9 } }),
      ],
      before: [svc('first'), svc('second')],
      service: svc('third'),
      want: { reason: 'Allocated', pool: 'b-noprio' },
    },
    {
      title: 'pools of equal rank are tried by name, not by the order they were listed',
      pools: [pool('zeta', { addresses: ['10.0.0.0/29'] }), pool('alpha', { addresses: ['10.0.1.0/29'] })],
      service: svc('web'),
      want: { reason: 'Allocated', pool: 'alpha' },
    },
    {
      title: 'when the first pool is full the next one in order is used',
      pools: [pool('a', { addresses: ['10.0.0.0/31'] }), pool('b', { addresses: ['10.0.1.0/29'] })],
      before: [svc('one'), svc('two')],
      service: svc('three'),
      want: { reason: 'Allocated', pool: 'b', ips: ['10.0.1.1'] },
    },
    {
      title: 'a full pool says so and how many addresses it has',
      pools: [pool('tiny', { addresses: ['10.0.0.0/30'] })],
      before: [svc('one'), svc('two')],
      service: svc('three'),
      want: { reason: 'PoolExhausted', ips: [], message: 'Pool tiny has no free IPv4 address (all 2 in use).' },
    },
    {
      title: 'when every allowed pool is full, each is named',
      pools: [pool('a', { addresses: ['10.0.0.0/32'] }), pool('b', { addresses: ['10.0.1.0/32'] })],
      before: [svc('one'), svc('two')],
      service: svc('three'),
      want: {
        reason: 'PoolExhausted',
        message: 'Every pool this Service may use is out of addresses: pool a has no free IPv4 address (all 1 in use); pool b has no free IPv4 address (all 1 in use).',
      },
    },
  ]);

  it('moves a Service off a pool when its namespace is relabelled out of the pool, and tells it why', () => {
    const a = new Allocator(config(bySelector, blue));
    a.setNamespaceLabels('shop', { tier: 'gold' });
    check(a.reconcile(svc('web', { namespace: 'shop' })), { reason: 'Allocated', pool: 'labelled', ips: ['192.0.2.9'] });
    expect(a.setNamespaceLabels('other', { tier: 'bronze' })).to.deep.equal([]);
    const [moved, ...rest] = a.setNamespaceLabels('shop', { tier: 'bronze' });
    expect(rest).to.deep.equal([]);
    check(moved as Decision, {
      reason: 'Reallocated',
      ips: ['198.51.100.1'],
      message:
        "Now has 198.51.100.1 from pool blue, instead of 192.0.2.9 because pool labelled (of 192.0.2.9) does not allow this Service: namespace shop's labels match none of serviceAllocation.namespaceSelectors.",
    });
  });
});

describe('Allocator: address hygiene', () => {
  table([
    {
      title: 'a /24 pool never hands out its network address: the first Service gets .1',
      pools: [pool('p', { addresses: ['198.51.100.0/24'] })],
      service: svc('web'),
      want: { reason: 'Allocated', ips: ['198.51.100.1'] },
    },
    {
      title: 'a /30 pool never hands out its broadcast address: the third Service finds it full',
      pools: [pool('p', { addresses: ['198.51.100.0/30'] })],
      before: [svc('a'), svc('b')],
      service: svc('c'),
      want: { reason: 'PoolExhausted' },
    },
    {
      title: 'a /31 pool hands out both of its addresses',
      pools: [pool('p', { addresses: ['198.51.100.0/31'] })],
      before: [svc('a')],
      service: svc('b'),
      want: { reason: 'Allocated', ips: ['198.51.100.1'] },
    },
    {
      title: 'a range a-b pool hands out its first address, even one ending in .0',
      pools: [pool('p', { addresses: ['198.51.100.0-198.51.100.9'] })],
      service: svc('web'),
      want: { reason: 'Allocated', ips: ['198.51.100.0'] },
    },
    {
      title: 'an IPv6 prefix never hands out its all-zero address',
      pools: [pool('p', { addresses: ['2001:db8::/64'] })],
      service: svc('web', { families: ['IPv6'] }),
      want: { reason: 'Allocated', ips: ['2001:db8::1'] },
    },
    {
      title: 'avoidBuggyIPs skips .255 and .0 when the pool crosses a /24 boundary',
      pools: [pool('p', { addresses: ['10.0.0.254-10.0.1.3'], avoidBuggyIPs: true })],
      before: [svc('a')],
      service: svc('b'),
      want: { reason: 'Allocated', ips: ['10.0.1.1'] },
    },
  ]);
});

describe('Allocator: dual-stack', () => {
  table([
    {
      title: 'a RequireDualStack Service gets both families from one pool',
      pools: [blue2, v6only, dual],
      service: svc('web', { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack' }),
      want: { reason: 'Allocated', pool: 'dual', ips: ['198.51.100.1', '2001:db8:1::1'] },
    },
    {
      title: 'a RequireDualStack Service fails clearly when no pool has both families',
      pools: [blue, v6only],
      service: svc('web', { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack' }),
      want: {
        reason: 'FamilyUnavailable',
        ips: [],
        message: 'The Service needs both IPv4 and IPv6 (RequireDualStack), and no pool it may use has both: pool blue has no IPv6 addresses; pool six has no IPv4 addresses.',
      },
    },
    {
      title: 'a PreferDualStack Service gets both families when a pool has both',
      pools: [dual],
      service: svc('web', { families: ['IPv6', 'IPv4'], policy: 'PreferDualStack' }),
      want: { reason: 'Allocated', ips: ['2001:db8:1::1', '198.51.100.1'] },
    },
    {
      title: 'a PreferDualStack Service falls back to its first family, with a warning, when no pool has both',
      pools: [blue, v6only],
      service: svc('web', { families: ['IPv6', 'IPv4'], policy: 'PreferDualStack' }),
      want: {
        reason: 'Allocated',
        ips: ['2001:db8:6::1'],
        warnings: [
          'No pool this Service may use can give it both IPv4 and IPv6 (pool blue has no IPv6 addresses; pool six has no IPv4 addresses); it got IPv6 only.',
        ],
      },
    },
    {
      title: 'a single-stack IPv6 Service with only IPv4 pools is told no pool has IPv6',
      pools: [blue],
      service: svc('web', { families: ['IPv6'] }),
      want: { reason: 'FamilyUnavailable', message: 'No pool this Service may use has IPv6 addresses: pool blue has no IPv6 addresses.' },
    },
    {
      title: 'a single-stack IPv6 Service skips IPv4-only pools',
      pools: [blue, v6only],
      service: svc('web', { families: ['IPv6'] }),
      want: { reason: 'Allocated', pool: 'six', ips: ['2001:db8:6::1'] },
    },
    {
      title: 'a dual-stack Service asking for only its IPv4 address gets the IPv6 one from the same pool',
      pools: [dual],
      service: svc('web', { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack', loadBalancerIP: '198.51.100.6' }),
      want: { reason: 'Allocated', ips: ['198.51.100.6', '2001:db8:1::1'] },
    },
  ]);

  it('a PreferDualStack Service that got one family gains the other from the same pool once the pool has it, without moving', () => {
    const a = new Allocator(config(blue, pool('both', { addresses: ['10.0.0.0/29', '2001:db8:9::/125'] })));
    check(a.reconcile(svc('web', { families: ['IPv4', 'IPv6'], policy: 'PreferDualStack', annotations: { 'heraldlb.io/address-pool': 'blue' } })), {
      reason: 'Allocated',
      ips: ['198.51.100.1'],
    });
    expect(a.retryPending()).to.deep.equal([]);
    expect(a.setConfig(config(pool('blue', { addresses: ['198.51.100.0/29', '2001:db8:2::/125'] })))).to.deep.equal([]);
    const [grown, ...rest] = a.retryPending();
    expect(rest).to.deep.equal([]);
    check(grown as Decision, { reason: 'Reallocated', ips: ['198.51.100.1', '2001:db8:2::1'], message: 'Now has 198.51.100.1 and 2001:db8:2::1 from pool blue, instead of 198.51.100.1.' });
  });

  it('a Service that becomes single-stack keeps its primary address and gives up the other', () => {
    const a = new Allocator(config(dual));
    a.reconcile(svc('web', { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack' }));
    check(a.reconcile(svc('web', { families: ['IPv4'] })), {
      reason: 'Reallocated',
      ips: ['198.51.100.1'],
      message: 'Now has 198.51.100.1 from pool dual, instead of 198.51.100.1 and 2001:db8:1::1 because the Service no longer uses IPv6 (spec.ipFamilies, spec.ipFamilyPolicy), so it gave up 2001:db8:1::1.',
    });
    expect(a.poolCounts()).to.deep.equal([{ pool: 'dual', assignedIPv4: 1n, availableIPv4: 5n, assignedIPv6: 0n, availableIPv6: 7n }]);
  });

  it('a single-stack Service that becomes RequireDualStack keeps its address and gains the other family from the same pool', () => {
    const a = new Allocator(config(dual));
    a.reconcile(svc('other'));
    a.reconcile(svc('web'));
    check(a.reconcile(svc('web', { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack' })), { reason: 'Reallocated', ips: ['198.51.100.2', '2001:db8:1::1'] });
  });
});

describe('Allocator: sharing an address', () => {
  const shared = (name: string, key: string, o: Parameters<typeof svc>[1] = {}): ServiceInput =>
    svc(name, { ...o, annotations: { 'heraldlb.io/allow-shared-ip': key, ...(o.annotations ?? {}) } });
  table([
    {
      title: 'two Services with the same key and different ports share the address one of them asked for',
      pools: [blue],
      before: [shared('dns-tcp', 'dns', { loadBalancerIP: '198.51.100.5', ports: ['TCP/53'] })],
      service: shared('dns-udp', 'dns', { loadBalancerIP: '198.51.100.5', ports: ['UDP/53'] }),
      want: { reason: 'Allocated', ips: ['198.51.100.5'], message: 'Assigned 198.51.100.5 from pool blue, shared with default/dns-tcp.' },
    },
    {
      title: 'a Service with a sharing key joins an address already used under that key when it asks for none',
      pools: [blue],
      before: [svc('plain'), shared('web-a', 'k', { ports: ['TCP/80'] })],
      service: shared('web-b', 'k', { ports: ['TCP/443'] }),
      want: { reason: 'Allocated', ips: ['198.51.100.2'] },
    },
    {
      title: 'a Service whose port is already used on the shared address is told which port and by whom',
      pools: [blue],
      before: [shared('web-a', 'k', { loadBalancerIP: '198.51.100.6' })],
      service: shared('web-b', 'k', { loadBalancerIP: '198.51.100.6' }),
      want: {
        reason: 'SharingRuleBroken',
        ips: [],
        message: 'Port TCP/80 is already used by default/web-a on 198.51.100.6. This Service gets no address until the conflict is resolved.',
      },
    },
    {
      title: 'a Service with a different sharing key is told both keys',
      pools: [blue],
      before: [shared('web-a', 'one', { loadBalancerIP: '198.51.100.6' })],
      service: shared('web-b', 'two', { loadBalancerIP: '198.51.100.6', ports: ['TCP/81'] }),
      want: {
        reason: 'SharingRuleBroken',
        message: '198.51.100.6 is shared by default/web-a under key "one", and this Service\'s allow-shared-ip key is "two". This Service gets no address until the conflict is resolved.',
      },
    },
    {
      title: 'a Service without a sharing key is told how to share with the holder',
      pools: [blue],
      before: [shared('web-a', 'k', { loadBalancerIP: '198.51.100.6' })],
      service: svc('web-b', { loadBalancerIP: '198.51.100.6', ports: ['TCP/81'] }),
      want: {
        reason: 'AddressInUse',
        message:
          '198.51.100.6 is in use by default/web-a; to share it, give this Service the annotation heraldlb.io/allow-shared-ip: k. This Service gets no address until that Service releases it.',
      },
    },
    {
      title: 'externalTrafficPolicy Local Services that select the same pods share',
      pools: [blue],
      before: [shared('web-a', 'k', { loadBalancerIP: '198.51.100.6', local: true, selector: { app: 'web' } })],
      service: shared('web-b', 'k', { loadBalancerIP: '198.51.100.6', local: true, selector: { app: 'web' }, ports: ['TCP/443'] }),
      want: { reason: 'Allocated', ips: ['198.51.100.6'] },
    },
    {
      title: 'externalTrafficPolicy Local Services that select different pods do not share',
      pools: [blue],
      before: [shared('web-a', 'k', { loadBalancerIP: '198.51.100.6', local: true, selector: { app: 'web' } })],
      service: shared('web-b', 'k', { loadBalancerIP: '198.51.100.6', local: true, selector: { app: 'api' }, ports: ['TCP/443'] }),
      want: {
        reason: 'SharingRuleBroken',
        message:
          'Services sharing an address with externalTrafficPolicy Local must select the same pods: default/web-a on 198.51.100.6 has a different spec.selector. This Service gets no address until the conflict is resolved.',
      },
    },
    {
      title: 'a Cluster-policy Service and a Local-policy Service do not share',
      pools: [blue],
      before: [shared('web-a', 'k', { loadBalancerIP: '198.51.100.6' })],
      service: shared('web-b', 'k', { loadBalancerIP: '198.51.100.6', local: true, ports: ['TCP/443'] }),
      want: {
        reason: 'SharingRuleBroken',
        message:
          'Services sharing an address must use the same externalTrafficPolicy: default/web-a on 198.51.100.6 uses Cluster and this Service uses Local. This Service gets no address until the conflict is resolved.',
      },
    },
    {
      title: 'a conflict on an IPv6 address is reported without mangling the address',
      pools: [pool('v6', { addresses: ['fd00::/125'] })],
      before: [svc('web-a', { loadBalancerIP: 'fd00::5' })],
      service: svc('web-b', { loadBalancerIP: 'fd00::5' }),
      want: {
        reason: 'AddressInUse',
        message: 'fd00::5 is in use by default/web-a, which does not allow sharing (no allow-shared-ip annotation). This Service gets no address until that Service releases it.',
      },
    },
  ]);

  it('counts a shared address once in the pool, and frees it only when the last Service leaves', () => {
    const a = new Allocator(config(blue));
    a.reconcile(shared('a', 'k', { loadBalancerIP: '198.51.100.6', ports: ['TCP/80'] }));
    a.reconcile(shared('b', 'k', { loadBalancerIP: '198.51.100.6', ports: ['TCP/81'] }));
    expect(a.poolCounts()[0]).to.include({ assignedIPv4: 1n, availableIPv4: 5n });
    a.remove({ namespace: 'default', name: 'a' });
    expect(a.poolCounts()[0]).to.include({ assignedIPv4: 1n });
    check(a.reconcile(svc('c', { loadBalancerIP: '198.51.100.6' })), { reason: 'AddressInUse' });
    a.remove({ namespace: 'default', name: 'b' });
    expect(a.poolCounts()[0]).to.include({ assignedIPv4: 0n, availableIPv4: 6n });
  });

  it('a sharing Service that changes its port onto its partner’s moves to a new address; the partner stays', () => {
    const a = new Allocator(config(blue));
    a.reconcile(shared('a', 'k', { ports: ['TCP/80'] }));
    check(a.reconcile(shared('b', 'k', { ports: ['TCP/81'] })), { reason: 'Allocated', ips: ['198.51.100.1'] });
    check(a.reconcile(shared('b', 'k', { ports: ['TCP/80'] })), {
      reason: 'Reallocated',
      ips: ['198.51.100.2'],
      message:
        'Now has 198.51.100.2 from pool blue, instead of 198.51.100.1 because port TCP/80 is already used by default/a on 198.51.100.1, so this Service had to leave 198.51.100.1.',
    });
    expect(a.assignment({ namespace: 'default', name: 'a' })?.ips).to.deep.equal(['198.51.100.1']);
  });

  it('a sharing Service that asked for the address and then collides with its partner loses it and says why', () => {
    const a = new Allocator(config(blue));
    a.reconcile(shared('a', 'k', { loadBalancerIP: '198.51.100.6', ports: ['TCP/80'] }));
    a.reconcile(shared('b', 'k', { loadBalancerIP: '198.51.100.6', ports: ['TCP/81'] }));
    check(a.reconcile(shared('b', 'k', { loadBalancerIP: '198.51.100.6', ports: ['TCP/80'] })), { reason: 'SharingRuleBroken', ips: [] });
    expect(a.assignment({ namespace: 'default', name: 'a' })?.ips).to.deep.equal(['198.51.100.6']);
  });

  it('the only user of an address may change its sharing key in place', () => {
    const a = new Allocator(config(blue));
    a.reconcile(shared('a', 'one'));
    check(a.reconcile(shared('a', 'two')), { reason: 'Kept', ips: ['198.51.100.1'] });
  });

  it('TCP and UDP on the same port number share one address', () => {
    const a = new Allocator(config(blue));
    a.reconcile(shared('a', 'k', { ports: ['TCP/53'] }));
    check(a.reconcile(shared('b', 'k', { ports: ['UDP/53'] })), { reason: 'Allocated', ips: ['198.51.100.1'] });
  });
});

describe('Allocator: stability', () => {
  it('a Service keeps its address when others come and go, even when a lower one frees up', () => {
    const a = new Allocator(config(blue));
    a.reconcile(svc('a'));
    a.reconcile(svc('b'));
    a.remove({ namespace: 'default', name: 'a' });
    check(a.reconcile(svc('b')), { reason: 'Kept', ips: ['198.51.100.2'], message: 'Keeps 198.51.100.2 from pool blue.' });
    check(a.reconcile(svc('c')), { reason: 'Allocated', ips: ['198.51.100.1'] });
  });

  it('on start, addresses already in status are taken before any new Service is allocated', () => {
    const a = new Allocator(config(blue));
    const decisions = a.adopt([svc('new-but-older', { createdAt: 0 }), svc('existing', { createdAt: 5, status: ['198.51.100.1'] })]);
    expect(decisions.map((d) => [d.key, d.reason, d.ips])).to.deep.equal([
      ['default/new-but-older', 'Allocated', ['198.51.100.2']],
      ['default/existing', 'Kept', ['198.51.100.1']],
    ]);
  });

  it('on start, of two Services claiming one address the older keeps it, the younger gets none and is told who holds it; nothing else moves', () => {
    const a = new Allocator(config(blue));
    const decisions = a.adopt([
      svc('younger', { createdAt: 10, status: ['198.51.100.3'] }),
      svc('older', { createdAt: 1, status: ['198.51.100.3'] }),
      svc('bystander', { createdAt: 5, status: ['198.51.100.1'] }),
    ]);
    const byKey = Object.fromEntries(decisions.map((d) => [d.key, d]));
    check(byKey['default/older'] as Decision, { reason: 'Kept', ips: ['198.51.100.3'] });
    check(byKey['default/bystander'] as Decision, { reason: 'Kept', ips: ['198.51.100.1'] });
    check(byKey['default/younger'] as Decision, {
      reason: 'AddressInUse',
      ips: [],
      message: '198.51.100.3 is in use by default/older, which does not allow sharing (no allow-shared-ip annotation). This Service keeps no address until that Service releases it.',
    });
    expect((byKey['default/younger'] as Decision & { conflictsWith?: unknown }).conflictsWith).to.deep.equal({ namespace: 'default', name: 'older' });
    // With its status cleared by the shell it still waits, rather than taking a new address.
    check(a.reconcile(svc('younger', { createdAt: 10 })), { reason: 'AddressInUse', ips: [] });
    expect(a.retryPending()).to.deep.equal([]);
    a.remove({ namespace: 'default', name: 'older' });
    const [back] = a.retryPending();
    check(back as Decision, { reason: 'Allocated', ips: ['198.51.100.3'] });
  });

  it('on start, a status address outside every pool is replaced, naming old and new', () => {
    const a = new Allocator(config(blue));
    const [d] = a.adopt([svc('web', { status: ['10.9.9.9'] })]);
    check(d as Decision, {
      reason: 'Reallocated',
      ips: ['198.51.100.1'],
      message: 'Now has 198.51.100.1 from pool blue, instead of 10.9.9.9 because 10.9.9.9 is no longer in any IPAddressPool.',
    });
  });

  it('a rebuild from status reproduces the same assignment, including shared and dual-stack addresses', () => {
    const cfg = config(dual, blue2);
    const a = new Allocator(cfg);
    const services = [
      svc('a', { createdAt: 3 }),
      svc('b', { createdAt: 1, families: ['IPv6', 'IPv4'], policy: 'RequireDualStack' }),
      svc('c', { createdAt: 2, annotations: { 'heraldlb.io/allow-shared-ip': 'k' }, ports: ['UDP/53'] }),
      svc('d', { createdAt: 4, annotations: { 'heraldlb.io/allow-shared-ip': 'k' }, ports: ['TCP/53'] }),
    ];
    const statuses = services.map((s) => withStatus(s, a.reconcile(s).ips));
    const rebuilt = new Allocator(cfg);
    const decisions = rebuilt.adopt(statuses);
    expect(decisions.every((d) => d.reason === 'Kept')).to.equal(true);
    expect(rebuilt.assignments()).to.deep.equal(a.assignments());
    expect(rebuilt.poolCounts()).to.deep.equal(a.poolCounts());
  });

  it('a repeated reconcile with nothing changed keeps the address', () => {
    const a = new Allocator(config(blue));
    const first = a.reconcile(svc('web'));
    check(a.reconcile(withStatus(svc('web'), first.ips)), { reason: 'Kept', ips: first.ips });
  });

  it('a Service that asks for another pool moves there, naming old and new address', () => {
    const a = new Allocator(config(blue, green));
    a.reconcile(svc('web'));
    check(a.reconcile(svc('web', { annotations: { 'heraldlb.io/address-pool': 'green' } })), {
      reason: 'Reallocated',
      ips: ['203.0.113.1'],
      message: 'Now has 203.0.113.1 from pool green, instead of 198.51.100.1 because the Service asks for pool green, and 198.51.100.1 is in pool blue.',
    });
  });

  it('a status that lags behind the last decision does not make the Service wait for an address it gave up', () => {
    const a = new Allocator(config(pool('dual', { addresses: ['198.51.100.0/29', '2001:db8:1::/127'] })));
    a.reconcile(svc('v6-a', { families: ['IPv6'] }));
    a.reconcile(svc('v6-b', { families: ['IPv6'] }));
    check(a.reconcile(svc('web')), { reason: 'Allocated', ips: ['198.51.100.1'] });
    const dualWeb = svc('web', { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack' });
    check(a.reconcile(dualWeb), {
      reason: 'PoolExhausted',
      ips: [],
      message:
        'Pool dual has no free IPv6 address (all 2 in use). It lost 198.51.100.1 because the Service needs IPv4 and IPv6 from one pool and pool dual has no free IPv6 address (all 2 in use).',
    });
    check(a.reconcile(svc('other')), { reason: 'Allocated', ips: ['198.51.100.1'] });
    // An event still carrying the old status: the allocator's record, not the status, is the truth.
    check(a.reconcile(withStatus(dualWeb, ['198.51.100.1'])), { reason: 'PoolExhausted', ips: [] });
  });

  it('a Service that asks for another free address of its pool moves to it', () => {
    const a = new Allocator(config(blue));
    a.reconcile(svc('web'));
    check(a.reconcile(svc('web', { loadBalancerIP: '198.51.100.4' })), {
      reason: 'Reallocated',
      ips: ['198.51.100.4'],
      message: 'Now has 198.51.100.4 from pool blue, instead of 198.51.100.1 because the Service asks for 198.51.100.4 (spec.loadBalancerIP) instead of 198.51.100.1.',
    });
    expect(a.poolCounts()[0]).to.include({ assignedIPv4: 1n });
  });

  it('a Service whose request becomes unreadable keeps its address and says what to fix', () => {
    const a = new Allocator(config(blue));
    a.reconcile(svc('web'));
    check(a.reconcile(svc('web', { annotations: { 'heraldlb.io/loadBalancerIPs': 'nonsense' } })), {
      reason: 'InvalidRequest',
      ips: ['198.51.100.1'],
      message: 'Annotation heraldlb.io/loadBalancerIPs "nonsense" is not a valid IPv4 address. Keeping 198.51.100.1 until it is fixed.',
    });
  });

  it('a Service that asks for a taken address releases its old one and waits, then gets the address when it frees', () => {
    const a = new Allocator(config(blue));
    a.reconcile(svc('holder', { loadBalancerIP: '198.51.100.6' }));
    a.reconcile(svc('web'));
    check(a.reconcile(svc('web', { loadBalancerIP: '198.51.100.6' })), {
      reason: 'AddressInUse',
      ips: [],
      message:
        '198.51.100.6 is in use by default/holder, which does not allow sharing (no allow-shared-ip annotation). This Service gets no address until that Service releases it. It lost 198.51.100.1 because the Service asks for 198.51.100.6 (spec.loadBalancerIP) instead of 198.51.100.1.',
    });
    a.remove({ namespace: 'default', name: 'holder' });
    const [d] = a.retryPending();
    check(d as Decision, { reason: 'Allocated', ips: ['198.51.100.6'] });
  });
});

describe('Allocator: configuration changes', () => {
  it('a pool edit that still contains every address in use moves nobody', () => {
    const a = new Allocator(config(pool('p', { addresses: ['10.0.0.0/29'] })));
    a.reconcile(svc('a'));
    a.reconcile(svc('b'));
    expect(a.setConfig(config(pool('p', { addresses: ['10.0.0.0/28'], avoidBuggyIPs: true })))).to.deep.equal([]);
    expect(a.assignments().map((x) => x.ips[0])).to.deep.equal(['10.0.0.1', '10.0.0.2']);
  });

  it('shrinking a pool re-allocates exactly the Services whose addresses left it, naming old and new', () => {
    const later = pool('zz', { addresses: ['203.0.113.0/29'] });
    const a = new Allocator(config(pool('p', { addresses: ['10.0.0.0/29'] }), later));
    for (const n of ['a', 'b', 'c', 'd']) a.reconcile(svc(n));
    const moved = a.setConfig(config(pool('p', { addresses: ['10.0.0.0-10.0.0.2'] }), later));
    expect(moved.map((d) => [d.key, d.reason, d.previous, d.ips])).to.deep.equal([
      ['default/c', 'Reallocated', ['10.0.0.3'], ['10.0.0.0']],
      ['default/d', 'Reallocated', ['10.0.0.4'], ['203.0.113.1']],
    ]);
    expect((moved[1] as Decision).message).to.equal('Now has 203.0.113.1 from pool zz, instead of 10.0.0.4 because 10.0.0.4 is no longer in any IPAddressPool.');
    expect(a.assignment({ namespace: 'default', name: 'a' })?.ips).to.deep.equal(['10.0.0.1']);
  });

  it('deleting the only pool leaves each Service without an address and says why', () => {
    const a = new Allocator(config(blue));
    a.reconcile(svc('a'));
    const [d] = a.setConfig(config());
    check(d as Decision, {
      reason: 'NoPoolAllowed',
      ips: [],
      message: 'There are no IPAddressPools. It lost 198.51.100.1 because 198.51.100.1 is no longer in any IPAddressPool.',
    });
    expect(a.poolCounts()).to.deep.equal([]);
  });

  it('turning on avoidBuggyIPs moves only the Service on an address ending in .0', () => {
    const a = new Allocator(config(pool('p', { addresses: ['10.0.0.0-10.0.0.9'] })));
    a.reconcile(svc('a'));
    a.reconcile(svc('b'));
    const moved = a.setConfig(config(pool('p', { addresses: ['10.0.0.0-10.0.0.9'], avoidBuggyIPs: true })));
    expect(moved.map((d) => [d.key, d.previous, d.ips])).to.deep.equal([['default/a', ['10.0.0.0'], ['10.0.0.2']]]);
    expect((moved[0] as Decision).message).to.equal(
      'Now has 10.0.0.2 from pool p, instead of 10.0.0.0 because 10.0.0.0 is in pool p, but it ends in .0, which the pool avoids (avoidBuggyIPs), so the pool never hands it out.',
    );
  });

  it('turning off autoAssign keeps the addresses already handed out', () => {
    const a = new Allocator(config(blue));
    a.reconcile(svc('a'));
    expect(a.setConfig(config(pool('blue', { addresses: ['198.51.100.0/29'], autoAssign: false })))).to.deep.equal([]);
    check(a.reconcile(svc('a')), { reason: 'Kept' });
    check(a.reconcile(svc('b')), { reason: 'NoPoolAllowed' });
  });

  it('restricting a pool to other namespaces moves its Services out, and pending Services are retried after a pool is added', () => {
    const a = new Allocator(config(blue));
    a.reconcile(svc('a'));
    const [moved] = a.setConfig(config(pool('blue', { addresses: ['198.51.100.0/29'], serviceAllocation: { namespaces: ['team-b'] } })));
    check(moved as Decision, { reason: 'NoPoolAllowed', ips: [] });
    expect(a.setConfig(config(pool('blue', { addresses: ['198.51.100.0/29'], serviceAllocation: { namespaces: ['team-b'] } }), green))).to.deep.equal([]);
    const [retried] = a.retryPending();
    check(retried as Decision, { reason: 'Allocated', ips: ['203.0.113.1'] });
  });

  it('counts every pool exactly, also a /64', () => {
    const a = new Allocator(config(pool('big', { addresses: ['2001:db8::/64', '10.0.0.0/24'] })));
    a.reconcile(svc('a', { families: ['IPv6'] }));
    a.reconcile(svc('b'));
    expect(a.poolCounts()).to.deep.equal([
      { pool: 'big', assignedIPv4: 1n, availableIPv4: 253n, assignedIPv6: 1n, availableIPv6: 2n ** 64n - 2n },
    ]);
  });
});
