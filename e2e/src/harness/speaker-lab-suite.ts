import { ANNOTATION } from '@herald/shared/api/constants.js';
import type { BGPPeerSpec } from '@herald/shared/api/bgp-peer.js';
import { cleanLeftovers, createLab, DEFAULT_NODE_ASN, routesFor, startResponder, type Lab, type LabHost, type LabOptions, type Responder, type RouteView } from '../lab/index.js';
import { waitFor } from '../lab/wait.js';
import { BgpObjects, onNodes } from './bgp-objects.js';
import { openTestCluster, runSuffix, type TestCluster } from './cluster.js';
import { ControllerProcess, killAllControllers } from './controller-process.js';
import { freshBlock, HeraldObjects } from './herald-objects.js';
import { labNodeObject } from './nodes.js';
import { killAllSpeakers, startSpeaker, type SpeakerProcess, type SpeakerRunOptions } from './speaker-process.js';

/** What a test of the speaker against a lab router sees; read it inside hooks and tests only. */
export interface SpeakerLabSuite {
  lab: Lab;
  cluster: TestCluster;
  /** Pools, Services and namespaces of the current test (the suite's load balancer class). */
  k: HeraldObjects;
  /** BGP configuration, Secrets and EndpointSlices of the current test. */
  bgp: BgpObjects;
  controller: ControllerProcess;
  /** The real speaker in a node's namespace, serving the suite's class; stopped after the test. */
  speaker(node: LabHost, options?: Partial<SpeakerRunOptions>): SpeakerProcess;
  /**
   * A pool of its own, a Service in a namespace of its own, its endpoints, and the address the
   * controller gave it (as "<address>/32").
   */
  service(o: ServiceScenario): Promise<ScenarioService>;
  /** An HTTP responder for the address on the node (kube-proxy and the pods), stopped after the test. */
  responder(node: LabHost, address: string): Promise<Responder>;
  /**
   * A BGPPeer for the lab router's IPv4 address, used by these nodes (every node when none are
   * given), from the first node's ASN unless `spec.myASN` says otherwise.
   */
  routerPeer(name: string, nodes: readonly LabHost[], spec?: Partial<BGPPeerSpec>): Promise<void>;
  /** Polls the router's view of the prefix until `ok` holds, and returns it. */
  route(prefix: string, ok: (v: RouteView) => boolean, what: string, timeoutMs?: number): Promise<RouteView>;
}

export interface ServiceScenario {
  policy?: 'Cluster' | 'Local';
  /** Ready endpoints per node name. */
  endpoints: Readonly<Record<string, number>>;
  labels?: Record<string, string>;
}

export interface ScenarioService {
  namespace: string;
  name: string;
  pool: string;
  address: string;
  prefix: string;
}

export interface SpeakerLabSuiteOptions {
  /** Speakers started with suite.speaker() run until the suite ends (for suites whose tests share them), instead of being killed after each test. */
  speakersForSuite?: boolean;
  /**
   * A test may take the lab API server away and bring it back (cluster.stopServer and
   * startServer); the controller's lease then outlasts such an outage, so it keeps leading.
   */
  restartableApi?: boolean;
}

/** How long a router takes to show what a speaker sent, with room for a loaded machine. */
export const ROUTER_CONVERGE_MS = 15_000;

/**
 * Mocha hooks for speaker suites: one lab (created with `labOptions`) and one lab API server
 * reachable from its namespaces for the whole suite, a Node object per lab node, the real
 * controller allocating addresses; per test, fresh objects, and every speaker stopped and every
 * object deleted afterwards, also when the test failed.
 */
export function useSpeakerLab(labOptions: LabOptions, options: SpeakerLabSuiteOptions = {}): SpeakerLabSuite {
  const lbClass = `heraldlb.io/lab-${runSuffix()}`;
  let suiteObjects: HeraldObjects | undefined;
  const responders: Responder[] = [];
  const suite = {
    speaker(node: LabHost, options: Partial<SpeakerRunOptions> = {}): SpeakerProcess {
      return startSpeaker(suite.lab, node, {
        kubeconfigPath: suite.cluster.kubeconfigPathFor(suite.lab.hostAddress),
        gracefulShutdownDelay: '0s',
        ...options,
        extraArgs: ['--lb-class', lbClass, '--no-default-class', ...(options.extraArgs ?? [])],
      });
    },
    async service(o: ServiceScenario): Promise<ScenarioService> {
      const pool = `lab-${runSuffix()}`;
      await suite.k.createPool(pool, { addresses: [`${freshBlock()}.0/24`] });
      const namespace = await suite.k.namespace();
      const name = 'web';
      await suite.k.createService(namespace, name, {
        spec: { externalTrafficPolicy: o.policy ?? 'Cluster' },
        ...(o.labels ? { labels: o.labels } : {}),
        annotations: { [ANNOTATION.addressPool]: pool },
      });
      await suite.bgp.endpoints(namespace, name, o.endpoints);
      const [address = ''] = await suite.k.waitForIPs(namespace, name);
      return { namespace, name, pool, address, prefix: `${address}/32` };
    },
    async responder(node: LabHost, address: string): Promise<Responder> {
      const r = await startResponder(suite.lab, node, address);
      responders.push(r);
      return r;
    },
    routerPeer(name: string, nodes: readonly LabHost[], spec: Partial<BGPPeerSpec> = {}): Promise<void> {
      return suite.bgp.peer(name, {
        myASN: suite.lab.nodePeers[0]?.asn ?? DEFAULT_NODE_ASN,
        peerASN: suite.lab.routerAsn,
        peerAddress: suite.lab.router.ipv4,
        ...(nodes.length === 0 ? {} : { nodeSelectors: [onNodes(nodes.map((n) => n.name))] }),
        ...spec,
      });
    },
    route(prefix: string, ok: (v: RouteView) => boolean, what: string, timeoutMs = ROUTER_CONVERGE_MS): Promise<RouteView> {
      return waitFor(
        async () => {
          const view = await routesFor(suite.lab, prefix);
          return ok(view) ? view : false;
        },
        timeoutMs,
        { what: `the router's route for ${prefix}: ${what}`, intervalMs: 20 },
      );
    },
  } as SpeakerLabSuite;

  before(async function () {
    this.timeout(60_000);
    cleanLeftovers();
    suite.lab = await createLab(labOptions);
    suite.cluster = await openTestCluster({ listen: [suite.lab.hostAddress], restartable: options.restartableApi ?? false });
    suiteObjects = new HeraldObjects(suite.cluster, lbClass);
    for (const node of suite.lab.nodes) await suiteObjects.core.createNode({ body: labNodeObject(node) });
    suite.controller = new ControllerProcess(suite.cluster, {
      identity: `lab-${runSuffix()}`,
      leaseName: suiteObjects.lease(),
      lbClass,
      ...(options.restartableApi ? { lease: { duration: '60s', renewDeadline: '45s', retryPeriod: '1s' } } : {}),
    });
    await suite.controller.waitForLeading();
  });

  beforeEach(() => {
    suite.k = new HeraldObjects(suite.cluster, lbClass);
    suite.bgp = new BgpObjects(suite.cluster);
  });

  afterEach(async function () {
    this.timeout(30_000);
    if (!options.speakersForSuite) await killAllSpeakers();
    for (const r of responders.splice(0)) await r.stop();
    await suite.bgp?.cleanup();
    await suite.k?.cleanup();
  });

  after(async function () {
    this.timeout(30_000);
    await killAllSpeakers();
    await killAllControllers();
    await suiteObjects?.cleanup();
    await suite.cluster?.close();
    await suite.lab?.destroy();
  });

  return suite;
}

export interface RouteSample {
  /** Date.now() when the answer arrived. */
  at: number;
  view: RouteView;
}

/**
 * Reads the router's view of the prefix over and over (one read at a time, `intervalMs` apart)
 * until stop(), which resolves to every sample: for claims about "throughout" and "never".
 */
export function sampleRoute(lab: Lab, prefix: string, intervalMs = 20): { samples: RouteSample[]; stop(): Promise<RouteSample[]> } {
  const samples: RouteSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const view = await routesFor(lab, prefix);
      samples.push({ at: Date.now(), view });
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}
