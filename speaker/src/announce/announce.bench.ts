/*
 * Benchmark (not a test): recompute what to announce after one Service or endpoint change among
 * 10,000 announced Services, incrementally (Announcer) against a full decideBgp plus diffRoutes,
 * in the same run, on the same changes.
 *
 *   cd /work/main && npx tsc -p speaker && node speaker/dist/announce/announce.bench.js
 *
 * Setup: one node, three peers (iBGP IPv4, eBGP IPv4, eBGP IPv6); every Service has a host route
 * with communities to every peer of its family, and its IPv4 address is also in a /24 aggregate
 * sent to the eBGP IPv4 peer (256 Services per aggregate, so a change there re-merges 256
 * contributions). Half the Services are Local, a fifth dual-stack. The changes cycle through
 * four kinds: a Local Service's endpoint count here changes (link bandwidth), its last endpoint
 * here goes (withdraw) or comes back, a Service is relabelled (nothing to send), a Service's
 * address moves (withdraw one, announce another). CPU time is process.cpuUsage() (user + system)
 * around each call. "Apply" here is the decision and the per-peer changes; turning them into
 * UPDATE messages is the session's and is measured by the session benchmarks.
 */
import { buildConfig } from '@herald/shared/config/build.js';
import type { HeraldConfig } from '@herald/shared/config/types.js';
import { printFigure } from '@herald/shared/bench/report.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import { Announcer } from './announcer.js';
import { cpuMs, mean, quantile } from './bench-stats.js';
import { decideBgp } from './decide.js';
import { diffRoutes } from './diff.js';
import type { ServiceEndpoints } from './endpoints.js';
import type { NodeInput } from './node-eligibility.js';
import type { BgpDecision } from './types.js';

const SERVICES = 10_000;
const CHANGES = 2_000;
/** The baseline takes tens of milliseconds a change; this many of the same changes give a steady mean. */
const BASELINE_CHANGES = 40;
const NODE = 'n1';
const NS = 'herald-system';
const API = 'heraldlb.io/v1beta1';

function benchConfig(): HeraldConfig {
  const result = buildConfig({
    ipAddressPools: [{ apiVersion: API, kind: 'IPAddressPool', metadata: { name: 'bench', namespace: NS }, spec: { addresses: ['10.0.0.0/16', 'fd00::/112'] } }],
    bgpAdvertisements: [
      { apiVersion: API, kind: 'BGPAdvertisement', metadata: { name: 'host', namespace: NS }, spec: { ipAddressPools: ['bench'], communities: ['64500:1', 'large:64500:1:1'] } },
      { apiVersion: API, kind: 'BGPAdvertisement', metadata: { name: 'agg', namespace: NS }, spec: { ipAddressPools: ['bench'], aggregationLength: 24, peers: ['edge'], communities: ['64500:24'] } },
    ],
    bgpPeers: [
      { apiVersion: API, kind: 'BGPPeer', metadata: { name: 'core', namespace: NS }, spec: { myASN: 64512, peerASN: 64512, peerAddress: '192.0.2.1' } },
      { apiVersion: API, kind: 'BGPPeer', metadata: { name: 'edge', namespace: NS }, spec: { myASN: 64512, peerASN: 64500, peerAddress: '192.0.2.2' } },
      { apiVersion: API, kind: 'BGPPeer', metadata: { name: 'edge6', namespace: NS }, spec: { myASN: 64512, peerASN: 64500, peerAddress: '2001:db8::1' } },
    ],
  });
  if (!result.ok) throw new Error('benchmark configuration is invalid');
  return result.config;
}

const thisNode: NodeInput = { metadata: { name: NODE, labels: {} }, status: { conditions: [{ type: 'Ready', status: 'True' }] } };

function v4(i: number): string {
  return `10.0.${Math.floor(i / 256) % 256}.${i % 256}`;
}

function service(i: number, o: { address?: number; label?: string } = {}): ServiceInput {
  const at = o.address ?? i;
  const status = i % 5 === 0 ? [v4(at), `fd00::${at.toString(16)}`] : [v4(at)];
  return {
    metadata: { name: `svc-${i}`, namespace: 'bench', labels: { app: `svc-${i}`, ...(o.label !== undefined ? { rev: o.label } : {}) }, annotations: {} },
    spec: {
      type: 'LoadBalancer',
      ports: [{ protocol: 'TCP', port: 80 }],
      selector: { app: `svc-${i}` },
      externalTrafficPolicy: i % 2 === 0 ? 'Local' : 'Cluster',
      ...(i % 5 === 0 ? { ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack' } : {}),
    },
    status: { loadBalancer: { ingress: status.map((ip) => ({ ip })) } },
  };
}

function endpoints(here: number, elsewhere: number): ServiceEndpoints {
  const readyByNode = new Map<string, number>();
  if (here > 0) readyByNode.set(NODE, here);
  if (elsewhere > 0) readyByNode.set('n2', elsewhere);
  return { readyByNode, readyTotal: here + elsewhere };
}

type Change = { kind: 'endpoints'; key: ServiceKey; endpoints: ServiceEndpoints } | { kind: 'service'; index: number; service: ServiceInput };

/** The same sequence every run: Services picked by a fixed stride, kinds in turn. */
function changes(count: number): Change[] {
  const out: Change[] = [];
  for (let c = 0; c < count; c++) {
    const local = ((c * 7919) % (SERVICES / 2)) * 2;
    const cluster = local + 1;
    switch (c % 4) {
      case 0:
        out.push({ kind: 'endpoints', key: `bench/svc-${local}`, endpoints: endpoints(2 + (c % 3), 2) });
        break;
      case 1:
        out.push({ kind: 'endpoints', key: `bench/svc-${local}`, endpoints: endpoints(c % 8 === 1 ? 0 : 2, 2) });
        break;
      case 2:
        out.push({ kind: 'service', index: cluster, service: service(cluster, { label: `r${c}` }) });
        break;
      default: {
        // A free address above every Service's own: the move withdraws one host route and announces another.
        const moved = SERVICES + (c % 20_000);
        out.push({ kind: 'service', index: cluster, service: service(cluster, { address: moved }) });
      }
    }
  }
  return out;
}


function main(): void {
  const config = benchConfig();
  const services: ServiceInput[] = Array.from({ length: SERVICES }, (_, i) => service(i));
  const eps = new Map<ServiceKey, ServiceEndpoints>();
  for (let i = 0; i < SERVICES; i++) eps.set(`bench/svc-${i}`, endpoints(1 + (i % 3), 2));
  const workload = changes(CHANGES);

  // Herald: the Announcer as the speaker runs it, filled as at start-up.
  const announcer = new Announcer(config, NODE, new Map([[NODE, thisNode]]));
  for (const s of services) announcer.updateService(s);
  for (const [key, e] of eps) announcer.updateEndpoints(key, e);
  const announced = [...announcer.decision().services.values()].filter((a) => a.announced).length;
  const perChange: number[] = [];
  let routeChanges = 0;
  for (const change of workload) {
    const start = process.cpuUsage();
    const result = change.kind === 'endpoints' ? announcer.updateEndpoints(change.key, change.endpoints) : announcer.updateService(change.service);
    perChange.push(cpuMs(start));
    for (const c of result.routes.values()) routeChanges += c.added.length + c.changed.length + c.withdrawn.length;
  }

  // Baseline: the same changes, each answered by a full decideBgp and a diff against the previous decision.
  const baseServices = [...services];
  const baseEndpoints = new Map(eps);
  const nodes = new Map([[NODE, thisNode]]);
  let previous: BgpDecision = decideBgp({ config, nodeName: NODE, nodes, services: baseServices, endpoints: baseEndpoints });
  const basePerChange: number[] = [];
  for (const change of workload.slice(0, BASELINE_CHANGES)) {
    const start = process.cpuUsage();
    if (change.kind === 'endpoints') baseEndpoints.set(change.key, change.endpoints);
    else baseServices[change.index] = change.service;
    const next = decideBgp({ config, nodeName: NODE, nodes, services: baseServices, endpoints: baseEndpoints });
    diffRoutes(previous.routes, next.routes);
    basePerChange.push(cpuMs(start));
    previous = next;
  }

  const heraldMean = mean(perChange);
  const heraldP99 = quantile(perChange, 0.99);
  console.log(`${SERVICES} Services, ${announced} announced from ${NODE}; ${CHANGES} changes sent ${routeChanges} route changes; baseline run on the first ${BASELINE_CHANGES}`);
  printFigure({
    name: `recompute for one changed Service among ${SERVICES}, mean CPU per change`,
    unit: 'ms',
    herald: heraldMean,
    baseline: mean(basePerChange),
    baselineName: 'full decideBgp + diffRoutes',
    target: '< 5 ms',
    met: heraldMean < 5,
  });
  printFigure({
    name: `recompute for one changed Service among ${SERVICES}, 99th percentile CPU per change`,
    unit: 'ms',
    herald: heraldP99,
    baseline: quantile(basePerChange, 0.99),
    baselineName: 'full decideBgp + diffRoutes',
    target: '< 5 ms',
    met: heraldP99 < 5,
  });
}

main();
