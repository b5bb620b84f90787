// Polling until something holds: routers and kernels converge on their own time.

export interface WaitOptions {
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what?: string;
}

/** Thrown by a predicate when waiting longer cannot help (the process it waits for died): waitFor rethrows it at once. */
export class WaitAborted extends Error {
  override name = 'WaitAborted';
}

/**
 * Calls the predicate until it returns something other than undefined, null or false, and
 * returns that. An error thrown by the predicate counts as "not yet" (except WaitAborted); the
 * last one is reported on timeout, with the last value seen.
 */
export async function waitFor<T>(
  predicate: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs: number,
  opts: WaitOptions = {},
): Promise<T> {
  const interval = opts.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value !== undefined && value !== null && value !== false) return value;
      last = value;
      lastError = undefined;
    } catch (e) {
      if (e instanceof WaitAborted) throw e;
      lastError = e;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, Math.min(interval, Math.max(0, deadline - Date.now()))));
  }
  const because =
    lastError !== undefined ? `last error: ${lastError instanceof Error ? lastError.message : String(lastError)}` : `last value: ${JSON.stringify(last)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what ?? 'a condition'}; ${because}`);
}

/**
 * Calls `read` until it has returned the same value (not undefined) for `steadyMs` in a row, and
 * returns it: a state that is still settling (an address passed between nodes while a group
 * forms) is not taken for the settled one.
 */
export async function waitForSteady<T>(read: () => Promise<T | undefined> | T | undefined, steadyMs: number, timeoutMs: number, opts: WaitOptions = {}): Promise<T> {
  let held: T | undefined;
  let since = 0;
  return waitFor(
    async () => {
      const now = await read();
      if (now === undefined || now !== held) {
        held = now;
        since = Date.now();
        return undefined;
      }
      return Date.now() - since >= steadyMs ? now : undefined;
    },
    timeoutMs,
    { ...opts, what: `${opts.what ?? 'a value'}, the same for ${steadyMs} ms` },
  );
}
