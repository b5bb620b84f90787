// What FRR sees when Herald's speaker stops on purpose: graceful restart (RFC 4724) keeps the
// route forwarding while the speaker is away; without it, graceful shutdown (RFC 8326) moves the
// traffic away first and withdraws before the process exits.

import { expect } from 'chai';
import { bgpNeighbor, clientRequest, type LabHost, type RouteView } from '../lab/index.js';
import { waitFor } from '../lab/wait.js';
import type { LogLine } from '../harness/controller-process.js';
import { frrLogLines, frrNeighborDetail, frrStalePaths } from '../harness/frr-detail.js';
import { ROUTER_CONVERGE_MS, sampleRoute, useSpeakerLab } from '../harness/speaker-lab-suite.js';
import type { SpeakerProcess } from '../harness/speaker-process.js';

const GRACEFUL_SHUTDOWN_DELAY_MS = 2000;
const logTime = (l: LogLine): number => Date.parse(String(l['ts']));

describe('the speaker stopping on purpose, as FRR sees it: graceful restart and graceful shutdown @lab', function () {
  this.timeout(60_000);
  const s = useSpeakerLab({ nodes: 2, router: 'frr', ipv6Sessions: false });
  const node = (i: number): LabHost => s.lab.nodes[i]!;

  const endOfRib = (speaker: SpeakerProcess) => speaker.waitForLog((l) => l.message === 'End-of-RIB sent', ROUTER_CONVERGE_MS, 'End-of-RIB sent');

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`keeps the route installed while the speaker restarts with graceful restart (${signal})`, async () => {
      const node1 = node(0);
      await s.routerPeer('gr', [node1], { enableGracefulRestart: true });
      await s.bgp.advertisement('all', {});
      const svc = await s.service({ endpoints: { node1: 1 } });
      const first = s.speaker(node1);
      await endOfRib(first);
      await s.route(svc.prefix, (v) => v.fibNextHops.length === 1, 'installed');
      const sampler = sampleRoute(s.lab, svc.prefix);

      first.kill(signal);
      await first.exited;
      if (signal === 'SIGKILL') expect(first.signal).to.equal('SIGKILL');
      else {
        expect(first.exitCode).to.equal(0);
        const closed = first.lines.find((l) => l.message === 'BGP session Established -> Idle');
        expect(closed?.['reason'], first.describe()).to.equal('stopped for a graceful restart');
      }
      await waitFor(async () => (await bgpNeighbor(s.lab, node1.ipv4))?.state !== 'Established', ROUTER_CONVERGE_MS, { what: 'FRR to see node1 go' });
      // FRR passes through Clearing while it marks the restarting peer's paths stale.
      await waitFor(async () => (await frrStalePaths(s.lab, svc.prefix)).length > 0, 5000, { what: "FRR to mark node1's path stale" });
      // No NOTIFICATION, so FRR takes it as a restart (NSF: non-stop forwarding) and keeps the path.
      expect((await frrNeighborDetail(s.lab, node1.ipv4)).lastResetDueTo).to.equal('NSF peer closed the session');
      // While the speaker is away FRR holds the path as stale and the kernel route stays.
      const awayUntil = Date.now() + 2000;
      let staleReads = 0;
      while (Date.now() < awayUntil) {
        expect(await frrStalePaths(s.lab, svc.prefix), `stale paths, read ${staleReads + 1} while the speaker is away`).to.deep.equal([node1.ipv4]);
        staleReads++;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(staleReads).to.be.above(5);

      const second = s.speaker(node1);
      await endOfRib(second);
      await waitFor(async () => (await frrStalePaths(s.lab, svc.prefix)).length === 0, ROUTER_CONVERGE_MS, { what: 'the path to be fresh again after End-of-RIB' });
      const samples = await sampler.stop();
      const gaps = samples.filter((x) => x.view.fibNextHops.join() !== node1.ipv4);
      expect(gaps, `samples without the route via node1, of ${samples.length}`).to.deep.equal([]);
      expect(samples.length).to.be.above(20);
      expect((await frrNeighborDetail(s.lab, node1.ipv4)).gracefulRestartInfo).to.deep.include({ remoteGrMode: 'Restart' });
    });
  }

  it('withdraws the route when the speaker stops without graceful restart', async () => {
    const node1 = node(0);
    await s.routerPeer('no-gr', [node1]);
    await s.bgp.advertisement('all', {});
    const svc = await s.service({ endpoints: { node1: 1 } });
    const speaker = s.speaker(node1);
    await endOfRib(speaker);
    await s.route(svc.prefix, (v) => v.fibNextHops.length === 1, 'installed');
    await speaker.stop();
    expect(speaker.exitCode).to.equal(0);
    await s.route(svc.prefix, (v) => v.bgpPaths.length === 0 && v.fibNextHops.length === 0, 'withdrawn from the table and the kernel', 5000);
    expect((await frrNeighborDetail(s.lab, node1.ipv4)).lastNotificationReason).to.equal('Cease/Administrative Shutdown');
  });

  it('graceful shutdown: FRR sees GRACEFUL_SHUTDOWN on the leaving node, then the withdrawal, then the process exits; clients keep being served', async () => {
    const [node1, node2] = [node(0), node(1)];
    await s.routerPeer('everyone', []);
    await s.bgp.advertisement('all', {});
    const svc = await s.service({ endpoints: { node1: 1, node2: 1 } });
    const leaving = s.speaker(node1, { gracefulShutdownDelay: `${GRACEFUL_SHUTDOWN_DELAY_MS}ms` });
    s.speaker(node2);
    await s.responder(node1, svc.address);
    await s.responder(node2, svc.address);
    await s.route(svc.prefix, (v) => v.fibNextHops.length === 2, 'both nodes');

    const sampler = sampleRoute(s.lab, svc.prefix);
    const answers: Array<{ started: number; at: number; status: number; body: string; error?: string }> = [];
    let clientRunning = true;
    const client = (async () => {
      while (clientRunning) {
        const started = Date.now();
        const r = await clientRequest(s.lab, `http://${svc.address}/`, { timeoutSec: 2 });
        answers.push({ started, at: Date.now(), status: r.status, body: r.body, ...(r.error === undefined ? {} : { error: r.error }) });
      }
    })();

    const termAt = Date.now();
    leaving.kill('SIGTERM');
    await leaving.exited;
    const hasNode1 = (v: RouteView): boolean => v.bgpPaths.some((p) => p.nextHop === node1.ipv4);
    await waitFor(() => sampler.samples.some((x) => x.at > termAt && !hasNode1(x.view)), 5000, { what: "the sampler to see node1's path gone" });
    const samples = await sampler.stop();
    clientRunning = false;
    await client;
    expect(leaving.exitCode).to.equal(0);

    const node1Path = (v: RouteView) => v.bgpPaths.find((p) => p.nextHop === node1.ipv4);
    const shut = samples.find((x) => node1Path(x.view)?.communities?.includes('gracefulShutdown'));
    if (shut === undefined) throw new Error(`FRR never showed GRACEFUL_SHUTDOWN on node1's path: ${JSON.stringify(samples.map((x) => node1Path(x.view)))}`);
    const withdrawn = samples.find((x) => x.at > shut.at && node1Path(x.view) === undefined);
    if (withdrawn === undefined) throw new Error(`FRR kept node1's path: last ${JSON.stringify(samples.at(-1)?.view)}`);
    const down = frrLogLines(s.lab, new RegExp(`ADJCHANGE: neighbor ${node1.ipv4.replace(/\./g, '\\.')}\\b.* Down`)).filter((l) => l.at >= termAt - 50);
    const stoppedAt = logTime(leaving.lines.find((l) => l.message === 'stopped')!);
    // FRR honours the community on an eBGP path by itself (LOCAL_PREF 0, RFC 8326 section 4.1):
    // the path via node1 stays but stops being used, so traffic leaves node1 before the session ends.
    expect(node1Path(shut.view)?.localPref).to.equal(0);
    // zebra updates the kernel a moment after bgpd's table changes.
    const moved = samples.find((x) => x.at >= shut.at && x.view.fibNextHops.join() === node2.ipv4);
    if (moved === undefined) throw new Error('the kernel route never left node1 before the withdrawal');
    console.log(
      `        graceful shutdown: GSHUT in FRR's table ${shut.at - termAt} ms after SIGTERM, node2 alone in the kernel at ${moved.at - termAt} ms, ` +
        `FRR took the session down at ${down[0] ? down[0].at - termAt : '?'} ms (path gone from its table by ${withdrawn.at - termAt} ms), ` +
        `the speaker logged 'stopped' at ${stoppedAt - termAt} ms; ${answers.length} client requests, ${answers.filter((a) => a.status !== 200).length} failed`,
    );
    expect(moved.at - shut.at, 'from GSHUT in the table to node2 alone in the kernel').to.be.below(1000);
    expect(withdrawn.at - moved.at, 'traffic left node1 well before the withdrawal').to.be.above(GRACEFUL_SHUTDOWN_DELAY_MS / 2);
    const during = samples.filter((x) => x.at >= moved.at && x.at < withdrawn.at);
    expect(during.filter((x) => x.view.fibNextHops.join() !== node2.ipv4).map((x) => x.view.fibNextHops), 'kernel next hops other than node2 until the withdrawal').to.deep.equal([]);
    expect(samples.every((x) => x.view.fibNextHops.length > 0), 'the route stays installed throughout').to.equal(true);
    // The session ends with the speaker's own Cease after the delay, and before the process exits.
    expect(down.map((l) => l.text), 'bgpd: node1 down').to.have.length(1);
    expect(down[0]!.text).to.match(/Down BGP Notification received/);
    expect((await frrNeighborDetail(s.lab, node1.ipv4)).lastNotificationReason).to.equal('Cease/Administrative Shutdown');
    expect(down[0]!.at - termAt).to.be.within(GRACEFUL_SHUTDOWN_DELAY_MS, GRACEFUL_SHUTDOWN_DELAY_MS + 1000);
    expect(down[0]!.at, "bgpd's log: node1 down, before the speaker's last line").to.be.at.most(stoppedAt);

    // Loose, about the data path: one request at a time, each on a new connection. When the kernel
    // route drops node1, a connection the router had hashed to node1 and that is still open goes
    // to node2, which answers it with a reset: that one request may fail. No other may.
    const lastBoth = samples.filter((x) => x.at < moved.at).at(-1)?.at ?? shut.at;
    const failed = answers.filter((a) => a.status !== 200);
    expect(failed.filter((a) => !(a.started <= moved.at && a.at >= lastBoth)), `failed requests other than one in flight when traffic left node1 (${lastBoth - termAt}-${moved.at - termAt} ms)`).to.deep.equal([]);
    expect(failed.length).to.be.at.most(1);
    expect(answers.filter((a) => a.started > moved.at && a.body !== 'node2'), 'answers from other than node2 once traffic left node1').to.deep.equal([]);
  });
});
