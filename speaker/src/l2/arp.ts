// ARP for IPv4 over Ethernet (RFC 826), and the two gratuitous forms a new owner of an address
// sends so that neighbours with an entry for it switch to its MAC.

import { formatIpv4, ipv4Bytes } from './address.js';
import { type Decoded, decoded, dropped } from './decoded.js';
import { BROADCAST_MAC, type Mac, ZERO_MAC, formatMac, isGroupMac, macBytes } from './mac.js';
import { ETHERTYPE_ARP, type EthernetHeader, encodeEthernet } from './ethernet.js';

/** Hardware type 1, protocol 0x0800, lengths 6 and 4, operation, then four addresses: 28 bytes. */
export const ARP_LENGTH = 28;
const HARDWARE_ETHERNET = 1;
const PROTOCOL_IPV4 = 0x0800;
const OPERATION_REQUEST = 1;
const OPERATION_REPLY = 2;

export type ArpOperation = 'request' | 'reply';

export interface ArpPacket {
  operation: ArpOperation;
  senderMac: Mac;
  senderIp: string;
  /** In a request, usually 00:00:00:00:00:00 (what is asked for); receivers ignore it. */
  targetMac: Mac;
  targetIp: string;
}

export interface ArpFrame {
  ethernet: EthernetHeader;
  arp: ArpPacket;
}

export function encodeArp(packet: ArpPacket): Buffer {
  const bytes = Buffer.alloc(ARP_LENGTH);
  bytes.writeUInt16BE(HARDWARE_ETHERNET, 0);
  bytes.writeUInt16BE(PROTOCOL_IPV4, 2);
  bytes[4] = 6;
  bytes[5] = 4;
  bytes.writeUInt16BE(packet.operation === 'request' ? OPERATION_REQUEST : OPERATION_REPLY, 6);
  macBytes(packet.senderMac).copy(bytes, 8);
  ipv4Bytes(packet.senderIp).copy(bytes, 14);
  macBytes(packet.targetMac).copy(bytes, 18);
  ipv4Bytes(packet.targetIp).copy(bytes, 24);
  return bytes;
}

/**
 * Reads the ARP payload of an Ethernet frame; bytes after the 28 (padding) are ignored. Only
 * Ethernet/IPv4 requests and replies are accepted, and a sender MAC that is a group address is
 * refused: answering or learning it would send unicast traffic to every port.
 */
export function decodeArp(payload: Buffer): Decoded<ArpPacket> {
  if (payload.length < ARP_LENGTH) return dropped('truncated', `ARP payload of ${payload.length} bytes, expected 28`);
  const hardware = payload.readUInt16BE(0);
  const protocol = payload.readUInt16BE(2);
  if (hardware !== HARDWARE_ETHERNET || protocol !== PROTOCOL_IPV4 || payload[4] !== 6 || payload[5] !== 4) {
    return dropped(
      'arp-not-ethernet-ipv4',
      `ARP hardware type ${hardware} length ${payload[4]}, protocol 0x${protocol.toString(16).padStart(4, '0')} length ${payload[5]}; ` +
        'expected Ethernet (1, 6) and IPv4 (0x0800, 4)',
    );
  }
  const operation = payload.readUInt16BE(6);
  if (operation !== OPERATION_REQUEST && operation !== OPERATION_REPLY) {
    return dropped('arp-operation', `ARP operation ${operation}, expected 1 (request) or 2 (reply)`);
  }
  if (isGroupMac(payload, 8)) return dropped('bad-link-address', `ARP sender MAC ${formatMac(payload, 8)} is a group address`);
  return decoded({
    operation: operation === OPERATION_REQUEST ? 'request' : 'reply',
    senderMac: formatMac(payload, 8),
    senderIp: formatIpv4(payload, 14),
    targetMac: formatMac(payload, 18),
    targetIp: formatIpv4(payload, 24),
  });
}

export function encodeArpFrame(frame: ArpFrame): Buffer {
  return encodeEthernet(frame.ethernet, encodeArp(frame.arp));
}

/** A request for `targetIp`, broadcast, as Linux sends it: target MAC all zeros. */
export function arpRequestFrame(ownMac: Mac, ownIp: string, targetIp: string): Buffer {
  return encodeArpFrame({
    ethernet: { destination: BROADCAST_MAC, source: ownMac, ethertype: ETHERTYPE_ARP },
    arp: { operation: 'request', senderMac: ownMac, senderIp: ownIp, targetMac: ZERO_MAC, targetIp },
  });
}

/** The answer to `request` saying that its target address is at `ownMac`, sent to the asker alone. */
export function arpReplyFrame(request: ArpPacket, ownMac: Mac): Buffer {
  return encodeArpFrame({
    ethernet: { destination: request.senderMac, source: ownMac, ethertype: ETHERTYPE_ARP },
    arp: {
      operation: 'reply',
      senderMac: ownMac,
      senderIp: request.targetIp,
      targetMac: request.senderMac,
      targetIp: request.senderIp,
    },
  });
}

/**
 * Gratuitous ARP, request form: the ARP Announcement of RFC 5227 section 2.3, which is also what
 * Linux sends (arp_notify, address changes): broadcast, sender and target IP both `address`,
 * target MAC all zeros.
 */
export function gratuitousArpRequest(ownMac: Mac, address: string): Buffer {
  return encodeArpFrame({
    ethernet: { destination: BROADCAST_MAC, source: ownMac, ethertype: ETHERTYPE_ARP },
    arp: { operation: 'request', senderMac: ownMac, senderIp: address, targetMac: ZERO_MAC, targetIp: address },
  });
}

/**
 * Gratuitous ARP, reply form, for neighbours that learn only from replies: broadcast, sender and
 * target IP both `address`, target MAC the sender's own, as `arping -A` (iputils) sends it.
 */
export function gratuitousArpReply(ownMac: Mac, address: string): Buffer {
  return encodeArpFrame({
    ethernet: { destination: BROADCAST_MAC, source: ownMac, ethertype: ETHERTYPE_ARP },
    arp: { operation: 'reply', senderMac: ownMac, senderIp: address, targetMac: ownMac, targetIp: address },
  });
}
