// One received frame to what layer-2 mode acts on: an ARP packet, or a Neighbor Solicitation or
// Advertisement, each with the headers it came in.

import { type ArpFrame, decodeArp } from './arp.js';
import { type Decoded, decoded, dropped } from './decoded.js';
import { ETHERTYPE_ARP, ETHERTYPE_IPV6, decodeEthernet } from './ethernet.js';
import { NEXT_HEADER_ICMPV6, decodeIpv6 } from './ipv6.js';
import { type NeighborAdvertisement, type NeighborFrame, type NeighborSolicitation, decodeNeighborMessage } from './ndp.js';

export type L2Frame =
  | ({ kind: 'arp' } & ArpFrame)
  | ({ kind: 'neighbor-solicitation' } & NeighborFrame<NeighborSolicitation>)
  | ({ kind: 'neighbor-advertisement' } & NeighborFrame<NeighborAdvertisement>);

/**
 * Decodes a whole Ethernet frame as AF_PACKET delivers it (no FCS; padding after the packet is
 * ignored). Never throws: anything else, or anything malformed, comes back as a drop reason.
 */
export function decodeFrame(frame: Buffer): Decoded<L2Frame> {
  const ethernet = decodeEthernet(frame);
  if (!ethernet.ok) return ethernet;
  const { header, payload } = ethernet.value;
  if (header.ethertype === ETHERTYPE_ARP) {
    const arp = decodeArp(payload);
    return arp.ok ? decoded({ kind: 'arp', ethernet: header, arp: arp.value }) : arp;
  }
  if (header.ethertype !== ETHERTYPE_IPV6) {
    return dropped('unsupported', `ethertype 0x${header.ethertype.toString(16).padStart(4, '0')}, neither ARP nor IPv6`);
  }
  const ipv6 = decodeIpv6(payload);
  if (!ipv6.ok) return ipv6;
  if (ipv6.value.header.nextHeader !== NEXT_HEADER_ICMPV6) {
    return dropped('unsupported', `IPv6 next header ${ipv6.value.header.nextHeader}, not ICMPv6 (58); extension headers are not walked`);
  }
  const message = decodeNeighborMessage(ipv6.value.packet, ipv6.value.header);
  if (!message.ok) return message;
  const m = message.value;
  return decoded(
    m.type === 'neighbor-solicitation'
      ? { kind: 'neighbor-solicitation', ethernet: header, ipv6: ipv6.value.header, message: m }
      : { kind: 'neighbor-advertisement', ethernet: header, ipv6: ipv6.value.header, message: m },
  );
}
