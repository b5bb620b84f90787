// TCP-MD5 (RFC 2385) between Herald's speaker and FRR: the key from the BGPPeer or from its
// Secret opens the session; a different key never does, and both ends say why.

import { expect } from 'chai';
import { bgpNeighbor, type LabHost } from '../lab/index.js';
import { kernelCounters } from '../harness/frr-detail.js';
import { ROUTER_CONVERGE_MS, useSpeakerLab } from '../harness/speaker-lab-suite.js';

/** Segments whose MD5 signature did not verify (Linux's LINUX_MIB_TCPMD5FAILURE). */
const MD5_FAILURES = 'TcpExtTCPMD5Failure';

describe('the speaker and FRR with TCP-MD5 @lab', function () {
  this.timeout(40_000);
  const s = useSpeakerLab({
    nodes: 3,
    router: 'frr',
    ipv6Sessions: false,
    nodePeers: [{ password: 'lab-md5-node1' }, { password: 'lab-md5-node2' }, { password: 'lab-md5-node3' }],
  });
  const node = (i: number): LabHost => s.lab.nodes[i]!;

  it('opens the session with the password written in the BGPPeer, and the router installs the route', async () => {
    const node1 = node(0);
    await s.routerPeer('md5-inline', [node1], { password: 'lab-md5-node1' });
    await s.bgp.advertisement('all', {});
    const svc = await s.service({ endpoints: { node1: 1 } });
    const speaker = s.speaker(node1);
    const configured = await speaker.waitForLog((l) => l.message === 'BGP session configured', ROUTER_CONVERGE_MS, 'the peer to be configured');
    expect(configured['md5']).to.equal(true);
    await speaker.waitForLog((l) => l.message === 'BGP session established', ROUTER_CONVERGE_MS, 'the MD5 session to come up');
    const view = await s.route(svc.prefix, (v) => v.fibNextHops.length === 1, 'installed');
    expect(view.fibNextHops).to.deep.equal([node1.ipv4]);
    expect((await bgpNeighbor(s.lab, node1.ipv4))?.state).to.equal('Established');
  });

  it('opens the session with the password from the Secret the BGPPeer names', async () => {
    const node2 = node(1);
    await s.bgp.passwordSecret('router-md5', 'lab-md5-node2');
    await s.routerPeer('md5-secret', [node2], { passwordSecret: { name: 'router-md5' } });
    await s.bgp.advertisement('all', {});
    const svc = await s.service({ endpoints: { node2: 1 } });
    const speaker = s.speaker(node2);
    const configured = await speaker.waitForLog((l) => l.message === 'BGP session configured', ROUTER_CONVERGE_MS, 'the peer to be configured');
    expect(configured['md5']).to.equal(true);
    const view = await s.route(svc.prefix, (v) => v.fibNextHops.length === 1, 'installed');
    expect(view.fibNextHops).to.deep.equal([node2.ipv4]);
    expect((await bgpNeighbor(s.lab, node2.ipv4))?.state).to.equal('Established');
  });

  it('never reaches Established when the passwords differ; the kernels drop the segments and the speaker says why', async () => {
    const node3 = node(2);
    const routerBefore = await kernelCounters(s.lab, s.lab.router, [MD5_FAILURES]);
    const nodeBefore = await kernelCounters(s.lab, node3, [MD5_FAILURES]);
    // A short connect time: each dial gives up after 2 s, so the speaker reports the failure soon.
    await s.routerPeer('md5-wrong', [node3], { password: 'not-the-routers', connectTime: '2s' });
    await s.bgp.advertisement('all', {});
    const svc = await s.service({ endpoints: { node3: 1 } });
    const speaker = s.speaker(node3);
    const failure = await speaker.waitForLog(
      (l) => typeof l.reason === 'string' && l.reason.includes('TCP-MD5 connect') && l.reason.includes('ETIMEDOUT'),
      ROUTER_CONVERGE_MS,
      'a log line saying the MD5 connection did not complete',
    );
    expect(failure['peer']).to.equal('md5-wrong');

    // The router dials the node every second and the speaker dials the router: over 3 s of both,
    // neither end ever gets as far as Established.
    const states = new Set<string>();
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      states.add((await bgpNeighbor(s.lab, node3.ipv4))?.state ?? 'absent');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect([...states]).to.not.include('Established');
    expect(speaker.lines.filter((l) => l.message === 'BGP session established')).to.deep.equal([]);
    expect((await s.route(svc.prefix, () => true, 'read')).bgpPaths).to.deep.equal([]);

    // Both kernels threw away segments whose signature did not verify (RFC 2385 section 2.0).
    const routerAfter = await kernelCounters(s.lab, s.lab.router, [MD5_FAILURES]);
    const nodeAfter = await kernelCounters(s.lab, node3, [MD5_FAILURES]);
    expect(routerAfter[MD5_FAILURES], "the router's kernel: segments from the node failing MD5").to.be.above(routerBefore[MD5_FAILURES]!);
    expect(nodeAfter[MD5_FAILURES], "the node's kernel: segments from the router failing MD5").to.be.above(nodeBefore[MD5_FAILURES]!);
    expect(speaker.alive, 'the speaker keeps running and retrying').to.equal(true);
  });
});
