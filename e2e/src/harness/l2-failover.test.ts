import { expect } from 'chai';
import { cleanLeftovers, createLab, type Lab } from '../lab/index.js';
import { summarizeTrials } from './failover-stats.js';
import { L2_FAULTS, runFailoverTrial, startKeepalivedSpeakers, vrrpMoveTimeoutMs, type FailoverTrial, type L2Speakers } from './l2-failover.js';

const ADVERT_MS = 100;

describe('failover trials, as the layer-2 benchmark runs them, against keepalived at 100 ms @lab', function () {
  this.timeout(60000);
  let lab: Lab;
  let speakers: L2Speakers;
  let address: string;

  before(async () => {
    cleanLeftovers();
    lab = await createLab({ nodes: 3, router: 'bird', ipv6Sessions: false });
    address = `198.18.${lab.segment.k}.200`;
    speakers = await startKeepalivedSpeakers({ advertIntervalMs: ADVERT_MS })(lab, address);
  });

  after(async () => {
    await speakers?.stopAll();
    await lab?.destroy();
  });

  it('runs each fault twice in a row, restoring the owner in between, and summarizes the client gaps', async () => {
    expect(speakers.name).to.equal('keepalived 100 ms');
    const trials: FailoverTrial[] = [];
    for (let i = 0; i < 2; i++) {
      for (const fault of L2_FAULTS) trials.push(await runFailoverTrial(lab, speakers, address, fault, { moveTimeoutMs: vrrpMoveTimeoutMs(ADVERT_MS) }));
    }
    for (const t of trials) {
      console.log(`      ${t.fault}: ${t.owner} -> ${t.newOwner}, gap ${t.gapMs.toFixed(1)} ms, new owner answered after ${t.moveMs?.toFixed(0)} ms, ${t.answered}/${t.sent} answered`);
      expect([t.owner, t.newOwner]).to.deep.equal(['node1', 'node2']);
      expect(t.gapClosed).to.equal(true);
      expect(t.moveMs).to.be.within(2 * ADVERT_MS, 4 * ADVERT_MS + 500);
      expect(t.faultCommandMs).to.be.below(200);
    }
    const cut = summarizeTrials(trials.filter((t) => t.fault === 'link-down'));
    expect(cut.failed).to.equal(0);
    expect(cut.gap.median).to.be.within(2 * ADVERT_MS, 4 * ADVERT_MS + 500);
    // The SIGKILLed keepalived's node keeps the address and answers until the client moves: no gap to speak of.
    expect(summarizeTrials(trials.filter((t) => t.fault === 'sigkill')).gap.max).to.be.below(2 * ADVERT_MS);
    expect((await speakers.settled(address)).name).to.equal('node1');
  });
});
