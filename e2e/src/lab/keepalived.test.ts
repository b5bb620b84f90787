import { expect } from 'chai';
import { cleanLeftovers } from './cleanup.js';
import { arpAnswers } from './client-view.js';
import { firstAnswerByOther, gapAround, startGapProbe, type GapProbe } from './gap-probe.js';
import { startKeepalived, type Keepalived } from './keepalived.js';
import { cutLink, killOwner, restoreLink } from './l2-faults.js';
import { createLab, type Lab, type LabHost } from './lab.js';

/** node2's priority (100): VRRP's skew, ((256 - priority) / 256) of an interval, is added to three missed adverts. */
const skew = (intervalMs: number): number => ((256 - 100) / 256) * intervalMs;
/** Room for a loaded machine and the client's switch to the new MAC. */
const SLACK_MS = 500;

describe('keepalived moving a virtual address between lab nodes, seen by the gap probe @lab', function () {
  this.timeout(60000);
  let lab: Lab;
  let node1: LabHost;
  let node2: LabHost;
  let address: string;

  before(async function () {
    cleanLeftovers();
    lab = await createLab({ nodes: 3, router: 'bird', ipv6Sessions: false });
    [node1, node2] = lab.nodes as [LabHost, LabHost];
    address = `198.18.${lab.segment.k}.200`;
  });

  after(async () => {
    await lab?.destroy();
  });

  for (const advertIntervalMs of [1000, 100]) {
    const every = advertIntervalMs === 1000 ? '1 s' : `${advertIntervalMs} ms`;
    /** A master dies just after or just before an advert: the backup notices between two and three intervals (and the skew) later. */
    const fastest = 2 * advertIntervalMs + skew(advertIntervalMs) - 50;
    const slowest = 3 * advertIntervalMs + skew(advertIntervalMs) + SLACK_MS;

    describe(`with adverts every ${every}`, () => {
      let ka: Keepalived;

      before(async () => {
        ka = await startKeepalived(lab, lab.nodes, address, { advertIntervalMs });
      });

      after(async () => {
        await ka?.stopAll();
      });

      it('elects the highest-priority node over VRRP multicast on the lab bridge; only it holds the address and the client reaches it', async () => {
        expect((await ka.settled()).name).to.equal('node1');
        expect(ka.ownerOf()?.name).to.equal('node1');
        expect(lab.nodes.map((n) => ka.stateOf(n))).to.deep.equal(['MASTER', 'BACKUP', 'BACKUP']);
        expect(await Promise.all(lab.nodes.map((n) => ka.holdsAddress(n)))).to.deep.equal([true, false, false]);
        const probe = await startGapProbe(lab, address);
        await probe.waitForAnswers((n) => n === 'node1', { count: 20 });
        const r = await probe.stop();
        expect(r.answered).to.equal(r.sent);
        expect(r.answeredBy.map((s) => s.node)).to.deep.equal(['node1']);
        expect(await arpAnswers(lab, address)).to.deep.equal([node1.mac]);
      });

      /** The group steady with node1 as master, and the client's requests answered by it. */
      const probeMaster = async (): Promise<GapProbe> => {
        expect((await ka.settled()).name).to.equal('node1');
        const probe = await startGapProbe(lab, address);
        await probe.waitForAnswers((n) => n === 'node1', { count: 20 });
        return probe;
      };

      it('after SIGKILL of the master, the next backup takes over; the dead one keeps the address and its kernel keeps answering ARP for it', async () => {
        const probe = await probeMaster();
        const struck = await killOwner(ka, address);
        expect(struck.node.name).to.equal('node1');
        await probe.waitForAnswers((n) => n === 'node2', { count: 20, after: struck.at, timeoutMs: slowest + 2000 });
        const r = await probe.stop();
        const gap = gapAround(r, struck.at);
        const moved = firstAnswerByOther(r, 'node1', struck.at);
        const moveMs = (moved?.answeredAt ?? Number.NaN) - struck.at;
        console.log(`      keepalived ${every}, SIGKILL of the master: client's gap ${(gap?.ms ?? 0).toFixed(1)} ms, node2 answered ${moveMs.toFixed(0)} ms after the kill`);
        expect(moved?.node).to.equal('node2');
        expect(moveMs).to.be.within(fastest, slowest);
        // No one took the address off node1 and its kernel still serves it: the client lost
        // (nearly) nothing, and is moved over only by node2's gratuitous ARP.
        expect(gap === undefined || gap.closed).to.equal(true);
        expect(gap?.ms ?? 0).to.be.below(moveMs);
        expect(ka.stateOf(node1)).to.equal('STOPPED');
        expect(ka.stateOf(node2)).to.equal('MASTER');
        expect(await ka.holdsAddress(node1)).to.equal(true);
        expect(await arpAnswers(lab, address)).to.deep.equal([node1.mac, node2.mac].sort());
        // Started again, keepalived removes the address it finds, joins as backup and takes it back (preemption).
        await ka.restart(node1);
        expect((await ka.settled()).name).to.equal('node1');
        expect(await arpAnswers(lab, address)).to.deep.equal([node1.mac]);
      });

      it("after the master's link goes down, the next backup takes over and the client's gap ends", async () => {
        const probe = await probeMaster();
        const struck = await cutLink(lab, node1);
        try {
          await probe.waitForAnswers((n) => n === 'node2', { count: 20, after: struck.at, timeoutMs: slowest + 2000 });
          // Without carrier, node1's keepalived gives up mastership and takes the address off.
          expect(ka.stateOf(node1)).to.equal('FAULT');
          expect(await ka.holdsAddress(node1)).to.equal(false);
        } finally {
          await restoreLink(lab, node1);
        }
        const r = await probe.stop();
        const gap = gapAround(r, struck.at);
        const moved = firstAnswerByOther(r, 'node1', struck.at);
        console.log(
          `      keepalived ${every}, link of the master down: client's gap ${gap?.ms.toFixed(1)} ms (${gap?.lost} requests lost), node2 answered ${((moved?.answeredAt ?? Number.NaN) - struck.at).toFixed(0)} ms after the cut`,
        );
        expect(moved?.node).to.equal('node2');
        expect(gap?.closed).to.equal(true);
        expect(gap?.ms).to.be.within(fastest, slowest);
        expect((await ka.settled()).name).to.equal('node1');
      });
    });
  }
});
