import {
  AFI_IPV4,
  AFI_IPV6,
  HEADER_LENGTH,
  MESSAGE_TYPE,
  SAFI_UNICAST,
  type AddressFamily,
  type PathAttributes,
  type Prefix,
  type SessionCodecOptions,
  type UpdateMessage,
} from '../messages.js';
import { ATTRIBUTE, FLAG } from './attribute-types.js';
import { ByteWriter } from './byte-writer.js';
import { writePathAttributes } from './encode-attributes.js';
import { maxMessageLength } from './header.js';
import { encodedPrefixSize, putPrefix } from './prefixes.js';

/**
 * The UPDATEs a session sends: routes and withdrawals packed into as few messages as fit, and
 * the End-of-RIB marker that follows them (RFC 4724).
 */

/** One route of a peer's Adj-RIB-Out, as the session hands it to encodeUpdates. */
export interface OutboundRoute {
  readonly prefix: Prefix;
  /** Without nextHop (ignored if set); origin and AS path included by the caller. */
  readonly attributes: PathAttributes;
  /** Of the prefix's family. */
  readonly nextHop: bigint;
  /** IPv6 only (RFC 2545): sent after the global next hop. */
  readonly linkLocalNextHop?: bigint;
}

/**
 * Packs the routes to announce and the prefixes to withdraw into as few UPDATEs as fit the
 * session's maximum size (4096, or 65535 with extended messages). Routes with the same encoded
 * attributes and next hop share messages: IPv4 in the body NLRI, IPv6 in MP_REACH_NLRI.
 * Withdrawals come first: IPv4 in the withdrawn routes field, IPv6 in MP_UNREACH_NLRI. No
 * message mixes them (RFC 7606 5.1). Groups are in order of first appearance, prefixes in
 * input order. Throws RangeError when one route's attributes leave no room for a prefix.
 */
export function encodeUpdates(
  announce: readonly OutboundRoute[],
  withdraw: readonly Prefix[],
  options: SessionCodecOptions,
): Uint8Array[] {
  const max = maxMessageLength(options);
  const out: Uint8Array[] = [];
  const v4: Prefix[] = [];
  const v6: Prefix[] = [];
  for (const p of withdraw) (p.family === 4 ? v4 : v6).push(p);
  pack(v4, max, out, WITHDRAW_V4);
  pack(v6, max, out, mpLayout(ATTRIBUTE.mpUnreach, EMPTY, EMPTY));
  for (const group of groupRoutes(announce, options)) {
    const w = new ByteWriter(64);
    writePathAttributes(w, group.attributes, options, group.family === 4 ? group.nextHop : undefined);
    const attributes = w.finish();
    const layout = group.family === 4 ? announceV4Layout(attributes) : mpLayout(ATTRIBUTE.mpReach, nextHopBytes(group), attributes);
    pack(group.prefixes, max, out, layout);
  }
  return out;
}

const EMPTY = new Uint8Array(0);

interface Group {
  readonly entry: AttributeEntry;
  readonly family: 4 | 6;
  readonly attributes: PathAttributes;
  readonly nextHop: bigint;
  readonly linkLocalNextHop: bigint | undefined;
  readonly prefixes: Prefix[];
}

/** One distinct attribute encoding, and its groups by family and next hop. */
interface AttributeEntry {
  readonly encoded: Uint8Array;
  readonly v4: Map<bigint, Group>;
  readonly v6: Map<bigint, Group>;
}

/**
 * Groups by encoded attributes, then family and next hop. Routes usually come with attributes
 * built per route but equal, so each route's attributes are encoded (cheap) and looked up by a
 * hash of the octets; a run of routes sharing one attributes object is encoded once.
 */
function groupRoutes(announce: readonly OutboundRoute[], options: SessionCodecOptions): Group[] {
  const groups: Group[] = [];
  const byHash = new Map<number, AttributeEntry[]>();
  const scratch = new ByteWriter(256);
  let lastAttributes: PathAttributes | undefined;
  let lastEntry: AttributeEntry | undefined;
  let lastGroup: Group | undefined;
  for (const route of announce) {
    let entry = lastEntry;
    if (route.attributes !== lastAttributes || entry === undefined) {
      scratch.reset();
      writePathAttributes(scratch, route.attributes, options, undefined);
      entry = intern(byHash, scratch.raw, scratch.offset);
      lastAttributes = route.attributes;
      lastEntry = entry;
    }
    const family = route.prefix.family;
    const link = family === 6 ? route.linkLocalNextHop : undefined;
    let group = lastGroup;
    if (group === undefined || group.entry !== entry || group.family !== family || group.nextHop !== route.nextHop || group.linkLocalNextHop !== link) {
      // One bigint names the pair: the link-local address above the global one, plus a marker bit.
      const hopKey = link === undefined ? route.nextHop : route.nextHop | (link << 128n) | (1n << 256n);
      const byHop = family === 4 ? entry.v4 : entry.v6;
      group = byHop.get(hopKey);
      if (group === undefined) {
        group = { entry, family, attributes: route.attributes, nextHop: route.nextHop, linkLocalNextHop: link, prefixes: [] };
        byHop.set(hopKey, group);
        groups.push(group);
      }
      lastGroup = group;
    }
    group.prefixes.push(route.prefix);
  }
  return groups;
}

/** The entry for the first `length` octets of `bytes`, made on first sight; they are copied only then. */
function intern(byHash: Map<number, AttributeEntry[]>, bytes: Uint8Array, length: number): AttributeEntry {
  // FNV-1a, kept to 30 bits so the key stays a small integer for the Map.
  let hash = 0x811c9dc5;
  for (let i = 0; i < length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  hash &= 0x3fffffff;
  let bucket = byHash.get(hash);
  if (bucket === undefined) {
    bucket = [];
    byHash.set(hash, bucket);
  }
  for (const candidate of bucket) if (sameOctets(candidate.encoded, bytes, length)) return candidate;
  const entry: AttributeEntry = { encoded: bytes.slice(0, length), v4: new Map(), v6: new Map() };
  bucket.push(entry);
  return entry;
}

function sameOctets(a: Uint8Array, b: Uint8Array, length: number): boolean {
  if (a.length !== length) return false;
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function nextHopBytes(group: Group): Uint8Array {
  const hops = group.linkLocalNextHop === undefined ? [group.nextHop] : [group.nextHop, group.linkLocalNextHop];
  const out = new Uint8Array(16 * hops.length);
  hops.forEach((hop, h) => {
    if (hop < 0n || hop >> 128n !== 0n) throw new RangeError(`IPv6 next hop ${hop} is outside the address space`);
    for (let i = 0; i < 16; i++) out[16 * h + i] = Number((hop >> BigInt(120 - 8 * i)) & 0xffn);
  });
  return out;
}

/** How one kind of UPDATE is laid out around its prefixes. */
interface Layout {
  /** Octets other than the prefixes, when the prefixes take `size` octets. */
  overhead(size: number): number;
  /** Writes everything but the prefixes into `out`, sized overhead(size) + size; returns where the prefixes go. */
  write(out: Uint8Array, size: number): number;
}

/** Header, withdrawn routes length and total path attribute length; returns the offset after them. */
function writeFixed(out: Uint8Array, withdrawnLength: number, attributesLength: number): number {
  out.fill(0xff, 0, 16);
  out[16] = out.length >>> 8;
  out[17] = out.length & 0xff;
  out[18] = MESSAGE_TYPE.update;
  out[19] = withdrawnLength >>> 8;
  out[20] = withdrawnLength & 0xff;
  const at = HEADER_LENGTH + 2 + withdrawnLength;
  out[at] = attributesLength >>> 8;
  out[at + 1] = attributesLength & 0xff;
  return at + 2;
}

const FIXED = HEADER_LENGTH + 4;

/** Prefixes in the withdrawn routes field; the zero attribute length after them is already zero. */
const WITHDRAW_V4: Layout = {
  overhead: () => FIXED,
  write: (out, size) => {
    writeFixed(out, size, 0);
    return HEADER_LENGTH + 2;
  },
};

function announceV4Layout(attributes: Uint8Array): Layout {
  return {
    overhead: () => FIXED + attributes.length,
    write: (out) => {
      const at = writeFixed(out, 0, attributes.length);
      out.set(attributes, at);
      return at + attributes.length;
    },
  };
}

/**
 * MP_REACH_NLRI (with next hop) or MP_UNREACH_NLRI for IPv6 unicast, first in the attribute list
 * (RFC 7606 5.1), then the other attributes. Extended Length only when the value passes 255.
 */
function mpLayout(code: number, nextHop: Uint8Array, attributes: Uint8Array): Layout {
  const fixedValue = code === ATTRIBUTE.mpReach ? 5 + nextHop.length : 3;
  const headerOf = (size: number): number => (fixedValue + size > 0xff ? 4 : 3);
  return {
    overhead: (size) => FIXED + headerOf(size) + fixedValue + attributes.length,
    write: (out, size) => {
      const header = headerOf(size);
      const value = fixedValue + size;
      let at = writeFixed(out, 0, header + value + attributes.length);
      out[at++] = FLAG.optional | (header === 4 ? FLAG.extendedLength : 0);
      out[at++] = code;
      if (header === 4) out[at++] = value >>> 8;
      out[at++] = value & 0xff;
      out[at++] = AFI_IPV6 >>> 8;
      out[at++] = AFI_IPV6 & 0xff;
      out[at++] = SAFI_UNICAST;
      if (code === ATTRIBUTE.mpReach) {
        out[at++] = nextHop.length;
        out.set(nextHop, at);
        at += nextHop.length;
        out[at++] = 0; // reserved
      }
      out.set(attributes, at + size);
      return at;
    },
  };
}

/** Fills messages with as many prefixes as fit, in order. */
function pack(prefixes: readonly Prefix[], max: number, out: Uint8Array[], layout: Layout): void {
  // Sized for the largest header the layout can need, so a batch always fits.
  const room = max - layout.overhead(max);
  let i = 0;
  while (i < prefixes.length) {
    let size = 0;
    let j = i;
    for (; j < prefixes.length; j++) {
      const s = encodedPrefixSize(prefixes[j]!);
      if (size + s > room) break;
      size += s;
    }
    if (j === i) {
      throw new RangeError(`an UPDATE whose attributes take ${layout.overhead(max)} octets leaves no room for a prefix within ${max} octets`);
    }
    const message = new Uint8Array(layout.overhead(size) + size);
    let at = layout.write(message, size);
    for (let k = i; k < j; k++) at = putPrefix(message, at, prefixes[k]!);
    out.push(message);
    i = j;
  }
}

/** End-of-RIB (RFC 4724 2): an empty UPDATE for IPv4 unicast, an empty MP_UNREACH_NLRI for any other family. */
export function endOfRib(family: AddressFamily): UpdateMessage {
  if (family.afi === AFI_IPV4 && family.safi === SAFI_UNICAST) return { type: 'update', withdrawn: [], attributes: {}, nlri: [] };
  return { type: 'update', withdrawn: [], attributes: {}, nlri: [], mpUnreach: { family, prefixes: [] } };
}

export function isEndOfRib(update: UpdateMessage): AddressFamily | undefined {
  if (update.withdrawn.length > 0 || update.nlri.length > 0 || update.mpReach !== undefined) return undefined;
  if (Object.values(update.attributes).some((v) => v !== undefined)) return undefined;
  if (update.mpUnreach === undefined) return { afi: AFI_IPV4, safi: SAFI_UNICAST };
  return update.mpUnreach.prefixes.length === 0 ? update.mpUnreach.family : undefined;
}
