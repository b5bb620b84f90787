/*
 * Benchmark (not a test): what membership costs on the network, and how fast it finds a dead
 * member, with 10 and 100 members (and 3, the end-to-end topology), against naive all-to-all
 * heartbeats computed in the same run.
 *
 *   cd /work/main && npx tsc -p speaker && node speaker/dist/members/members.bench.js
 *
 * Herald's side runs in the simulator (simulator.ts): the real endpoints (codec, HMAC-SHA256,
 * replay guard, state machine) with default settings, over an in-memory network with 0.1-1 ms
 * delays and no loss, so the bytes are the bytes that would be on the wire (UDP payload).
 *
 * Traffic: after the group has formed and settled (10 s), every member's sent datagrams and
 * bytes over 30 s of simulated time, per member per second (received is the same on average).
 *
 * Detection: a member is killed (no leave) at a random moment; the time until every other
 * member holds it dead. The member then restarts and rejoins before the next trial.
 *
 * Baseline: every member sends a heartbeat to every other every h, and declares a member dead
 * after 3 h without one (two lost heartbeats tolerated). A member dies at a uniformly random
 * moment between two of its heartbeats, so detection is uniform in (2h, 3h], median 2.5 h. A
 * heartbeat is the smallest authenticated datagram of the same format (a gossip with no
 * updates), so both sides pay the same header and HMAC. For traffic, h is chosen so that the
 * baseline's median detection equals Herald's measured median; for detection, h is chosen so
 * that the baseline sends as many bytes per member per second as Herald measured.
 */
import { printFigure } from '@herald/shared/bench/report.js';
import { encodeDatagram } from './codec.js';
import { Simulator } from './simulator.js';

const SETTLE_MS = 10_000;
const MEASURE_MS = 30_000;
const MISSED_HEARTBEATS = 3;

interface Traffic {
  bytesPerSecond: number;
  datagramsPerSecond: number;
}

interface Detection {
  median: number;
  p95: number;
  trials: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

function formedGroup(members: number, seed: number): Simulator {
  const sim = new Simulator({ members, seed });
  sim.startAll(5);
  sim.run(SETTLE_MS);
  const incomplete = sim.names.filter((n) => sim.view(n).length !== members);
  if (incomplete.length > 0) throw new Error(`benchmark: ${incomplete.length} of ${members} members do not see the whole group after ${SETTLE_MS} ms`);
  return sim;
}

function steadyTraffic(members: number): Traffic {
  const sim = formedGroup(members, 1);
  const before = sim.names.map((n) => ({ ...sim.traffic(n) }));
  sim.run(sim.now + MEASURE_MS);
  let bytes = 0;
  let datagrams = 0;
  sim.names.forEach((n, i) => {
    bytes += sim.traffic(n).sentBytes - (before[i]?.sentBytes ?? 0);
    datagrams += sim.traffic(n).sentDatagrams - (before[i]?.sentDatagrams ?? 0);
  });
  const seconds = (MEASURE_MS / 1000) * members;
  return { bytesPerSecond: bytes / seconds, datagramsPerSecond: datagrams / seconds };
}

function detection(members: number, trials: number): Detection {
  const sim = formedGroup(members, 2);
  const times: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    sim.run(sim.now + ((trial * 37) % 150));
    const victim = sim.names[(trial * 7) % members] ?? 'm0';
    const killedAt = sim.now;
    sim.kill(victim);
    let agreed: number | undefined;
    for (let t = killedAt; t < killedAt + 5000 && agreed === undefined; t += 1) {
      sim.run(t);
      if (sim.holdingLive(victim).length === 0) agreed = t - killedAt;
    }
    if (agreed === undefined) throw new Error(`benchmark: ${victim} was not declared dead by every member within 5 s (trial ${trial}, ${members} members)`);
    times.push(agreed);
    sim.restart(victim);
    sim.run(sim.now + 3000);
    if (sim.names.some((n) => sim.view(n).length !== members)) throw new Error(`benchmark: ${victim} did not rejoin within 3 s (trial ${trial})`);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 0.5), p95: percentile(times, 0.95), trials };
}

/** The baseline's heartbeat: the smallest datagram of the same format, from a member of the same name length. */
function heartbeatBytes(members: number): number {
  return encodeDatagram({ sender: `m${members - 1}`, incarnation: 0, body: { type: 'gossip' }, updates: [] }, 0, Buffer.alloc(32)).length;
}

function main(): void {
  console.log('membership: SWIM with Lifeguard, defaults (probe 150 ms, ack 80 ms, k = 3, suspicion 2 x max(1, log10 n) x 150 ms), simulated');
  const heraldTraffic = new Map<number, Traffic>();
  const baselineBytes = new Map<number, number>();
  for (const members of [3, 10, 100]) {
    const traffic = steadyTraffic(members);
    const detect = detection(members, members === 100 ? 30 : 100);
    const hb = heartbeatBytes(members);
    heraldTraffic.set(members, traffic);

    // Baseline at Herald's median detection time: h = median / 2.5.
    const h = detect.median / (MISSED_HEARTBEATS - 0.5) / 1000;
    const baseDatagrams = (members - 1) / h;
    baselineBytes.set(members, baseDatagrams * hb);
    const sameDetection = `all-to-all heartbeats every ${(h * 1000).toFixed(0)} ms (same median detection)`;
    if (members !== 3) {
      printFigure({ name: `membership traffic per member, ${members} members`, unit: 'bytes/s', herald: traffic.bytesPerSecond, baseline: baseDatagrams * hb, baselineName: sameDetection, target: members === 100 ? 'ratio < 1' : undefined, met: members === 100 ? traffic.bytesPerSecond < baseDatagrams * hb : undefined });
      printFigure({ name: `membership datagrams per member, ${members} members`, unit: 'datagrams/s', herald: traffic.datagramsPerSecond, baseline: baseDatagrams, baselineName: sameDetection });
    }

    // Baseline at Herald's bytes per member: h = (n - 1) * heartbeat / bytes per second.
    const hSameBytes = ((members - 1) * hb) / traffic.bytesPerSecond;
    const sameBytes = `all-to-all heartbeats every ${(hSameBytes * 1000).toFixed(0)} ms (same bytes per member)`;
    printFigure({ name: `detection, kill to every member agreeing, ${members} members, median of ${detect.trials}`, unit: 'ms', herald: detect.median, baseline: (MISSED_HEARTBEATS - 0.5) * hSameBytes * 1000, baselineName: sameBytes });
    // The sub-second target is for small groups; suspicion grows with log10 n (600 ms at 100).
    const small = members <= 10;
    printFigure({ name: `detection, ${members} members, 95th percentile`, unit: 'ms', herald: detect.p95, baseline: MISSED_HEARTBEATS * hSameBytes * 1000, baselineName: sameBytes, target: small ? '< 1000 ms' : undefined, met: small ? detect.p95 < 1000 : undefined });
  }
  const t10 = heraldTraffic.get(10)?.bytesPerSecond ?? NaN;
  const t100 = heraldTraffic.get(100)?.bytesPerSecond ?? NaN;
  printFigure({
    name: 'growth of traffic per member from 10 to 100 members',
    unit: 'x',
    herald: t100 / t10,
    baseline: (baselineBytes.get(100) ?? NaN) / (baselineBytes.get(10) ?? NaN),
    baselineName: 'all-to-all heartbeats (same median detection)',
    target: 'herald <= 1.5 (flat per member: the group pays linearly in members)',
    met: t100 / t10 <= 1.5,
  });
}

main();
