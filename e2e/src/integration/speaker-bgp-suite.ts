// BGP mode end to end, run once with each lab router (speaker-bgp-frr.test.ts,
// speaker-bgp-bird.test.ts, speaker-bgp-gobgp.test.ts): the real controller allocates from a
// dual-stack pool, a real speaker runs in every node's namespace, and the router's own view (its
// BGP table and its kernel) is what the tests believe.

import { expect } from 'chai';
import { bgpNeighbors, clientRequests, DEFAULT_NODE_ASN, routeCountOnRouter, routesFor, type LabHost, type RouteView, type RouterKind } from '../lab/index.js';
import { waitFor } from '../lab/wait.js';
import { BgpObjects } from '../harness/bgp-objects.js';
import { serviceBgpStatuses } from '../harness/bgp-status.js';
import { HeraldObjects } from '../harness/herald-objects.js';
import type { LogLine } from '../harness/controller-process.js';
import { ROUTER_CONVERGE_MS, useSpeakerLab } from '../harness/speaker-lab-suite.js';
import type { SpeakerProcess } from '../harness/speaker-process.js';

const ROUTER_NAMES: Record<RouterKind, string> = { frr: 'FRR', bird: 'BIRD 2', gobgp: 'gobgpd' };

/** From the documentation ranges (RFC 5737, RFC 3849), as examples/pool.yaml; not the lab segment. */
const POOL = 'doc-ranges';
const POOL_RANGES = ['198.51.100.10-198.51.100.40', '2001:db8:100::10-2001:db8:100::40'];
const PEER_V4 = 'router-v4';
const PEER_V6 = 'router-v6';
const ADVERTISEMENT = 'doc-ranges';
const COMMUNITY = '64512:100';
/** Enough new connections that the router's L4 hash sends some to each of three next hops. */
const REQUESTS = 60;

interface DualStackService {
  namespace: string;
  name: string;
  ipv4: string;
  ipv6: string;
}

export function speakerBgpSuite(router: RouterKind): void {
  describe(`BGP mode against ${ROUTER_NAMES[router]} with a speaker on each of 3 nodes @lab`, function () {
    this.timeout(60_000);
    const suite = useSpeakerLab({ nodes: 3, router }, { speakersForSuite: true, restartableApi: true });

    // Hooks of this inner suite run inside the outer one's: its objects and speakers exist while they run.
    describe('peering over IPv4 and IPv6, announcing a dual-stack pool', () => {
      let nodes: LabHost[];
      let speakers: SpeakerProcess[];
      let config: BgpObjects;
      let pools: HeraldObjects;

      before(async function () {
        this.timeout(60_000);
        nodes = [...suite.lab.nodes];
        // Pools are not bound to a load balancer class; the class given here is never used.
        pools = new HeraldObjects(suite.cluster, 'heraldlb.io/pools-only');
        await pools.createPool(POOL, { addresses: POOL_RANGES });
        config = new BgpObjects(suite.cluster);
        const myASN = DEFAULT_NODE_ASN;
        await config.peer(PEER_V4, { myASN, peerASN: suite.lab.routerAsn, peerAddress: suite.lab.router.ipv4 });
        await config.peer(PEER_V6, { myASN, peerASN: suite.lab.routerAsn, peerAddress: suite.lab.router.ipv6 });
        await config.advertisement(ADVERTISEMENT, { ipAddressPools: [POOL], peers: [PEER_V4, PEER_V6], communities: [COMMUNITY] });
        speakers = nodes.map((n) => suite.speaker(n));
        await Promise.all(speakers.map((s) => s.waitForLog((l) => l.message === 'caches ready; announcing', 20_000, 'its caches to sync')));
      });

      after(async function () {
        this.timeout(30_000);
        await Promise.all((speakers ?? []).map((s) => s.stop()));
        await config?.cleanup();
        await pools?.cleanup();
      });

      // Addresses come back to the pool when a test's Service goes: the next test must not see the last one's routes.
      beforeEach(async function () {
        this.timeout(ROUTER_CONVERGE_MS + 5000);
        await waitFor(
          async () => (await routeCountOnRouter(suite.lab, { family: 'ipv4' })) === 0 && (await routeCountOnRouter(suite.lab, { family: 'ipv6' })) === 0,
          ROUTER_CONVERGE_MS,
          { what: 'the router to hold no route left by an earlier test', intervalMs: 50 },
        );
      });

      /** A dual-stack LoadBalancer Service (in a namespace of its own unless given one) with ready endpoints per node, once it has both addresses. */
      async function dualStackService(policy: 'Cluster' | 'Local', endpoints: Record<string, number>, name = 'web', namespace?: string): Promise<DualStackService> {
        const ns = namespace ?? (await suite.k.namespace());
        await suite.k.createService(ns, name, {
          spec: { externalTrafficPolicy: policy, ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] },
        });
        await suite.bgp.endpoints(ns, name, endpoints);
        const ips = await suite.k.waitForIPs(ns, name, 2);
        const ipv4 = ips.find((ip) => !ip.includes(':'));
        const ipv6 = ips.find((ip) => ip.includes(':'));
        if (ipv4 === undefined || ipv6 === undefined) throw new Error(`${ns}/${name} got ${ips.join(', ')}, not one IPv4 and one IPv6 address`);
        return { namespace: ns, name, ipv4, ipv6 };
      }

      /** Waits until the router's BGP table and kernel route for both of the Service's prefixes lead to exactly these nodes (none: withdrawn). */
      async function routedVia(svc: DualStackService, via: readonly LabHost[]): Promise<{ v4: RouteView; v6: RouteView }> {
        const names = via.map((n) => n.name).join(', ') || 'nothing';
        const wait = (prefix: string, hops: string[]): Promise<RouteView> =>
          waitFor(
            async () => {
              const view = await routesFor(suite.lab, prefix);
              return sameMembers(view.fibNextHops, hops) && sameMembers(view.bgpPaths.map((p) => p.nextHop), hops) ? view : false;
            },
            ROUTER_CONVERGE_MS,
            { what: `the router's BGP paths and kernel route for ${prefix} via ${names}`, intervalMs: 20 },
          );
        const [v4, v6] = await Promise.all([wait(`${svc.ipv4}/32`, via.map((n) => n.ipv4)), wait(`${svc.ipv6}/128`, via.map((n) => n.ipv6))]);
        return { v4, v6 };
      }

      /** Waits until exactly these nodes hold a ServiceBGPStatus for the Service, each naming both peers. */
      async function statusesFrom(svc: DualStackService, via: readonly LabHost[]): Promise<void> {
        const want = via.map((n) => n.name).sort();
        await waitFor(
          async () => {
            const statuses = await serviceBgpStatuses(suite.cluster, svc.namespace, svc.name);
            const nodesHolding = statuses.map((s) => s.status?.node ?? '');
            return sameMembers(nodesHolding, want) && statuses.every((s) => sameMembers(s.status?.peers ?? [], [PEER_V4, PEER_V6]));
          },
          10_000,
          { what: `ServiceBGPStatus objects for ${svc.namespace}/${svc.name} from ${want.join(', ') || 'no node'}` },
        );
      }

      /** The speakers' log lines from `mark` on (mark: what each had logged before). */
      const linesSince = (mark: number[], i: number): LogLine[] => speakers[i]?.lines.slice(mark[i]) ?? [];
      const marks = (): number[] => speakers.map((s) => s.lines.length);

      it('brings up an IPv4 and an IPv6 session from every node to the router', async () => {
        const neighbors = await waitFor(
          async () => {
            const all = await bgpNeighbors(suite.lab);
            return all.length === 6 && all.every((n) => n.state === 'Established') ? all : false;
          },
          ROUTER_CONVERGE_MS,
          { what: 'all six sessions Established on the router' },
        );
        expect(neighbors.map((n) => [n.address, n.family, n.remoteAs])).to.have.deep.members(
          nodes.flatMap((n) => [
            [n.ipv4, 'ipv4', DEFAULT_NODE_ASN],
            [n.ipv6, 'ipv6', DEFAULT_NODE_ASN],
          ]),
        );
        for (const s of speakers) {
          const established = s.lines.filter((l) => l.message === 'BGP session established').map((l) => l['peer']);
          expect(established, `sessions the speaker on ${s.node.name} logged as established`).to.include.members([PEER_V4, PEER_V6]);
        }
      });

      it('announces a Service from every node, and the router installs both its prefixes with each node as an ECMP next hop', async () => {
        const svc = await dualStackService('Cluster', { node1: 1 });
        const { v4, v6 } = await routedVia(svc, nodes);
        for (const view of [v4, v6]) {
          expect(view.bgpPaths.every((p) => p.bestOrMultipath), `every path of ${view.prefix} used for forwarding`).to.equal(true);
          expect(view.bgpPaths.map((p) => p.asPath)).to.deep.equal([[DEFAULT_NODE_ASN], [DEFAULT_NODE_ASN], [DEFAULT_NODE_ASN]]);
          expect(view.bgpPaths.map((p) => p.communities)).to.deep.equal([[COMMUNITY], [COMMUNITY], [COMMUNITY]]);
          expect(Object.values(view.fibWeights), `plain ECMP for ${view.prefix}: no link bandwidth with Cluster`).to.deep.equal([1, 1, 1]);
        }
        await statusesFrom(svc, nodes);
        for (const node of nodes) {
          const event = await suite.k.waitForEvent(svc.namespace, svc.name, 'AnnouncedOverBGP', new RegExp(`^node ${node.name} announces `));
          expect(event.message).to.include(svc.ipv4).and.include(svc.ipv6).and.include(PEER_V4).and.include(PEER_V6);
        }
      });

      it('lets a client reach the Service through the router over IPv4 and IPv6, answered by every node', async () => {
        const svc = await dualStackService('Cluster', { node1: 1, node2: 1, node3: 1 });
        for (const node of nodes) {
          await suite.responder(node, svc.ipv4);
          await suite.responder(node, svc.ipv6);
        }
        await routedVia(svc, nodes);
        for (const url of [`http://${svc.ipv4}/`, `http://[${svc.ipv6}]/`]) {
          const spread = await clientRequests(suite.lab, url, REQUESTS);
          expect(spread.failed, `failed requests to ${url}`).to.equal(0);
          expect(Object.keys(spread.byBody).sort(), `nodes that answered ${url}`).to.deep.equal(['node1', 'node2', 'node3']);
        }
      });

      it('with externalTrafficPolicy Local, scaling the endpoints down to one node leaves that node as the only next hop', async () => {
        const svc = await dualStackService('Local', { node1: 1, node2: 1, node3: 1 });
        await routedVia(svc, nodes);
        await statusesFrom(svc, nodes);
        const node2 = nodes[1] as LabHost;
        for (const node of nodes) await suite.responder(node, svc.ipv4);

        await suite.bgp.endpoints(svc.namespace, svc.name, { node2: 2 });
        const { v4, v6 } = await routedVia(svc, [node2]);
        expect(v4.bgpPaths).to.have.length(1);
        expect(v6.bgpPaths).to.have.length(1);
        await statusesFrom(svc, [node2]);
        for (const gone of [nodes[0], nodes[2]] as LabHost[]) {
          await suite.k.waitForEvent(svc.namespace, svc.name, 'StoppedAnnouncingOverBGP', new RegExp(`^node ${gone.name} stopped announcing over BGP: `));
        }
        const spread = await clientRequests(suite.lab, `http://${svc.ipv4}/`, 20);
        expect(spread).to.deep.include({ failed: 0, byBody: { node2: 20 } });
      });

      it('deleting the Service withdraws both prefixes and removes its ServiceBGPStatus objects', async () => {
        const svc = await dualStackService('Cluster', { node3: 1 });
        await routedVia(svc, nodes);
        await statusesFrom(svc, nodes);
        await suite.k.core.deleteNamespacedService({ namespace: svc.namespace, name: svc.name });
        const { v4, v6 } = await routedVia(svc, []);
        expect([v4.bgpPaths, v6.bgpPaths]).to.deep.equal([[], []]);
        await statusesFrom(svc, []);
        const sessions = await bgpNeighbors(suite.lab);
        expect(sessions.map((n) => n.state), 'sessions after the withdrawal').to.deep.equal(Array(6).fill('Established'));
      });

      it('keeps every route while the API server is away, and catches up with what changed once it is back', async function () {
        this.timeout(90_000);
        const svc = await dualStackService('Local', { node1: 1, node2: 1, node3: 1 });
        await routedVia(svc, nodes);
        await statusesFrom(svc, nodes);
        for (const node of nodes) await suite.responder(node, svc.ipv4);

        const mark = marks();
        await suite.cluster.stopServer();
        try {
          // Every speaker has noticed, and has failed to list again at least once, before the router is looked at.
          await Promise.all(
            speakers.map((_, i) =>
              waitFor(
                () => linesSince(mark, i).some((l) => /^watch of endpointslices failed/.test(l.message) && Number(l['failures']) >= 2),
                20_000,
                { what: `the speaker on node${i + 1} to fail to reach the API server twice` },
              ),
            ),
          );
          const during = await routedVia(svc, nodes);
          expect(during.v4.bgpPaths).to.have.length(3);
          const spread = await clientRequests(suite.lab, `http://${svc.ipv4}/`, 30);
          expect(spread.failed, 'requests while the API server is away').to.equal(0);
          for (const [i, s] of speakers.entries()) {
            expect(linesSince(mark, i).filter((l) => l.message === 'withdrawing'), `routes the speaker on ${s.node.name} withdrew`).to.deep.equal([]);
          }
        } finally {
          await suite.cluster.startServer();
        }
        // Written while the speakers' informers still wait to list again: they learn it only by catching up.
        await suite.bgp.endpoints(svc.namespace, svc.name, { node3: 1 });
        await routedVia(svc, [nodes[2] as LabHost]);
        await statusesFrom(svc, [nodes[2] as LabHost]);
      });

      it('keeps the last good routes when a configuration change is invalid', async () => {
        const svc = await dualStackService('Cluster', { node1: 1 });
        await routedVia(svc, nodes);
        const mark = marks();
        // A bad community (the first number is past 16 bits) beside a good one: applied even in part, the routes would change.
        await suite.bgp.advertisement('bad-community', { ipAddressPools: [POOL], communities: ['64512:300', '99999:1'] });
        await Promise.all(
          speakers.map((s, i) =>
            waitFor(
              () => linesSince(mark, i).find((l) => l.message === 'the configuration is invalid; the last valid one stays in force'),
              10_000,
              { what: `the speaker on ${s.node.name} to refuse the configuration` },
            ).then((line) => expect(JSON.stringify(line['errors'])).to.include('99999:1')),
          ),
        );
        // A Service that arrives meanwhile is announced under the last valid configuration.
        const late = await routedVia(await dualStackService('Cluster', { node2: 1 }, 'late', svc.namespace), nodes);

        const kept = await routedVia(svc, nodes);
        for (const view of [kept.v4, kept.v6, late.v4, late.v6]) {
          expect(view.bgpPaths.map((p) => p.communities), `communities of ${view.prefix}`).to.deep.equal([[COMMUNITY], [COMMUNITY], [COMMUNITY]]);
        }
        for (const [i, s] of speakers.entries()) {
          expect(linesSince(mark, i).filter((l) => l.message === 'withdrawing'), `routes the speaker on ${s.node.name} withdrew`).to.deep.equal([]);
        }
      });
    });
  });
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
