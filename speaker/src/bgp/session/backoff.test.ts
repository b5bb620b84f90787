import { expect } from 'chai';
import fc from 'fast-check';
import { FIRST_RETRY_MS, reconnectDelayMs } from './backoff.js';

const failures = fc.integer({ min: 1, max: 200 });
const connectTime = fc.integer({ min: 1, max: 65535 });
const jitter = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('reconnect back-off', () => {
  it('first retries after about a second', () => {
    expect(reconnectDelayMs(1, 120, 0)).to.equal(FIRST_RETRY_MS);
  });

  it('never waits longer than the connect time', () => {
    fc.assert(
      fc.property(failures, connectTime, jitter, (n, seconds, j) => {
        expect(reconnectDelayMs(n, seconds, j)).to.be.at.most(seconds * 1000);
      }),
    );
  });

  it('jitter takes at most a fifth off the undisturbed delay', () => {
    fc.assert(
      fc.property(failures, connectTime, jitter, (n, seconds, j) => {
        const plain = reconnectDelayMs(n, seconds, 0);
        const jittered = reconnectDelayMs(n, seconds, j);
        expect(jittered).to.be.at.most(plain);
        expect(jittered).to.be.at.least(Math.floor(plain * 0.8));
      }),
    );
  });

  it('never waits less than the jittered first delay, so a broken peer is not hammered', () => {
    fc.assert(
      fc.property(failures, connectTime, jitter, (n, seconds, j) => {
        expect(reconnectDelayMs(n, seconds, j)).to.be.at.least(Math.floor(Math.min(FIRST_RETRY_MS, seconds * 1000) * 0.8));
      }),
    );
  });

  it('does not shrink as failures accumulate', () => {
    fc.assert(
      fc.property(failures, connectTime, jitter, (n, seconds, j) => {
        expect(reconnectDelayMs(n + 1, seconds, j)).to.be.at.least(reconnectDelayMs(n, seconds, j));
      }),
    );
  });

  it('reaches the connect time after enough failures', () => {
    expect(reconnectDelayMs(8, 120, 0)).to.equal(120_000);
    expect(reconnectDelayMs(30, 120, 0)).to.equal(120_000);
  });
});
