// make bench, layer-2 failover: three lab nodes and a client on one bridge; the client sends an
// HTTP request on a new connection every 10 ms to the Service address and records who answered.
// The owner is SIGKILLed, or its link goes down, >= 20 times each; the figures are the client's
// failover gap (the longest run of unanswered requests around the fault) and the time from the
// fault to the first answer from the new owner, median and 95th percentile. Baseline: keepalived
// (Debian's package, VRRP v3 multicast) moving a virtual address between the same namespaces, at
// its default advertisement interval (1 s) and at 100 ms, in the same run. Herald runs twice: with
// its defaults, and with the shorter suspicion that trades stall tolerance for speed as keepalived's
// 100 ms adverts do (--members-suspicion-mult 1.25), which is compared with keepalived at 100 ms.
//   node e2e/dist/bench/l2-failover.bench.js [--trials 20] [--adverts 1000,100|none] [--herald default,1.25] [--faults sigkill,link-down] [--seed 1]

import { cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '@herald/shared/bench/random.js';
import { formatNumber, printFigure } from '@herald/shared/bench/report.js';
import { summarizeTrials, type Spread, type TrialSummary } from '../harness/failover-stats.js';
import {
  FAULT_WORDS,
  L2_FAULTS,
  runFailoverTrial,
  startKeepalivedSpeakers,
  vrrpMoveTimeoutMs,
  type FailoverTrial,
  type L2Fault,
  type StartL2Speakers,
} from '../harness/l2-failover.js';
import { startHeraldL2Speakers } from '../harness/herald-l2-speakers.js';
import { cleanLeftovers, createLab, describeLeftovers, keepalivedVersion, type Lab } from '../lab/index.js';
import { runBenchmark } from './run-benchmark.js';

const TRIALS = '20';
const ADVERTS = '1000,100';
const PROBE_INTERVAL_MS = 10;
/** Each fault strikes after a random delay below this: one period of keepalived's default adverts, several of Herald's membership probes. */
const FAULT_PHASE_MS = 1000;
const SEED = '1';
/** Herald's sides: its defaults, and a suspicion multiplier (--members-suspicion-mult) tuned for speed. */
const HERALD = 'default,1.25';
/** The tuned side is held to this baseline's median. */
const FAST_BASELINE = 'keepalived 100 ms';
/** The issue's target for Herald with default settings. */
const TARGET_MEDIAN_MS = 500;
const TARGET_P95_MS = 1000;
/** Herald's failure detection is meant to take well under a second; a trial that has not moved by then failed. */
const HERALD_MOVE_TIMEOUT_MS = 10_000;

type Results = Map<L2Fault, FailoverTrial[]>;

/**
 * Trials alternate between the faults, so a slow stretch of the shared machine spreads over both.
 * Every side draws its fault delays from the same seed: each meets the same sequence of phases.
 */
async function measure(lab: Lab, start: StartL2Speakers, address: string, trials: number, faults: readonly L2Fault[], moveTimeoutMs: number, seed: number): Promise<Results> {
  const random = seededRandom(seed);
  const results: Results = new Map(faults.map((f) => [f, []]));
  const speakers = await start(lab, address);
  try {
    for (let i = 0; i < trials; i++) {
      for (const fault of faults) {
        const trial = await runFailoverTrial(lab, speakers, address, fault, { moveTimeoutMs, intervalMs: PROBE_INTERVAL_MS, faultDelayMs: random() * FAULT_PHASE_MS }).catch((e: unknown) => {
          throw new Error(`${speakers.name}, trial ${i + 1} of ${trials}, ${FAULT_WORDS[fault]}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        });
        results.get(fault)?.push(trial);
      }
    }
  } finally {
    await speakers.stopAll();
  }
  return results;
}

/** One Herald side: `default`, or a --members-suspicion-mult value. */
interface HeraldSide {
  name: string;
  /** True for the defaults, held to the issue's absolute targets; a tuned side is held to FAST_BASELINE. */
  defaults: boolean;
  start: StartL2Speakers;
}

function heraldSide(setting: string): HeraldSide {
  if (setting === 'default') return { name: 'herald (defaults)', defaults: true, start: startHeraldL2Speakers() };
  const extraArgs = ['--members-suspicion-mult', setting];
  return { name: `herald (${extraArgs.join(' ')})`, defaults: false, start: startHeraldL2Speakers({ speaker: { extraArgs } }) };
}

function advertName(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function describeCase(who: string, fault: L2Fault, trials: readonly FailoverTrial[], s: TrialSummary): string {
  const ms = (x: number): string => formatNumber(Math.round(x));
  const sp = (x: Spread): string => `median ${ms(x.median)}, p95 ${ms(x.p95)}, min ${ms(x.min)}, max ${ms(x.max)} ms`;
  const owners = [...new Set(trials.map((t) => `${t.owner} -> ${t.newOwner ?? 'nobody'}`))].join(', ');
  return (
    `  ${who}, ${FAULT_WORDS[fault]}: ${s.trials} trials (${owners}${s.failed > 0 ? `; ${s.failed} FAILED: traffic did not resume or moved to no other node` : ''})\n` +
    `    client's gap: ${sp(s.gap)}\n` +
    `    fault to the new owner's first answer: ${sp(s.move)}`
  );
}

interface Side {
  name: string;
  summary: TrialSummary;
}

/**
 * The defaults against the issue's targets (median < 500 ms, p95 < 1 s), beside every baseline; a
 * tuned side against keepalived at 100 ms, the median no slower.
 */
function figures(fault: L2Fault, herald: HeraldSide, summary: TrialSummary, baselines: readonly Side[]): void {
  const metrics: Array<{ label: string; pick: (s: TrialSummary) => Spread }> = [
    { label: "client's failover gap", pick: (s) => s.gap },
    { label: "fault to the new owner's first answer", pick: (s) => s.move },
  ];
  for (const m of metrics) {
    for (const stat of ['median', 'p95'] as const) {
      const name = `${FAULT_WORDS[fault]}, ${herald.name}: ${m.label}, ${stat === 'median' ? 'median' : '95th percentile'}`;
      const value = m.pick(summary)[stat];
      for (const b of baselines) {
        if (!herald.defaults && b.name !== FAST_BASELINE) continue;
        const baseline = m.pick(b.summary)[stat];
        const limit = stat === 'median' ? TARGET_MEDIAN_MS : TARGET_P95_MS;
        const target = herald.defaults
          ? { target: `< ${formatNumber(limit)} ms`, met: value < limit }
          : stat === 'median'
            ? { target: `<= ${b.name}`, met: value <= baseline }
            : {};
        printFigure({ name, unit: 'ms', herald: value, baseline, baselineName: b.name, ...target });
      }
    }
  }
}

function parseOptions(argv: string[]): { trials: number; adverts: number[]; herald: string[]; faults: L2Fault[]; seed: number } {
  const { values } = parseArgs({
    args: argv,
    options: {
      trials: { type: 'string', default: TRIALS },
      adverts: { type: 'string', default: ADVERTS },
      herald: { type: 'string', default: HERALD },
      faults: { type: 'string', default: L2_FAULTS.join(',') },
      seed: { type: 'string', default: SEED },
    },
  });
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed: ${values.seed} is not a whole number`);
  const trials = Number(values.trials);
  // "none": Herald alone, for a quick look; no figures then, as they compare with a baseline.
  const adverts = values.adverts === 'none' ? [] : (values.adverts ?? ADVERTS).split(',').map(Number);
  const faults = (values.faults ?? '').split(',') as L2Fault[];
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`--trials: ${values.trials} is not a whole number above 0`);
  if (adverts.some((a) => !Number.isInteger(a) || a < 10 || a % 10 !== 0)) throw new Error(`--adverts: ${values.adverts} is not a list of VRRP intervals in ms (multiples of 10)`);
  if (faults.some((f) => !L2_FAULTS.includes(f))) throw new Error(`--faults: ${values.faults} is not a list of ${L2_FAULTS.join(', ')}`);
  const herald = (values.herald ?? HERALD).split(',');
  const mult = (x: string): number => (/^[0-9]+(\.[0-9]+)?$/.test(x) ? Number(x) : NaN);
  if (herald.some((h) => h !== 'default' && !(mult(h) >= 1 && mult(h) <= 10))) throw new Error(`--herald: ${values.herald} is not a list of "default" and suspicion multipliers from 1 to 10`);
  return { trials, adverts, herald, faults, seed };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const left = cleanLeftovers();
  if (left.removed.length > 0) console.log(describeLeftovers(left));
  const lab = await createLab({ nodes: 3, router: 'bird', ipv6Sessions: false });
  try {
    const address = `198.18.${lab.segment.k}.200`;
    console.log(
      `lab ${lab.prefix}: ${lab.nodes.length} nodes and a client on one bridge; the client requests http://${address}/ on a new connection every ${PROBE_INTERVAL_MS} ms ` +
        `(a request unanswered within 500 ms counts as lost); ${options.trials} trials per fault and side, each fault after a random delay below ${FAULT_PHASE_MS} ms (seed ${options.seed}).\n` +
        `baseline: ${keepalivedVersion()}, VRRP v3 over multicast, priorities 150/100/50 with preemption (node1 is master, node2 takes over; ` +
        `after each trial node1 comes back and takes the address back). A SIGKILLed keepalived leaves the address on node1's interface and ` +
        `node1 keeps answering for it, as after a real crash of the daemon: the client's gap is then only the switch to the new owner's MAC, ` +
        `and the move time says how long the group took to notice.\n` +
        `herald: the speakers in layer-2 mode (lab API server, controller, a pool holding only ${address}, an L2Advertisement, a Service with an endpoint on every node), ` +
        `the address on every node's lo as kube-proxy puts it, a responder on it on every node. A SIGKILLed speaker leaves the address on its node's lo, and ` +
        `clients whose neighbour entry still points at that node keep reaching it, just as with keepalived: so for SIGKILL the fair comparison is ` +
        `"fault to the new owner's first answer", the same figure as keepalived's; the client's gap is reported too but mostly measures the MAC switch.`,
    );
    const baselines: Array<{ name: string; results: Results }> = [];
    for (const advert of options.adverts) {
      const start = startKeepalivedSpeakers({ advertIntervalMs: advert });
      baselines.push({ name: `keepalived ${advertName(advert)}`, results: await measure(lab, start, address, options.trials, options.faults, vrrpMoveTimeoutMs(advert), options.seed) });
    }
    const heralds: Array<{ side: HeraldSide; results: Results }> = [];
    for (const setting of options.herald) {
      const side = heraldSide(setting);
      heralds.push({ side, results: await measure(lab, side.start, address, options.trials, options.faults, HERALD_MOVE_TIMEOUT_MS, options.seed) });
    }
    for (const fault of options.faults) {
      console.log(`${FAULT_WORDS[fault]}:`);
      const sides: Side[] = [];
      for (const b of baselines) {
        const trials = b.results.get(fault) ?? [];
        const summary = summarizeTrials(trials);
        console.log(describeCase(b.name, fault, trials, summary));
        sides.push({ name: b.name, summary });
      }
      for (const h of heralds) {
        const trials = h.results.get(fault) ?? [];
        const summary = summarizeTrials(trials);
        console.log(describeCase(h.side.name, fault, trials, summary));
        figures(fault, h.side, summary, sides);
      }
    }
  } catch (e) {
    // The lab's directory goes with it: keep the speakers' and keepalived's logs for whoever reads the failure.
    const kept = join(tmpdir(), `l2-failover-logs-${lab.prefix}`);
    cpSync(join(lab.runDir, 'logs'), kept, { recursive: true });
    throw new Error(`${e instanceof Error ? e.message : String(e)} (logs kept in ${kept})`, { cause: e });
  } finally {
    await lab.destroy();
  }
}

runBenchmark('layer-2 failover benchmark', main);
