// What a client saw while an address moved: probes sent every few milliseconds, which were
// answered in time and by whom, and the runs of unanswered ones (gaps). Pure functions of the
// records the gap probe (gap-probe-main.ts) writes.

/** One line of the gap probe's output file. Times are wall-clock milliseconds (sub-millisecond). */
export type ProbeLine =
  | { t: 'ready'; at: number; kind: ProbeKind; intervalMs: number; timeoutMs: number }
  | ProbeRecord
  | ({ t: 'neigh' } & NeighborEvent)
  | { t: 'end'; at: number };

export type ProbeKind = 'http' | 'ping';

export interface ProbeRecord {
  t: 'probe';
  seq: number;
  /** When it was sent; null when the prober only learnt that it went unanswered (ping -O). */
  sentAt: number | null;
  answeredAt: number | null;
  /** HTTP: the body (a responder answers with its node's name). Ping: unknown, see the neighbour timeline. */
  by: string | null;
  /** Ping: when "no answer yet" was printed, which is when the next echo went out. */
  noticedAt?: number;
  error?: string;
}

/** A change of the client's neighbour entry for the probed address (`ip monitor neigh`). */
export interface NeighborEvent {
  at: number;
  /** null when the entry has no link-layer address (INCOMPLETE, FAILED) or was deleted. */
  mac: string | null;
  state: string;
}

export interface ProbeGap {
  /** Send time of the first unanswered probe of the run. */
  start: number;
  /** Send time of the next answered probe; for a run still open when probing stopped, the stop. */
  end: number;
  ms: number;
  lost: number;
  /** False when no probe was answered after the run: the address never came back. */
  closed: boolean;
}

/** Consecutive answered probes that one node answered. */
export interface AnswerSpan {
  node: string;
  /** Answer time of the first and the last probe of the span. */
  from: number;
  to: number;
  answered: number;
}

export interface NeighborChange extends NeighborEvent {
  /** The lab host that owns the MAC, when it is one. */
  node: string | null;
}

export interface GapReport {
  kind: ProbeKind;
  intervalMs: number;
  timeoutMs: number;
  startedAt: number;
  stoppedAt: number;
  sent: number;
  answered: number;
  gaps: ProbeGap[];
  /** The longest gap, 0 when every probe was answered. */
  longestGapMs: number;
  answeredBy: AnswerSpan[];
  neighbor: NeighborChange[];
  /** Every probe in send order, answered meaning answered within timeoutMs. */
  probes: Array<{ seq: number; sentAt: number; answeredAt: number | null; by: string | null; answered: boolean; error?: string }>;
}

export interface AnalyzeOptions {
  /** MAC (lower case) → host name, to name who answered a ping and whom the neighbour entry points at. */
  macToNode?: ReadonlyMap<string, string>;
  /** When probing stopped, if the output has no end line (the prober was killed). */
  stoppedAt?: number;
}

/** Parses the probe's output file; a torn last line (the file is read while being written) is left out. */
export function parseProbeLines(text: string): ProbeLine[] {
  const lines: ProbeLine[] = [];
  const raw = text.split('\n');
  raw.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      lines.push(JSON.parse(line) as ProbeLine);
    } catch (e) {
      if (i < raw.length - 1) throw new Error(`gap probe output line ${i + 1} is not JSON: ${line.slice(0, 200)} (${(e as Error).message})`);
    }
  });
  return lines;
}

export function analyzeProbes(lines: readonly ProbeLine[], opts: AnalyzeOptions = {}): GapReport {
  const ready = lines.find((l): l is Extract<ProbeLine, { t: 'ready' }> => l.t === 'ready');
  if (!ready) throw new Error('gap probe output has no ready line: the prober did not start');
  const end = lines.find((l): l is Extract<ProbeLine, { t: 'end' }> => l.t === 'end');
  const neighbor = lines
    .filter((l): l is { t: 'neigh' } & NeighborEvent => l.t === 'neigh')
    .map((n) => ({ at: n.at, mac: n.mac, state: n.state, node: n.mac === null ? null : (opts.macToNode?.get(n.mac) ?? null) }))
    .sort((a, b) => a.at - b.at);
  const records = mergeBySeq(lines.filter((l): l is ProbeRecord => l.t === 'probe'));
  const sentTimes = estimateSendTimes(records, ready.intervalMs);
  const probes = records.map((r, i) => {
    const sentAt = sentTimes[i] as number;
    const answered = r.answeredAt !== null && r.answeredAt - sentAt <= ready.timeoutMs;
    const by = r.by ?? (r.answeredAt === null ? null : nodeAt(neighbor, r.answeredAt));
    return { seq: r.seq, sentAt, answeredAt: r.answeredAt, by, answered, ...(r.error === undefined ? {} : { error: r.error }) };
  });
  const stoppedAt = end?.at ?? opts.stoppedAt ?? (probes.length > 0 ? (probes[probes.length - 1]?.sentAt as number) : ready.at);
  const gaps = findGaps(probes, stoppedAt);
  return {
    kind: ready.kind,
    intervalMs: ready.intervalMs,
    timeoutMs: ready.timeoutMs,
    startedAt: ready.at,
    stoppedAt,
    sent: probes.length,
    answered: probes.filter((p) => p.answered).length,
    gaps,
    longestGapMs: gaps.reduce((m, g) => Math.max(m, g.ms), 0),
    answeredBy: spans(probes),
    neighbor,
    probes,
  };
}

/** The longest gap that had not ended before `at` (a fault): the client's failover gap. 0 when none. */
export function gapAround(report: GapReport, at: number): ProbeGap | undefined {
  return report.gaps.filter((g) => g.end >= at).reduce<ProbeGap | undefined>((best, g) => (best === undefined || g.ms > best.ms ? g : best), undefined);
}

/** The first probe answered after `at` by a node other than `previous`: when the client reached the new owner. */
export function firstAnswerByOther(report: GapReport, previous: string, at: number): { node: string; answeredAt: number } | undefined {
  for (const p of report.probes) {
    if (p.answered && p.answeredAt !== null && p.answeredAt >= at && p.by !== null && p.by !== previous) return { node: p.by, answeredAt: p.answeredAt };
  }
  return undefined;
}

/** A late answer to a probe first reported unanswered (ping -O) replaces that report. */
function mergeBySeq(records: readonly ProbeRecord[]): ProbeRecord[] {
  const bySeq = new Map<number, ProbeRecord>();
  for (const r of records) {
    const seen = bySeq.get(r.seq);
    if (seen === undefined || (seen.answeredAt === null && r.answeredAt !== null)) {
      bySeq.set(r.seq, { ...r, sentAt: r.sentAt ?? seen?.sentAt ?? null, noticedAt: r.noticedAt ?? seen?.noticedAt });
    }
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Send times the prober could not record (ping's unanswered echoes) lie on the line between the
 * nearest probes with known send times, since echoes go out at a steady rate; with no such
 * neighbour, one interval before the "no answer yet" notice.
 */
function estimateSendTimes(records: readonly ProbeRecord[], intervalMs: number): number[] {
  const known = records.filter((r) => r.sentAt !== null);
  return records.map((r) => {
    if (r.sentAt !== null) return r.sentAt;
    const before = [...known].reverse().find((k) => k.seq < r.seq);
    const after = known.find((k) => k.seq > r.seq);
    if (before && after) {
      const b = before.sentAt as number;
      const a = after.sentAt as number;
      return b + ((a - b) * (r.seq - before.seq)) / (after.seq - before.seq);
    }
    if (r.noticedAt !== undefined) return r.noticedAt - intervalMs;
    if (before) return (before.sentAt as number) + (r.seq - before.seq) * intervalMs;
    if (after) return (after.sentAt as number) - (after.seq - r.seq) * intervalMs;
    throw new Error(`gap probe: no send time can be given to probe ${r.seq}: no probe has one`);
  });
}

function findGaps(probes: ReadonlyArray<{ sentAt: number; answered: boolean }>, stoppedAt: number): ProbeGap[] {
  const gaps: ProbeGap[] = [];
  let runStart: number | undefined;
  let lost = 0;
  for (const p of probes) {
    if (!p.answered) {
      runStart ??= p.sentAt;
      lost++;
    } else if (runStart !== undefined) {
      gaps.push({ start: runStart, end: p.sentAt, ms: p.sentAt - runStart, lost, closed: true });
      runStart = undefined;
      lost = 0;
    }
  }
  if (runStart !== undefined) gaps.push({ start: runStart, end: stoppedAt, ms: stoppedAt - runStart, lost, closed: false });
  return gaps;
}

function spans(probes: ReadonlyArray<{ answeredAt: number | null; by: string | null; answered: boolean }>): AnswerSpan[] {
  const out: AnswerSpan[] = [];
  for (const p of probes) {
    if (!p.answered || p.answeredAt === null) continue;
    const node = p.by ?? 'unknown';
    const last = out[out.length - 1];
    if (last && last.node === node) {
      last.to = Math.max(last.to, p.answeredAt);
      last.answered++;
    } else out.push({ node, from: p.answeredAt, to: p.answeredAt, answered: 1 });
  }
  return out;
}

/** The node the client's neighbour entry pointed at, at a time. */
function nodeAt(neighbor: readonly NeighborChange[], at: number): string | null {
  let current: NeighborChange | undefined;
  for (const n of neighbor) {
    if (n.at > at) break;
    if (n.mac !== null) current = n;
  }
  return current?.node ?? current?.mac ?? null;
}

/** One line of `ip monitor neigh` about the address, or undefined for other addresses and other lines. */
export function parseNeighborMonitorLine(line: string, address: string): Omit<NeighborEvent, 'at'> | undefined {
  const words = line.trim().split(/\s+/);
  const deleted = words[0] === 'Deleted';
  if (deleted) words.shift();
  if (words[0] !== address || words.length < 2) return undefined;
  const lladdr = words.indexOf('lladdr');
  const mac = deleted || lladdr < 0 ? null : (words[lladdr + 1]?.toLowerCase() ?? null);
  const state = deleted ? 'DELETED' : (words[words.length - 1] as string);
  return { mac, state };
}

export type PingLine =
  | { seq: number; kind: 'reply'; at: number; rttMs: number }
  | { seq: number; kind: 'no-answer'; at: number };

/** One line of `ping -D -O`: an echo reply or a "no answer yet" notice, with ping's own timestamp. */
export function parsePingLine(line: string): PingLine | undefined {
  const stamp = /^\[(\d+)\.(\d+)\]\s+(.*)$/.exec(line.trim());
  if (!stamp) return undefined;
  // Seconds and fraction apart: multiplying the whole decimal by 1000 loses the last microsecond digit.
  const at = Number(stamp[1]) * 1000 + Number(`0.${stamp[2]}`) * 1000;
  const rest = stamp[3] as string;
  const reply = /icmp_seq=(\d+).*\btime=([\d.]+) ms/.exec(rest);
  if (reply) return { seq: Number(reply[1]), kind: 'reply', at, rttMs: Number(reply[2]) };
  const none = /^no answer yet for icmp_seq=(\d+)/.exec(rest);
  if (none) return { seq: Number(none[1]), kind: 'no-answer', at };
  return undefined;
}
