// IPv4 and IPv6 addresses between their canonical text (as @herald/shared/net writes them) and the
// bytes on the wire, and the multicast addresses Neighbor Discovery derives from them.

import { formatAddress, parseIP } from '@herald/shared/net/address.js';
import { type Mac, formatMac } from './mac.js';

/** The 4 bytes of an IPv4 address; throws a RangeError naming the text when it is not one. */
export function ipv4Bytes(text: string): Buffer {
  const ip = parseIP(text);
  if (ip?.family !== 4) throw new RangeError(`${JSON.stringify(text)} is not an IPv4 address`);
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(Number(ip.value));
  return bytes;
}

export function formatIpv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** The 16 bytes of an IPv6 address; throws a RangeError naming the text when it is not one. */
export function ipv6Bytes(text: string): Buffer {
  const ip = parseIP(text);
  if (ip?.family !== 6) throw new RangeError(`${JSON.stringify(text)} is not an IPv6 address`);
  const bytes = Buffer.alloc(16);
  bytes.writeBigUInt64BE(ip.value >> 64n, 0);
  bytes.writeBigUInt64BE(ip.value & 0xffff_ffff_ffff_ffffn, 8);
  return bytes;
}

/** RFC 5952 text of the 16 bytes at `offset`. */
export function formatIpv6(bytes: Uint8Array, offset = 0): string {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + offset, 16);
  return formatAddress(6, (view.readBigUInt64BE(0) << 64n) | view.readBigUInt64BE(8));
}

export const UNSPECIFIED_IPV6 = '::';
/** All-nodes multicast, where unsolicited Neighbor Advertisements go (RFC 4861 7.2.6). */
export const ALL_NODES_IPV6 = 'ff02::1';

export function isMulticastIpv6(bytes: Uint8Array, offset = 0): boolean {
  return bytes[offset] === 0xff;
}

export function isUnspecifiedIpv6(bytes: Uint8Array, offset = 0): boolean {
  for (let i = offset; i < offset + 16; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** ff02::1:ffXX:XXXX: the group a Neighbor Solicitation for `address` goes to (RFC 4291 2.7.1). */
export function solicitedNodeAddress(address: string): string {
  const group = Buffer.alloc(16);
  group.set([0xff, 0x02], 0);
  group.set([0x01, 0xff], 11);
  ipv6Bytes(address).copy(group, 13, 13, 16);
  return formatIpv6(group);
}

/** 33:33 and the address's last 4 bytes: the Ethernet group of an IPv6 multicast address (RFC 2464 7). */
export function ipv6MulticastMac(address: string): Mac {
  const bytes = ipv6Bytes(address);
  if (!isMulticastIpv6(bytes)) throw new RangeError(`${address} is not an IPv6 multicast address`);
  return formatMac(Buffer.concat([Buffer.from([0x33, 0x33]), bytes.subarray(12, 16)]));
}

/** 33:33:ff:XX:XX:XX: what an interface joins to hear Neighbor Solicitations for `address`. */
export function solicitedNodeMac(address: string): Mac {
  return ipv6MulticastMac(solicitedNodeAddress(address));
}
