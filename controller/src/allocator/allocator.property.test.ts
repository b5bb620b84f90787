import { expect } from 'chai';
import fc from 'fast-check';
import { matchesSelector } from '@herald/shared/api/selector.js';
import type { HeraldConfig } from '@herald/shared/config/types.js';
import { type IP, parseIP } from '@herald/shared/net/address.js';
import { readServiceRequest } from '@herald/shared/service/request.js';
import type { ServiceInput } from '@herald/shared/service/types.js';
import { Allocator } from './allocator.js';
import { config, pool, svc, withStatus } from './test-fixtures.js';
import type { Decision } from './types.js';

/*
 * Random sequences of what a cluster does (Services created, changed, deleted; namespaces
 * relabelled; pools edited), each followed by retryPending as the shell does. After every step
 * the allocator's state is checked against rules computed here independently of its own indexes.
 */

const CONFIGS: HeraldConfig[] = [
  config(
    pool('a', { addresses: ['10.0.0.0/29', '2001:db8:a::/126'] }),
    pool('b', { addresses: ['10.0.1.0-10.0.1.3'], serviceAllocation: { priority: 1, namespaces: ['ns1'] } }),
    pool('c', { addresses: ['10.0.2.0/30'], autoAssign: false }),
    pool('d', { addresses: ['2001:db8:d::/126'], serviceAllocation: { namespaceSelectors: [{ matchLabels: { tier: 'gold' } }] } }),
    pool('e', { addresses: ['10.0.3.254-10.0.4.1'], avoidBuggyIPs: true }),
  ),
  config(
    pool('a', { addresses: ['10.0.0.0/30', '2001:db8:a::/126'] }),
    pool('b', { addresses: ['10.0.1.0-10.0.1.3'], serviceAllocation: { namespaces: ['ns1', 'ns2'] } }),
    pool('c', { addresses: ['10.0.2.0/30'], autoAssign: false }),
    pool('e', { addresses: ['10.0.3.254-10.0.4.1'] }),
  ),
  config(
    pool('a', { addresses: ['10.0.0.0/29'] }),
    pool('c', { addresses: ['10.0.2.0/30', '2001:db8:c::/127'] }),
    pool('d', { addresses: ['2001:db8:d::/126'], serviceAllocation: { serviceSelectors: [{ matchLabels: { expose: 'yes' } }] } }),
    pool('zz', { addresses: ['10.0.9.0/29'] }),
  ),
];

const NAMES = ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'];
const NAMESPACES = ['ns0', 'ns1', 'ns2'];
const ASKED = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.7', '10.0.1.1', '10.0.2.1', '10.0.4.0', '10.0.9.3', '10.5.5.5', '2001:db8:a::1', '2001:db8:a::2', '2001:db8:d::2', '2001:db8:c::'];
const FAMILY_CHOICES: Array<{ families: string[]; policy?: string }> = [
  { families: ['IPv4'] },
  { families: ['IPv6'] },
  { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack' },
  { families: ['IPv4', 'IPv6'], policy: 'PreferDualStack' },
  { families: ['IPv6', 'IPv4'], policy: 'PreferDualStack' },
];

/** A value one time in `n`, else null. */
function sometimes<T>(n: number, arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}

const serviceArb = fc
  .record({
    name: fc.constantFrom(...NAMES),
    namespace: fc.oneof({ weight: 3, arbitrary: fc.constant('ns0') }, { weight: 2, arbitrary: fc.constantFrom(...NAMESPACES) }),
    createdAt: fc.integer({ min: 0, max: 4 }),
    fam: fc.constantFrom(...FAMILY_CHOICES),
    asked: sometimes(4, fc.constantFrom(...ASKED)),
    askedPool: sometimes(5, fc.constantFrom('a', 'b', 'c', 'd', 'zz')),
    key: sometimes(2, fc.constantFrom('k1', 'k2')),
    ports: fc.subarray(['TCP/80', 'TCP/443', 'UDP/53'], { minLength: 1 }),
    local: fc.boolean(),
    app: fc.constantFrom('x', 'y'),
    expose: fc.boolean(),
    invalid: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  })
  .map((o): ServiceInput => {
    const annotations: Record<string, string> = {};
    if (o.asked !== null) annotations['heraldlb.io/loadBalancerIPs'] = o.asked;
    if (o.invalid) annotations['heraldlb.io/loadBalancerIPs'] = 'not-an-address';
    if (o.askedPool !== null) annotations['metallb.io/address-pool'] = o.askedPool;
    if (o.key !== null) annotations['heraldlb.io/allow-shared-ip'] = o.key;
    return svc(o.name, {
      namespace: o.namespace,
      createdAt: o.createdAt,
      families: o.fam.families,
      ...(o.fam.policy !== undefined ? { policy: o.fam.policy } : {}),
      annotations,
      ports: o.ports,
      local: o.local,
      selector: { app: o.app },
      labels: o.expose ? { expose: 'yes' } : {},
    });
  });

type Op =
  | { kind: 'apply'; service: ServiceInput }
  | { kind: 'delete'; name: string; namespace: string }
  | { kind: 'label'; namespace: string; gold: boolean }
  | { kind: 'config'; index: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: serviceArb.map((service): Op => ({ kind: 'apply', service })) },
  { weight: 2, arbitrary: fc.record({ name: fc.constantFrom(...NAMES), namespace: fc.constantFrom(...NAMESPACES) }).map((r): Op => ({ kind: 'delete', ...r })) },
  { weight: 1, arbitrary: fc.record({ namespace: fc.constantFrom(...NAMESPACES), gold: fc.boolean() }).map((r): Op => ({ kind: 'label', ...r })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: CONFIGS.length - 1 }).map((index): Op => ({ kind: 'config', index })) },
);

/** The shell's view: each Service as last applied, with the status the last decision asked for. */
class Cluster {
  readonly services = new Map<string, ServiceInput>();
  readonly shown = new Map<string, string[]>();
  readonly labels = new Map<string, Record<string, string>>();
  configIndex = 0;

  record(decisions: readonly Decision[]): void {
    for (const d of decisions) this.shown.set(d.key, d.ips);
  }

  withStatuses(): ServiceInput[] {
    return [...this.services.entries()].map(([key, s]) => withStatus(s, this.shown.get(key) ?? []));
  }
}

function ipOf(text: string): IP {
  return parseIP(text) as IP;
}

/** The pool that hands out `ip` under `cfg`, computed from the pool entries directly. */
function poolHandingOut(cfg: HeraldConfig, ip: IP): string | undefined {
  for (const p of cfg.pools) {
    for (const e of p.entries) {
      if (e.range.family !== ip.family || ip.value < e.range.first || ip.value > e.range.last) continue;
      const prefix = e.text.includes('/') ? Number(e.text.split('/')[1]) : undefined;
      if (prefix !== undefined && ip.family === 4 && prefix < 31 && (ip.value === e.range.first || ip.value === e.range.last)) return undefined;
      if (prefix !== undefined && ip.family === 6 && prefix < 127 && ip.value === e.range.first) return undefined;
      if (ip.family === 4 && p.avoidBuggyIPs && (ip.value % 256n === 0n || ip.value % 256n === 255n)) return undefined;
      return p.name;
    }
  }
  return undefined;
}

/** Whether a Service may hold `ip` under `cfg`: the independent statement of "fits its request and an allowed pool". */
function mayHold(cfg: HeraldConfig, labels: Map<string, Record<string, string>>, service: ServiceInput, text: string): boolean {
  const ip = ipOf(text);
  const name = poolHandingOut(cfg, ip);
  if (name === undefined) return false;
  const p = cfg.pools.find((x) => x.name === name);
  const req = readServiceRequest(service);
  const sa = p?.serviceAllocation;
  if (sa !== undefined) {
    const nsLabels = labels.get(req.ref.namespace);
    const restricts = sa.namespaces.length > 0 || sa.namespaceSelectors.length > 0;
    const nsOK = !restricts || sa.namespaces.includes(req.ref.namespace) || (nsLabels !== undefined && sa.namespaceSelectors.some((s) => matchesSelector(s, nsLabels)));
    const svcOK = sa.serviceSelectors.length === 0 || sa.serviceSelectors.some((s) => matchesSelector(s, req.labels));
    if (!nsOK || !svcOK) return false;
  }
  if (req.problem !== undefined) return true;
  if (!req.families.includes(ip.family)) return false;
  const asked = req.requested[ip.family];
  if (asked !== undefined && asked.value !== ip.value) return false;
  if (req.requestedPool !== undefined && req.requestedPool !== name) return false;
  return true;
}

function apply(a: Allocator, cluster: Cluster, op: Op): Decision[] {
  switch (op.kind) {
    case 'apply': {
      const key = `${op.service.metadata?.namespace}/${op.service.metadata?.name}`;
      cluster.services.set(key, op.service);
      return [a.reconcile(withStatus(op.service, cluster.shown.get(key) ?? []))];
    }
    case 'delete': {
      const key = `${op.namespace}/${op.name}`;
      cluster.services.delete(key);
      a.remove({ namespace: op.namespace, name: op.name });
      cluster.shown.delete(key);
      return [];
    }
    case 'label': {
      const labels: Record<string, string> = op.gold ? { tier: 'gold' } : {};
      cluster.labels.set(op.namespace, labels);
      return a.setNamespaceLabels(op.namespace, labels);
    }
    case 'config': {
      cluster.configIndex = op.index;
      return a.setConfig(CONFIGS[op.index] as HeraldConfig);
    }
  }
}

function checkInvariants(a: Allocator, cluster: Cluster): void {
  const cfg = CONFIGS[cluster.configIndex] as HeraldConfig;
  const held = new Map<string, string[]>();
  for (const x of a.assignments()) held.set(`${x.service.namespace}/${x.service.name}`, x.ips);
  // What the decisions said is what the allocator holds.
  for (const key of cluster.services.keys()) expect(held.get(key) ?? [], key).to.deep.equal(cluster.shown.get(key) ?? []);
  for (const key of held.keys()) expect(cluster.services.has(key), `${key} holds addresses but was deleted`).to.equal(true);

  const users = new Map<string, string[]>();
  for (const [key, ips] of held) {
    const service = cluster.services.get(key) as ServiceInput;
    for (const ip of ips) {
      // Every address lies in a pool that hands it out and allows the Service.
      expect(mayHold(cfg, cluster.labels, service, ip), `${key} holds ${ip}`).to.equal(true);
      users.set(ip, [...(users.get(ip) ?? []), key]);
    }
  }
  // No address is given twice, except legal sharing: same key, same backend, no port twice.
  for (const [ip, keys] of users) {
    if (keys.length < 2) continue;
    const reqs = keys.map((k) => readServiceRequest(cluster.services.get(k) as ServiceInput));
    const sharing = new Set(reqs.map((r) => r.sharingKey));
    expect(sharing.size === 1 && !sharing.has(undefined), `${ip} held by ${keys.join(', ')} without a common key`).to.equal(true);
    expect(new Set(reqs.map((r) => r.backend)).size, `${ip}: backends differ`).to.equal(1);
    const ports = reqs.flatMap((r) => r.ports);
    expect(new Set(ports).size, `${ip}: a port is used twice`).to.equal(ports.length);
  }
  // Pool counts: distinct addresses in use, and the rest available.
  for (const c of a.poolCounts()) {
    const p = cfg.pools.find((x) => x.name === c.pool);
    expect(p, c.pool).to.not.equal(undefined);
    for (const family of [4, 6] as const) {
      const inUse = [...users.keys()].filter((ip) => ipOf(ip).family === family && poolHandingOut(cfg, ipOf(ip)) === c.pool).length;
      let size = 0n;
      for (const e of p?.entries ?? []) {
        if (e.range.family !== family) continue;
        for (let v = e.range.first; v <= e.range.last; v++) if (poolHandingOut(cfg, { family, value: v }) === c.pool) size++;
      }
      const assigned = family === 4 ? c.assignedIPv4 : c.assignedIPv6;
      const available = family === 4 ? c.availableIPv4 : c.availableIPv6;
      expect(assigned, `${c.pool} IPv${family} assigned`).to.equal(BigInt(inUse));
      expect(assigned + available, `${c.pool} IPv${family} total`).to.equal(size);
    }
  }
}

describe('Allocator properties', () => {
  it('never gives an address twice (except legal sharing), keeps every address inside an allowed pool, and reports true counts', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
        const a = new Allocator(CONFIGS[0] as HeraldConfig);
        const cluster = new Cluster();
        for (const op of ops) {
          cluster.record(apply(a, cluster, op));
          cluster.record(a.retryPending());
          checkInvariants(a, cluster);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('a rebuild from the resulting statuses reproduces the same assignment', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
        const a = new Allocator(CONFIGS[0] as HeraldConfig);
        const cluster = new Cluster();
        for (const op of ops) {
          cluster.record(apply(a, cluster, op));
          cluster.record(a.retryPending());
        }
        const rebuilt = new Allocator(CONFIGS[cluster.configIndex] as HeraldConfig);
        for (const [ns, labels] of cluster.labels) rebuilt.setNamespaceLabels(ns, labels);
        const decisions = rebuilt.adopt(cluster.withStatuses());
        expect(rebuilt.assignments()).to.deep.equal(a.assignments());
        expect(rebuilt.poolCounts()).to.deep.equal(a.poolCounts());
        for (const d of decisions) expect(d.ips, d.key).to.deep.equal(cluster.shown.get(d.key) ?? []);
      }),
      { numRuns: 250 },
    );
  });

  it('a configuration change re-allocates exactly the Services holding an address that left every pool they may use', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), fc.integer({ min: 0, max: CONFIGS.length - 1 }), (ops, next) => {
        const a = new Allocator(CONFIGS[0] as HeraldConfig);
        const cluster = new Cluster();
        for (const op of ops) {
          cluster.record(apply(a, cluster, op));
          cluster.record(a.retryPending());
        }
        const cfg = CONFIGS[next] as HeraldConfig;
        const expected = a
          .assignments()
          .filter((x) => {
            const key = `${x.service.namespace}/${x.service.name}`;
            return x.ips.some((ip) => !mayHold(cfg, cluster.labels, cluster.services.get(key) as ServiceInput, ip));
          })
          .map((x) => `${x.service.namespace}/${x.service.name}`)
          .sort();
        const moved = a.setConfig(cfg);
        expect(moved.map((d) => d.key).sort()).to.deep.equal(expected);
        for (const d of moved) expect(d.ips).to.not.deep.equal(d.previous);
      }),
      { numRuns: 250 },
    );
  });

  it('release then re-take is consistent: new Services get exactly the freed addresses, and counts return', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), (n, drop) => {
        const cfg = config(pool('p', { addresses: ['10.0.0.0/26', '2001:db8::/122'] }));
        const a = new Allocator(cfg);
        const before = new Map<string, string>();
        for (let i = 0; i < n; i++) before.set(`s${i}`, a.reconcile(svc(`s${i}`, { families: [i % 2 === 0 ? 'IPv4' : 'IPv6'] })).ips[0] as string);
        const counts = a.poolCounts();
        const freed: string[] = [];
        for (let i = 0; i < n; i++) {
          if (!drop[i]) continue;
          a.remove({ namespace: 'default', name: `s${i}` });
          freed.push(before.get(`s${i}`) as string);
        }
        const retaken: string[] = [];
        for (let i = 0; i < n; i++) if (drop[i]) retaken.push(a.reconcile(svc(`t${i}`, { families: [i % 2 === 0 ? 'IPv4' : 'IPv6'] })).ips[0] as string);
        expect([...retaken].sort()).to.deep.equal([...freed].sort());
        expect(a.poolCounts()).to.deep.equal(counts);
        for (let i = 0; i < n; i++) {
          a.remove({ namespace: 'default', name: `s${i}` });
          a.remove({ namespace: 'default', name: `t${i}` });
        }
        expect(a.poolCounts()).to.deep.equal([{ pool: 'p', assignedIPv4: 0n, availableIPv4: 62n, assignedIPv6: 0n, availableIPv6: 63n }]);
      }),
      { numRuns: 200 },
    );
  });
});
