import { expect } from 'chai';
import { runSuffix, type TestCluster } from '../harness/cluster.js';
import { ControllerProcess, useControllerSuite, metricValue, type ControllerRunOptions } from '../harness/controller-process.js';
import { freshBlock, HeraldObjects } from '../harness/herald-objects.js';
import { waitFor } from '../lab/wait.js';

/*
 * The "Stability" bullets, against the real controller program: addresses stay put across
 * restarts, harmless pool edits and churn; start-up takes addresses from status first; conflicts go
 * to the older Service; pool edits and deletions move only the Services they must.
 */
describe('controller stability @lab', function () {
  this.timeout(60_000);
  const suite = useControllerSuite();
  let cluster: TestCluster;
  let k: HeraldObjects;
  let lease: string;
  beforeEach(() => {
    ({ cluster, k } = suite);
    lease = k.lease();
  });

  async function controller(options: Partial<ControllerRunOptions> = {}): Promise<ControllerProcess> {
    const c = new ControllerProcess(cluster, { identity: `stable-${runSuffix()}`, leaseName: lease, lbClass: k.lbClass, ...options });
    await c.waitForLeading();
    return c;
  }

  async function addresses(ns: string, names: readonly string[]): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const n of names) out[n] = await k.ips(ns, n);
    return out;
  }

  async function allocate(ns: string, names: readonly string[]): Promise<Record<string, string[]>> {
    for (const n of names) await k.createService(ns, n);
    for (const n of names) await k.waitForIPs(ns, n);
    return addresses(ns, names);
  }

  /** Waits until the controller has applied a pool edit: the pool's status shows the new size. */
  async function poolApplied(pool: string, available: number): Promise<void> {
    await waitFor(async () => (await k.pool(pool)).status?.availableIPv4 === available, 10_000, { what: `${pool} to show ${available} free addresses` });
  }

  async function eventReasons(ns: string, name: string): Promise<string[]> {
    return (await k.events(ns, name)).map((e) => e.reason ?? '');
  }

  it('keeps every address across a controller restart, writing no status at all on start', async () => {
    const ns = await k.namespace();
    await k.createPool(`pool-${runSuffix()}`, { addresses: [`${freshBlock()}.0/28`] });
    const first = await controller();
    const names = ['a', 'b', 'c'];
    const before = await allocate(ns, names);
    await first.stop();
    expect(first.exitCode).to.equal(0);

    const second = await controller({ metrics: true });
    expect(await addresses(ns, names)).to.deep.equal(before);
    const metrics = await second.metrics();
    expect(metricValue(metrics, 'herald_controller_service_status_writes_total', 'result="ok"') ?? 0).to.equal(0);
    expect(metricValue(metrics, 'herald_controller_allocations_total', 'outcome="allocated",reason="Kept"')).to.equal(3);
    for (const n of names) expect(await eventReasons(ns, n)).to.deep.equal(['AddressAllocated']);

    await k.createService(ns, 'd');
    const [d] = await k.waitForIPs(ns, 'd');
    expect(Object.values(before).flat()).not.to.include(d);
  });

  it('keeps every address across pool edits that still contain it', async () => {
    const ns = await k.namespace();
    const net = freshBlock();
    const pool = `pool-${runSuffix()}`;
    await k.createPool(pool, { addresses: [`${net}.0/28`] });
    await controller();
    const names = ['a', 'b', 'c'];
    const before = await allocate(ns, names);
    expect(Object.values(before).flat().sort()).to.deep.equal([`${net}.1`, `${net}.2`, `${net}.3`]);

    await k.editPool(pool, { addresses: [`${net}.0/28`, `${net}.64/28`] });
    await poolApplied(pool, 14 + 14 - 3);
    expect(await addresses(ns, names)).to.deep.equal(before);

    await k.editPool(pool, { addresses: [`${net}.1-${net}.5`] });
    await poolApplied(pool, 5 - 3);
    expect(await addresses(ns, names)).to.deep.equal(before);
    for (const n of names) expect(await eventReasons(ns, n)).to.deep.equal(['AddressAllocated']);
  });

  it('keeps every address while other Services come and go', async () => {
    const ns = await k.namespace();
    await k.createPool(`pool-${runSuffix()}`, { addresses: [`${freshBlock()}.0/27`] });
    await controller();
    const stay = ['stay-1', 'stay-2'];
    const before = await allocate(ns, ['churn-0', ...stay]);
    for (let round = 1; round <= 5; round++) {
      await k.core.deleteNamespacedService({ namespace: ns, name: `churn-${round - 1}` });
      await k.createService(ns, `churn-${round}`);
      await k.waitForIPs(ns, `churn-${round}`);
    }
    const after = await addresses(ns, stay);
    for (const n of stay) expect(after[n]).to.deep.equal(before[n]);
    const churned = await k.ips(ns, 'churn-5');
    expect(Object.values(after).flat()).not.to.include(churned[0]);
  });

  it('on start takes the addresses in status before allocating any, giving a contested one to the older Service', async () => {
    const ns = await k.namespace();
    const net = freshBlock();
    await k.createPool(`pool-${runSuffix()}`, { addresses: [`${net}.0/28`] });
    const claim = async (name: string, ip: string): Promise<void> => {
      const svc = await k.service(ns, name);
      await k.core.replaceNamespacedServiceStatus({ namespace: ns, name, body: { ...svc, status: { loadBalancer: { ingress: [{ ip }] } } } });
    };
    await k.createService(ns, 'older');
    await claim('older', `${net}.9`);
    // creationTimestamp counts whole seconds: make "older" unambiguous.
    await new Promise((r) => setTimeout(r, 1100));
    await k.createService(ns, 'younger');
    await claim('younger', `${net}.9`);
    // Older than `holder`, so a first-come allocator would hand it .1, which `holder` already shows.
    await k.createService(ns, 'fresh');
    await k.createService(ns, 'holder');
    await claim('holder', `${net}.1`);

    await controller();
    expect(await k.waitForIPs(ns, 'fresh')).to.deep.equal([`${net}.2`]);
    expect(await k.ips(ns, 'older')).to.deep.equal([`${net}.9`]);
    expect(await k.ips(ns, 'holder')).to.deep.equal([`${net}.1`]);
    const condition = await k.waitForCondition(ns, 'younger', (c) => c.status === 'False', 'a False condition');
    expect(condition.reason).to.equal('AddressInUse');
    expect(condition.message).to.contain(`${ns}/older`);
    expect(await k.ips(ns, 'younger')).to.deep.equal([]);
    const event = await k.waitForEvent(ns, 'younger', 'AllocationFailed');
    expect(event.message).to.contain(`${ns}/older`);
  });

  it('lets the Service holding an address keep it when another asks for it, and moves nothing else', async () => {
    const ns = await k.namespace();
    const net = freshBlock();
    await k.createPool(`pool-${runSuffix()}`, { addresses: [`${net}.0/28`] });
    await controller();
    const bystanders = await allocate(ns, ['x', 'y']);
    await k.createService(ns, 'holder', { annotations: { 'heraldlb.io/loadBalancerIPs': `${net}.10` } });
    expect(await k.waitForIPs(ns, 'holder')).to.deep.equal([`${net}.10`]);
    await k.createService(ns, 'claimant', { annotations: { 'heraldlb.io/loadBalancerIPs': `${net}.10` } });
    const event = await k.waitForEvent(ns, 'claimant', 'AllocationFailed');
    expect(event.message).to.match(/^AddressInUse: /);
    expect(event.message).to.contain(`${ns}/holder`);
    expect((await k.condition(ns, 'claimant'))?.reason).to.equal('AddressInUse');
    expect(await k.ips(ns, 'holder')).to.deep.equal([`${net}.10`]);
    expect(await addresses(ns, ['x', 'y'])).to.deep.equal(bystanders);

    // Once the holder goes, the claimant gets what it asked for.
    await k.core.deleteNamespacedService({ namespace: ns, name: 'holder' });
    expect(await k.waitForIPs(ns, 'claimant')).to.deep.equal([`${net}.10`]);
  });

  it('follows namespace labels: a Service waits for a pool that selects its namespace, and gets an address once it does', async () => {
    const ns = await k.namespace();
    const team = `team-${runSuffix()}`;
    await k.createPool(`pool-${runSuffix()}`, { addresses: [`${freshBlock()}.0/28`], serviceAllocation: { namespaceSelectors: [{ matchLabels: { team } }] } });
    await controller();
    await k.createService(ns, 'web');
    const waiting = await k.waitForCondition(ns, 'web', (c) => c.status === 'False', 'a False condition');
    expect(waiting.reason).to.equal('NoPoolAllowed');
    await k.labelNamespace(ns, { team });
    await k.waitForIPs(ns, 'web');
    expect((await k.condition(ns, 'web'))?.status).to.equal('True');
  });

  it('moves only the Services whose addresses a pool edit took away, each with an event naming old and new address', async () => {
    const ns = await k.namespace();
    const net = freshBlock();
    const pool = `pool-${runSuffix()}`;
    await k.createPool(pool, { addresses: [`${net}.0/28`] });
    await controller();
    const names = ['s1', 's2', 's3', 's4'];
    const before = await allocate(ns, names);
    const holderOf = (ip: string): string => names.find((n) => before[n]?.[0] === ip) as string;
    const lost = [holderOf(`${net}.1`), holderOf(`${net}.2`)];
    const kept = names.filter((n) => !lost.includes(n));

    await k.editPool(pool, { addresses: [`${net}.3-${net}.14`] });
    for (const n of lost) {
      const old = before[n]?.[0] as string;
      const event = await k.waitForEvent(ns, n, 'AddressReallocated');
      const [now] = await k.ips(ns, n);
      expect(event.message).to.contain(`Moved from ${old} to ${now}`);
      expect(now).not.to.be.oneOf([`${net}.1`, `${net}.2`]);
    }
    const after = await addresses(ns, names);
    for (const n of kept) {
      expect(after[n]).to.deep.equal(before[n]);
      expect(await eventReasons(ns, n)).to.deep.equal(['AddressAllocated']);
    }
    expect(new Set(Object.values(after).flat()).size).to.equal(4);
  });

  it('moves the Services of a deleted pool to another one, and says why when none is left', async () => {
    const ns = await k.namespace();
    const netA = freshBlock();
    const netB = freshBlock();
    const a = `first-${runSuffix()}`;
    const b = `second-${runSuffix()}`;
    await k.createPool(a, { addresses: [`${netA}.0/28`], serviceAllocation: { priority: 1, namespaces: [ns] } });
    await k.createPool(b, { addresses: [`${netB}.0/28`] });
    await controller();
    const before = await allocate(ns, ['in-a-1', 'in-a-2']);
    await k.createService(ns, 'in-b', { annotations: { 'heraldlb.io/address-pool': b } });
    const [inB] = await k.waitForIPs(ns, 'in-b');
    for (const n of ['in-a-1', 'in-a-2']) expect(before[n]?.[0]?.startsWith(`${netA}.`)).to.equal(true);

    await k.deletePool(a);
    for (const n of ['in-a-1', 'in-a-2']) {
      const event = await k.waitForEvent(ns, n, 'AddressReallocated');
      const [now] = await k.ips(ns, n);
      expect(now?.startsWith(`${netB}.`)).to.equal(true);
      expect(event.message).to.contain(`Moved from ${before[n]?.[0]} to ${now}`);
    }
    expect(await k.ips(ns, 'in-b')).to.deep.equal([inB]);
    expect(await eventReasons(ns, 'in-b')).to.deep.equal(['AddressAllocated']);

    await k.deletePool(b);
    const released = await k.waitForEvent(ns, 'in-b', 'AddressReleased');
    expect(released.message).to.contain(inB);
    const failed = await k.waitForEvent(ns, 'in-b', 'AllocationFailed');
    expect(failed.type).to.equal('Warning');
    expect(await k.ips(ns, 'in-b')).to.deep.equal([]);
  });
});
