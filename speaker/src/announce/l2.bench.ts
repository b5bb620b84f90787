/*
 * Benchmark (not a test): re-elect layer-2 owners after a membership change (a node dies, then
 * comes back) with 10,000 Services on 100 nodes, incrementally (L2Announcer) against a full
 * decideL2 of the same inputs, in the same run. This is on the failover path: the time between
 * the membership declaring a node dead and the new owner knowing it owns the address.
 *
 *   cd /work/main && npx tsc -p speaker && node speaker/dist/announce/l2.bench.js
 *
 * Setup: one pool, one L2Advertisement for every node, this node's eth1 on the pool's subnet.
 * Three Services in four are Cluster with two ready endpoints; one in four is Local with
 * endpoints on two nodes. Each change takes one other node out of the live set or puts it back,
 * cycling through the nodes. CPU time is process.cpuUsage() (user + system) around each call.
 */
import { buildConfig } from '@herald/shared/config/build.js';
import type { HeraldConfig } from '@herald/shared/config/types.js';
import { printFigure } from '@herald/shared/bench/report.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import { cpuMs, mean, quantile } from './bench-stats.js';
import type { ServiceEndpoints } from './endpoints.js';
import { L2Announcer } from './l2-announcer.js';
import { decideL2 } from './l2-decision.js';
import type { NodeInterface } from './l2-interfaces.js';
import type { NodeInput } from './node-eligibility.js';

const SERVICES = 10_000;
const NODES = 100;
const CHANGES = 200;
/** A full decideL2 takes hundreds of milliseconds; this many give a steady mean. */
const BASELINE_CHANGES = 10;
const NS = 'herald-system';
const API = 'heraldlb.io/v1beta1';

function benchConfig(): HeraldConfig {
  const result = buildConfig({
    ipAddressPools: [{ apiVersion: API, kind: 'IPAddressPool', metadata: { name: 'bench', namespace: NS }, spec: { addresses: ['10.0.0.0/16'] } }],
    l2Advertisements: [{ apiVersion: API, kind: 'L2Advertisement', metadata: { name: 'all', namespace: NS }, spec: {} }],
  });
  if (!result.ok) throw new Error(`benchmark configuration refused: ${JSON.stringify(result.errors)}`);
  return result.config;
}


function main(): void {
  const config = benchConfig();
  const names = Array.from({ length: NODES }, (_, i) => `node-${i}`);
  const me = names[0] as string;
  const nodes = new Map<string, NodeInput>(names.map((name) => [name, { metadata: { name, labels: {} }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }]));
  const interfaces: NodeInterface[] = [
    { name: 'eth1', ifindex: 3, type: 1, mac: '02:00:00:00:00:03', mtu: 1500, flags: 0x1003, operState: 'up', addresses: [{ ip: { family: 4, value: 0x0a000002n }, prefixLength: 16 }] },
  ];
  const services: ServiceInput[] = [];
  const endpoints = new Map<ServiceKey, ServiceEndpoints>();
  for (let i = 0; i < SERVICES; i++) {
    const local = i % 4 === 0;
    services.push({
      metadata: { name: `s${i}`, namespace: 'default' },
      spec: { type: 'LoadBalancer', ...(local ? { externalTrafficPolicy: 'Local' } : {}) },
      status: { loadBalancer: { ingress: [{ ip: `10.0.${i >> 8}.${i & 255}` }] } },
    });
    const readyByNode = new Map([
      [names[i % NODES] as string, 1],
      [names[(i * 7 + 3) % NODES] as string, 1],
    ]);
    endpoints.set(`default/s${i}`, { readyByNode, readyTotal: 2 });
  }

  const announcer = new L2Announcer(config, me, { nodes, liveMembers: names, interfaces });
  for (const s of services) announcer.updateService(s);
  for (const [key, e] of endpoints) announcer.updateEndpoints(key, e);

  const live = new Set(names);
  const workload = Array.from({ length: CHANGES }, (_, i) => names[1 + (Math.floor(i / 2) % (NODES - 1))] as string);
  const perChange: number[] = [];
  let moved = 0;
  for (const victim of workload) {
    if (live.has(victim)) live.delete(victim);
    else live.add(victim);
    const start = process.cpuUsage();
    const changes = announcer.setLiveMembers(live);
    perChange.push(cpuMs(start));
    moved += changes.services.size;
  }

  const basePerChange: number[] = [];
  const baseLive = new Set(names);
  for (const victim of workload.slice(0, BASELINE_CHANGES)) {
    if (baseLive.has(victim)) baseLive.delete(victim);
    else baseLive.add(victim);
    const start = process.cpuUsage();
    decideL2({ config, nodeName: me, nodes, liveMembers: baseLive, services, endpoints, interfaces });
    basePerChange.push(cpuMs(start));
  }

  console.log(`${SERVICES} Services on ${NODES} nodes; ${CHANGES} membership changes changed ${moved} announcements; baseline run on the first ${BASELINE_CHANGES}`);
  const heraldMean = mean(perChange);
  const heraldP99 = quantile(perChange, 0.99);
  printFigure({
    name: `re-elect after a node leaves or joins, ${SERVICES} Services on ${NODES} nodes, mean CPU per change`,
    unit: 'ms',
    herald: heraldMean,
    baseline: mean(basePerChange),
    baselineName: 'full decideL2',
    target: '< 50 ms (a tenth of the 500 ms failover budget)',
    met: heraldMean < 50,
  });
  printFigure({
    name: `re-elect after a node leaves or joins, ${SERVICES} Services on ${NODES} nodes, 99th percentile CPU per change`,
    unit: 'ms',
    herald: heraldP99,
    baseline: quantile(basePerChange, 0.99),
    baselineName: 'full decideL2',
    target: '< 50 ms',
    met: heraldP99 < 50,
  });
}

main();
