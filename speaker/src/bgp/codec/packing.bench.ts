/*
 * Benchmark (not a test): encodeUpdates packing 100,000 host routes, against the same routes
 * encoded one UPDATE each with encodeMessage (no packing), in the same run.
 *
 *   cd /work/main && npx tsc -p speaker && node speaker/dist/bgp/codec/packing.bench.js
 *
 * Each figure is the median of 7 runs after 3 warm-up runs: a short timing is easily hit by a
 * GC pause or a busy neighbour.
 */
import { printFigure } from '@herald/shared/bench/report.js';
import type { PathAttributes, SessionCodecOptions } from '../messages.js';
import { encodeMessage } from './message.js';
import { encodeUpdates, type OutboundRoute } from './updates.js';

const ROUTES = 100_000;
const RUNS = 7;
const WARM_UP = 3;
const OPTIONS: SessionCodecOptions = { fourOctetAs: true, extendedMessage: false, ibgp: false };

function attributes(): PathAttributes {
  return {
    origin: 0,
    asPath: [{ type: 2, asns: [4200000001] }],
    communities: [0xfde90064],
    extendedCommunities: [{ kind: 'link-bandwidth', transitive: false, asn: 23456, bytesPerSecond: 125_000_000 }],
  };
}

function routes(family: 4 | 6, shared: boolean): OutboundRoute[] {
  const one = attributes();
  return Array.from({ length: ROUTES }, (_, i) =>
    family === 4
      ? { prefix: { family: 4 as const, network: BigInt(0x0a000000 + i), length: 32 }, attributes: shared ? one : attributes(), nextHop: 0xc0000201n }
      : { prefix: { family: 6 as const, network: (0x20010db8n << 96n) + BigInt(i), length: 128 }, attributes: shared ? one : attributes(), nextHop: 0x20010db8000000000000000000000001n },
  );
}

function median(work: () => unknown): number {
  for (let i = 0; i < WARM_UP; i++) work();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    work();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

function unpacked(table: readonly OutboundRoute[]): void {
  for (const r of table) {
    encodeMessage(
      r.prefix.family === 4
        ? { type: 'update', withdrawn: [], attributes: { ...r.attributes, nextHop: r.nextHop }, nlri: [r.prefix] }
        : { type: 'update', withdrawn: [], attributes: r.attributes, mpReach: { family: { afi: 2, safi: 1 }, nextHops: [r.nextHop], prefixes: [r.prefix] }, nlri: [] },
      OPTIONS,
    );
  }
}

const cases: [string, OutboundRoute[]][] = [
  ['100,000 IPv4 /32 announced, one shared attributes object', routes(4, true)],
  ['100,000 IPv4 /32 announced, equal attributes built per route', routes(4, false)],
  ['100,000 IPv6 /128 announced, one shared attributes object', routes(6, true)],
];
for (const [name, table] of cases) {
  const herald = median(() => encodeUpdates(table, [], OPTIONS));
  const baseline = median(() => unpacked(table));
  const messages = encodeUpdates(table, [], OPTIONS).length;
  printFigure({
    name: `${name} (${messages} UPDATEs)`,
    unit: 'ms',
    herald,
    baseline,
    baselineName: 'one encodeMessage per route',
    target: '< 100 ms',
    met: herald < 100,
  });
}
const withdrawals = routes(4, true).map((r) => r.prefix);
const withdraw = median(() => encodeUpdates([], withdrawals, OPTIONS));
const unpackedWithdraw = median(() => {
  for (const p of withdrawals) encodeMessage({ type: 'update', withdrawn: [p], attributes: {}, nlri: [] }, OPTIONS);
});
printFigure({
  name: `100,000 IPv4 /32 withdrawn (${encodeUpdates([], withdrawals, OPTIONS).length} UPDATEs)`,
  unit: 'ms',
  herald: withdraw,
  baseline: unpackedWithdraw,
  baselineName: 'one encodeMessage per prefix',
  target: '< 100 ms',
  met: withdraw < 100,
});
