import { expect } from 'chai';
import { backoffDelay } from './backoff.js';

describe('restart backoff', () => {
  const policy = { initialMs: 100, maxMs: 1000 };
  const cases: [failures: number, ms: number][] = [
    [0, 100],
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [5, 1000],
    [60, 1000],
  ];
  for (const [failures, ms] of cases) {
    it(`waits ${ms} ms after ${failures} failure(s) in a row`, () => {
      expect(backoffDelay(failures, policy)).to.equal(ms);
    });
  }

  it('shortens the wait by at most a fifth with jitter, so replicas that failed together spread out', () => {
    expect(backoffDelay(3, policy, 0.999)).to.be.within(320, 400);
  });
});
