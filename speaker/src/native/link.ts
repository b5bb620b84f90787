// What the kernel says about a network interface, read from /sys/class/net/<name>/: its index, MAC,
// flags and whether it is enslaved to a bridge or bond. Layer-2 mode uses it to pick interfaces.
// sysfs shows the network namespace it was mounted in: `ip netns exec` mounts one for the
// namespace, and so does a container runtime for a hostNetwork pod. A process that entered a
// namespace some other way sees the wrong interfaces here; the packet socket itself always binds
// in the process's own namespace.

import { readFileSync, readdirSync, readlinkSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Mac, parseMac } from '../l2/mac.js';

export const SYS_CLASS_NET = '/sys/class/net';

/** linux/if.h flags of `/sys/class/net/<if>/flags` (struct net_device's flags). */
export const IFF_UP = 0x1;
export const IFF_LOOPBACK = 0x8;
export const IFF_NOARP = 0x80;
export const IFF_MASTER = 0x400;
export const IFF_SLAVE = 0x800;
/** linux/if_arp.h: the `type` of Ethernet interfaces, veth, bridges and bonds included. */
export const ARPHRD_ETHER = 1;

export interface LinkInfo {
  name: string;
  ifindex: number;
  /** ARPHRD_* hardware type: 1 for Ethernet, 772 for loopback. */
  type: number;
  /** Canonical lowercase text; undefined when the link has none of 6 bytes (tunnels, for one). */
  mac?: Mac;
  mtu: number;
  /** IFF_* bits as the kernel holds them. */
  flags: number;
  /** RFC 2863 state: "up", "down", "lowerlayerdown", "unknown" (drivers that do not say), ... */
  operState: string;
  /** The bridge, bond, team or VRF this link is enslaved to, by name. */
  master?: string;
  /** What the master is, when sysfs says: "bridge" (the link has brport/), "bond" (bonding_slave/). */
  masterKind?: 'bridge' | 'bond';
}

/** The files of one interface's sysfs directory that parseLink reads; absent files are undefined. */
export interface LinkFiles {
  ifindex?: string;
  type?: string;
  address?: string;
  addr_len?: string;
  mtu?: string;
  flags?: string;
  operstate?: string;
  /** The `master` symlink's target, such as "../br0". */
  master?: string;
  brport: boolean;
  bonding_slave: boolean;
}

function integer(text: string | undefined, field: string, name: string, radix = 10): number {
  const trimmed = text?.trim() ?? '';
  const value = radix === 16 ? Number(trimmed) : Number.parseInt(trimmed, radix);
  if (trimmed === '' || !Number.isInteger(value) || value < 0) {
    throw new Error(`interface ${name}: /sys/class/net/${name}/${field} is ${JSON.stringify(text)}, not a number`);
  }
  return value;
}

/** Pure: the LinkInfo that a sysfs directory's files describe; throws naming the file at fault. */
export function parseLink(name: string, files: LinkFiles): LinkInfo {
  const addrLen = files.addr_len === undefined ? 0 : integer(files.addr_len, 'addr_len', name);
  const mac = addrLen === 6 && files.address !== undefined ? parseMac(files.address.trim()) : undefined;
  if (mac !== undefined && !mac.ok) throw new Error(`interface ${name}: /sys/class/net/${name}/address: ${mac.error}`);
  const master = files.master === undefined ? undefined : basename(files.master.trim());
  const masterKind = files.brport ? 'bridge' : files.bonding_slave ? 'bond' : undefined;
  return {
    name,
    ifindex: integer(files.ifindex, 'ifindex', name),
    type: integer(files.type, 'type', name),
    ...(mac?.ok ? { mac: mac.value } : {}),
    mtu: integer(files.mtu, 'mtu', name),
    flags: integer(files.flags, 'flags', name, 16),
    operState: files.operstate?.trim() ?? 'unknown',
    ...(master === undefined ? {} : { master }),
    ...(masterKind === undefined ? {} : { masterKind }),
  };
}

/**
 * Why layer-2 mode must not answer or announce on this link, or undefined when it may: down
 * (administratively, or without carrier), loopback, NOARP, not Ethernet, without a MAC, or
 * enslaved to another interface (a bridge or bond member: the master is where addresses live;
 * a VRF member is refused too, a limitation while nothing asks for it).
 */
export function unusableReason(link: LinkInfo): string | undefined {
  if ((link.flags & IFF_LOOPBACK) !== 0) return `${link.name} is a loopback interface`;
  if ((link.flags & IFF_UP) === 0) return `${link.name} is down`;
  if (link.operState === 'down' || link.operState === 'lowerlayerdown') {
    return `${link.name} has no carrier (operstate ${link.operState})`;
  }
  if ((link.flags & IFF_NOARP) !== 0) return `${link.name} does not use ARP (NOARP)`;
  if (link.type !== ARPHRD_ETHER || link.mac === undefined) return `${link.name} is not an Ethernet interface (type ${link.type})`;
  if (link.master !== undefined || (link.flags & IFF_SLAVE) !== 0) {
    const kind = link.masterKind ?? ((link.flags & IFF_SLAVE) !== 0 ? 'bond' : undefined);
    const of = link.master === undefined ? '' : ` ${link.master}`;
    return `${link.name} is a member of ${kind === undefined ? 'another interface' : `the ${kind}`}${of}; use${of || ' the master'} instead`;
  }
  return undefined;
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // Absent on some link types (addr_len on none, for one), or the link went away meanwhile.
    return undefined;
  }
}

/** Reads one interface from sysfs; throws naming it when there is none by that name. */
export function readLink(name: string, root = SYS_CLASS_NET): LinkInfo {
  if (typeof name !== 'string' || name === '' || name.includes('/') || name === '.' || name === '..') {
    throw new Error(`interface: ${JSON.stringify(name)} is not an interface name`);
  }
  const dir = join(root, name);
  if (!existsSync(join(dir, 'ifindex'))) throw new Error(`interface ${name}: no such interface in ${root}`);
  const read = (file: string): string | undefined => readOptional(join(dir, file));
  let master: string | undefined;
  try {
    master = readlinkSync(join(dir, 'master'));
  } catch {
    // No master: the usual case.
  }
  return parseLink(name, {
    ifindex: read('ifindex'),
    type: read('type'),
    address: read('address'),
    addr_len: read('addr_len'),
    mtu: read('mtu'),
    flags: read('flags'),
    operstate: read('operstate'),
    ...(master === undefined ? {} : { master }),
    brport: existsSync(join(dir, 'brport')),
    bonding_slave: existsSync(join(dir, 'bonding_slave')),
  });
}

/** Every interface sysfs lists, by name; one that goes away while it is read is left out. */
export function listLinks(root = SYS_CLASS_NET): LinkInfo[] {
  const links: LinkInfo[] = [];
  for (const name of readdirSync(root).sort()) {
    if (existsSync(join(root, name, 'ifindex'))) links.push(readLink(name, root));
  }
  return links;
}
