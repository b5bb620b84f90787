// make bench, controller end to end: N LoadBalancer Services in 20 pools on the lab API server.
// Each figure is printed beside a floor measured in the same run: the same API work done by a
// bare client with no decisions in it (create, then one status write), or a bare informer.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig, Watch, type V1Service } from '@kubernetes/client-node';
import { DEFAULT_LOAD_BALANCER_CLASS, DEFAULT_NAMESPACE, GROUP, PLURAL, VERSION } from '@herald/shared/api/constants.js';
import { printFigure } from '@herald/shared/bench/report.js';
import { startApiProcess } from '../harness/api-process.js';
import { CRDS_DIR, REPO_ROOT, type TestCluster } from '../harness/cluster.js';
import { ControllerProcess } from '../harness/controller-process.js';
import { waitFor } from '../lab/wait.js';
import { peakRssKiB } from './informer-floor.js';
import { runBenchmark } from './run-benchmark.js';

const POOLS = 20;
const CONCURRENCY = 16;

/** Pool i: a /20 (4,094 usable addresses) from 198.18.0.0/15, the benchmarking range. */
function poolCidr(i: number): string {
  const base = i * 16;
  return `198.${18 + Math.floor(base / 256)}.${base % 256}.0/20`;
}

async function inBatches(count: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function service(namespace: string, name: string, lbClass: string, annotations: Record<string, string> = {}): V1Service {
  return {
    metadata: { name, namespace, annotations },
    spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, loadBalancerClass: lbClass, selector: { app: name }, ports: [{ port: 80, protocol: 'TCP' }] },
  };
}

/** Counts status writes per Service in a namespace by watching it; no one else writes there. */
class StatusWatch {
  readonly writes = new Map<string, number>();
  readonly allocated = new Set<string>();
  private abort: { abort(): void } | undefined;
  constructor(private readonly kc: KubeConfig, private readonly namespace: string) {}
  async start(): Promise<void> {
    this.abort = await new Watch(this.kc).watch(
      `/api/v1/namespaces/${this.namespace}/services`,
      {},
      (type: string, obj: V1Service) => {
        if (type !== 'MODIFIED') return;
        const name = obj.metadata?.name ?? '';
        this.writes.set(name, (this.writes.get(name) ?? 0) + 1);
        if ((obj.status?.loadBalancer?.ingress?.length ?? 0) > 0) this.allocated.add(name);
      },
      () => undefined,
    );
  }
  totalWrites(): number {
    let n = 0;
    for (const w of this.writes.values()) n += w;
    return n;
  }
  stop(): void {
    this.abort?.abort();
  }
}

function runFloorInformer(kubeconfig: string): Promise<{ syncedMs: number; services: number; vmHwmKiB: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'e2e/dist/bench/informer-floor.js'), kubeconfig], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { syncedMs: number; services: number; vmHwmKiB: number }) : reject(new Error(`informer floor exited ${code}`))));
  });
}

/**
 * The floor: the same creates and one status write each, by a bare client, on an API server of its
 * own, so that both sides start from an empty server and pay the same per-object costs.
 */
async function floorRun(n: number): Promise<number> {
  const api = await startApiProcess({ listen: ['127.0.0.1'], crdsDir: CRDS_DIR });
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(api.kubeconfigPath());
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'bench-floor' } } });
    const start = Date.now();
    await inBatches(n, async (i) => {
      const created = await core.createNamespacedService({ namespace: 'bench-floor', body: service('bench-floor', `f-${i}`, 'bench.example/none') });
      created.status = { loadBalancer: { ingress: [{ ip: `203.0.113.${i % 250}`, ipMode: 'VIP' }] } };
      await core.replaceNamespacedServiceStatus({ name: `f-${i}`, namespace: 'bench-floor', body: created });
    });
    return Date.now() - start;
  } finally {
    await api.close();
  }
}

async function benchmark(n: number, restart: boolean): Promise<void> {
  const api = await startApiProcess({ listen: ['127.0.0.1'], crdsDir: CRDS_DIR });
  const kc = new KubeConfig();
  kc.loadFromFile(api.kubeconfigPath());
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const cluster = { kubeconfigPath: api.kubeconfigPath(), heraldNamespace: DEFAULT_NAMESPACE } as TestCluster;
  let controller: ControllerProcess | undefined;
  try {
    for (let i = 0; i < POOLS; i++) {
      await custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: DEFAULT_NAMESPACE,
        plural: PLURAL.IPAddressPool,
        body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'IPAddressPool', metadata: { name: `bench-${String(i).padStart(2, '0')}` }, spec: { addresses: [poolCidr(i)] } },
      });
    }
    await core.createNamespace({ body: { metadata: { name: 'bench' } } });
    const floorMs = await floorRun(n);

    controller = new ControllerProcess(cluster, { identity: 'bench-1', leaseName: 'bench', lbClass: DEFAULT_LOAD_BALANCER_CLASS, extraArgs: ['--log-level', 'info'] });
    await controller.waitForLog((l) => l.message === 'adopted every Service', 30_000, 'ready');
    const watch = new StatusWatch(kc, 'bench');
    await watch.start();

    const start = Date.now();
    await inBatches(n, (i) =>
      core.createNamespacedService({
        namespace: 'bench',
        body: service('bench', `s-${i}`, DEFAULT_LOAD_BALANCER_CLASS, { 'heraldlb.io/address-pool': `bench-${String(i % POOLS).padStart(2, '0')}` }),
      }),
    );
    await waitFor(() => watch.allocated.size >= n, 600_000, { what: `${n} Services allocated` });
    const allocMs = Date.now() - start;
    await new Promise((r) => setTimeout(r, 1000));
    const writesPerService = watch.totalWrites() / n;
    const rss = peakRssKiB(controller.pid ?? 0) / 1024;
    const floor = await runFloorInformer(api.kubeconfigPath());

    printFigure({ name: `${n} Services in ${POOLS} pools: create to every address in status`, unit: 'ms', herald: allocMs, baseline: floorMs, baselineName: 'bare client (create + 1 status write)' });
    printFigure({ name: `${n} Services: status writes per Service`, unit: 'writes', herald: writesPerService, baseline: 1, baselineName: 'one write per allocation', target: 'exactly 1', met: writesPerService === 1 });
    printFigure({
      name: `${n} Services: controller peak RSS`,
      unit: 'MiB',
      herald: rss,
      baseline: floor.vmHwmKiB / 1024,
      baselineName: `bare informer over ${floor.services} Services`,
      ...(n >= 10_000 ? { target: 'under 200 MiB', met: rss < 200 } : {}),
    });

    if (restart) {
      await controller.stop();
      const before = watch.totalWrites();
      const restartStart = Date.now();
      controller = new ControllerProcess(cluster, { identity: 'bench-2', leaseName: 'bench', lbClass: DEFAULT_LOAD_BALANCER_CLASS, extraArgs: ['--log-level', 'info'] });
      await controller.waitForLog((l) => l.message === 'adopted every Service', 60_000, 'ready after restart');
      const restartMs = Date.now() - restartStart;
      await new Promise((r) => setTimeout(r, 2000));
      const restartWrites = watch.totalWrites() - before;
      printFigure({ name: `restart with ${n} allocated Services: start to ready to allocate`, unit: 'ms', herald: restartMs, baseline: floor.syncedMs, baselineName: 'bare informer start and list', target: 'under 3,000 ms', met: restartMs < 3000 });
      printFigure({ name: `restart with ${n} allocated Services: status writes`, unit: 'writes', herald: restartWrites, baseline: 0, baselineName: 'none needed', target: 'zero', met: restartWrites === 0 });
    }
    watch.stop();
  } finally {
    await controller?.stop();
    await api.close();
  }
}

async function main(): Promise<void> {
  await benchmark(1000, false);
  await benchmark(10_000, true);
}

runBenchmark('controller benchmark', main);
