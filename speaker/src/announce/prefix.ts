import { type IP, familyBits } from '@herald/shared/net/address.js';
import { formatCIDR } from '@herald/shared/net/range.js';
import type { Prefix } from '../bgp/messages.js';

/** The address with every bit past `length` cleared: the route an aggregation length asks for. */
export function prefixOf(ip: IP, length: number): Prefix {
  const hostBits = BigInt(familyBits(ip.family) - length);
  return { family: ip.family, network: (ip.value >> hostBits) << hostBits, length };
}

/** "10.0.0.0/24", "2001:db8::1/128": how a prefix is keyed in every table and named in every message. */
export function prefixText(prefix: Prefix): string {
  return formatCIDR(prefix.family, { network: prefix.network, prefixLength: prefix.length });
}

/** IPv4 before IPv6, then by network, then shorter first. */
export function comparePrefixes(a: Prefix, b: Prefix): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.length - b.length;
}
