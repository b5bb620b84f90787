import { backoffDelay } from '@herald/shared/kube/backoff.js';

/** The first retry comes this soon; each further failure doubles it, up to the connect time. */
export const FIRST_RETRY_MS = 1000;

/**
 * How long to wait before dialling again after `failures` consecutive failures (1 after the
 * first). `jitter` in [0, 1) takes up to a fifth off, so the nodes of a cluster that lost the
 * same router do not all dial it in the same millisecond.
 */
export function reconnectDelayMs(failures: number, connectTimeSeconds: number, jitter: number): number {
  const capMs = connectTimeSeconds * 1000;
  return backoffDelay(failures, { initialMs: Math.min(FIRST_RETRY_MS, capMs), maxMs: capMs }, jitter);
}
