// make bench, layer-2 memory: one lab node, its speaker in layer-2 mode, and the controller giving
// 10,000 Services (each with a ready endpoint on the node) IPv6 addresses from a pool on the lab
// segment, so the speaker answers for all of them; the figure is the speaker process's peak RSS
// (VmHWM) once it announces every one, beside its RSS after layer-2 mode started with none.
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
import { cleanLeftovers, createLab, describeLeftovers, peakRssBytes } from '../lab/index.js';
import { waitFor } from '../lab/wait.js';

const SERVICES = '10000';
/** Creates in flight at once: enough to keep the lab API server busy without queueing thousands of sockets. */
const CONCURRENCY = 32;
const MiB = 1024 * 1024;

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
  const cluster = await openTestCluster({ listen: [lab.hostAddress] });
  try {
    const node = lab.nodes[0];
    if (node === undefined) throw new Error(`lab ${lab.prefix} has no node`);
    const lbClass = `heraldlb.io/bench-${runSuffix()}`;
    const k = new HeraldObjects(cluster, lbClass);
    const bgp = new BgpObjects(cluster);
    await k.core.createNode({ body: labNodeObject(node) });
    const controller = new ControllerProcess(cluster, { identity: `bench-${runSuffix()}`, leaseName: k.lease(), lbClass });
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
    await inBatches(services, async (i) => {
      const name = `${L2_SERVICE}-${i}`;
      await k.createService(namespace, name, { annotations: { [ANNOTATION.addressPool]: pool }, spec: { ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack' } });
      await bgp.endpoints(namespace, name, { [node.name]: 1 });
    });
    const created = Date.now();
    await waitFor(
      async () => (metricValue(await speaker.metrics(), 'herald_speaker_l2_owned_addresses') ?? 0) >= services || undefined,
      600_000,
      { what: `speaker on ${node.name} to answer for ${services} addresses`, intervalMs: 1000 },
    );
    const announced = Date.now();
    const peak = peakRssBytes(pid) ?? NaN;
    console.log(
      `lab ${lab.prefix}: one node; ${services} IPv6 Services from ${range}, each with a ready endpoint on ${node.name}; created in ${((created - began) / 1000).toFixed(1)} s, ` +
        `all answered for ${((announced - began) / 1000).toFixed(1)} s after the first.\n` +
        `speaker (a Node process) RSS after layer-2 mode started with no address: ${(startRss / MiB).toFixed(1)} MiB; peak RSS (VmHWM) once it answers for ${services}: ${(peak / MiB).toFixed(1)} MiB ` +
        `(${(((peak - startRss) / services) * 1024 / MiB).toFixed(2)} KiB per address over the start). No baseline and no target in issue 5 for this figure.`,
    );
  } finally {
    await killAllSpeakers();
    await killAllControllers();
    await cluster.close();
    await lab.destroy();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`layer-2 memory benchmark: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
