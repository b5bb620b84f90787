import type { L2AdvertisementConfig } from '@herald/shared/config/types.js';
import { type IP, familyBits, formatIP, parseIP } from '@herald/shared/net/address.js';
import type { Mac } from '../l2/mac.js';
import { type LinkInfo, unusableReason } from '../native/link.js';

/** One address configured on an interface, with its prefix length: what tells which subnet it is on. */
export interface InterfaceAddress {
  readonly ip: IP;
  readonly prefixLength: number;
}

/** One of this node's interfaces: the kernel's facts about the link (sysfs, see native/link.ts) and its addresses. */
export interface NodeInterface extends LinkInfo {
  /** IPv4 and IPv6, in the order the system listed them. */
  readonly addresses: readonly InterfaceAddress[];
}

/** Where an address is answered and announced: what the responder binds to and the MAC it answers with. */
export interface AnnounceInterface {
  readonly name: string;
  readonly ifindex: number;
  readonly mac: Mac;
}

/** One entry of `os.networkInterfaces()`, structurally (Node 18.0-18.3 gave `family` as a number). */
export interface OsInterfaceAddress {
  readonly address: string;
  readonly netmask?: string;
  readonly family: string | number;
  readonly cidr?: string | null;
}

/** What `os.networkInterfaces()` returns. */
export type OsInterfaces = Readonly<Record<string, ReadonlyArray<OsInterfaceAddress> | undefined>>;

function prefixFromNetmask(ip: IP, netmask: string | undefined): number | undefined {
  const mask = netmask === undefined ? undefined : parseIP(netmask);
  if (mask === undefined || mask.family !== ip.family) return undefined;
  const bits = familyBits(ip.family);
  let length = 0;
  while (length < bits && ((mask.value >> BigInt(bits - 1 - length)) & 1n) === 1n) length++;
  // A mask with holes (1s after a 0) is no prefix.
  const expected = length === 0 ? 0n : ((1n << BigInt(length)) - 1n) << BigInt(bits - length);
  return mask.value === expected ? length : undefined;
}

function readOsAddress(entry: OsInterfaceAddress): InterfaceAddress | undefined {
  if (typeof entry !== 'object' || entry === null || typeof entry.address !== 'string') return undefined;
  // Link-local IPv6 may carry a zone ("fe80::1%eth0") on some systems; the zone is the interface itself.
  const ip = parseIP(entry.address.split('%')[0] as string);
  if (ip === undefined) return undefined;
  const fromCidr = typeof entry.cidr === 'string' ? Number(entry.cidr.slice(entry.cidr.lastIndexOf('/') + 1)) : Number.NaN;
  const prefixLength = Number.isInteger(fromCidr) && fromCidr >= 0 && fromCidr <= familyBits(ip.family) ? fromCidr : prefixFromNetmask(ip, entry.netmask);
  return prefixLength === undefined ? undefined : { ip, prefixLength };
}

/**
 * This node's interfaces from the two sources the shell reads without starting a process: the
 * links in sysfs (`listLinks()`, every interface with its flags and master) and the addresses in
 * `os.networkInterfaces()`. Pure. Linux forbids ':' in interface names, so an IPv4 label such as
 * "eth0:1" is an address of eth0. Node lists only interfaces that are up and running, so a
 * down link simply has no addresses (it is unusable anyway). An address that cannot be read is
 * left out; it could only ever widen the choice.
 */
export function nodeInterfaces(links: readonly LinkInfo[], os: OsInterfaces): NodeInterface[] {
  const byName = new Map<string, InterfaceAddress[]>();
  for (const [label, entries] of Object.entries(os)) {
    if (!Array.isArray(entries)) continue;
    const name = label.split(':')[0] as string;
    let list = byName.get(name);
    if (list === undefined) byName.set(name, (list = []));
    for (const entry of entries as readonly OsInterfaceAddress[]) {
      const address = readOsAddress(entry);
      if (address !== undefined) list.push(address);
    }
  }
  return [...links].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((link) => ({ ...link, addresses: byName.get(link.name) ?? [] }));
}

/** This node's interfaces by name. */
export type InterfaceTable = ReadonlyMap<string, NodeInterface>;

export function interfaceTable(interfaces: readonly NodeInterface[]): InterfaceTable {
  return new Map(interfaces.map((i) => [i.name, i]));
}

export function subnetContains(subnet: InterfaceAddress, ip: IP): boolean {
  if (subnet.ip.family !== ip.family) return false;
  const hostBits = BigInt(familyBits(ip.family) - subnet.prefixLength);
  return subnet.ip.value >> hostBits === ip.value >> hostBits;
}

type Resolved = { ok: true; iface: NodeInterface & { mac: Mac }; note?: string } | { ok: false; why: string };

/**
 * The interface to use for the one asked about: itself, or, for a bridge port or bond member,
 * the bridge or bond (where the node's address for that segment lives and whose MAC the
 * segment knows), followed up through stacked masters. Then it must be usable.
 */
function resolve(table: InterfaceTable, name: string, nodeName: string): Resolved {
  let iface = table.get(name);
  if (iface === undefined) return { ok: false, why: `${name} does not exist on node ${nodeName}` };
  let note: string | undefined;
  const seen = new Set<string>([name]);
  while (iface.master !== undefined && (iface.masterKind === 'bridge' || iface.masterKind === 'bond')) {
    const master: NodeInterface | undefined = table.get(iface.master);
    if (master === undefined || seen.has(master.name)) return { ok: false, why: `${iface.name} is a member of the ${iface.masterKind} ${iface.master}, which node ${nodeName} does not list` };
    note = `${name} is a member of the ${iface.masterKind} ${master.name}, so ${master.name} is used`;
    seen.add(master.name);
    iface = master;
  }
  const why = unusableReason(iface);
  if (why !== undefined) return { ok: false, why: note === undefined ? why : `${note}, but ${why}` };
  if (iface.mac === undefined) return { ok: false, why: `${iface.name} has no MAC address` };
  return { ok: true, iface: iface as NodeInterface & { mac: Mac }, ...(note === undefined ? {} : { note }) };
}

export type InterfaceChoice =
  | {
      readonly ok: true;
      /** Ascending by name, at least one. */
      readonly interfaces: readonly AnnounceInterface[];
      /** Sentences about interfaces asked for but not used, or used in another's place. */
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly message: string };

function quoteList(names: readonly string[]): string {
  return names.join(', ');
}

/**
 * Where this node answers for an address it owns. Each L2Advertisement that applies (covers the
 * address's pool, selects the Service and this node) contributes its `interfaces`, or, when it
 * names none, every interface with a subnet containing the address; the choice is the union.
 * Loopback, down, NOARP and non-Ethernet interfaces and those without a MAC are never used; a
 * bridge port or bond member stands for its bridge or bond.
 *
 * MetalLB announces on every usable interface when none are named. On a host with several NICs
 * that answers the address on segments where nobody should reach it, with a MAC that may not
 * forward there; the subnet rule picks the segment the address belongs to, and naming
 * interfaces covers addresses outside every local subnet.
 */
export function chooseInterfaces(ip: IP, advertisements: readonly L2AdvertisementConfig[], table: InterfaceTable, nodeName: string): InterfaceChoice {
  const address = formatIP(ip);
  const chosen = new Map<string, AnnounceInterface>();
  const notes: string[] = [];
  const use = (r: Extract<Resolved, { ok: true }>): void => {
    if (r.note !== undefined && !notes.includes(r.note)) notes.push(r.note);
    chosen.set(r.iface.name, { name: r.iface.name, ifindex: r.iface.ifindex, mac: r.iface.mac });
  };

  const bySubnet = advertisements.some((a) => a.interfaces.length === 0);
  const subnetProblems: string[] = [];
  if (bySubnet) {
    for (const iface of [...table.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!iface.addresses.some((a) => subnetContains(a, ip))) continue;
      const r = resolve(table, iface.name, nodeName);
      if (r.ok) use(r);
      else subnetProblems.push(r.why);
    }
  }

  const namedBy = new Map<string, string[]>();
  for (const ad of advertisements) {
    for (const name of ad.interfaces) {
      const ads = namedBy.get(name);
      if (ads === undefined) namedBy.set(name, [ad.name]);
      else ads.push(ad.name);
    }
  }
  const namedProblems: string[] = [];
  for (const name of [...namedBy.keys()].sort()) {
    const r = resolve(table, name, nodeName);
    if (r.ok) use(r);
    else namedProblems.push(`${r.why} (named by L2Advertisement ${quoteList(namedBy.get(name) as string[])})`);
  }

  if (chosen.size > 0) {
    return { ok: true, interfaces: [...chosen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), notes: [...notes, ...subnetProblems, ...namedProblems] };
  }
  const parts: string[] = [];
  if (bySubnet) {
    parts.push(
      subnetProblems.length === 0
        ? `no interface on node ${nodeName} has a subnet containing ${address}; set L2Advertisement interfaces`
        : `no usable interface on node ${nodeName} has a subnet containing ${address} (${subnetProblems.join('; ')})`,
    );
  }
  if (namedBy.size > 0) parts.push(`none of the interfaces named for ${address} is usable on node ${nodeName}: ${namedProblems.join('; ')}`);
  return { ok: false, message: parts.join('; ') };
}
