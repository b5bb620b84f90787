import { type ParseResult, fail, ok } from '../net/result.js';

/** Nanoseconds per unit, with the unit spellings Go's time.ParseDuration accepts (both micro signs). */
const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const NS_PER_SECOND = 1_000_000_000n;
const INT64_MAX = (1n << 63n) - 1n;

const SHAPE = /^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$/u;
const COMPONENT = /([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)/gu;

/**
 * The durations the CRDs accept: Go duration syntax without a sign, since no Herald timer is
 * negative. The CRD test checks crds/ carries exactly this pattern.
 */
export const DURATION_PATTERN = '^(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$';

/**
 * Parses Go's duration syntax ("90s", "1m30s", "1.5h", "300ms", "0") into nanoseconds, exactly as
 * Kubernetes' metav1.Duration does, so a MetalLB manifest means the same here. Fractions are
 * truncated to whole nanoseconds, as in Go.
 */
export function parseDuration(text: string): ParseResult<bigint> {
  if (!SHAPE.test(text)) {
    return fail(
      `${JSON.stringify(text)} is not a duration: write a number and a unit (h, m, s, ms, us, ns), such as "90s" or "1m30s"`,
    );
  }
  const negative = text.startsWith('-');
  let total = 0n;
  for (const m of text.matchAll(COMPONENT)) {
    const unit = UNIT_NS[m[3] ?? ''] ?? 0n;
    const whole = BigInt(m[1] === '' || m[1] === undefined ? '0' : m[1]);
    const fraction = m[2] ?? '';
    total += whole * unit;
    if (fraction !== '') total += (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length);
  }
  if (total > INT64_MAX + (negative ? 1n : 0n)) return fail(`${JSON.stringify(text)} is too long a duration (more than about 292 years)`);
  return ok(negative ? -total : total);
}

/** A duration as whole seconds, the unit BGP timers travel in. */
export function parseWholeSeconds(text: string): ParseResult<number> {
  const parsed = parseDuration(text);
  if (!parsed.ok) return parsed;
  const ns = parsed.value;
  if (ns < 0n) return fail(`${JSON.stringify(text)} is negative`);
  if (ns % NS_PER_SECOND !== 0n) return fail(`${JSON.stringify(text)} is not a whole number of seconds; BGP timers count whole seconds`);
  const seconds = ns / NS_PER_SECOND;
  if (seconds > BigInt(Number.MAX_SAFE_INTEGER)) return fail(`${JSON.stringify(text)} is too long`);
  return ok(Number(seconds));
}

/** "90s", or "1h2m3s" style for longer spans: how messages quote a number of seconds back. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
}
