// Addresses of a lab: one IPv4 /24 from the benchmarking range 198.18.0.0/15 and one IPv6 ULA /64,
// both picked by a number K from 1 to 254 that each run chooses so two labs never share a segment.

export interface Segment {
  k: number;
  /** 198.18.K.0/24 */
  ipv4Cidr: string;
  /** fdKK:18::/64, KK being K in two hex digits */
  ipv6Cidr: string;
}

export interface HostAddresses {
  ipv4: string;
  ipv6: string;
  mac: string;
  /** The IPv6 link-local address the kernel derives from the MAC (EUI-64). */
  linkLocal: string;
}

export const ROUTER_HOST = 1;
export const FIRST_NODE_HOST = 11;
export const CLIENT_HOST = 100;
export const ROOT_HOST = 254;

export function segmentFor(k: number): Segment {
  if (!Number.isInteger(k) || k < 1 || k > 254) throw new Error(`lab segment: K=${k} is not from 1 to 254`);
  return { k, ipv4Cidr: `198.18.${k}.0/24`, ipv6Cidr: `${ipv6Base(k)}/64` };
}

function ipv6Base(k: number): string {
  return `fd${hex2(k)}:18::`;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/**
 * Host H gets 198.18.K.H and fdKK:18::H, where H is written with the same digits in both families
 * (.11 and ::11) so an address is recognisable at a glance; its MAC ends in K and H.
 */
export function hostAddresses(segment: Segment, host: number): HostAddresses {
  if (!Number.isInteger(host) || host < 1 || host > 254) throw new Error(`lab host number ${host}: not from 1 to 254`);
  const macBytes = [0x02, 0x48, 0x4c, segment.k, 0x00, host];
  return {
    ipv4: `198.18.${segment.k}.${host}`,
    ipv6: `${ipv6Base(segment.k)}${host}`,
    mac: macBytes.map(hex2).join(':'),
    linkLocal: eui64LinkLocal(macBytes),
  };
}

function eui64LinkLocal(mac: number[]): string {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = mac;
  const groups = [((a ^ 0x02) << 8) | b, (c << 8) | 0xff, (0xfe << 8) | d, (e << 8) | f];
  return `fe80::${groups.map((g) => g.toString(16)).join(':')}`;
}

/** FNV-1a of the prefix, folded to 1..254: a stable first choice of K for a prefix. */
export function preferredK(prefix: string): number {
  let h = 0x811c9dc5;
  for (const ch of prefix) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % 254) + 1;
}

/** The first K from the prefix's preferred one onwards (wrapping) that is not taken. */
export function chooseK(prefix: string, taken: (k: number) => boolean): number {
  const start = preferredK(prefix);
  for (let i = 0; i < 254; i++) {
    const k = ((start - 1 + i) % 254) + 1;
    if (!taken(k)) return k;
  }
  throw new Error('lab segment: all 254 segments 198.18.1-254.0/24 are routed or claimed by other labs');
}

/**
 * Whether a segment collides with routes that exist already. `routes` are destinations as
 * `ip -j route` prints them ("default", "a.b.c.d", "a.b.c.d/n", IPv6 the same); default routes
 * cover everything and are not a collision.
 */
export function segmentCollides(segment: Segment, routes: readonly string[]): boolean {
  const mine = [parseCidr(segment.ipv4Cidr), parseCidr(segment.ipv6Cidr)];
  return routes.some((dst) => {
    const theirs = parseCidr(dst);
    if (!theirs || theirs.length === 0) return false;
    return mine.some((m) => m !== undefined && overlaps(m, theirs));
  });
}

export interface Cidr {
  family: 4 | 6;
  value: bigint;
  length: number;
}

function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const bits = a.family === 4 ? 32 : 128;
  const shared = Math.min(a.length, b.length);
  const shift = BigInt(bits - shared);
  return a.value >> shift === b.value >> shift;
}

export function parseCidr(text: string): Cidr | undefined {
  if (text === 'default') return undefined;
  const [addr = '', len] = text.split('/');
  const value = addr.includes(':') ? parseIpv6(addr) : parseIpv4(addr);
  if (value === undefined) return undefined;
  const family = addr.includes(':') ? 6 : 4;
  const length = len === undefined ? (family === 4 ? 32 : 128) : Number(len);
  if (!Number.isInteger(length)) return undefined;
  return { family, value, length };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    const n = Number(p);
    if (!/^\d{1,3}$/.test(p) || n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}
