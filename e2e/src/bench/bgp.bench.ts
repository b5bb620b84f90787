// make bench, BGP: one lab node announcing 1,000, 10,000 and 100,000 /32 routes to FRR, Herald's
// speaker code (Peering -> BgpSession, in a child process in the node's namespace) against
// gobgpd as the speaker, in the same run, to the same router. Then recompute-and-apply: CPU per
// changed Service among 10,000 announced, from the Announcer to the UPDATE written to FRR.
// Router timings are FRR's own view, polled every 5 ms over its vty socket.
//   node e2e/dist/bench/bgp.bench.js [--sizes 1000,10000,100000] [--repeats 3]

import { parseArgs } from 'node:util';
import { printFigure } from '@herald/shared/bench/report.js';
import { FRR_COALESCE_MS } from '../lab/frr-config.js';
import {
  bgpNeighbors,
  cleanLeftovers,
  createLab,
  describeLeftovers,
  measureGoBgpRouteLoad,
  waitFor,
  waitForRouteCount,
  waitForSessionState,
  type Lab,
  type LabHost,
  type RouteLoad,
} from '../lab/index.js';
import { BgpSpeakerChild, type ChildReply } from './bgp-speaker-child.js';
import { APPLY_SERVICES } from './bgp-workload.js';
import { runBenchmark } from './run-benchmark.js';

const SIZES = '1000,10000,100000';
/** Runs per size and speaker; figures are medians (the machine is shared: runs vary by 20-30 %). */
const REPEATS = '3';
const ROUTE_TIMEOUT_MS = 300_000;
/** gobgpd's whole run at 100,000 routes (load, fill, withdraw one UPDATE per prefix) takes about 15 s. */
const GOBGP_TIMEOUT_MS = 90_000;
const GOBGP_ATTEMPTS = 3;
const HERALD_CHANGES = 2_000;
/** A full recompute of 10,000 Services takes tens of milliseconds: this many give a steady mean. */
const BASELINE_CHANGES = 40;
const MiB = 1024 * 1024;

interface HeraldLoad {
  establishedToAllMs: number;
  withdrawAllMs: number;
  peakRssBytes: number;
  /** The process before it held any route: Node and the speaker's code. */
  startRssBytes: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function numberField(r: ChildReply, field: string): number {
  const v = r[field];
  if (typeof v !== 'number') throw new Error(`bench speaker reply ${r.event} has no number ${field}: ${JSON.stringify(r)}`);
  return v;
}

function numbersField(r: ChildReply, field: string): number[] {
  const v = r[field];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw new Error(`bench speaker reply ${r.event} has no list ${field}`);
  return v as number[];
}

/** The settings both speakers are compared under, read back from the running router rather than assumed. */
async function checkRouterSettings(lab: Lab): Promise<string> {
  const running = await lab.routerCli('show running-config');
  if (!running.includes(`coalesce-time ${FRR_COALESCE_MS}`)) throw new Error(`the lab's FRR does not run with coalesce-time ${FRR_COALESCE_MS}:\n${running}`);
  const zebra = lab.processes().find((p) => p.name === 'zebra');
  const s = zebra?.argv.indexOf('-s') ?? -1;
  const buffer = s >= 0 ? zebra?.argv[s + 1] : undefined;
  if (buffer === undefined) throw new Error(`the lab's zebra runs without -s (netlink buffer): ${zebra?.argv.join(' ') ?? 'no zebra'}`);
  return `FRR, coalesce-time ${FRR_COALESCE_MS} ms, zebra -s ${buffer}, one eBGP IPv4 session (AS ${lab.nodePeers[0]?.asn} -> AS ${lab.routerAsn})`;
}

/** Between runs: the router's session with the node is down and its kernel holds none of the routes, so FRR is idle. */
async function routerIdle(lab: Lab, node: LabHost): Promise<void> {
  await waitFor(
    async () => (await bgpNeighbors(lab)).find((n) => n.address === node.ipv4)?.state !== 'Established',
    30_000,
    { what: `the router's session with ${node.name} to close`, intervalMs: 50 },
  );
  await waitFor(
    async () => (await lab.exec(lab.router, ['ip', '-4', 'route', 'show', 'proto', 'bgp'])).trim() === '',
    ROUTE_TIMEOUT_MS,
    { what: "the router's kernel to drop the BGP routes", intervalMs: 250 },
  );
}

/**
 * The GoBGP half. Loading gobgpd through `gobgp mrt inject` from a FIFO sometimes stalls with part
 * of the routes taken in (gobgp 3.10's MRT reader misreads a record split across pipe reads), which
 * says nothing about gobgpd as a speaker: such a run is said and done again.
 */
async function measureGoBgp(lab: Lab, node: LabHost, n: number): Promise<RouteLoad> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await measureGoBgpRouteLoad(lab, node, n, { timeoutMs: GOBGP_TIMEOUT_MS });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (attempt >= GOBGP_ATTEMPTS || !/gobgpd on \S+ to hold \d+|gobgp mrt inject on \S+ exited early/.test(message)) throw e;
      console.log(`  (gobgpd with ${n} routes, attempt ${attempt} of ${GOBGP_ATTEMPTS}, did not load: ${message.split('\n')[0]}; trying again)`);
      await routerIdle(lab, node);
    }
  }
}

/** Herald's half: the speaker's Peering in the node's namespace, given n routes before its session comes up. */
async function measureHeraldRouteLoad(lab: Lab, node: LabHost, n: number, run: number): Promise<HeraldLoad> {
  const child = new BgpSpeakerChild(lab, node, 'load', `load-${n}-${run}`);
  try {
    const ready = await child.next();
    await child.request('announce', { routes: n });
    const established = await waitForSessionState(lab, node.ipv4, 'Established', { timeoutMs: 30_000 });
    const all = await waitForRouteCount(lab, n, { peer: node.ipv4, timeoutMs: ROUTE_TIMEOUT_MS });
    const withdrawStart = performance.now();
    child.send('withdraw');
    const none = await waitForRouteCount(lab, 0, { peer: node.ipv4, timeoutMs: ROUTE_TIMEOUT_MS });
    await child.next();
    const report = await child.request('report');
    return {
      establishedToAllMs: all.at - established,
      withdrawAllMs: none.at - withdrawStart,
      peakRssBytes: numberField(report, 'maxRssBytes'),
      startRssBytes: numberField(ready, 'rssBytes'),
    };
  } finally {
    await child.stop();
  }
}

function runs(xs: readonly number[], scale: number, unit: string): string {
  return `${xs.map((x) => (x / scale).toFixed(scale === 1 ? 0 : 1)).join(' / ')} ${unit}`;
}

async function routeLoad(lab: Lab, node: LabHost, n: number, repeats: number): Promise<void> {
  const herald: HeraldLoad[] = [];
  const gobgp: RouteLoad[] = [];
  for (let r = 0; r < repeats; r++) {
    // Alternate who goes first, so neither always meets a router that has just worked.
    const order = r % 2 === 0 ? (['gobgpd', 'herald'] as const) : (['herald', 'gobgpd'] as const);
    for (const who of order) {
      if (who === 'gobgpd') gobgp.push(await measureGoBgp(lab, node, n));
      else herald.push(await measureHeraldRouteLoad(lab, node, n, r));
      await routerIdle(lab, node);
    }
  }
  const h = (f: (x: HeraldLoad) => number): number[] => herald.map(f);
  const g = (f: (x: RouteLoad) => number): number[] => gobgp.map(f);
  const at100k = n >= 100_000;
  const fill = { herald: median(h((x) => x.establishedToAllMs)), gobgp: median(g((x) => x.establishedToAllMs)) };
  const withdraw = { herald: median(h((x) => x.withdrawAllMs)), gobgp: median(g((x) => x.withdrawAllMs)) };
  const rss = { herald: median(h((x) => x.peakRssBytes)) / MiB, gobgp: median(g((x) => x.peakRssBytes)) / MiB };
  const label = n.toLocaleString('en-US');
  console.log(`${label} routes, ${repeats} runs each (median printed):`);
  console.log(`  herald: Established->all ${runs(h((x) => x.establishedToAllMs), 1, 'ms')}; withdraw ${runs(h((x) => x.withdrawAllMs), 1, 'ms')}; peak RSS ${runs(h((x) => x.peakRssBytes), MiB, 'MiB')}; RSS before any route ${runs(h((x) => x.startRssBytes), MiB, 'MiB')}`);
  console.log(`  gobgpd: Established->all ${runs(g((x) => x.establishedToAllMs), 1, 'ms')}; withdraw ${runs(g((x) => x.withdrawAllMs), 1, 'ms')}; peak RSS ${runs(g((x) => x.peakRssBytes), MiB, 'MiB')} (from the end of loading)`);
  printFigure({
    name: `${label} /32 routes: Established to all in FRR's table`,
    unit: 'ms',
    herald: fill.herald,
    baseline: fill.gobgp,
    baselineName: 'gobgpd',
    ...(at100k ? { target: 'ratio <= 1.0', met: fill.herald <= fill.gobgp } : {}),
  });
  printFigure({ name: `${label} /32 routes: withdraw all to FRR's table empty`, unit: 'ms', herald: withdraw.herald, baseline: withdraw.gobgp, baselineName: 'gobgpd' });
  printFigure({
    name: `${label} /32 routes: speaker peak RSS (herald: whole life of a Node process that starts at ${(median(h((x) => x.startRssBytes)) / MiB).toFixed(0)} MiB)`,
    unit: 'MiB',
    herald: rss.herald,
    baseline: rss.gobgp,
    baselineName: 'gobgpd',
    ...(at100k ? { target: '< 2x gobgpd', met: rss.herald < 2 * rss.gobgp } : {}),
  });
}

async function recomputeAndApply(lab: Lab, node: LabHost): Promise<void> {
  const child = new BgpSpeakerChild(lab, node, 'apply', 'apply');
  try {
    await child.next();
    const started = await child.request('herald-start');
    await waitForSessionState(lab, node.ipv4, 'Established', { timeoutMs: 30_000 });
    await waitForRouteCount(lab, numberField(started, 'routes'), { peer: node.ipv4, timeoutMs: ROUTE_TIMEOUT_MS });
    const herald = await child.request('herald-measure', { changes: HERALD_CHANGES }, ROUTE_TIMEOUT_MS);
    // The changes reached the router, not only the socket.
    await waitForRouteCount(lab, numberField(herald, 'routes'), { peer: node.ipv4, timeoutMs: 30_000 });
    await child.request('herald-stop');
    await routerIdle(lab, node);

    const baseStarted = await child.request('baseline-start');
    await waitForSessionState(lab, node.ipv4, 'Established', { timeoutMs: 30_000 });
    await waitForRouteCount(lab, numberField(baseStarted, 'routes'), { peer: node.ipv4, timeoutMs: ROUTE_TIMEOUT_MS });
    const baseline = await child.request('baseline-measure', { changes: BASELINE_CHANGES }, ROUTE_TIMEOUT_MS);
    await waitForRouteCount(lab, numberField(baseline, 'routes'), { peer: node.ipv4, timeoutMs: 30_000 });

    const cpu = numbersField(herald, 'cpuMs');
    const decision = numbersField(herald, 'decisionCpuMs');
    const baseCpu = numbersField(baseline, 'cpuMs');
    console.log(
      `${APPLY_SERVICES.toLocaleString('en-US')} Services announced to FRR; ${cpu.length} changes sent ${numberField(herald, 'routeChanges')} route changes; ` +
        `baseline run on the first ${baseCpu.length}. Of herald's mean, the Announcer took ${mean(decision).toFixed(3)} ms, applying and writing ${(mean(cpu) - mean(decision)).toFixed(3)} ms`,
    );
    const name = `recompute-and-apply for one changed Service among ${APPLY_SERVICES.toLocaleString('en-US')} (Announcer -> Peering.applyRoutes -> UPDATE written)`;
    const baselineName = 'full decideBgp + whole-table setRoutes';
    printFigure({ name: `${name}, mean CPU per change`, unit: 'ms', herald: mean(cpu), baseline: mean(baseCpu), baselineName, target: '< 5 ms', met: mean(cpu) < 5 });
    printFigure({
      name: `${name}, 99th percentile CPU per change`,
      unit: 'ms',
      herald: quantile(cpu, 0.99),
      baseline: quantile(baseCpu, 0.99),
      baselineName,
      target: '< 5 ms',
      met: quantile(cpu, 0.99) < 5,
    });
  } finally {
    await child.stop();
  }
}

function parseOptions(argv: string[]): { sizes: number[]; repeats: number } {
  const { values } = parseArgs({ args: argv, options: { sizes: { type: 'string', default: SIZES }, repeats: { type: 'string', default: REPEATS } } });
  const sizes = (values.sizes ?? SIZES).split(',').map(Number);
  const repeats = Number(values.repeats);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1_000_000)) throw new Error(`--sizes: ${values.sizes} is not a list of route counts from 1 to 1,000,000`);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats: ${values.repeats} is not a whole number above 0`);
  return { sizes, repeats };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const left = cleanLeftovers();
  if (left.removed.length > 0) console.log(describeLeftovers(left));
  const lab = await createLab({ nodes: 1, router: 'frr', ipv6Sessions: false });
  try {
    const node = lab.nodes[0];
    if (node === undefined) throw new Error('the lab has no node');
    console.log(`lab ${lab.prefix}: ${await checkRouterSettings(lab)}`);
    for (const n of options.sizes) await routeLoad(lab, node, n, options.repeats);
    await recomputeAndApply(lab, node);
  } finally {
    await lab.destroy();
  }
}

runBenchmark('BGP benchmark', main);
