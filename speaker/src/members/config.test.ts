import { expect } from 'chai';
import { DEFAULT_PROTOCOL_CONFIG, protocolConfig, retransmitLimit, suspicionTimeoutMs } from './config.js';

describe('membership protocol settings', () => {
  it('defaults to a 100 ms probe interval, 50 ms ack timeout, 3 indirect probes, suspicion 2.5 intervals', () => {
    const r = protocolConfig();
    expect(r.ok && r.config).to.include({ probeIntervalMs: 100, ackTimeoutMs: 50, indirectChecks: 3, suspicionMult: 2.5 });
  });

  it('refuses a probe interval outside 100-200 ms and an ack timeout that leaves no time for indirect probes', () => {
    const r = protocolConfig({ probeIntervalMs: 50, ackTimeoutMs: 60, indirectChecks: 1.5 });
    expect(r.ok).to.equal(false);
    if (!r.ok) {
      expect(r.errors).to.deep.equal([
        'members.probeIntervalMs: 50 is not in 100-200',
        'members.indirectChecks: 1.5 is not a whole number in 0-8',
        'members.ackTimeoutMs: 60 must be below probeIntervalMs (50), which leaves time for the indirect probe',
      ]);
    }
  });

  it('suspects for 250 ms in a small group, longer in a large one, longest without confirmation', () => {
    expect(suspicionTimeoutMs(DEFAULT_PROTOCOL_CONFIG, 3, 1)).to.equal(250);
    expect(suspicionTimeoutMs(DEFAULT_PROTOCOL_CONFIG, 2, 0)).to.equal(250);
    expect(suspicionTimeoutMs(DEFAULT_PROTOCOL_CONFIG, 10, 3)).to.equal(250);
    expect(suspicionTimeoutMs(DEFAULT_PROTOCOL_CONFIG, 100, 3)).to.equal(500);
    expect(suspicionTimeoutMs(DEFAULT_PROTOCOL_CONFIG, 3, 0)).to.equal(1000);
    const falling = [0, 1, 2, 3, 4].map((c) => suspicionTimeoutMs(DEFAULT_PROTOCOL_CONFIG, 10, c));
    expect(falling).to.deep.equal([...falling].sort((a, b) => b - a));
    expect(falling[3]).to.equal(falling[4]);
  });

  it('retransmits an update a number of times that grows with the log of the group size', () => {
    expect([1, 3, 9, 10, 99, 100, 999].map((n) => retransmitLimit(DEFAULT_PROTOCOL_CONFIG, n))).to.deep.equal([4, 4, 4, 8, 8, 12, 12]);
  });
});
