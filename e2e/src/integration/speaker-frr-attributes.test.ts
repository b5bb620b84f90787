// The path attributes Herald's speaker sends, as FRR shows them: communities (literal and by
// alias), large communities, LOCAL_PREF on iBGP only, and link bandwidth turned into weighted ECMP.

import { expect } from 'chai';
import { clientRequests, type BgpPath, type LabHost } from '../lab/index.js';
import { useSpeakerLab } from '../harness/speaker-lab-suite.js';

const ROUTER_ASN = 64500;
const NODE_ASN = 64512;
/** What the speaker sends per ready local endpoint: 1 Mbit/s in bytes per second. */
const BYTES_PER_ENDPOINT = 125_000;

describe('the path attributes the speaker sends, as FRR shows them @lab', function () {
  this.timeout(40_000);
  // node1 and node2 peer over eBGP, node3 over iBGP (its AS is the router's).
  const s = useSpeakerLab({ nodes: 3, router: 'frr', ipv6Sessions: false, routerAsn: ROUTER_ASN, nodeAsn: NODE_ASN, nodePeers: [undefined, undefined, { asn: ROUTER_ASN }] });
  const node = (i: number): LabHost => s.lab.nodes[i]!;

  const pathFrom = (paths: BgpPath[], host: LabHost): BgpPath => {
    const path = paths.find((p) => p.nextHop === host.ipv4);
    if (path === undefined) throw new Error(`no path via ${host.name} (${host.ipv4}) among ${JSON.stringify(paths)}`);
    return path;
  };

  it('carries communities, an alias resolved, large communities, and LOCAL_PREF to the iBGP peer only', async () => {
    const [node1, , node3] = [node(0), node(1), node(2)];
    await s.routerPeer('router-ebgp', [node1]);
    await s.routerPeer('router-ibgp', [node3], { myASN: ROUTER_ASN });
    await s.bgp.community('lab-communities', { communities: [{ name: 'lab-tenant', value: '64500:200' }] });
    await s.bgp.advertisement('tagged', { communities: ['64500:100', 'lab-tenant', 'large:64500:1:2'], localPref: 150 });
    const svc = await s.service({ endpoints: { node1: 1, node3: 1 } });
    s.speaker(node1);
    s.speaker(node3);

    // bgpd runs best-path selection a moment after a path arrives.
    const view = await s.route(
      svc.prefix,
      (v) => v.bgpPaths.length === 2 && v.bgpPaths.some((p) => p.best && p.nextHop === node3.ipv4),
      'a path from node1 and from node3, the iBGP one chosen',
    );
    const ibgp = pathFrom(view.bgpPaths, node3);
    const ebgp = pathFrom(view.bgpPaths, node1);
    for (const path of [ibgp, ebgp]) {
      expect(path.communities, `communities via ${path.nextHop}`).to.deep.equal(['64500:100', '64500:200']);
      expect(path.largeCommunities, `large communities via ${path.nextHop}`).to.deep.equal(['64500:1:2']);
    }
    expect(ibgp.localPref).to.equal(150);
    expect(ibgp.asPath).to.deep.equal([]);
    // LOCAL_PREF never crosses an AS boundary (RFC 4271 section 5.1.5): the eBGP path carries
    // none (FRR compares it as its default, 100), so the iBGP path at 150 is the only one used.
    expect(ebgp.localPref).to.equal(undefined);
    expect(ebgp.asPath).to.deep.equal([NODE_ASN]);
    expect(ibgp.best).to.equal(true);
    expect(ebgp.bestOrMultipath).to.equal(false);
    await s.route(svc.prefix, (v) => v.fibNextHops.join() === node3.ipv4, 'the kernel forwarding to node3 alone');
  });

  it('weighs the nodes by their ready local endpoints (externalTrafficPolicy Local), in FRR and in the kernel, and traffic follows', async () => {
    const [node1, node2] = [node(0), node(1)];
    await s.routerPeer('router-ebgp', [node1, node2]);
    await s.bgp.advertisement('all', {});
    const svc = await s.service({ policy: 'Local', endpoints: { node1: 1, node2: 3 } });
    s.speaker(node1);
    s.speaker(node2);

    const view = await s.route(svc.prefix, (v) => Object.keys(v.frrWeights ?? {}).length === 2 && v.fibNextHops.length === 2, 'two weighted next hops');
    expect(view.bgpPaths.map((p) => [p.nextHop, p.linkBandwidth]).sort()).to.deep.equal([
      [node1.ipv4, BYTES_PER_ENDPOINT],
      [node2.ipv4, 3 * BYTES_PER_ENDPOINT],
    ]);
    expect(pathFrom(view.bgpPaths, node1).extendedCommunities).to.deep.equal([`LB:${NODE_ASN}:${BYTES_PER_ENDPOINT}`]);
    const weights = { [node1.ipv4]: 25, [node2.ipv4]: 75 };
    expect(view.frrWeights, 'show ip route: next hop weights').to.deep.equal(weights);
    expect(view.fibWeights, 'ip route: next hop weights').to.deep.equal(weights);

    // Loose: the router hashes each new connection onto a node, three times as often onto node2.
    await s.responder(node1, svc.address);
    await s.responder(node2, svc.address);
    const spread = await clientRequests(s.lab, `http://${svc.address}/`, 60);
    expect(spread.failed).to.equal(0);
    expect(spread.byBody['node1'] ?? 0, JSON.stringify(spread.byBody)).to.be.above(0);
    expect(spread.byBody['node2'] ?? 0, JSON.stringify(spread.byBody)).to.be.above(spread.byBody['node1'] ?? 0);

    // Scaled to 2 + 2, the weights even out.
    await s.bgp.endpoints(svc.namespace, svc.name, { node1: 2, node2: 2 });
    const even = await s.route(
      svc.prefix,
      // bgpd, zebra and the kernel change one after the other: wait until all three agree.
      (v) =>
        v.bgpPaths.every((p) => p.linkBandwidth === 2 * BYTES_PER_ENDPOINT) &&
        v.fibNextHops.length === 2 &&
        v.fibWeights[node1.ipv4] === v.fibWeights[node2.ipv4] &&
        v.frrWeights?.[node1.ipv4] === v.frrWeights?.[node2.ipv4],
      'equal link bandwidth and equal weights in zebra and the kernel',
    );
    expect(even.frrWeights).to.deep.equal({ [node1.ipv4]: 50, [node2.ipv4]: 50 });
    expect(even.fibWeights).to.deep.equal({ [node1.ipv4]: 50, [node2.ipv4]: 50 });
  });
});
