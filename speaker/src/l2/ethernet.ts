// Ethernet II headers (IEEE 802.3 with an ethertype): destination, source, ethertype; 14 bytes.
// Frames are written without padding to 60 bytes or a frame check sequence: the driver adds both.

import { type Decoded, decoded, dropped } from './decoded.js';
import { type Mac, formatMac, isGroupMac, macBytes } from './mac.js';

export const ETHERNET_HEADER_LENGTH = 14;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;

export interface EthernetHeader {
  destination: Mac;
  source: Mac;
  ethertype: number;
}

export interface EthernetFrame {
  header: EthernetHeader;
  /** A view into the frame after the header, padding included. */
  payload: Buffer;
}

export function encodeEthernet(header: EthernetHeader, payload: Uint8Array): Buffer {
  const frame = Buffer.alloc(ETHERNET_HEADER_LENGTH + payload.length);
  macBytes(header.destination).copy(frame, 0);
  macBytes(header.source).copy(frame, 6);
  frame.writeUInt16BE(header.ethertype, 12);
  frame.set(payload, ETHERNET_HEADER_LENGTH);
  return frame;
}

/** Refuses a frame shorter than the header, and one from a group address, which no station has. */
export function decodeEthernet(frame: Buffer): Decoded<EthernetFrame> {
  if (frame.length < ETHERNET_HEADER_LENGTH) {
    return dropped('truncated', `Ethernet frame of ${frame.length} bytes, shorter than its 14-byte header`);
  }
  if (isGroupMac(frame, 6)) return dropped('bad-link-address', `Ethernet source ${formatMac(frame, 6)} is a group address`);
  return decoded({
    header: { destination: formatMac(frame, 0), source: formatMac(frame, 6), ethertype: frame.readUInt16BE(12) },
    payload: frame.subarray(ETHERNET_HEADER_LENGTH),
  });
}
