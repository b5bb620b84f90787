import { expect } from 'chai';
import { runSuffix, type TestCluster } from '../harness/cluster.js';
import { ControllerProcess, useControllerSuite, metricValue, type ControllerRunOptions } from '../harness/controller-process.js';
import { freshBlock, HeraldObjects } from '../harness/herald-objects.js';
import { waitFor } from '../lab/wait.js';

/*
 * The "Reporting" bullets, against the real controller program: status ingress and
 * condition for success and each kind of failure, the events, pool status counts, log lines, and
 * what an invalid configuration does (nothing bad).
 */
describe('controller reporting @lab', function () {
  this.timeout(60_000);
  const suite = useControllerSuite();
  let cluster: TestCluster;
  let k: HeraldObjects;
  beforeEach(() => {
    ({ cluster, k } = suite);
  });

  async function controller(options: Partial<ControllerRunOptions> = {}): Promise<ControllerProcess> {
    const c = new ControllerProcess(cluster, { identity: `reporter-${runSuffix()}`, leaseName: k.lease(), lbClass: k.lbClass, ...options });
    await c.waitForLeading();
    return c;
  }

  it('lists the address with ipMode VIP, sets a True condition, and records an AddressAllocated event naming address and pool', async () => {
    const ns = await k.namespace();
    const net = freshBlock();
    const pool = `blue-${runSuffix()}`;
    await k.createPool(pool, { addresses: [`${net}.0/28`] });
    const c = await controller();
    await k.createService(ns, 'web');
    const [ip] = await k.waitForIPs(ns, 'web');
    expect(ip).to.equal(`${net}.1`);
    const svc = await k.service(ns, 'web');
    expect(svc.status?.loadBalancer?.ingress).to.deep.equal([{ ip, ipMode: 'VIP' }]);
    expect(await k.condition(ns, 'web')).to.deep.equal({
      status: 'True',
      reason: 'Allocated',
      message: `Serving ${ip} from IPAddressPool ${pool}.`,
      observedGeneration: svc.metadata?.generation,
    });
    const event = await k.waitForEvent(ns, 'web', 'AddressAllocated');
    expect(event.type).to.equal('Normal');
    expect(event.message).to.equal(`Allocated ${ip} from IPAddressPool ${pool}.`);
    expect(event.source?.component).to.equal('herald-controller');
    expect(event.reportingComponent).to.equal('heraldlb.io/controller');
    expect(event.reportingInstance).to.equal(c.identity);
    const line = await c.waitForLog((l) => l.service === `${ns}/web` && l.outcome === 'allocated', 5000, 'the decision logged');
    expect(line).to.include({ service: `${ns}/web`, pool, ip, reason: 'Allocated' });
  });

  describe('a Service Herald cannot serve gets a False condition and an AllocationFailed event saying why', () => {
    interface FailureCase {
      reason: string;
      /** Sets up pools and Services; returns the name of the Service that must fail. */
      arrange: (ns: string, net: string, pool: string) => Promise<string>;
      message: RegExp;
    }
    const cases: FailureCase[] = [
      {
        reason: 'NoPoolAllowed',
        arrange: async (_ns, net, pool) => {
          await k.createPool(pool, { addresses: [`${net}.0/28`], serviceAllocation: { namespaces: ['somewhere-else'] } });
          await k.createService(_ns, 'lonely');
          return 'lonely';
        },
        message: /pool/i,
      },
      {
        reason: 'PoolExhausted',
        arrange: async (ns, net, pool) => {
          await k.createPool(pool, { addresses: [`${net}.7/32`] });
          await k.createService(ns, 'first');
          await k.waitForIPs(ns, 'first');
          await k.createService(ns, 'second');
          return 'second';
        },
        message: /no free IPv4 address/,
      },
      {
        reason: 'AddressInUse',
        arrange: async (ns, net, pool) => {
          await k.createPool(pool, { addresses: [`${net}.0/28`] });
          await k.createService(ns, 'holder', { annotations: { 'heraldlb.io/loadBalancerIPs': `${net}.5` } });
          await k.waitForIPs(ns, 'holder');
          await k.createService(ns, 'claimant', { annotations: { 'heraldlb.io/loadBalancerIPs': `${net}.5` } });
          return 'claimant';
        },
        message: /holder/,
      },
      {
        reason: 'SharingRuleBroken',
        arrange: async (ns, net, pool) => {
          await k.createPool(pool, { addresses: [`${net}.0/28`] });
          const shared = { 'heraldlb.io/allow-shared-ip': 'key', 'heraldlb.io/loadBalancerIPs': `${net}.6` };
          await k.createService(ns, 'tcp80', { annotations: shared });
          await k.waitForIPs(ns, 'tcp80');
          await k.createService(ns, 'also-tcp80', { annotations: shared });
          return 'also-tcp80';
        },
        message: /80/,
      },
      {
        reason: 'FamilyUnavailable',
        arrange: async (ns, net, pool) => {
          await k.createPool(pool, { addresses: [`${net}.0/28`] });
          await k.createService(ns, 'dual', { spec: { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] } });
          return 'dual';
        },
        message: /IPv6/,
      },
      {
        reason: 'RequestedAddressNotInPool',
        arrange: async (ns, net, pool) => {
          await k.createPool(pool, { addresses: [`${net}.0/28`] });
          await k.createService(ns, 'outside', { annotations: { 'heraldlb.io/loadBalancerIPs': '203.0.113.77' } });
          return 'outside';
        },
        message: /203\.0\.113\.77/,
      },
      {
        reason: 'RequestedPoolUnknown',
        arrange: async (ns, net, pool) => {
          await k.createPool(pool, { addresses: [`${net}.0/28`] });
          await k.createService(ns, 'nowhere', { annotations: { 'heraldlb.io/address-pool': 'no-such-pool' } });
          return 'nowhere';
        },
        message: /no-such-pool/,
      },
      {
        reason: 'RequestedPoolNotAllowed',
        arrange: async (ns, net, pool) => {
          await k.createPool(pool, { addresses: [`${net}.0/28`], serviceAllocation: { namespaces: ['somewhere-else'] } });
          await k.createService(ns, 'forbidden', { annotations: { 'heraldlb.io/address-pool': pool } });
          return 'forbidden';
        },
        message: /allow/i,
      },
      {
        reason: 'InvalidRequest',
        arrange: async (ns, net, pool) => {
          await k.createPool(pool, { addresses: [`${net}.0/28`] });
          await k.createService(ns, 'typo', { annotations: { 'heraldlb.io/loadBalancerIPs': 'not-an-address' } });
          return 'typo';
        },
        message: /not-an-address/,
      },
    ];

    for (const c of cases) {
      it(c.reason, async () => {
        const ns = await k.namespace();
        await controller();
        const name = await c.arrange(ns, freshBlock(), `pool-${runSuffix()}`);
        const condition = await k.waitForCondition(ns, name, (x) => x.status === 'False', 'a False condition');
        expect(condition.reason).to.equal(c.reason);
        expect(condition.message).to.match(c.message);
        expect(await k.ips(ns, name)).to.deep.equal([]);
        const event = await k.waitForEvent(ns, name, 'AllocationFailed');
        expect(event.type).to.equal('Warning');
        expect(event.message).to.equal(`${c.reason}: ${condition.message}`);
      });
    }
  });

  it('releases the address of a Service that stops being a LoadBalancer, clearing what it wrote, with an AddressReleased event', async () => {
    const ns = await k.namespace();
    await k.createPool(`pool-${runSuffix()}`, { addresses: [`${freshBlock()}.0/28`] });
    await controller();
    await k.createService(ns, 'web');
    const [ip] = await k.waitForIPs(ns, 'web');
    const svc = await k.service(ns, 'web');
    const { loadBalancerClass: _class, ...spec } = svc.spec ?? {};
    await k.core.replaceNamespacedService({ namespace: ns, name: 'web', body: { ...svc, spec: { ...spec, type: 'ClusterIP' } } });
    const event = await k.waitForEvent(ns, 'web', 'AddressReleased');
    expect(event.message).to.contain(ip);
    await waitFor(async () => (await k.condition(ns, 'web')) === undefined, 5000, { what: "Herald's condition to be removed" });
    expect(await k.ips(ns, 'web')).to.deep.equal([]);
  });

  it('leaves a Service of another load balancer class alone, status included', async () => {
    const ns = await k.namespace();
    await k.createPool(`pool-${runSuffix()}`, { addresses: [`${freshBlock()}.0/28`] });
    await controller();
    await k.createService(ns, 'theirs', { spec: { loadBalancerClass: 'example.com/other' } });
    const theirs = await k.service(ns, 'theirs');
    const status = { loadBalancer: { ingress: [{ ip: '192.0.2.50' }] } };
    await k.core.replaceNamespacedServiceStatus({ namespace: ns, name: 'theirs', body: { ...theirs, status } });
    // A Service of Herald's class created after it: once that one is served, the other was seen too.
    await k.createService(ns, 'ours');
    await k.waitForIPs(ns, 'ours');
    expect((await k.service(ns, 'theirs')).status).to.deep.equal(status);
    expect(await k.events(ns, 'theirs')).to.deep.equal([]);
  });

  it('does not repeat an event when a decision did not change', async () => {
    const ns = await k.namespace();
    const net = freshBlock();
    await k.createPool(`pool-${runSuffix()}`, { addresses: [`${net}.7/32`] });
    await controller();
    await k.createService(ns, 'first');
    await k.waitForIPs(ns, 'first');
    await k.createService(ns, 'second');
    await k.waitForEvent(ns, 'second', 'AllocationFailed');
    // Touch the failing Service twice: each change is decided again, with the same outcome.
    for (const value of ['1', '2']) {
      const svc = await k.service(ns, 'second');
      await k.core.replaceNamespacedService({ namespace: ns, name: 'second', body: { ...svc, metadata: { ...svc.metadata, labels: { touch: value } } } });
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect((await k.events(ns, 'second')).filter((e) => e.reason === 'AllocationFailed')).to.have.length(1);
  });

  it('keeps IPAddressPool status counts current: IPv4 as integers, IPv6 as decimal strings', async () => {
    const ns = await k.namespace();
    const net = freshBlock();
    const pool = `dual-${runSuffix()}`;
    await k.createPool(pool, { addresses: [`${net}.0/28`, `2001:db8:${net.split('.')[2]}::/64`] });
    await controller();
    const counts = async (): Promise<Record<string, unknown> | undefined> => (await k.pool(pool)).status;
    await waitFor(async () => (await counts())?.availableIPv4 === 14, 5000, { what: 'initial counts' });
    expect(await counts()).to.deep.equal({ assignedIPv4: 0, availableIPv4: 14, assignedIPv6: '0', availableIPv6: '18446744073709551615' });
    await k.createService(ns, 'a');
    await k.createService(ns, 'b', { spec: { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] } });
    await k.waitForIPs(ns, 'b', 2);
    await waitFor(async () => (await counts())?.assignedIPv4 === 2, 5000, { what: 'counts after two Services' });
    expect(await counts()).to.deep.equal({ assignedIPv4: 2, availableIPv4: 12, assignedIPv6: '1', availableIPv6: '18446744073709551614' });
    await k.core.deleteNamespacedService({ namespace: ns, name: 'a' });
    await waitFor(async () => (await counts())?.assignedIPv4 === 1, 5000, { what: 'counts after a deletion' });
  });

  it('keeps running on an invalid pool: allocations stay, the pool gets a Warning event, the metrics say stale', async () => {
    const ns = await k.namespace();
    const net = freshBlock();
    const good = `good-${runSuffix()}`;
    const bad = `bad-${runSuffix()}`;
    await k.createPool(good, { addresses: [`${net}.0/28`] });
    const c = await controller({ metrics: true });
    await k.createService(ns, 'before');
    const [before] = await k.waitForIPs(ns, 'before');

    // The CRD schema takes any string; validation refuses it.
    await k.createPool(bad, { addresses: [`${net}.16/28`, `${net}.300-${net}.310`] });
    const warning = await k.waitForEvent(cluster.heraldNamespace, bad, 'InvalidConfiguration', undefined, 'IPAddressPool');
    expect(warning.type).to.equal('Warning');
    expect(warning.message).to.contain(`IPAddressPool ${cluster.heraldNamespace}/${bad}`);
    expect(warning.message).to.contain('spec.addresses[1]');
    const metrics = await c.metrics();
    expect(metricValue(metrics, 'herald_controller_config_stale')).to.equal(1);
    expect(metricValue(metrics, 'herald_controller_config_errors')).to.be.at.least(1);
    expect(c.lines.some((l) => l.level === 'error' && l.reason === 'InvalidConfiguration' && l.pool === bad)).to.equal(true);

    // Still alive, still allocating from the last good configuration, nothing moved.
    expect(c.alive).to.equal(true);
    expect(await k.ips(ns, 'before')).to.deep.equal([before]);
    await k.createService(ns, 'after');
    const [after] = await k.waitForIPs(ns, 'after');
    expect(after?.startsWith(`${net}.`)).to.equal(true);

    await k.deletePool(bad);
    await waitFor(async () => metricValue(await c.metrics(), 'herald_controller_config_stale') === 0, 5000, { what: 'the stale flag to clear' });
    expect(await k.ips(ns, 'before')).to.deep.equal([before]);
  });
});
