import { AFI_IPV4, AFI_IPV6, SAFI_UNICAST, type AddressFamily, type MpReach, type MpUnreach, type Prefix } from '../messages.js';
import { ATTRIBUTE, FLAG } from './attribute-types.js';
import type { ByteWriter } from './byte-writer.js';
import { attributeHeader } from './encode-attributes.js';
import { encodedPrefixSize, readPrefixes, writePrefixes } from './prefixes.js';

/** MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760 3 and 4) for IPv4 and IPv6 unicast. */

/** The IP family of a unicast AFI/SAFI Herald speaks, else undefined. */
export function familyOf(family: AddressFamily): 4 | 6 | undefined {
  if (family.safi !== SAFI_UNICAST) return undefined;
  if (family.afi === AFI_IPV4) return 4;
  if (family.afi === AFI_IPV6) return 6;
  return undefined;
}

function requireFamily(family: AddressFamily, field: string): 4 | 6 {
  const ip = familyOf(family);
  if (ip === undefined) throw new RangeError(`${field} for AFI ${family.afi} SAFI ${family.safi}: only IPv4 and IPv6 unicast are encoded`);
  return ip;
}

function writeNextHop(w: ByteWriter, value: bigint, ip: 4 | 6): void {
  const words = ip === 4 ? 1 : 4;
  if (value < 0n || value >> BigInt(32 * words) !== 0n) throw new RangeError(`MP_REACH_NLRI next hop ${value} is outside the IPv${ip} address space`);
  for (let i = words - 1; i >= 0; i--) w.u32(Number((value >> BigInt(32 * i)) & 0xffffffffn));
}

function prefixesLength(prefixes: readonly Prefix[]): number {
  let n = 0;
  for (const p of prefixes) n += encodedPrefixSize(p);
  return n;
}

export function writeMpReach(w: ByteWriter, reach: MpReach): void {
  const ip = requireFamily(reach.family, 'MP_REACH_NLRI');
  const hops = reach.nextHops.length;
  if (hops < 1 || hops > (ip === 6 ? 2 : 1)) {
    throw new RangeError(`MP_REACH_NLRI for IPv${ip} has ${hops} next hops; it takes ${ip === 6 ? '1 (global) or 2 (global, link-local)' : '1'}`);
  }
  const hopLength = hops * (ip === 4 ? 4 : 16);
  attributeHeader(w, FLAG.optional, ATTRIBUTE.mpReach, 5 + hopLength + prefixesLength(reach.prefixes));
  w.u16(reach.family.afi);
  w.u8(reach.family.safi);
  w.u8(hopLength);
  for (const hop of reach.nextHops) writeNextHop(w, hop, ip);
  w.u8(0);
  writePrefixes(w, reach.prefixes, ip, 'MP_REACH_NLRI');
}

export function writeMpUnreach(w: ByteWriter, unreach: MpUnreach): void {
  // An empty one is End-of-RIB, which any family may need; prefixes need a family Herald encodes.
  const ip = unreach.prefixes.length === 0 ? undefined : requireFamily(unreach.family, 'MP_UNREACH_NLRI');
  attributeHeader(w, FLAG.optional, ATTRIBUTE.mpUnreach, 3 + prefixesLength(unreach.prefixes));
  w.u16(unreach.family.afi, 'MP_UNREACH_NLRI AFI');
  w.u8(unreach.family.safi, 'MP_UNREACH_NLRI SAFI');
  if (ip !== undefined) writePrefixes(w, unreach.prefixes, ip, 'MP_UNREACH_NLRI');
}

/** What reading an MP attribute gave: the attribute, a family Herald does not speak, or why it is malformed. */
export type MpRead<T> = { readonly value: T } | { readonly unsupported: AddressFamily } | { readonly malformed: string };

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function readNextHop(bytes: Uint8Array, at: number, octets: number): bigint {
  let value = 0n;
  for (let i = 0; i < octets; i += 4) value = (value << 32n) | BigInt(readU32(bytes, at + i));
  return value;
}

export function readMpReach(bytes: Uint8Array, start: number, end: number): MpRead<MpReach> {
  if (end - start < 5) return { malformed: `MP_REACH_NLRI has ${end - start} octets; at least 5 are needed` };
  const family = { afi: (bytes[start]! << 8) | bytes[start + 1]!, safi: bytes[start + 2]! };
  const hopLength = bytes[start + 3]!;
  if (hopLength + 5 > end - start) {
    return { malformed: `MP_REACH_NLRI next hop length ${hopLength} overruns the attribute of ${end - start} octets` };
  }
  const ip = familyOf(family);
  if (ip === undefined) return { unsupported: family };
  const allowed = ip === 4 ? [4] : [16, 32];
  if (!allowed.includes(hopLength)) {
    const note = ip === 4 ? ' (an IPv6 next hop for IPv4 needs the extended next hop capability, RFC 8950, which Herald does not negotiate)' : '';
    return { malformed: `MP_REACH_NLRI next hop length ${hopLength} is not ${allowed.join(' or ')} for IPv${ip} unicast${note}` };
  }
  const nextHops: bigint[] = [];
  for (let at = start + 4; at < start + 4 + hopLength; at += ip === 4 ? 4 : 16) nextHops.push(readNextHop(bytes, at, ip === 4 ? 4 : 16));
  // The octet after the next hop is reserved (formerly the SNPA count) and ignored on receipt.
  const prefixes: Prefix[] = [];
  const problem = readPrefixes(bytes, start + 5 + hopLength, end, ip, prefixes);
  if (problem !== undefined) return { malformed: `MP_REACH_NLRI: ${problem}` };
  return { value: { family, nextHops, prefixes } };
}

export function readMpUnreach(bytes: Uint8Array, start: number, end: number): MpRead<MpUnreach> {
  if (end - start < 3) return { malformed: `MP_UNREACH_NLRI has ${end - start} octets; at least 3 are needed` };
  const family = { afi: (bytes[start]! << 8) | bytes[start + 1]!, safi: bytes[start + 2]! };
  const ip = familyOf(family);
  // Nothing to withdraw is End-of-RIB, meaningful for any family.
  if (end - start === 3) return { value: { family, prefixes: [] } };
  if (ip === undefined) return { unsupported: family };
  const prefixes: Prefix[] = [];
  const problem = readPrefixes(bytes, start + 3, end, ip, prefixes);
  if (problem !== undefined) return { malformed: `MP_UNREACH_NLRI: ${problem}` };
  return { value: { family, prefixes } };
}
