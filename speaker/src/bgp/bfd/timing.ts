/**
 * The numbers of RFC 5880 section 6.8.2-6.8.4 and 6.8.7: the slow rate before a session is Up and
 * the jitter on every periodic packet. Pure.
 */

/** Section 6.8.3: while a session is not Up, Desired Min TX is at least one second. */
export const SLOW_TX_US = 1_000_000;

/**
 * The wait before the next periodic packet, in milliseconds: the interval less a random 0-25%, or,
 * when the local Detect Mult is 1, between 75% and 90% of it (section 6.8.7) so that one late
 * packet cannot make the remote side's detection time run out. `random` is in [0, 1).
 */
export function jitteredDelayMs(intervalUs: number, detectMult: number, random: number): number {
  const spread = detectMult === 1 ? 0.15 : 0.25;
  const r = Math.min(Math.max(random, 0), 1);
  return (intervalUs / 1000) * (0.75 + spread * r);
}

/** Desired Min TX to advertise in a state: the configured one once Up, else at least the slow rate. */
export function advertisedDesiredMinTxUs(up: boolean, configuredUs: number): number {
  return up ? configuredUs : Math.max(configuredUs, SLOW_TX_US);
}

/** Profile intervals are milliseconds; the wire carries microseconds. */
export function msToUs(ms: number): number {
  return Math.round(ms * 1000);
}
