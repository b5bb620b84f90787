// make bench, layer-2 memory: one lab node, its speaker in layer-2 mode, and the controller giving
// 10,000 Services (each with a ready endpoint on the node) IPv6 addresses from a pool on the lab
// segment, so the speaker answers for all of them; the figure is the speaker process's peak RSS
// (VmHWM) once it announces every one, beside its RSS after layer-2 mode started with none, and
// the longest its event loop stalled meanwhile (what the membership's failure detector must
// tolerate). Baseline in the same run: keepalived's VRRP process on the same node holding the
// same 10,000 addresses (as virtual_ipaddress_excluded), its peak RSS once they are all on the
// interface.
//   node e2e/dist/bench/l2-rss.bench.js [--services 10000]

import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ANNOTATION } from '@herald/shared/api/constants.js';
import { BgpObjects } from '../harness/bgp-objects.js';
import { openTestCluster, runSuffix } from '../harness/cluster.js';
import { ControllerProcess, killAllControllers, metricValue } from '../harness/controller-process.js';
import { HeraldObjects } from '../harness/herald-objects.js';
import { L2_SERVICE, MEMBERS_SECRET } from '../harness/l2-lab.js';
import { labNodeObject } from '../harness/nodes.js';
import { killAllSpeakers, startSpeaker } from '../harness/speaker-process.js';
import { cleanLeftovers, createLab, describeLeftovers, peakRssBytes, startKeepalived, type Lab, type LabHost } from '../lab/index.js';
import { formatNumber, printFigure } from '@herald/shared/bench/report.js';
import { waitFor, WaitAborted } from '../lab/wait.js';
import { runBenchmark } from './run-benchmark.js';

const SERVICES = '10000';
/** Creates in flight at once: enough to keep the lab API server busy without queueing thousands of sockets. */
const CONCURRENCY = 32;
const MiB = 1024 * 1024;
/** From the first create to the speaker answering for every address. */
const ANSWERED_WITHIN_MS = 1_800_000;

async function inBatches(count: number, each: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await each(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { services: { type: 'string', default: SERVICES } } });
  const services = Number(values.services);
  if (!Number.isInteger(services) || services < 1 || services > 16_000) throw new Error(`--services: ${values.services} is not a whole number from 1 to 16000 (the pool is a /114)`);
  const left = cleanLeftovers();
  if (left.removed.length > 0) console.log(describeLeftovers(left));
  const lab = await createLab({ nodes: 1, router: 'bird', ipv6Sessions: false });
  const cluster = await openTestCluster({ listen: [lab.hostAddress], serverProcess: true });
  try {
    const node = lab.nodes[0];
    if (node === undefined) throw new Error(`lab ${lab.prefix} has no node`);
    const lbClass = `heraldlb.io/bench-${runSuffix()}`;
    const k = new HeraldObjects(cluster, lbClass);
    const bgp = new BgpObjects(cluster);
    await k.core.createNode({ body: labNodeObject(node) });
    // A real cluster's Lease timings, not the harness's short failover ones: a leader that steps down
    // because the API server took 2 s to renew while it stored thousands of writes ends the run.
    const controller = new ControllerProcess(cluster, { identity: `bench-${runSuffix()}`, leaseName: k.lease(), lbClass, lease: { duration: '15s', renewDeadline: '10s', retryPeriod: '2s' } });
    await controller.waitForLeading();
    const pool = `l2-rss-${runSuffix()}`;
    const range = `${lab.segment.ipv6Cidr.replace(/\/64$/, '')}b:0/114`;
    await bgp.membersSecret(MEMBERS_SECRET, randomBytes(32));
    await k.createPool(pool, { addresses: [range] });
    await bgp.l2Advertisement(pool, { ipAddressPools: [pool] });
    const namespace = await k.namespace();
    const speaker = startSpeaker(lab, node, {
      kubeconfigPath: cluster.kubeconfigPathFor(lab.hostAddress),
      gracefulShutdownDelay: '0s',
      logLevel: 'info',
      metrics: true,
      extraArgs: ['--lb-class', lbClass, '--no-default-class'],
    });
    await speaker.waitForLog((l) => l.message === 'layer-2 mode started', 20_000, 'layer-2 mode started');
    const pid = speaker.pid as number;
    const startRss = peakRssBytes(pid) ?? NaN;
    const began = Date.now();
    let created = NaN;
    const creating = inBatches(services, async (i) => {
      const name = `${L2_SERVICE}-${i}`;
      await k.createService(namespace, name, { annotations: { [ANNOTATION.addressPool]: pool }, spec: { ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack', allocateLoadBalancerNodePorts: false } });
      await bgp.endpoints(namespace, name, { [node.name]: 1 });
    }).then(() => {
      created = Date.now();
    });
    // Scraped from the first create on, as the speaker takes on addresses while they are created;
    // prom-client's lag maximum starts afresh at each scrape, so the largest over the scrapes is the run's.
    let lagMaxSeconds = 0;
    const answered = waitFor(
      async () => {
        for (const [who, p] of [['speaker', speaker], ['controller', controller]] as const) {
          if (!p.alive) throw new WaitAborted(`the ${who} exited (code ${p.exitCode}, signal ${p.signal}) before the speaker answered for ${services} addresses; ${p.describe()}`);
        }
        const text = await speaker.metrics();
        lagMaxSeconds = Math.max(lagMaxSeconds, metricValue(text, 'nodejs_eventloop_lag_max_seconds') ?? 0);
        return (metricValue(text, 'herald_speaker_l2_owned_addresses') ?? 0) >= services || undefined;
      },
      ANSWERED_WITHIN_MS,
      { what: `speaker on ${node.name} to answer for ${services} addresses`, intervalMs: 1000 },
    );
    await Promise.all([creating, answered]);
    const announced = Date.now();
    const peak = peakRssBytes(pid) ?? NaN;
    const owned = (await k.core.listNamespacedService({ namespace })).items.flatMap((svc) => (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : [])));
    await killAllSpeakers();
    await killAllControllers();
    const keepalived = await keepalivedPeak(lab, node, `198.18.${lab.segment.k}.200`, owned);
    console.log(
      `lab ${lab.prefix}: one node; ${services} IPv6 Services from ${range}, each with a ready endpoint on ${node.name}; created in ${((created - began) / 1000).toFixed(1)} s, ` +
        `all answered for ${((announced - began) / 1000).toFixed(1)} s after the first.\n` +
        `speaker (a Node process) RSS after layer-2 mode started with no address: ${(startRss / MiB).toFixed(1)} MiB; peak RSS (VmHWM) once it answers for ${services}: ${(peak / MiB).toFixed(1)} MiB ` +
        `(${(((peak - startRss) / services) * 1024 / MiB).toFixed(2)} KiB per address over the start); the longest event-loop stall meanwhile ${formatNumber(lagMaxSeconds * 1000)} ms.\n` +
        `The speaker's figure includes its Kubernetes caches (${services} Services and EndpointSlices, the Nodes) and the BGP side; keepalived's VRRP process reads a file and holds only the addresses.`,
    );
    printFigure({ name: `peak RSS answering for ${services} addresses`, unit: 'MiB', herald: peak / MiB, baseline: keepalived / MiB, baselineName: "keepalived's VRRP process holding the same addresses" });
    printFigure({ name: `longest event-loop stall while taking on ${services} addresses`, unit: 'ms', herald: lagMaxSeconds * 1000, baseline: NaN, baselineName: 'keepalived (a C daemon, no event-loop figure)', target: '< 300 ms (the membership never declares a member dead over a shorter stall)', met: lagMaxSeconds * 1000 < 300 });
  } finally {
    await killAllSpeakers();
    await killAllControllers();
    await cluster.close();
    await lab.destroy();
  }
}

/** keepalived's VRRP process on `node` as master of `address` plus `extra`, its peak RSS once every extra address is on the interface. */
async function keepalivedPeak(lab: Lab, node: LabHost, address: string, extra: readonly string[]): Promise<number> {
  const ka = await startKeepalived(lab, [node], address, { extraAddresses: extra, responderPort: null });
  try {
    await ka.settled(60_000);
    const want = extra.filter((a) => a.includes(':')).length;
    await waitFor(
      async () => {
        const out = await lab.exec(node, ['ip', '-6', '-o', 'addr', 'show', 'dev', node.iface, 'scope', 'global']);
        return out.split('\n').filter((l) => l.includes('inet6')).length >= want || undefined;
      },
      120_000,
      { what: `keepalived on ${node.name} to put ${want} IPv6 addresses on ${node.iface}`, intervalMs: 500 },
    );
    const peak = peakRssBytes(ka.vrrpPid(node));
    if (peak === undefined) throw new Error(`keepalived on ${node.name}: its VRRP process ${ka.vrrpPid(node)} is gone`);
    return peak;
  } finally {
    await ka.stopAll();
  }
}

runBenchmark('layer-2 memory benchmark', main);
