// The lab's shape as plain data: which namespaces, links, addresses and kernel settings it has.
// Building it is pure; netns.ts carries the plan out.

import {
  CLIENT_HOST,
  FIRST_NODE_HOST,
  ROOT_HOST,
  ROUTER_HOST,
  hostAddresses,
  type HostAddresses,
  type Segment,
} from './addressing.js';
import { checkNodeCount, checkPrefix, hostLinkName, namespaceName, type Role } from './names.js';

export interface LabHost extends HostAddresses {
  /** router, node1..N, client */
  name: string;
  netns: string;
  /** The host's interface on the segment. */
  iface: string;
  /** Its port on the switch's bridge, in the switch namespace: set it down to cut the host off. */
  switchPort: string;
}

export interface NamespaceSetup {
  netns: string;
  /** `sysctl -w` assignments, applied before the ip commands. */
  sysctls: string[];
  /** `ip -batch` lines run inside the namespace. */
  ipBatch: string[];
}

export interface TopologyPlan {
  prefix: string;
  segment: Segment;
  router: LabHost;
  nodes: LabHost[];
  client: LabHost;
  switchNetns: string;
  bridge: string;
  /** The management veth end in the root namespace. */
  hostLink: string;
  /** The root namespace's IPv4 address on the segment. */
  hostAddress: string;
  /** Every namespace the lab owns. */
  namespaces: string[];
  /** `ip -batch` lines in the root namespace that create the namespaces and every link. */
  create: string[];
  /** Then, in each namespace at once. */
  perNamespace: NamespaceSetup[];
  /** Root-namespace sysctls for the management link, before it comes up. */
  hostLinkSysctls: string[];
  /** Then, in the root namespace: address and bring up the management link. */
  hostLinkBatch: string[];
}

const IFACE = 'eth0';
const BRIDGE = 'br0';
const HOST_PORT = 'host';

export function planTopology(prefix: string, segment: Segment, nodeCount: number): TopologyPlan {
  checkPrefix(prefix);
  checkNodeCount(nodeCount);
  const host = (role: Role, number: number): LabHost => ({
    name: role,
    netns: namespaceName(prefix, role),
    iface: IFACE,
    switchPort: role,
    ...hostAddresses(segment, number),
  });
  const router = host('router', ROUTER_HOST);
  const nodes = Array.from({ length: nodeCount }, (_, i) => host(`node${i + 1}`, FIRST_NODE_HOST + i));
  const client = host('client', CLIENT_HOST);
  const hosts = [router, ...nodes, client];
  const switchNetns = namespaceName(prefix, 'sw');
  const hostLink = hostLinkName(prefix);
  const hostAddress = hostAddresses(segment, ROOT_HOST).ipv4;

  const create = [
    ...[switchNetns, ...hosts.map((h) => h.netns)].map((ns) => `netns add ${ns}`),
    `link add ${BRIDGE} netns ${switchNetns} type bridge mcast_snooping 0`,
    ...hosts.map((h) => `link add ${h.iface} netns ${h.netns} type veth peer name ${h.switchPort} netns ${switchNetns}`),
    `link add ${hostLink} type veth peer name ${HOST_PORT} netns ${switchNetns}`,
  ];

  const switchSetup: NamespaceSetup = {
    netns: switchNetns,
    // The switch is layer 2 only: no addresses, no router solicitations or MLD of its own.
    sysctls: ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'],
    ipBatch: [
      'link set lo up',
      `link set ${BRIDGE} up`,
      ...[...hosts.map((h) => h.switchPort), HOST_PORT].map((port) => `link set ${port} master ${BRIDGE} up`),
    ],
  };

  const hostSetup = (h: LabHost, sysctls: string[], withDefaultRoutes: boolean): NamespaceSetup => ({
    netns: h.netns,
    // Duplicate address detection holds the link-local address back for 1-2 s after the link comes
    // up, and FRR will not open an IPv6 session until it has one. The lab assigns unique addresses.
    sysctls: ['net.ipv6.conf.all.accept_dad=0', `net.ipv6.conf.${IFACE}.accept_dad=0`, ...sysctls],
    ipBatch: [
      'link set lo up',
      `link set ${h.iface} address ${h.mac}`,
      `link set ${h.iface} up`,
      `addr add ${h.ipv4}/24 dev ${h.iface}`,
      // Without nodad the address stays tentative for 1-2 s and nothing can bind to it.
      `addr add ${h.ipv6}/64 dev ${h.iface} nodad`,
      ...(withDefaultRoutes ? [`route add 0.0.0.0/0 via ${router.ipv4}`, `route add ::/0 via ${router.ipv6}`] : []),
    ],
  });

  const routerSysctls = [
    'net.ipv4.ip_forward=1',
    'net.ipv6.conf.all.forwarding=1',
    // Redirects would let the client bypass the router for addresses a node holds on the segment.
    'net.ipv4.conf.all.send_redirects=0',
    `net.ipv4.conf.${IFACE}.send_redirects=0`,
    // Spread connections over ECMP next hops by ports too, not only by addresses.
    'net.ipv4.fib_multipath_hash_policy=1',
    'net.ipv6.fib_multipath_hash_policy=1',
  ];
  const nodeSysctls = [
    // Answer ARP only for addresses on the asking interface, and source it from there: service
    // addresses on a local device must not leak out of the wrong interface.
    'net.ipv4.conf.all.arp_ignore=1',
    `net.ipv4.conf.${IFACE}.arp_ignore=1`,
    'net.ipv4.conf.all.arp_announce=2',
    `net.ipv4.conf.${IFACE}.arp_announce=2`,
  ];
  const clientSysctls = [
    'net.ipv4.conf.all.accept_redirects=0',
    `net.ipv4.conf.${IFACE}.accept_redirects=0`,
    'net.ipv6.conf.all.accept_redirects=0',
    `net.ipv6.conf.${IFACE}.accept_redirects=0`,
  ];

  return {
    prefix,
    segment,
    router,
    nodes,
    client,
    switchNetns,
    bridge: BRIDGE,
    hostLink,
    hostAddress,
    namespaces: [switchNetns, ...hosts.map((h) => h.netns)],
    create,
    perNamespace: [
      switchSetup,
      hostSetup(router, routerSysctls, false),
      ...nodes.map((n) => hostSetup(n, nodeSysctls, true)),
      hostSetup(client, clientSysctls, true),
    ],
    hostLinkSysctls: [`net.ipv6.conf.${hostLink}.disable_ipv6=1`],
    hostLinkBatch: [`addr add ${hostAddress}/24 dev ${hostLink}`, `link set ${hostLink} up`],
  };
}
