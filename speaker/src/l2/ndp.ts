// IPv6 Neighbor Discovery (RFC 4861) over Ethernet: Neighbor Solicitations and Advertisements with
// their link-layer address options, checked on receipt as section 7.1 says, and the frames an owner
// of an address sends: answers to solicitations and unsolicited advertisements with Override.

import {
  ALL_NODES_IPV6,
  UNSPECIFIED_IPV6,
  ipv6MulticastMac,
  isMulticastIpv6,
  isUnspecifiedIpv6,
  solicitedNodeAddress,
  formatIpv6,
  ipv6Bytes,
} from './address.js';
import { type Decoded, decoded, dropped } from './decoded.js';
import { ETHERTYPE_IPV6, type EthernetHeader, encodeEthernet } from './ethernet.js';
import { IPV6_HEADER_LENGTH, type Ipv6Header, NEXT_HEADER_ICMPV6, encodeIpv6, icmpv6Checksum } from './ipv6.js';
import { type Mac, formatMac, isGroupMac, macBytes } from './mac.js';

export const ICMPV6_NEIGHBOR_SOLICITATION = 135;
export const ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
/** Type, code, checksum, 4 bytes of flags or reserved, target: 24 bytes before the options. */
const MESSAGE_FIXED_LENGTH = 24;
/** RFC 4861 requires it on every Neighbor Discovery message, sent and received. */
export const NDP_HOP_LIMIT = 255;
const OPTION_SOURCE_LINK_ADDRESS = 1;
const OPTION_TARGET_LINK_ADDRESS = 2;
const FLAG_ROUTER = 0x8000_0000;
const FLAG_SOLICITED = 0x4000_0000;
const FLAG_OVERRIDE = 0x2000_0000;

export interface NeighborSolicitation {
  type: 'neighbor-solicitation';
  target: string;
  /** The Source Link-Layer Address option, when present. */
  sourceLinkAddress?: Mac;
}

export interface NeighborAdvertisement {
  type: 'neighbor-advertisement';
  target: string;
  router: boolean;
  solicited: boolean;
  override: boolean;
  /** The Target Link-Layer Address option, when present. */
  targetLinkAddress?: Mac;
}

export type NeighborMessage = NeighborSolicitation | NeighborAdvertisement;

export interface NeighborFrame<M extends NeighborMessage = NeighborMessage> {
  ethernet: EthernetHeader;
  ipv6: Ipv6Header;
  message: M;
}

function encodeMessage(message: NeighborMessage): Buffer {
  const linkAddress = message.type === 'neighbor-solicitation' ? message.sourceLinkAddress : message.targetLinkAddress;
  const bytes = Buffer.alloc(MESSAGE_FIXED_LENGTH + (linkAddress === undefined ? 0 : 8));
  if (message.type === 'neighbor-solicitation') {
    bytes[0] = ICMPV6_NEIGHBOR_SOLICITATION;
  } else {
    bytes[0] = ICMPV6_NEIGHBOR_ADVERTISEMENT;
    const flags =
      (message.router ? FLAG_ROUTER : 0) | (message.solicited ? FLAG_SOLICITED : 0) | (message.override ? FLAG_OVERRIDE : 0);
    bytes.writeUInt32BE(flags >>> 0, 4);
  }
  ipv6Bytes(message.target).copy(bytes, 8);
  if (linkAddress !== undefined) {
    bytes[MESSAGE_FIXED_LENGTH] =
      message.type === 'neighbor-solicitation' ? OPTION_SOURCE_LINK_ADDRESS : OPTION_TARGET_LINK_ADDRESS;
    bytes[MESSAGE_FIXED_LENGTH + 1] = 1;
    macBytes(linkAddress).copy(bytes, MESSAGE_FIXED_LENGTH + 2);
  }
  return bytes;
}

/**
 * The whole frame, with the ICMPv6 checksum computed. The IPv6 header's next header is always 58;
 * its hop limit is what `frame.ipv6` says (255 for anything a receiver should accept).
 */
export function encodeNeighborFrame(frame: NeighborFrame): Buffer {
  const packet = encodeIpv6({ ...frame.ipv6, nextHeader: NEXT_HEADER_ICMPV6 }, encodeMessage(frame.message));
  packet.writeUInt16BE(icmpv6Checksum(packet), IPV6_HEADER_LENGTH + 2);
  return encodeEthernet({ ...frame.ethernet, ethertype: ETHERTYPE_IPV6 }, packet);
}

interface LinkAddressOptions {
  source?: Mac;
  target?: Mac;
}

/** Walks the options after the fixed part; only the link-layer address options are kept. */
function readOptions(message: Buffer): Decoded<LinkAddressOptions> {
  const found: LinkAddressOptions = {};
  for (let at = MESSAGE_FIXED_LENGTH; at < message.length; ) {
    if (at + 2 > message.length) return dropped('ndp-option', `option header at byte ${at} runs past the message`);
    const type = message[at] ?? 0;
    const length = (message[at + 1] ?? 0) * 8;
    if (length === 0) return dropped('ndp-option', `option of type ${type} at byte ${at} has length 0`);
    if (at + length > message.length) {
      return dropped('ndp-option', `option of type ${type} at byte ${at} is ${length} bytes, past the message's end`);
    }
    if (type === OPTION_SOURCE_LINK_ADDRESS || type === OPTION_TARGET_LINK_ADDRESS) {
      const which = type === OPTION_SOURCE_LINK_ADDRESS ? 'source' : 'target';
      // RFC 2464 section 6: on Ethernet the option is 8 bytes, the MAC and no padding to speak of.
      if (length !== 8) return dropped('ndp-option', `${which} link-layer address option of ${length} bytes, expected 8 on Ethernet`);
      if (isGroupMac(message, at + 2)) {
        return dropped('bad-link-address', `${which} link-layer address ${formatMac(message, at + 2)} is a group address`);
      }
      found[which] = formatMac(message, at + 2);
    }
    at += length;
  }
  return decoded(found);
}

/**
 * Reads a Neighbor Solicitation or Advertisement from an IPv6 packet (header and exactly its
 * payload, no extension headers) and checks it as RFC 4861 sections 7.1.1 and 7.1.2 ask: hop limit
 * 255, a correct checksum, code 0, at least 24 bytes, a target that is not multicast, options of
 * non-zero length; a solicitation from the unspecified address (duplicate address detection) goes
 * to a solicited-node group and carries no source link-layer address; an advertisement to a
 * multicast address does not say Solicited.
 */
export function decodeNeighborMessage(packet: Buffer, ipv6: Ipv6Header): Decoded<NeighborMessage> {
  const message = packet.subarray(IPV6_HEADER_LENGTH);
  const type = message[0];
  if (type !== ICMPV6_NEIGHBOR_SOLICITATION && type !== ICMPV6_NEIGHBOR_ADVERTISEMENT) {
    return dropped('unsupported', `ICMPv6 type ${type}, not a Neighbor Solicitation or Advertisement`);
  }
  const name = type === ICMPV6_NEIGHBOR_SOLICITATION ? 'Neighbor Solicitation' : 'Neighbor Advertisement';
  if (message.length < MESSAGE_FIXED_LENGTH) {
    return dropped('truncated', `${name} of ${message.length} bytes, expected at least 24`);
  }
  if (ipv6.hopLimit !== NDP_HOP_LIMIT) {
    return dropped('hop-limit', `${name} with hop limit ${ipv6.hopLimit}; only 255 proves it was sent on this link`);
  }
  const checksum = icmpv6Checksum(packet);
  if (checksum !== 0) {
    return dropped('checksum', `${name} checksum 0x${message.readUInt16BE(2).toString(16).padStart(4, '0')} does not verify`);
  }
  if (message[1] !== 0) return dropped('ndp-invalid', `${name} with ICMP code ${message[1]}, expected 0`);
  if (isMulticastIpv6(message, 8)) return dropped('ndp-invalid', `${name} for multicast target ${formatIpv6(message, 8)}`);
  const options = readOptions(message);
  if (!options.ok) return options;
  const target = formatIpv6(message, 8);
  if (type === ICMPV6_NEIGHBOR_SOLICITATION) {
    if (isUnspecifiedIpv6(packet, 8)) {
      if (ipv6.destination !== solicitedNodeAddress(target)) {
        return dropped('ndp-invalid', `duplicate address detection for ${target} sent to ${ipv6.destination}, not its solicited-node group`);
      }
      if (options.value.source !== undefined) {
        return dropped('ndp-invalid', `duplicate address detection for ${target} carries a source link-layer address`);
      }
    }
    return decoded({
      type: 'neighbor-solicitation',
      target,
      ...(options.value.source === undefined ? {} : { sourceLinkAddress: options.value.source }),
    });
  }
  const flags = message.readUInt32BE(4);
  const solicited = (flags & FLAG_SOLICITED) !== 0;
  if (solicited && isMulticastIpv6(packet, 24)) {
    return dropped('ndp-invalid', `Neighbor Advertisement for ${target} to multicast ${ipv6.destination} says Solicited`);
  }
  return decoded({
    type: 'neighbor-advertisement',
    target,
    router: (flags & FLAG_ROUTER) !== 0,
    solicited,
    override: (flags & FLAG_OVERRIDE) !== 0,
    ...(options.value.target === undefined ? {} : { targetLinkAddress: options.value.target }),
  });
}

/**
 * A solicitation for `target` to its solicited-node group. From the unspecified address (`::`,
 * as duplicate address detection asks) it carries no source link-layer address and any answer
 * goes to all nodes; from any other address it carries `ownMac` and answers come back unicast.
 */
export function neighborSolicitationFrame(ownMac: Mac, source: string, target: string): Buffer {
  const group = solicitedNodeAddress(target);
  const unspecified = isUnspecifiedIpv6(ipv6Bytes(source));
  return encodeNeighborFrame({
    ethernet: { destination: ipv6MulticastMac(group), source: ownMac, ethertype: ETHERTYPE_IPV6 },
    ipv6: { source, destination: group, hopLimit: NDP_HOP_LIMIT, nextHeader: NEXT_HEADER_ICMPV6 },
    message: { type: 'neighbor-solicitation', target, ...(unspecified ? {} : { sourceLinkAddress: ownMac }) },
  });
}

export interface AdvertisementOptions {
  /** The IPv6 source; by default the target address itself, which is the address being answered for. */
  source?: string;
  /** Set the Router flag; false unless this node routes for the segment. */
  router?: boolean;
}

/**
 * The answer to `solicitation`: the target is at `ownMac`, Override set (the address is this
 * node's, not a proxy's or an anycast one's). To a solicitation from an address, Solicited is set
 * and it goes back unicast to the link-layer address the solicitation gave (its option, else its
 * Ethernet source); to duplicate address detection (source `::`) it goes to all nodes, Solicited
 * clear (RFC 4861 7.2.4).
 */
export function neighborAdvertisementFrame(
  solicitation: NeighborFrame<NeighborSolicitation>,
  ownMac: Mac,
  options: AdvertisementOptions = {},
): Buffer {
  const { target } = solicitation.message;
  const toAllNodes = solicitation.ipv6.source === UNSPECIFIED_IPV6;
  return encodeNeighborFrame({
    ethernet: {
      destination: toAllNodes
        ? ipv6MulticastMac(ALL_NODES_IPV6)
        : (solicitation.message.sourceLinkAddress ?? solicitation.ethernet.source),
      source: ownMac,
      ethertype: ETHERTYPE_IPV6,
    },
    ipv6: {
      source: options.source ?? target,
      destination: toAllNodes ? ALL_NODES_IPV6 : solicitation.ipv6.source,
      hopLimit: NDP_HOP_LIMIT,
      nextHeader: NEXT_HEADER_ICMPV6,
    },
    message: {
      type: 'neighbor-advertisement',
      target,
      router: options.router ?? false,
      solicited: !toAllNodes,
      override: true,
      targetLinkAddress: ownMac,
    },
  });
}

/**
 * An unsolicited advertisement (RFC 4861 7.2.6) that `address` is now at `ownMac`: to all nodes
 * (ff02::1, 33:33:00:00:00:01), Override set so that neighbours with an entry replace its MAC.
 */
export function unsolicitedNeighborAdvertisement(ownMac: Mac, address: string, options: AdvertisementOptions = {}): Buffer {
  return encodeNeighborFrame({
    ethernet: { destination: ipv6MulticastMac(ALL_NODES_IPV6), source: ownMac, ethertype: ETHERTYPE_IPV6 },
    ipv6: {
      source: options.source ?? address,
      destination: ALL_NODES_IPV6,
      hopLimit: NDP_HOP_LIMIT,
      nextHeader: NEXT_HEADER_ICMPV6,
    },
    message: {
      type: 'neighbor-advertisement',
      target: address,
      router: options.router ?? false,
      solicited: false,
      override: true,
      targetLinkAddress: ownMac,
    },
  });
}
