import { expect } from 'chai';
import { WaitAborted, waitFor, waitForSteady } from './wait.js';

describe('waiting for a condition', () => {
  it('waits for a steady value: one that flips back within the steady time is not taken', async () => {
    const seen = ['node2', 'node2', undefined, 'node3'];
    let calls = 0;
    const value = await waitForSteady(() => seen[Math.min(calls++, seen.length - 1)], 20, 1000, { intervalMs: 5 });
    expect(value).to.equal('node3');
    expect(calls).to.be.greaterThan(seen.length);
  });

  it('returns the first value that is not undefined, null or false', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls < 3 ? false : { calls }), 1000, { intervalMs: 1 });
    expect(value).to.deep.equal({ calls: 3 });
  });

  it('treats a thrown error as not yet', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        if (++calls < 3) throw new Error('not ready');
        return 'ready';
      },
      1000,
      { intervalMs: 1 },
    );
    expect(value).to.equal('ready');
  });

  it('times out naming what it waited for and the last error', async () => {
    const err = await waitFor(
      () => {
        throw new Error('connection refused');
      },
      30,
      { intervalMs: 5, what: 'the router' },
    ).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.match(/timed out after 30 ms waiting for the router; last error: connection refused/);
  });

  it('times out with the last value seen', async () => {
    const err = await waitFor(() => null, 20, { intervalMs: 5 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.match(/last value: null/);
  });

  it('stops at once when the predicate says waiting cannot help', async () => {
    const started = Date.now();
    const err = await waitFor(
      () => {
        throw new WaitAborted('gobgpd exited');
      },
      5000,
    ).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).to.be.instanceOf(WaitAborted);
    expect(Date.now() - started).to.be.below(1000);
  });
});
