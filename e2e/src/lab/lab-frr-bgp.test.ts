// What only FRR among the lab routers does: weighted ECMP from link bandwidth, graceful restart
// as a helper for a restarting node, and the timing helpers the benchmark polls it with.

import { expect } from 'chai';
import { cleanLeftovers } from './cleanup.js';
import { measureGoBgpRouteLoad } from './gobgp-bulk.js';
import { startGoBgp, type GoBgp } from './gobgp.js';
import { createLab, type Lab, type LabHost } from './lab.js';
import { routeCountOnRouter } from './route-count.js';
import { bgpNeighbor, routesFor, type RouteView } from './router-view.js';
import { waitFor } from './wait.js';

const CONVERGE_MS = 10000;

describe('FRR as the router: weighted ECMP, graceful restart, route counts @lab', function () {
  this.timeout(30000);
  let lab: Lab;
  let node1: LabHost;
  let node2: LabHost;
  let node3: LabHost;
  let speaker1: GoBgp;
  let speaker2: GoBgp;

  before(async function () {
    this.timeout(60000);
    cleanLeftovers();
    lab = await createLab({ nodes: 3, router: 'frr', ipv6Sessions: false });
    [node1, node2, node3] = lab.nodes as [LabHost, LabHost, LabHost];
    [speaker1, speaker2] = await Promise.all([startGoBgp(lab, node1, { gracefulRestartSec: 30 }), startGoBgp(lab, node2)]);
    await Promise.all([speaker1.waitEstablished(), speaker2.waitEstablished()]);
  });

  after(async () => {
    await lab?.destroy();
  });

  const routeMatching = (prefix: string, ok: (v: RouteView) => boolean, what: string): Promise<RouteView> =>
    waitFor(async () => {
      const view = await routesFor(lab, prefix);
      return ok(view) ? view : false;
    }, CONVERGE_MS, { what: `the router's route for ${prefix}: ${what}` });

  it('weighs the next hops by the link bandwidth each node sends, in its RIB and in the kernel', async () => {
    await speaker1.announce('198.51.100.40/32', { linkBandwidth: 125000 });
    await speaker2.announce('198.51.100.40/32', { linkBandwidth: 375000 });
    const view = await routeMatching('198.51.100.40/32', (v) => Object.values(v.fibWeights).includes(75), 'weighted 25/75');
    const weights = { [node1.ipv4]: 25, [node2.ipv4]: 75 };
    expect(view.fibWeights).to.deep.equal(weights);
    expect(view.frrWeights).to.deep.equal(weights);
    expect(view.bgpPaths.map((p) => [p.nextHop, p.linkBandwidth]).sort()).to.deep.equal([
      [node1.ipv4, 125000],
      [node2.ipv4, 375000],
    ]);
  });

  it('falls back to equal weights when one node sends no link bandwidth', async () => {
    await speaker1.announce('198.51.100.41/32', { linkBandwidth: 125000 });
    await speaker2.announce('198.51.100.41/32');
    const view = await routeMatching('198.51.100.41/32', (v) => v.fibNextHops.length === 2, 'two next hops');
    expect(view.fibWeights).to.deep.equal({ [node1.ipv4]: 1, [node2.ipv4]: 1 });
  });

  it('keeps forwarding to a node that restarts gracefully, and drops the routes of one that does not', async () => {
    await speaker1.announce('198.51.100.42/32');
    await speaker2.announce('198.51.100.43/32');
    await routeMatching('198.51.100.42/32', (v) => v.fibNextHops.length === 1, 'installed');
    await routeMatching('198.51.100.43/32', (v) => v.fibNextHops.length === 1, 'installed');

    await Promise.all([speaker1.process.stop('SIGKILL'), speaker2.process.stop('SIGKILL')]);
    await waitFor(async () => (await bgpNeighbor(lab, node1.ipv4))?.state !== 'Established', CONVERGE_MS, { what: "the router to notice node1's restart" });
    await routeMatching('198.51.100.43/32', (v) => v.fibNextHops.length === 0, "node2's route gone");
    expect((await routesFor(lab, '198.51.100.42/32')).fibNextHops).to.deep.equal([node1.ipv4]);

    // gobgpd does not claim to have kept its forwarding state (F bit clear), so once it is back
    // FRR drops the stale route at once (RFC 4724 section 4.2) and installs it again when announced.
    speaker1 = await startGoBgp(lab, node1, { gracefulRestartSec: 30, tag: 'restarted' });
    await speaker1.waitEstablished();
    await speaker1.announce('198.51.100.42/32');
    await routeMatching('198.51.100.42/32', (v) => v.fibNextHops.length === 1, 'installed again');
    speaker2 = await startGoBgp(lab, node2, { tag: 'restarted' });
    await speaker2.waitEstablished();
  });

  it("times gobgpd filling the router's table and emptying it again", async function () {
    this.timeout(120000);
    const load = await measureGoBgpRouteLoad(lab, node3, 2000, { firstAddress: '100.64.0.0' });
    expect(load.routes).to.equal(2000);
    expect(load.establishedToAllMs).to.be.above(0).and.below(30000);
    expect(load.withdrawAllMs).to.be.above(0).and.below(30000);
    expect(load.peakRssBytes).to.be.above(1 << 20);
    expect(await routeCountOnRouter(lab, { peer: node3.ipv4 })).to.equal(0);
  });
});
