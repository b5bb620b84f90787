// How fast a failed node stops attracting traffic at FRR: the hold timer when a speaker stops
// answering (SIGSTOP), Herald's own hold timer when the router stops, and BFD when a link is cut.

import { expect } from 'chai';
import { bgpNeighbor, type LabHost } from '../lab/index.js';
import { waitFor } from '../lab/wait.js';
import type { BGPPeerSpec } from '@herald/shared/api/bgp-peer.js';
import type { LogLine } from '../harness/controller-process.js';
import { frrBfdPeer, frrNeighborDetail } from '../harness/frr-detail.js';
import { ROUTER_CONVERGE_MS, useSpeakerLab } from '../harness/speaker-lab-suite.js';
import type { SpeakerProcess } from '../harness/speaker-process.js';

const HOLD_SEC = 3;
const BFD_INTERVAL_MS = 100;
const BFD_MULTIPLIER = 3;

const logTime = (l: LogLine): number => Date.parse(String(l['ts']));

describe('the speaker and FRR detecting failures: hold timer and BFD @lab', function () {
  this.timeout(60_000);
  // node1: short hold timer; node2: BFD; node3: a plain session that keeps the Service reachable.
  const s = useSpeakerLab({
    nodes: 3,
    router: 'frr',
    ipv6Sessions: false,
    nodePeers: [
      { holdSec: HOLD_SEC, keepaliveSec: 1 },
      { bfd: { receiveMs: BFD_INTERVAL_MS, transmitMs: BFD_INTERVAL_MS, multiplier: BFD_MULTIPLIER } },
    ],
  });
  const node = (i: number): LabHost => s.lab.nodes[i]!;

  /** The Service announced by `host` and node3, both next hops installed, speakers running. */
  async function announcedBy(host: LabHost, peer: Partial<BGPPeerSpec>) {
    const node3 = node(2);
    await s.routerPeer(`via-${host.name}`, [host], peer);
    await s.routerPeer('via-node3', [node3]);
    await s.bgp.advertisement('all', {});
    const svc = await s.service({ endpoints: { [host.name]: 1, node3: 1 } });
    const speaker = s.speaker(host);
    s.speaker(node3);
    await s.route(svc.prefix, (v) => v.fibNextHops.length === 2, `next hops ${host.name} and node3`);
    return { svc, speaker };
  }

  const established = (speaker: SpeakerProcess): LogLine[] => speaker.lines.filter((l) => l.message === 'BGP session established');

  it(`FRR's hold timer expires ${HOLD_SEC} s after a frozen speaker last spoke, and the session comes back when it thaws`, async () => {
    const node1 = node(0);
    const { svc, speaker } = await announcedBy(node1, { holdTime: `${HOLD_SEC}s`, keepaliveTime: '1s' });
    const before = await frrNeighborDetail(s.lab, node1.ipv4);
    const establishedBefore = established(speaker).length;

    await speaker.freeze();
    const frozenAt = Date.now();
    await waitFor(async () => (await bgpNeighbor(s.lab, node1.ipv4))?.state !== 'Established', (HOLD_SEC + 3) * 1000, {
      what: 'FRR to drop the frozen node1',
      intervalMs: 20,
    });
    const droppedMs = Date.now() - frozenAt;
    const detail = await frrNeighborDetail(s.lab, node1.ipv4);
    console.log(`        hold timer: FRR dropped the frozen speaker ${droppedMs} ms after SIGSTOP (hold ${HOLD_SEC} s, keepalive 1 s)`);
    // The last keepalive left at most 1 s before the freeze, so FRR gives up 2 to 3 s after it.
    expect(droppedMs).to.be.within((HOLD_SEC - 1) * 1000 - 100, HOLD_SEC * 1000 + 500);
    expect(detail.lastResetDueTo, JSON.stringify(detail)).to.equal('BGP Notification send');
    expect(detail.lastNotificationReason, JSON.stringify(detail)).to.match(/^Hold Timer Expired/);
    expect(detail.connectionsDropped).to.equal((before.connectionsDropped ?? 0) + 1);
    const withdrawn = await s.route(svc.prefix, (v) => v.fibNextHops.length === 1, 'node1 gone');
    expect(withdrawn.fibNextHops).to.deep.equal([node(2).ipv4]);
    expect(withdrawn.bgpPaths.map((p) => p.nextHop)).to.deep.equal([node(2).ipv4]);

    const thawedAt = Date.now();
    await speaker.thaw();
    const down = await speaker.waitForLog((l) => l.message === 'BGP session down' && logTime(l) >= thawedAt - 50, 5000, 'its session to go down after the thaw');
    console.log(`        after the thaw the speaker's session went down: ${String(down['reason'])}`);
    // The thawed process sees two things that happened while it was stopped: its own hold timer
    // long due, and FRR's NOTIFICATION waiting on the socket. Which it handles first is up to the
    // event loop (the timer, in every run so far); either way the session ends for that reason.
    expect(String(down['reason'])).to.be.oneOf([`hold timer expired: nothing from the peer for ${HOLD_SEC} s`, 'the peer sent NOTIFICATION Hold Timer Expired']);
    await waitFor(() => established(speaker).length > establishedBefore, ROUTER_CONVERGE_MS, { what: 'the thawed speaker to re-establish' });
    const back = await s.route(svc.prefix, (v) => v.fibNextHops.length === 2, 'node1 back');
    expect(back.fibNextHops).to.deep.equal([node1.ipv4, node(2).ipv4].sort());
  });

  it(`Herald's hold timer expires when FRR's bgpd stops answering, and it sends Hold Timer Expired`, async () => {
    const node1 = node(0);
    const { speaker } = await announcedBy(node1, { holdTime: `${HOLD_SEC}s`, keepaliveTime: '1s' });
    const bgpd = s.lab.processes().find((p) => p.name === 'bgpd');
    if (bgpd === undefined) throw new Error(`lab ${s.lab.prefix} has no bgpd process`);
    const establishedBefore = established(speaker).length;

    process.kill(bgpd.pid, 'SIGSTOP');
    const frozenAt = Date.now();
    let expired: LogLine;
    try {
      expired = await speaker.waitForLog(
        (l) => l.message === 'BGP session down' && logTime(l) >= frozenAt && String(l['reason']).includes('hold timer expired'),
        (HOLD_SEC + 3) * 1000,
        "Herald's hold timer to expire",
      );
    } finally {
      process.kill(bgpd.pid, 'SIGCONT');
    }
    const expiredMs = logTime(expired) - frozenAt;
    console.log(`        hold timer: Herald declared the frozen bgpd gone ${expiredMs} ms after SIGSTOP (hold ${HOLD_SEC} s)`);
    expect(expiredMs).to.be.within((HOLD_SEC - 1) * 1000 - 100, HOLD_SEC * 1000 + 500);
    expect(expired['reason']).to.equal(`hold timer expired: nothing from the peer for ${HOLD_SEC} s`);
    expect(expired['peer']).to.equal('via-node1');

    const sent = speaker.lines.find((l) => l.message === 'NOTIFICATION sent' && l['peer'] === 'via-node1' && logTime(l) >= frozenAt);
    expect(sent?.['notification'], speaker.describe()).to.equal('Hold Timer Expired');
    // bgpd's own hold timer is long due when it runs again, so it ends the session from its side
    // too (before it reads ours); then the two sessions come back.
    await waitFor(() => established(speaker).length > establishedBefore, ROUTER_CONVERGE_MS, { what: 'the session to come back' });
    await waitFor(async () => (await bgpNeighbor(s.lab, node1.ipv4))?.state === 'Established', ROUTER_CONVERGE_MS, { what: 'FRR to show node1 Established again' });
  });

  it('BFD takes the session down within a second of the link being cut, at both ends', async () => {
    const [node2, node3] = [node(1), node(2)];
    await s.bgp.bfdProfile('fast', { receiveInterval: BFD_INTERVAL_MS, transmitInterval: BFD_INTERVAL_MS, detectMultiplier: BFD_MULTIPLIER });
    const { svc, speaker } = await announcedBy(node2, { bfdProfile: 'fast' });
    await waitFor(async () => (await frrBfdPeer(s.lab, node2.ipv4))?.status === 'up', ROUTER_CONVERGE_MS, { what: "bfdd's session with node2 up" });
    await speaker.waitForLog((l) => l.message === 'BFD session state changed' && l['to'] === 'Up', ROUTER_CONVERGE_MS, 'BFD up');
    const agreed = await speaker.waitForLog((l) => l.message === 'BFD timers agreed', ROUTER_CONVERGE_MS, 'BFD timers agreed with bfdd');
    expect([agreed['transmitIntervalMs'], agreed['detectionTimeMs']]).to.deep.equal([BFD_INTERVAL_MS, BFD_INTERVAL_MS * BFD_MULTIPLIER]);

    // node2's port on the lab switch (lab README: the bridge port is named after the host).
    const cutAt = Date.now();
    await s.lab.exec(s.lab.switchNetns, ['ip', 'link', 'set', node2.name, 'down']);
    try {
      const bfdDown = await speaker.waitForLog(
        (l) => l.message.startsWith('BFD says the path to the peer is down') && logTime(l) >= cutAt,
        5000,
        'BFD to declare the path down',
      );
      const speakerMs = logTime(bfdDown) - cutAt;
      const sessionDown = await speaker.waitForLog((l) => l.message === 'BGP session down' && logTime(l) >= cutAt, 1000, 'the BGP session to go down');
      const withdrawn = await s.route(svc.prefix, (v) => v.fibNextHops.length === 1, "FRR to drop node2's path", 5000);
      const routerMs = Date.now() - cutAt;
      console.log(
        `        BFD (${BFD_INTERVAL_MS} ms x ${BFD_MULTIPLIER}): the speaker closed its session ${speakerMs} ms after the cut ` +
          `(BGP down logged at ${logTime(sessionDown) - cutAt} ms); FRR had removed the path by ${routerMs} ms`,
      );
      expect(speakerMs).to.be.below(1000);
      expect(String(sessionDown['reason'])).to.match(/^BFD down/);
      expect(withdrawn.fibNextHops).to.deep.equal([node3.ipv4]);
      expect(routerMs).to.be.below(1000);
      const detail = await frrNeighborDetail(s.lab, node2.ipv4);
      // FRR's own bfdd saw the path fail too: bgpd ended the session with Cease / BFD Down.
      expect(detail.lastNotificationReason, JSON.stringify(detail)).to.equal('Cease/BFD Down');
    } finally {
      await s.lab.exec(s.lab.switchNetns, ['ip', 'link', 'set', node2.name, 'up']);
    }
    await s.route(svc.prefix, (v) => v.fibNextHops.length === 2, 'node2 back once the link is up');
  });
});
