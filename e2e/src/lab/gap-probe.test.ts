import { expect } from 'chai';
import { cleanLeftovers } from './cleanup.js';
import { gapAround, startGapProbe, wallClockMs } from './gap-probe.js';
import { cutLink, restoreLink } from './l2-faults.js';
import { createLab, type Lab, type LabHost } from './lab.js';
import { startAnyAddressResponder } from './responder.js';

const CUT_MS = 300;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('gap probe: a request or ping every 10 ms from the client, and the runs of unanswered ones @lab', function () {
  this.timeout(30000);
  let lab: Lab;
  let node1: LabHost;

  before(async function () {
    this.timeout(60000);
    cleanLeftovers();
    lab = await createLab({ nodes: 1, router: 'bird', ipv6Sessions: false });
    node1 = lab.nodes[0] as LabHost;
    await startAnyAddressResponder(lab, node1, 80);
  });

  after(async () => {
    await lab?.destroy();
  });

  it('sees every request answered, by the node that answers, while nothing fails', async () => {
    const probe = await startGapProbe(lab, node1.ipv4, { intervalMs: 10 });
    await probe.waitForAnswers((n) => n === 'node1', { count: 30 });
    const r = await probe.stop();
    expect(r.kind).to.equal('http');
    expect(r.sent).to.be.at.least(30);
    expect(r.answered).to.equal(r.sent);
    expect(r.gaps).to.deep.equal([]);
    expect(r.longestGapMs).to.equal(0);
    expect(r.answeredBy.map((s) => s.node)).to.deep.equal(['node1']);
    // Probes go out on their schedule: 30 answers took about 30 intervals, not seconds.
    expect((r.probes[r.probes.length - 1]?.sentAt ?? 0) - (r.probes[0]?.sentAt ?? 0)).to.be.below(30 * 10 + 500);
  });

  for (const kind of ['http', 'ping'] as const) {
    it(`records one closed gap that spans the time the node's link was down, at least as long (${kind})`, async () => {
      const probe = await startGapProbe(lab, node1.ipv4, { intervalMs: 10, kind });
      await probe.waitForAnswers((n) => n === 'node1', { count: 10 });
      const struck = await cutLink(lab, node1);
      await sleep(CUT_MS);
      const restoring = wallClockMs();
      await restoreLink(lab, node1);
      const restored = wallClockMs();
      await probe.waitForAnswers((n) => n === 'node1', { count: 10, after: restored });
      const r = await probe.stop();
      const gap = gapAround(r, struck.at);
      console.log(`      ${kind}: link down for ${Math.round(restored - struck.at)} ms, gap ${gap?.ms.toFixed(1)} ms (${gap?.lost} probes lost of ${r.sent})`);
      expect(gap?.closed).to.equal(true);
      const during = r.probes.filter((p) => gap !== undefined && p.sentAt >= gap.start - 20 && p.sentAt <= gap.end + 20);
      const detail =
        `link down ${Math.round(struck.at)}-${Math.round(restored)}; probes: ` +
        during.map((p) => `${Math.round(p.sentAt)} ${p.answered ? `answered +${Math.round((p.answeredAt ?? 0) - p.sentAt)}` : `unanswered (${p.error ?? 'no error'})`}`).join(', ') +
        `; neighbour: ${r.neighbor.map((n) => `${Math.round(n.at)} ${n.state} ${n.node ?? n.mac ?? '-'}`).join(', ')}`;
      // The gap opens while the link is down and closes only after it is back. How soon after is
      // the kernels' speed, not the probe's: under CPU load the node's neighbour entry for the
      // client was confirmed 0.7 s after the link came back, and the gap outlasted the cut by as
      // much. The failover benchmark measures such times; this test checks what the probe records.
      expect(gap?.start, detail).to.be.below(restoring);
      expect(gap?.end, detail).to.be.at.least(restoring);
      expect(gap?.ms, detail).to.be.at.least(CUT_MS - 2 * 10);
      expect(r.gaps.filter((g) => g.ms > 50)).to.have.length(1);
      // Ping cannot say who answered: the client's neighbour entry for the address does.
      expect(r.answeredBy.map((s) => s.node)).to.deep.equal(['node1']);
      if (kind === 'ping') expect(r.neighbor.map((n) => n.node)).to.include('node1');
    });
  }

  it('refuses a probe interval below a millisecond', async () => {
    let error: unknown;
    await startGapProbe(lab, node1.ipv4, { intervalMs: 0.5 }).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/intervalMs 0.5 is below 1 ms/);
  });
});
