// The fixed IPv6 header (RFC 8200) and the ICMPv6 checksum over it (RFC 4443 2.3). Extension
// headers are not walked: Neighbor Discovery arrives without any (see speaker/native's filter).

import { formatIpv6, ipv6Bytes } from './address.js';
import { type Decoded, decoded, dropped } from './decoded.js';

export const IPV6_HEADER_LENGTH = 40;
export const NEXT_HEADER_ICMPV6 = 58;

export interface Ipv6Header {
  source: string;
  destination: string;
  hopLimit: number;
  nextHeader: number;
}

export interface Ipv6Packet {
  header: Ipv6Header;
  /** The header and exactly payload-length bytes after it: a view, without link-layer padding. */
  packet: Buffer;
  /** The bytes after the header, as many as the payload length says. */
  payload: Buffer;
}

/** Traffic class and flow label zero, as Linux sends Neighbor Discovery. */
export function encodeIpv6(header: Ipv6Header, payload: Uint8Array): Buffer {
  const packet = Buffer.alloc(IPV6_HEADER_LENGTH + payload.length);
  packet.writeUInt32BE(0x6000_0000, 0);
  packet.writeUInt16BE(payload.length, 4);
  packet[6] = header.nextHeader;
  packet[7] = header.hopLimit;
  ipv6Bytes(header.source).copy(packet, 8);
  ipv6Bytes(header.destination).copy(packet, 24);
  packet.set(payload, IPV6_HEADER_LENGTH);
  return packet;
}

export function decodeIpv6(bytes: Buffer): Decoded<Ipv6Packet> {
  if (bytes.length < IPV6_HEADER_LENGTH) {
    return dropped('truncated', `IPv6 packet of ${bytes.length} bytes, shorter than its 40-byte header`);
  }
  const version = (bytes[0] ?? 0) >> 4;
  if (version !== 6) return dropped('ipv6-header', `IP version ${version} in an IPv6 frame`);
  const payloadLength = bytes.readUInt16BE(4);
  if (IPV6_HEADER_LENGTH + payloadLength > bytes.length) {
    return dropped('truncated', `IPv6 payload length ${payloadLength}, but only ${bytes.length - IPV6_HEADER_LENGTH} bytes follow the header`);
  }
  const packet = bytes.subarray(0, IPV6_HEADER_LENGTH + payloadLength);
  return decoded({
    header: {
      source: formatIpv6(bytes, 8),
      destination: formatIpv6(bytes, 24),
      hopLimit: bytes[7] ?? 0,
      nextHeader: bytes[6] ?? 0,
    },
    packet,
    payload: packet.subarray(IPV6_HEADER_LENGTH),
  });
}

/**
 * The Internet checksum (RFC 1071) of the ICMPv6 message in `packet` (an IPv6 packet without
 * extension headers) with the pseudo-header of RFC 8200 8.1: source, destination, upper-layer
 * length, next header 58. Over a message whose checksum field holds the right value it gives 0;
 * over one whose field is zero it gives the value to write there.
 */
export function icmpv6Checksum(packet: Buffer): number {
  const message = packet.subarray(IPV6_HEADER_LENGTH);
  let sum = 0;
  for (let i = 8; i < IPV6_HEADER_LENGTH; i += 2) sum += packet.readUInt16BE(i);
  sum += (message.length >>> 16) + (message.length & 0xffff) + NEXT_HEADER_ICMPV6;
  const even = message.length & ~1;
  for (let i = 0; i < even; i += 2) sum += message.readUInt16BE(i);
  if (even < message.length) sum += (message[even] ?? 0) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}
