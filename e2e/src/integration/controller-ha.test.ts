import { expect } from 'chai';
import { runSuffix, type TestCluster } from '../harness/cluster.js';
import { ControllerProcess, useControllerSuite, metricValue } from '../harness/controller-process.js';
import { freshBlock, HeraldObjects, ingressIPs } from '../harness/herald-objects.js';
import { waitFor } from '../lab/wait.js';

const LEASE = { duration: '3s', renewDeadline: '2s', retryPeriod: '500ms' };
const LEASE_MS = 3000;
const RETRY_MS = 500;

/*
 * The "High availability" bullets, with two replicas of the real controller program on a
 * short Lease: only the leader writes, and killing it in the middle of a burst of creations loses
 * nothing and doubles nothing.
 */
describe('controller high availability @lab', function () {
  this.timeout(120_000);
  const suite = useControllerSuite();
  let cluster: TestCluster;
  let k: HeraldObjects;
  beforeEach(() => {
    ({ cluster, k } = suite);
  });

  async function statusWrites(c: ControllerProcess): Promise<number> {
    return metricValue(await c.metrics(), 'herald_controller_service_status_writes_total', 'result="ok"') ?? 0;
  }

  it('lets only the leader write; after the leader is killed mid-burst the standby takes over within the lease duration, and every Service ends with one address, none given twice, none lost', async () => {
    const ns = await k.namespace();
    const net = freshBlock();
    await k.createPool(`pool-${runSuffix()}`, { addresses: [`${net}.0/24`] });
    const lease = k.lease();
    const a = new ControllerProcess(cluster, { identity: `replica-a-${runSuffix()}`, leaseName: lease, lbClass: k.lbClass, metrics: true, lease: LEASE });
    await a.waitForLeading();
    const b = new ControllerProcess(cluster, { identity: `replica-b-${runSuffix()}`, leaseName: lease, lbClass: k.lbClass, metrics: true, lease: LEASE });
    await b.waitForLog((l) => l.message === 'starting', 10_000, 'start-up');

    // A few Services while both run: the leader serves them, the standby writes nothing.
    const early = ['early-0', 'early-1', 'early-2'];
    for (const n of early) await k.createService(ns, n);
    for (const n of early) await k.waitForIPs(ns, n);
    await new Promise((r) => setTimeout(r, 2 * RETRY_MS));
    expect(b.isLeader()).to.equal(false);
    expect(await statusWrites(b)).to.equal(0);
    expect(await statusWrites(a)).to.equal(early.length);
    for (const n of early) {
      for (const e of await k.events(ns, n)) expect(e.reportingInstance).to.equal(a.identity);
    }

    // The burst: 200 creations, 10 at a time; the leader dies without a word after the 100th.
    const burst = Array.from({ length: 200 }, (_, i) => `burst-${String(i).padStart(3, '0')}`);
    let killedAt = 0;
    let before: Map<string, string[]> | undefined;
    for (let i = 0; i < burst.length; i += 10) {
      await Promise.all(burst.slice(i, i + 10).map((n) => k.createService(ns, n)));
      if (i + 10 === 100) {
        a.kill('SIGKILL');
        killedAt = Date.now();
        await a.exited;
        // What the dead leader managed to write is final: the new leader must not move any of it.
        const list = await k.core.listNamespacedService({ namespace: ns });
        before = new Map(list.items.map((s) => [s.metadata?.name ?? '', ingressIPs(s)] as [string, string[]]).filter(([, ips]) => ips.length > 0));
      }
    }
    expect(before?.size).to.be.greaterThan(0);

    const tookOver = await b.waitForLog((l) => l.message === 'became leader', 10_000, 'taking over');
    const takeoverMs = Date.parse(String(tookOver.ts)) - killedAt;
    expect(takeoverMs).to.be.below(LEASE_MS + 2 * RETRY_MS + 500);

    const all = [...early, ...burst];
    const final = await waitFor(
      async () => {
        const list = await k.core.listNamespacedService({ namespace: ns });
        const ips = new Map(list.items.map((s) => [s.metadata?.name ?? '', ingressIPs(s)] as [string, string[]]));
        return all.every((n) => (ips.get(n) ?? []).length > 0) ? ips : undefined;
      },
      30_000,
      { what: 'every Service to have an address' },
    );
    for (const n of all) {
      const ips = final.get(n) ?? [];
      expect(ips, `${n} has one address`).to.have.length(1);
      expect(ips[0]?.startsWith(`${net}.`), `${n}'s address is in the pool`).to.equal(true);
    }
    const given = all.map((n) => final.get(n)?.[0]);
    expect(new Set(given).size, 'no address given twice').to.equal(all.length);
    for (const [n, ips] of before ?? []) expect(final.get(n), `${n} kept what the first leader gave it`).to.deep.equal(ips);
    for (const n of all) {
      const reasons = (await k.events(ns, n)).map((e) => e.reason);
      expect(reasons, `${n} was never moved`).not.to.include('AddressReallocated');
    }
  });

  it('hands the Lease over at once when the leader is stopped with SIGTERM', async () => {
    const lease = k.lease();
    const a = new ControllerProcess(cluster, { identity: `replica-a-${runSuffix()}`, leaseName: lease, lbClass: k.lbClass, lease: LEASE });
    await a.waitForLeading();
    const b = new ControllerProcess(cluster, { identity: `replica-b-${runSuffix()}`, leaseName: lease, lbClass: k.lbClass, lease: LEASE });
    await b.waitForLog((l) => l.message === 'starting', 10_000, 'start-up');
    await new Promise((r) => setTimeout(r, 2 * RETRY_MS));
    const stopped = Date.now();
    await a.stop();
    expect(a.exitCode).to.equal(0);
    expect(a.lines.some((l) => l.message === 'released leadership')).to.equal(true);
    const tookOver = await b.waitForLog((l) => l.message === 'became leader', 10_000, 'taking over');
    expect(Date.parse(String(tookOver.ts)) - stopped).to.be.below(2 * RETRY_MS + 500);
  });
});
