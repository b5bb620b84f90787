// The lab network's proof, run once with each router daemon (lab-frr.test.ts, lab-bird.test.ts,
// lab-gobgp.test.ts).

import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cleanLeftovers } from './cleanup.js';
import { clientRequest, clientRequests } from './client-http.js';
import { neighborMac } from './client-view.js';
import { startGoBgp, type GoBgp } from './gobgp.js';
import { createLab, DEFAULT_ROUTER_ASN, type Lab, type LabHost, type RouterKind } from './lab.js';
import { startResponder } from './responder.js';
import { routeCountOnRouter, waitForRouteCount } from './route-count.js';
import { bgpNeighbors, routesFor, type RouteView } from './router-view.js';
import { run } from './run.js';
import { waitFor } from './wait.js';

const CONVERGE_MS = 10000;
const NAMES: Record<RouterKind, string> = { frr: 'FRR', bird: 'BIRD', gobgp: 'GoBGP' };

export function labSuite(router: RouterKind): void {
  describe(`lab network with ${NAMES[router]} as the router @lab`, function () {
    this.timeout(30000);
    let lab: Lab;
    let node1: LabHost;
    let node2: LabHost;
    let node3: LabHost;
    let speaker1: GoBgp;
    let speaker2: GoBgp;
    let speaker3: GoBgp;

    before(async function () {
      this.timeout(60000);
      cleanLeftovers();
      // node2's sessions use TCP MD5 and short timers, node3's are iBGP, so those paths are proven end to end too.
      lab = await createLab({
        nodes: 3,
        router,
        nodePeers: [undefined, { password: 'lab-md5-key', holdSec: 9 }, { asn: DEFAULT_ROUTER_ASN }],
      });
      [node1, node2, node3] = lab.nodes as [LabHost, LabHost, LabHost];
      [speaker1, speaker2, speaker3] = (await Promise.all(lab.nodes.map((n) => startGoBgp(lab, n)))) as [GoBgp, GoBgp, GoBgp];
    });

    after(async () => {
      await lab?.destroy();
    });

    const routeVia = (prefix: string, nextHops: string[]): Promise<RouteView> =>
      waitFor(
        async () => {
          const view = await routesFor(lab, prefix);
          return sameSet(view.fibNextHops, nextHops) ? view : false;
        },
        CONVERGE_MS,
        { what: `the router's kernel route for ${prefix} via ${nextHops.join(', ') || 'nothing'}` },
      );

    it('lets the client reach every node over IPv4 and IPv6', async () => {
      for (const node of lab.nodes) {
        for (const address of [node.ipv4, node.ipv6]) {
          await lab.exec(lab.client, ['ping', '-n', '-q', '-c', '1', '-W', '2', address]);
        }
      }
    });

    it("lets the root namespace reach every node's IPv4 address", async () => {
      for (const node of lab.nodes) await run(['ping', '-n', '-q', '-c', '1', '-W', '2', node.ipv4]);
    });

    it("lets every node reach a server listening on the root namespace's lab address", async () => {
      const server: Server = createServer((_req, res) => res.end('herald'));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, lab.hostAddress, resolve);
      });
      try {
        const { port } = server.address() as AddressInfo;
        for (const node of lab.nodes) {
          expect(await lab.exec(node, ['curl', '-sS', '--max-time', '3', `http://${lab.hostAddress}:${port}/`])).to.equal('herald');
        }
      } finally {
        server.close();
      }
    });

    it("establishes the router's IPv4 and IPv6 sessions with GoBGP on every node, one pair with TCP MD5, one iBGP", async () => {
      await Promise.all([speaker1, speaker2, speaker3].map((s) => s.waitEstablished()));
      const neighbors = await waitFor(
        async () => {
          const ns = await bgpNeighbors(lab);
          return ns.length === 6 && ns.every((n) => n.state === 'Established') ? ns : false;
        },
        CONVERGE_MS,
        { what: 'all six sessions Established on the router' },
      );
      expect(neighbors.map((n) => [n.address, n.family, n.remoteAs])).to.have.deep.members([
        [node1.ipv4, 'ipv4', 64512],
        [node1.ipv6, 'ipv6', 64512],
        [node2.ipv4, 'ipv4', 64512],
        [node2.ipv6, 'ipv6', 64512],
        [node3.ipv4, 'ipv4', DEFAULT_ROUTER_ASN],
        [node3.ipv6, 'ipv6', DEFAULT_ROUTER_ASN],
      ]);
    });

    it('installs a /32 announced by one node, in its BGP table and its kernel, via that node', async () => {
      await speaker1.announce('198.51.100.5/32');
      const view = await routeVia('198.51.100.5/32', [node1.ipv4]);
      expect(view.bgpPaths).to.have.length(1);
      expect(view.bgpPaths[0]).to.include({ nextHop: node1.ipv4, best: true, origin: 'IGP' });
      expect(view.bgpPaths[0]?.asPath).to.deep.equal([64512]);
      const n1 = (await bgpNeighbors(lab)).find((n) => n.address === node1.ipv4);
      expect(n1?.prefixesReceived).to.equal(1);
      expect(await routeCountOnRouter(lab, { peer: node1.ipv4 })).to.equal(1);
      expect((await waitForRouteCount(lab, 1, { timeoutMs: 1000 })).count).to.equal(1);
    });

    it('installs an IPv6 /128 announced by one node via that node', async () => {
      await speaker2.announce('2001:db8::5/128');
      const view = await routeVia('2001:db8::5/128', [node2.ipv6]);
      expect(view.bgpPaths.map((p) => [p.nextHop, p.best])).to.deep.equal([[node2.ipv6, true]]);
      expect(await routeCountOnRouter(lab, { family: 'ipv6', peer: node2.ipv6 })).to.equal(1);
    });

    it('spreads a /32 that two nodes announce over both of them (ECMP)', async () => {
      await Promise.all([speaker1.announce('198.51.100.7/32'), speaker2.announce('198.51.100.7/32')]);
      const view = await routeVia('198.51.100.7/32', [node1.ipv4, node2.ipv4]);
      expect(view.bgpPaths.map((p) => p.nextHop)).to.have.members([node1.ipv4, node2.ipv4]);
      expect(view.bgpPaths.every((p) => p.bestOrMultipath)).to.equal(true);
    });

    it('spreads an IPv6 /128 that two nodes announce over both of them (ECMP)', async () => {
      await Promise.all([speaker1.announce('2001:db8::7/128'), speaker2.announce('2001:db8::7/128')]);
      const view = await routeVia('2001:db8::7/128', [node1.ipv6, node2.ipv6]);
      expect(view.bgpPaths.every((p) => p.bestOrMultipath)).to.equal(true);
    });

    it('drops the next hop of a node that withdraws, keeping the other', async () => {
      await speaker1.withdraw('198.51.100.7/32');
      const view = await routeVia('198.51.100.7/32', [node2.ipv4]);
      expect(view.bgpPaths.map((p) => p.nextHop)).to.deep.equal([node2.ipv4]);
      await speaker2.withdraw('198.51.100.7/32');
      expect((await routeVia('198.51.100.7/32', [])).bgpPaths).to.deep.equal([]);
    });

    it('carries communities, large communities and MED to the router', async () => {
      await speaker1.announce('198.51.100.8/32', { communities: ['64500:100', '64500:200'], largeCommunities: ['64500:1:2'], med: 30 });
      const view = await routeVia('198.51.100.8/32', [node1.ipv4]);
      expect(view.bgpPaths[0]).to.deep.include({ communities: ['64500:100', '64500:200'], largeCommunities: ['64500:1:2'], med: 30 });
    });

    it('carries LOCAL_PREF from an iBGP node', async () => {
      await speaker3.announce('198.51.100.10/32', { localPref: 250 });
      const view = await routeVia('198.51.100.10/32', [node3.ipv4]);
      expect(view.bgpPaths[0]).to.include({ localPref: 250, nextHop: node3.ipv4 });
      expect(view.bgpPaths[0]?.asPath).to.deep.equal([]);
    });

    it('carries the link bandwidth extended community', async () => {
      await speaker1.announce('198.51.100.11/32', { linkBandwidth: 125000 });
      const view = await routeVia('198.51.100.11/32', [node1.ipv4]);
      expect(view.bgpPaths[0]).to.deep.include({ linkBandwidth: 125000, extendedCommunities: ['LB:64512:125000'] });
    });

    it('lets the client reach a Service address through the router, spread over every node that announces it', async () => {
      const service = '198.51.100.20';
      await Promise.all([node1, node2].map((n) => startResponder(lab, n, service, 80)));
      await Promise.all([speaker1.announce(`${service}/32`), speaker2.announce(`${service}/32`)]);
      await routeVia(`${service}/32`, [node1.ipv4, node2.ipv4]);
      const spread = await clientRequests(lab, `http://${service}/`, 40);
      expect(spread.failed).to.equal(0);
      expect(Object.keys(spread.byBody).sort()).to.deep.equal(['node1', 'node2']);
    });

    it('lets the client reach an IPv6 Service address through the router', async () => {
      const service = '2001:db8::20';
      const responder = await startResponder(lab, node2, service, 8080);
      await speaker2.announce(`${service}/128`);
      await routeVia(`${service}/128`, [node2.ipv6]);
      const response = await clientRequest(lab, `http://[${service}]:8080/`);
      expect(response).to.include({ status: 200, body: 'node2' });
      expect(response.elapsedMs).to.be.above(0);
      await responder.stop();
    });

    it('leaves the client without an answer once every node withdraws the Service', async () => {
      const service = '198.51.100.20';
      await Promise.all([speaker1.withdraw(`${service}/32`), speaker2.withdraw(`${service}/32`)]);
      await routeVia(`${service}/32`, []);
      const response = await clientRequest(lab, `http://${service}/`, { timeoutSec: 1 });
      expect(response.status).to.equal(0);
      expect(response.error).to.be.a('string').and.not.equal('');
    });

    it('forwards the client through the router to an address a node announces', async () => {
      await lab.exec(node2, ['ip', 'addr', 'add', '198.51.100.9/32', 'dev', 'lo']);
      await speaker2.announce('198.51.100.9/32');
      await routeVia('198.51.100.9/32', [node2.ipv4]);
      const out = await lab.exec(lab.client, ['ping', '-n', '-c', '1', '-W', '2', '198.51.100.9']);
      expect(out).to.match(/1 received/);
    });

    it('tells which MAC the client resolves for each node address, and none for an unused one', async () => {
      for (const node of lab.nodes) {
        expect(await neighborMac(lab, node.ipv4)).to.equal(node.mac);
        expect(await neighborMac(lab, node.ipv6)).to.equal(node.mac);
      }
      expect(await neighborMac(lab, `198.18.${lab.segment.k}.200`)).to.equal(undefined);
    });
  });
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
}
