// MRT TABLE_DUMP_V2 files (RFC 6396) holding locally originated routes, for `gobgp mrt inject
// global`: gobgp streams a dump's paths into gobgpd over one gRPC call, loading 100,000 routes in
// seconds, where one `gobgp global rib add` per route takes about 10 ms each.

import { parseCidr } from './addressing.js';

const TABLE_DUMP_V2 = 13;
const PEER_INDEX_TABLE = 1;
const RIB_IPV4_UNICAST = 2;
const RIB_IPV6_UNICAST = 4;

const ATTR_TRANSITIVE = 0x40;
const ATTR_OPTIONAL = 0x80;
const ORIGIN = 1;
const AS_PATH = 2;
const NEXT_HOP = 3;
const MP_REACH_NLRI = 14;
const ORIGIN_IGP = 0;

export interface MrtDumpInput {
  /** The collector's and the one peer's BGP ID (an IPv4 address). */
  routerId: string;
  /** The peer the routes are recorded from: gobgp takes them as its own when it injects them. */
  peerAddress: string;
  peerAs: number;
  /** Prefixes ("198.51.100.7/32", "2001:db8::7/128"), all of one family. */
  prefixes: readonly string[];
  /** Next hop of every route; unspecified (0.0.0.0 or ::) lets gobgpd put its own address. */
  nextHop?: string;
  /** Seconds since the epoch written as the dump's and routes' time (default 0: the file stays the same for the same input). */
  timestamp?: number;
}

/** A dump of routes with ORIGIN IGP and an empty AS path, as a speaker originates them. */
export function mrtRibDump(input: MrtDumpInput): Buffer {
  const family = input.prefixes[0]?.includes(':') ? 'ipv6' : 'ipv4';
  const nextHop = input.nextHop ?? (family === 'ipv4' ? '0.0.0.0' : '::');
  const ts = input.timestamp ?? 0;
  const attrs = Buffer.concat([
    attribute(ATTR_TRANSITIVE, ORIGIN, Buffer.from([ORIGIN_IGP])),
    attribute(ATTR_TRANSITIVE, AS_PATH, Buffer.alloc(0)),
    family === 'ipv4'
      ? attribute(ATTR_TRANSITIVE, NEXT_HOP, addressBytes(nextHop))
      : // RFC 6396 section 4.3.4 abbreviates MP_REACH_NLRI to the next hop alone, but gobgp's reader
        // wants it whole (AFI, SAFI, next hop, reserved octet), with the NLRI left empty.
        attribute(ATTR_OPTIONAL, MP_REACH_NLRI, Buffer.concat([Buffer.from([0, 2, 1, 16]), addressBytes(nextHop), Buffer.from([0])])),
  ]);
  const records = [record(ts, PEER_INDEX_TABLE, peerIndexTable(input))];
  input.prefixes.forEach((prefix, seq) => {
    if ((prefix.includes(':') ? 'ipv6' : 'ipv4') !== family) throw new Error(`MRT dump: ${prefix} is not ${family} like the first prefix`);
    records.push(record(ts, family === 'ipv4' ? RIB_IPV4_UNICAST : RIB_IPV6_UNICAST, ribEntry(seq, prefix, ts, attrs)));
  });
  return Buffer.concat(records);
}

function record(ts: number, subtype: number, body: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32BE(ts, 0);
  head.writeUInt16BE(TABLE_DUMP_V2, 4);
  head.writeUInt16BE(subtype, 6);
  head.writeUInt32BE(body.length, 8);
  return Buffer.concat([head, body]);
}

function peerIndexTable(input: MrtDumpInput): Buffer {
  const v6 = input.peerAddress.includes(':');
  const peerType = (v6 ? 0x01 : 0) | 0x02; // 0x02: the peer's AS is 4 octets
  const head = Buffer.alloc(8);
  addressBytes(input.routerId).copy(head, 0);
  head.writeUInt16BE(0, 4); // no view name
  head.writeUInt16BE(1, 6); // one peer
  const asn = Buffer.alloc(4);
  asn.writeUInt32BE(input.peerAs);
  return Buffer.concat([head, Buffer.from([peerType]), addressBytes(input.routerId), addressBytes(input.peerAddress), asn]);
}

function ribEntry(seq: number, prefix: string, ts: number, attrs: Buffer): Buffer {
  const [address = '', lengthText] = prefix.split('/');
  const length = Number(lengthText ?? (address.includes(':') ? 128 : 32));
  const all = addressBytes(address);
  if (!Number.isInteger(length) || length < 0 || length > all.length * 8) throw new Error(`MRT dump: bad prefix length in ${prefix}`);
  const prefixBytes = all.subarray(0, Math.ceil(length / 8));
  const head = Buffer.alloc(5);
  head.writeUInt32BE(seq, 0);
  head.writeUInt8(length, 4);
  const entry = Buffer.alloc(10);
  entry.writeUInt16BE(1, 0); // one entry
  entry.writeUInt16BE(0, 2); // peer index 0
  entry.writeUInt32BE(ts, 4);
  entry.writeUInt16BE(attrs.length, 8);
  return Buffer.concat([head, prefixBytes, entry, attrs]);
}

function attribute(flags: number, type: number, value: Buffer): Buffer {
  if (value.length > 255) throw new Error(`MRT dump: attribute ${type} longer than 255 bytes`);
  return Buffer.concat([Buffer.from([flags, type, value.length]), value]);
}

/** 4 bytes for an IPv4 address, 16 for IPv6. */
export function addressBytes(address: string): Buffer {
  const parsed = address.includes('/') ? undefined : parseCidr(address);
  if (!parsed) throw new Error(`not an IP address: ${address}`);
  const out = Buffer.alloc(parsed.family === 4 ? 4 : 16);
  let v = parsed.value;
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** `n` consecutive host routes from `first` on: /32 for IPv4 (e.g. 100.64.0.0 upwards). */
export function consecutiveHostRoutes(first: string, n: number): string[] {
  const start = addressBytes(first);
  if (start.length !== 4) throw new Error(`consecutive host routes: ${first} is not IPv4`);
  const base = start.readUInt32BE(0);
  if (!Number.isInteger(n) || n < 0 || base + n > 0x100000000) throw new Error(`consecutive host routes: ${n} from ${first} runs past 255.255.255.255`);
  return Array.from({ length: n }, (_, i) => {
    const v = base + i;
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}/32`;
  });
}
