import type { HeraldConfig } from '@herald/shared/config/types.js';
import { parseIP } from '@herald/shared/net/address.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import { ARPHRD_ETHER, IFF_LOOPBACK, IFF_NOARP, IFF_SLAVE, IFF_UP } from '../native/link.js';
import type { ServiceEndpoints } from './endpoints.js';
import type { InterfaceAddress, NodeInterface } from './l2-interfaces.js';
import { electionKey, elect } from './l2-owner.js';
import type { L2Decision, L2Input } from './l2-types.js';
import type { NodeInput } from './node-eligibility.js';
import { node, nodes } from './test-fixtures.js';

/* Builders for the layer-2 tests, so each row shows only what it is about. Used only by tests. */

export { l2 } from '@herald/shared/config/test-fixtures.js';

export interface IfaceOptions {
  ifindex?: number;
  /** Default 02:00:00:00:00:<ifindex>; null for a link without one. */
  mac?: string | null;
  up?: boolean;
  loopback?: boolean;
  noarp?: boolean;
  operState?: string;
  type?: number;
  master?: string;
  masterKind?: 'bridge' | 'bond';
  /** Bond members carry IFF_SLAVE. */
  slave?: boolean;
  /** "198.51.100.2/24", "2001:db8::2/64". */
  addresses?: string[];
}

export function address(text: string): InterfaceAddress {
  const [ip, length] = text.split('/');
  const parsed = parseIP(ip as string);
  if (parsed === undefined) throw new Error(`test fixture: ${text} is not an address`);
  return { ip: parsed, prefixLength: Number(length) };
}

/** An Ethernet interface that is up, unless the options say otherwise. */
export function iface(name: string, o: IfaceOptions = {}): NodeInterface {
  const ifindex = o.ifindex ?? 2;
  let flags = 0;
  if (o.up ?? true) flags |= IFF_UP;
  if (o.loopback === true) flags |= IFF_LOOPBACK;
  if (o.noarp === true) flags |= IFF_NOARP;
  if (o.slave === true) flags |= IFF_SLAVE;
  const mac = o.mac === undefined ? `02:00:00:00:00:${ifindex.toString(16).padStart(2, '0')}` : o.mac;
  return {
    name,
    ifindex,
    type: o.type ?? ARPHRD_ETHER,
    ...(mac === null ? {} : { mac }),
    mtu: 1500,
    flags,
    operState: o.operState ?? ((o.up ?? true) ? 'up' : 'down'),
    ...(o.master === undefined ? {} : { master: o.master }),
    ...(o.masterKind === undefined ? {} : { masterKind: o.masterKind }),
    addresses: (o.addresses ?? []).map(address),
  };
}

/** This node's usual interfaces: eth0 on a management subnet, eth1 on the Services' subnet (both families), and lo. */
export const INTERFACES: NodeInterface[] = [
  iface('eth0', { ifindex: 2, addresses: ['10.0.0.5/24'] }),
  iface('eth1', { ifindex: 3, addresses: ['198.51.100.2/24', '2001:db8:100::2/120', 'fe80::1/64'] }),
  iface('lo', { ifindex: 1, loopback: true, mac: '00:00:00:00:00:00', addresses: ['127.0.0.1/8', '::1/128'] }),
];

export function l2Input(o: {
  config: HeraldConfig;
  nodeName?: string;
  nodes?: Map<string, NodeInput>;
  /** Default: every node. */
  live?: string[];
  services: ServiceInput[];
  endpoints?: Record<ServiceKey, ServiceEndpoints>;
  interfaces?: NodeInterface[];
}): L2Input {
  const all = o.nodes ?? nodes(node('n1'), node('n2'), node('n3'));
  return {
    config: o.config,
    nodeName: o.nodeName ?? 'n1',
    nodes: all,
    liveMembers: o.live ?? [...all.keys()],
    services: o.services,
    endpoints: new Map(Object.entries(o.endpoints ?? {})),
    interfaces: o.interfaces ?? INTERFACES,
  };
}

/** Node names in the order they rank for an address: the first owns it when all are candidates. */
export function rank(names: readonly string[], addressText: string): string[] {
  const left = names.map((name) => ({ name, key: electionKey(name) }));
  const order: string[] = [];
  while (left.length > 0) {
    const won = elect(left, electionKey(addressText));
    if (won === undefined) break;
    order.push(won.winner.name);
    left.splice(left.indexOf(won.winner), 1);
  }
  return order;
}

/** A decision as nested arrays, so deep equality also checks the order of every map. */
export function canonicalL2(d: L2Decision): unknown {
  return { owned: [...d.owned], services: [...d.services] };
}

/** address -> the owners named by the Services holding it (a set, so two owners would show). */
export function ownersByAddress(d: L2Decision): Map<string, Set<string>> {
  const owners = new Map<string, Set<string>>();
  for (const a of d.services.values()) {
    for (const entry of a.addresses) {
      let set = owners.get(entry.address);
      if (set === undefined) owners.set(entry.address, (set = new Set()));
      if (entry.owner !== undefined) set.add(entry.owner);
    }
  }
  return owners;
}
