// What the BGP benchmark's speaker is fed: N host routes as the Announcer would decide them, and
// for recompute-and-apply, 10,000 Services with endpoints and a fixed sequence of changes.
// Pure: the same inputs every run.

import { buildConfig } from '@herald/shared/config/build.js';
import type { HeraldConfig } from '@herald/shared/config/types.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import type { NodeInput, RouteIntent, ServiceEndpoints } from '@herald/speaker/announce/index.js';

/** The BGPPeer naming the lab router. */
export const LAB_PEER = 'lab-router';
const NS = 'herald-system';
const API = 'heraldlb.io/v1beta1';
/** The first of the load run's host routes (RFC 6598 space, as the GoBGP half uses). */
export const LOAD_FIRST_ADDRESS = '100.64.0.0';
/** Services in the recompute-and-apply run. */
export const APPLY_SERVICES = 10_000;
/** Where the Services of the recompute-and-apply run get their addresses. */
export const APPLY_POOL_CIDR = '10.0.0.0/16';
const APPLY_NAMESPACE = 'bench';

export interface PeeringSetup {
  routerAddress: string;
  myAsn: number;
  routerAsn: number;
}

/**
 * One BGPPeer for the lab router; with `services`, also a pool and a BGPAdvertisement that
 * announces its addresses to the router with a community, as a user would configure it.
 */
export function benchConfig(setup: PeeringSetup, services = false): HeraldConfig {
  const result = buildConfig({
    ipAddressPools: services ? [{ apiVersion: API, kind: 'IPAddressPool', metadata: { name: 'bench', namespace: NS }, spec: { addresses: [APPLY_POOL_CIDR] } }] : [],
    bgpAdvertisements: services
      ? [{ apiVersion: API, kind: 'BGPAdvertisement', metadata: { name: 'bench', namespace: NS }, spec: { ipAddressPools: ['bench'], peers: [LAB_PEER], communities: ['64500:1'] } }]
      : [],
    bgpPeers: [
      { apiVersion: API, kind: 'BGPPeer', metadata: { name: LAB_PEER, namespace: NS }, spec: { myASN: setup.myAsn, peerASN: setup.routerAsn, peerAddress: setup.routerAddress } },
    ],
  });
  if (!result.ok) throw new Error(`BGP benchmark configuration is invalid: ${JSON.stringify(result.errors)}`);
  return result.config;
}

function ipv4Number(text: string): number {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`${text} is not an IPv4 address`);
  return parts.reduce((n, p) => n * 256 + p, 0);
}

/** `n` consecutive IPv4 /32 routes from `first`, one Service each, no attributes: what a speaker sends for n plain Services. */
export function hostRouteIntents(first: string, n: number): RouteIntent[] {
  const base = ipv4Number(first);
  if (base + n > 2 ** 32) throw new Error(`${n} host routes from ${first} run past 255.255.255.255`);
  return Array.from({ length: n }, (_, i) => ({
    prefix: { family: 4 as const, network: BigInt(base + i), length: 32 },
    communities: [],
    largeCommunities: [],
    services: [`${APPLY_NAMESPACE}/svc-${i}`],
  }));
}

export function readyNode(name: string): NodeInput {
  return { metadata: { name, labels: {} }, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
}

function poolAddress(i: number): string {
  if (i < 1 || i > 65534) throw new Error(`address ${i} is outside ${APPLY_POOL_CIDR}`);
  return `10.0.${Math.floor(i / 256)}.${i % 256}`;
}

/** Service i (of the recompute-and-apply run): half Local, half Cluster; address i + 1 unless moved. */
export function benchService(i: number, o: { address?: number; label?: string } = {}): ServiceInput {
  return {
    metadata: { name: `svc-${i}`, namespace: APPLY_NAMESPACE, labels: { app: `svc-${i}`, ...(o.label === undefined ? {} : { rev: o.label }) }, annotations: {} },
    spec: {
      type: 'LoadBalancer',
      ports: [{ protocol: 'TCP', port: 80 }],
      selector: { app: `svc-${i}` },
      externalTrafficPolicy: i % 2 === 0 ? 'Local' : 'Cluster',
    },
    status: { loadBalancer: { ingress: [{ ip: poolAddress(o.address ?? i + 1) }] } },
  };
}

export function serviceKeyOf(i: number): ServiceKey {
  return `${APPLY_NAMESPACE}/svc-${i}`;
}

/** Ready endpoints: `here` on this node, `elsewhere` on another. */
export function endpointsOn(node: string, here: number, elsewhere: number): ServiceEndpoints {
  const readyByNode = new Map<string, number>();
  if (here > 0) readyByNode.set(node, here);
  if (elsewhere > 0) readyByNode.set(`${node}-other`, elsewhere);
  return { readyByNode, readyTotal: here + elsewhere };
}

/** Every Service starts with 1 to 3 endpoints here and 2 elsewhere, so every one is announced. */
export function initialEndpoints(node: string, services: number): Map<ServiceKey, ServiceEndpoints> {
  const out = new Map<ServiceKey, ServiceEndpoints>();
  for (let i = 0; i < services; i++) out.set(serviceKeyOf(i), endpointsOn(node, 1 + (i % 3), 2));
  return out;
}

export type Change = { kind: 'endpoints'; key: ServiceKey; endpoints: ServiceEndpoints } | { kind: 'service'; index: number; service: ServiceInput };

/**
 * The same sequence every run, kinds in turn: a Local Service's endpoint count here changes (a
 * new link bandwidth: one route re-announced), its last endpoint here goes (one withdrawal) or
 * comes back, a Service is relabelled (nothing to send), a Service's address moves (one
 * withdrawal, one announcement). Services are picked by a fixed stride.
 */
export function changeSequence(node: string, services: number, count: number): Change[] {
  const out: Change[] = [];
  for (let c = 0; c < count; c++) {
    const local = ((c * 7919) % (services / 2)) * 2;
    const cluster = local + 1;
    switch (c % 4) {
      case 0:
        out.push({ kind: 'endpoints', key: serviceKeyOf(local), endpoints: endpointsOn(node, 2 + (c % 3), 2) });
        break;
      case 1:
        out.push({ kind: 'endpoints', key: serviceKeyOf(local), endpoints: endpointsOn(node, c % 8 === 1 ? 0 : 2, 2) });
        break;
      case 2:
        out.push({ kind: 'service', index: cluster, service: benchService(cluster, { label: `r${c}` }) });
        break;
      default:
        // A free address above every Service's own: withdraws one host route, announces another.
        out.push({ kind: 'service', index: cluster, service: benchService(cluster, { address: services + 1 + (c % 20_000) }) });
    }
  }
  return out;
}
