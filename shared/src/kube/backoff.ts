/** How long to wait before the attempt after `failures` consecutive failures: doubling, capped. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 30_000 };

/**
 * Delay before the next attempt. `failures` counts the failures since the last success (1 after
 * the first). `jitter` in [0, 1) spreads replicas that failed together; 0 gives the plain doubling.
 */
export function backoffDelay(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF, jitter = 0): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(base * (1 - 0.2 * jitter));
}
