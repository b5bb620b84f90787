// Summaries of failover trials: median and 95th percentile of the client's gap and of the time
// until the new owner answered. Pure.

export interface TrialFigures {
  /** The longest run of unanswered probes that had not ended before the fault; 0 when none. */
  gapMs: number;
  /** False when traffic had not resumed when probing stopped. */
  gapClosed: boolean;
  /** From the fault to the first probe answered by another node; null when none was. */
  moveMs: number | null;
}

export interface Spread {
  median: number;
  p95: number;
  min: number;
  max: number;
}

export interface TrialSummary {
  trials: number;
  /** Over every trial; NaN when there were none. */
  gap: Spread;
  /** Over the trials where the address moved; NaN when it never did. */
  move: Spread;
  /** Trials where traffic did not resume or no other node answered. */
  failed: number;
}

/** Nearest-rank quantile (the smallest value with at least q of the values at or below it); NaN for no values. */
export function nearestRank(values: readonly number[], q: number): number {
  if (!(q > 0 && q <= 1)) throw new Error(`quantile ${q} is not in (0, 1]`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1] as number;
}

/** The middle value, or the mean of the two middle ones; NaN for no values. */
export function middle(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[half] as number) : ((sorted[half - 1] as number) + (sorted[half] as number)) / 2;
}

export function spread(values: readonly number[]): Spread {
  return {
    median: middle(values),
    p95: nearestRank(values, 0.95),
    min: values.length === 0 ? Number.NaN : Math.min(...values),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
  };
}

export function summarizeTrials(trials: readonly TrialFigures[]): TrialSummary {
  const moved = trials.flatMap((t) => (t.moveMs === null ? [] : [t.moveMs]));
  return {
    trials: trials.length,
    gap: spread(trials.map((t) => t.gapMs)),
    move: spread(moved),
    failed: trials.filter((t) => !t.gapClosed || t.moveMs === null).length,
  };
}
