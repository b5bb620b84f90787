/**
 * How every benchmark prints a figure: Herald's number beside the baseline measured in the same
 * run, and the ratio, so a reader never compares against a number from another machine or day.
 */
export interface Figure {
  /** What was measured, e.g. "fill a /16, one Service at a time". */
  name: string;
  unit: string;
  herald: number;
  /** NaN when the baseline was not run for this figure; the name should say why. */
  baseline: number;
  /** Who the baseline is: "first-free linear scan", "gobgpd 3.10", "keepalived 100 ms". */
  baselineName: string;
  /** The target, said in words, e.g. "ratio <= 0.01". */
  target?: string;
  /** Whether the target was met; undefined when the figure has no target. */
  met?: boolean;
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n !== 0 && Math.abs(n) < 0.01) return n.toExponential(2);
  return n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 3 : n < 1000 ? 1 : 0 });
}

/** herald / baseline: below 1 means Herald is faster or smaller; 1 when both are zero (a rate of failures neither had). */
export function ratio(f: Pick<Figure, 'herald' | 'baseline'>): number {
  if (f.baseline === 0) return f.herald === 0 ? 1 : Number.POSITIVE_INFINITY;
  return f.herald / f.baseline;
}

export function formatFigure(f: Figure): string {
  const verdict = f.met === undefined ? '' : f.met ? '  [target met]' : '  [TARGET MISSED]';
  const target = f.target ? `  target ${f.target}` : '';
  const against = Number.isNaN(f.baseline)
    ? `${f.baselineName} not run`
    : `${f.baselineName} ${formatNumber(f.baseline)} ${f.unit}, ratio ${formatNumber(ratio(f))}`;
  return `${f.name}: herald ${formatNumber(f.herald)} ${f.unit}, ${against}${target}${verdict}`;
}

export function printFigure(f: Figure, out: NodeJS.WritableStream = process.stdout): void {
  out.write(`${formatFigure(f)}\n`);
}
