// What the lab's router is told about its peers, independent of which daemon runs it.

export type RouterKind = 'frr' | 'bird' | 'gobgp';

export const ROUTER_KINDS: readonly RouterKind[] = ['frr', 'bird', 'gobgp'];

export function isRouterKind(kind: unknown): kind is RouterKind {
  return typeof kind === 'string' && (ROUTER_KINDS as readonly string[]).includes(kind);
}

export interface BfdTimers {
  receiveMs?: number;
  transmitMs?: number;
  multiplier?: number;
}

/** Settings of the router's sessions with one node (both its IPv4 and IPv6 session). */
export interface NodePeerOptions {
  /** The node's ASN; the lab's nodeAsn otherwise. Equal to the router's ASN makes the session iBGP. */
  asn?: number;
  /** TCP MD5 signature password (RFC 2385). */
  password?: string;
  /** Tie the session to a BFD session, with the daemon's default timers or these. */
  bfd?: boolean | BfdTimers;
  keepaliveSec?: number;
  holdSec?: number;
  /** The router waits for the node to connect and never connects itself. */
  passive?: boolean;
}

export interface RouterPeer {
  /** node1..N */
  node: string;
  address: string;
  family: 'ipv4' | 'ipv6';
  asn: number;
  options: NodePeerOptions;
}

export interface RouterSetup {
  hostname: string;
  routerId: string;
  asn: number;
  peers: RouterPeer[];
}

/** Hold time and keepalive to configure, when the options set either; keepalive defaults to a third. */
export function peerTimers(options: NodePeerOptions, peer: string): { keepalive: number; hold: number } | undefined {
  if (options.holdSec === undefined && options.keepaliveSec === undefined) return undefined;
  const hold = options.holdSec ?? (options.keepaliveSec ?? 0) * 3;
  const keepalive = options.keepaliveSec ?? Math.floor(hold / 3);
  if (!Number.isInteger(hold) || (hold !== 0 && hold < 3) || hold > 65535) {
    throw new Error(`router peer ${peer}: holdSec ${hold} must be 0 or a whole number from 3 to 65535`);
  }
  if (!Number.isInteger(keepalive) || keepalive < 0 || (hold !== 0 && keepalive >= hold)) {
    throw new Error(`router peer ${peer}: keepaliveSec ${keepalive} must be a whole number below holdSec ${hold}`);
  }
  return { keepalive, hold };
}

/** Passwords go into both daemons' configuration as one quoted word. */
export function checkPassword(password: string, peer: string): string {
  if (!/^[\x21-\x7e]{1,80}$/.test(password) || /["\\]/.test(password)) {
    throw new Error(
      `router peer ${peer}: password must be 1-80 printable ASCII characters without spaces, quotes or backslashes`,
    );
  }
  return password;
}

export function checkAsn(asn: number, what: string): number {
  if (!Number.isInteger(asn) || asn < 1 || asn > 4294967294) throw new Error(`${what}: ASN ${asn} is not from 1 to 4294967294`);
  return asn;
}

export function bfdTimers(bfd: NodePeerOptions['bfd']): BfdTimers | undefined {
  if (bfd === undefined || bfd === false) return undefined;
  return bfd === true ? {} : bfd;
}

/** Every problem the router daemon would have with a node's options, found before anything is built. */
export function checkNodePeerOptions(options: NodePeerOptions, peer: string, kind?: RouterKind): void {
  if (kind === 'gobgp' && bfdTimers(options.bfd)) {
    throw new Error(`router peer ${peer}: bfd is set, but gobgpd has no BFD; use router 'frr' or 'bird' for BFD tests`);
  }
  if (options.asn !== undefined) checkAsn(options.asn, `router peer ${peer}`);
  if (options.password !== undefined) checkPassword(options.password, peer);
  peerTimers(options, peer);
  const bfd = bfdTimers(options.bfd);
  for (const [name, value, min, max] of [
    ['receiveMs', bfd?.receiveMs, 10, 60000],
    ['transmitMs', bfd?.transmitMs, 10, 60000],
    ['multiplier', bfd?.multiplier, 2, 255],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw new Error(`router peer ${peer}: bfd.${name} ${value} must be a whole number from ${min} to ${max}`);
    }
  }
}
