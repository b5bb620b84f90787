/*
 * Benchmark (not a test): one change to the owned set of a node answering for 10,000 addresses
 * (a Service added or deleted, an address taken over or let go), given to the responder's
 * OwnedTable as that change alone, against the full rebuild the responder did before: every
 * address read and written again and every (address, interface) pair rebuilt and compared with
 * those running, on each change. That rebuild made a burst of changes cost the square of their
 * number and stalled the speaker's event loop for over a minute at 10,000 Services.
 *
 *   cd /work/main && npx tsc -p speaker && node speaker/dist/l2/owned.bench.js
 *
 * CPU time is process.cpuUsage() (user + system) around all the changes of a side, divided by
 * their number: one incremental change takes microseconds, below the clock's resolution.
 */
import { printFigure } from '@herald/shared/bench/report.js';
import { type OwnedAddress, type OwnedChange, OwnedTable } from './owned.js';

const ADDRESSES = 10_000;
const CHANGES = 2_000;
/** A full rebuild takes tens of milliseconds; this many give a steady mean. */
const BASELINE_CHANGES = 20;

function address(i: number): string {
  return `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
}

function entry(i: number): OwnedAddress {
  return { interfaces: ['eth1'], services: [`default/s${i}`] };
}

/** Change `n`: every other one adds a new address, the others remove the oldest still owned. */
function change(n: number): { added?: number; removed?: number } {
  return n % 2 === 0 ? { added: ADDRESSES + n / 2 } : { removed: (n - 1) / 2 };
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function incremental(): number {
  const table = new OwnedTable();
  table.update({ set: new Map(Array.from({ length: ADDRESSES }, (_, i) => [address(i), entry(i)])) });
  const start = process.cpuUsage();
  for (let n = 0; n < CHANGES; n++) {
    const { added, removed } = change(n);
    const delta: OwnedChange = added === undefined ? { removed: [address(removed as number)] } : { set: new Map([[address(added), entry(added)]]) };
    table.update(delta);
  }
  return cpuMs(start) / CHANGES;
}

/** The responder before: the whole set, as the speaker rebuilt it, read afresh and its pairs compared with those running. */
function fullRebuild(): number {
  const owned = new Map(Array.from({ length: ADDRESSES }, (_, i) => [address(i), entry(i)]));
  let running = new Set([...owned.keys()].map((a) => `eth1 ${a}`));
  let started = 0;
  const start = process.cpuUsage();
  for (let n = 0; n < BASELINE_CHANGES; n++) {
    const { added, removed } = change(n);
    if (added === undefined) owned.delete(address(removed as number));
    else owned.set(address(added), entry(added));
    const whole = new Map<string, OwnedAddress>();
    for (const [text, a] of owned) whole.set(text, { interfaces: [...a.interfaces], services: a.services });
    const table = new OwnedTable();
    table.update({ set: whole });
    const wanted = new Set<string>();
    for (const name of table.interfaces()) for (const pair of table.pairsOn(name)) wanted.add(pair.key);
    started += [...wanted].filter((key) => !running.has(key)).length;
    running = wanted;
  }
  const perChange = cpuMs(start) / BASELINE_CHANGES;
  if (started !== BASELINE_CHANGES / 2) throw new Error(`the full rebuild started ${started} pairs; expected ${BASELINE_CHANGES / 2}`);
  return perChange;
}

function main(): void {
  const herald = incremental();
  const baseline = fullRebuild();
  console.log(`${ADDRESSES} owned addresses; ${CHANGES} changes incrementally, the first ${BASELINE_CHANGES} by full rebuild`);
  printFigure({
    name: `one change to the owned set of ${ADDRESSES} addresses, mean CPU per change`,
    unit: 'ms',
    herald,
    baseline,
    baselineName: 'full rebuild (every address read again, every pair compared)',
    target: '< 0.1 ms, so that a burst of 10,000 changes holds the event loop for under a second',
    met: herald < 0.1,
  });
}

main();
