// The client's view of a failover: a probe every few milliseconds from the client namespace to
// a Service address, and which of them were answered, when, and by which node.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeProbes, parseProbeLines, type GapReport, type ProbeKind } from './gap-analysis.js';
import type { Lab, LabHost, LabProcess } from './lab.js';
import { WaitAborted, waitFor } from './wait.js';

export type { AnswerSpan, GapReport, NeighborChange, ProbeGap, ProbeKind } from './gap-analysis.js';
export { firstAnswerByOther, gapAround } from './gap-analysis.js';

const PROBE_MAIN = fileURLToPath(new URL('./gap-probe-main.js', import.meta.url));

export interface GapProbeOptions {
  /** Between probes (default 10 ms). */
  intervalMs?: number;
  /** 'http' (default): a request on a new connection, answered with the node's name. 'ping': ICMP echo; who answered is read from the client's neighbour entry. */
  kind?: ProbeKind;
  /** HTTP port (default 80). */
  port?: number;
  /**
   * A probe answered later than this counts as lost (default 500 ms): below TCP's first SYN
   * retransmission (1 s), so a connection attempt lost in the gap and retried after it is not
   * counted as answered.
   */
  timeoutMs?: number;
}

export interface GapProbe {
  address: string;
  kind: ProbeKind;
  intervalMs: number;
  process: LabProcess;
  /** What the probe has recorded so far (it keeps running). */
  snapshot(): GapReport;
  /**
   * Resolves to the answer time of the `count`-th consecutive probe answered by a node the
   * predicate accepts, among those sent after `after` (default: any).
   */
  waitForAnswers(accept: (node: string) => boolean, opts?: { count?: number; after?: number; timeoutMs?: number; what?: string }): Promise<number>;
  /** Stops probing, waits for the probes in flight, and reports everything. */
  stop(): Promise<GapReport>;
}

/** Wall-clock milliseconds with sub-millisecond resolution, as the probe stamps its records. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

let probes = 0;

export async function startGapProbe(lab: Lab, address: string, opts: GapProbeOptions = {}): Promise<GapProbe> {
  const intervalMs = opts.intervalMs ?? 10;
  const kind = opts.kind ?? 'http';
  const timeoutMs = opts.timeoutMs ?? 500;
  const port = opts.port ?? 80;
  if (!(intervalMs >= 1)) throw new Error(`gap probe to ${address}: intervalMs ${intervalMs} is below 1 ms`);
  if (!(timeoutMs >= 1)) throw new Error(`gap probe to ${address}: timeoutMs ${timeoutMs} is below 1 ms`);
  if (kind !== 'http' && kind !== 'ping') throw new Error(`gap probe to ${address}: kind ${JSON.stringify(kind)} is neither 'http' nor 'ping'`);
  const dir = join(lab.runDir, 'gap-probes');
  mkdirSync(dir, { recursive: true });
  const name = `gap-probe-${process.pid}-${++probes}`;
  const outFile = join(dir, `${name}.jsonl`);
  const proc = lab.spawn(lab.client, [
    process.execPath,
    PROBE_MAIN,
    '--out', outFile,
    '--kind', kind,
    '--address', address,
    '--port', String(port),
    '--interval-ms', String(intervalMs),
    '--timeout-ms', String(timeoutMs),
    '--iface', lab.client.iface,
  ], { name });
  const macToNode = new Map([lab.router, ...lab.nodes, lab.client].map((h: LabHost) => [h.mac.toLowerCase(), h.name]));
  const read = (): string => {
    try {
      return readFileSync(outFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw e;
    }
  };
  const snapshot = (): GapReport => analyzeProbes(parseProbeLines(read()), { macToNode, stoppedAt: wallClockMs() });
  await waitFor(
    () => {
      if (!proc.running()) throw new WaitAborted(`gap probe in ${lab.client.netns} exited before it was ready:\n${proc.logTail()}`);
      return read().includes('"t":"ready"');
    },
    10000,
    { what: `the gap probe to ${address} to start`, intervalMs: 10 },
  );
  return {
    address,
    kind,
    intervalMs,
    process: proc,
    snapshot,
    async waitForAnswers(accept, w = {}) {
      const count = w.count ?? 1;
      const after = w.after ?? 0;
      return waitFor(
        () => {
          if (!proc.running()) throw new WaitAborted(`gap probe to ${address} exited:\n${proc.logTail()}`);
          let run = 0;
          for (const p of snapshot().probes) {
            if (p.sentAt < after) continue;
            run = p.answered && p.by !== null && accept(p.by) ? run + 1 : 0;
            if (run >= count) return p.answeredAt ?? undefined;
          }
          return undefined;
        },
        w.timeoutMs ?? 10000,
        { what: w.what ?? `${count} answers in a row to the gap probe to ${address}`, intervalMs: 20 },
      );
    },
    async stop() {
      const stoppedAt = wallClockMs();
      const exit = await proc.stop('SIGTERM', timeoutMs + 5000);
      if (exit.code !== 0) throw new Error(`gap probe to ${address} ended with ${exit.signal ?? `exit ${exit.code}`}:\n${proc.logTail()}`);
      return analyzeProbes(parseProbeLines(read()), { macToNode, stoppedAt });
    },
  };
}
