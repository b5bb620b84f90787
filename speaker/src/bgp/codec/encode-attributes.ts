import { AS_TRANS, type PathAttributes, type SessionCodecOptions } from '../messages.js';
import { as4PathSegments, asPathLength, needsAs4Path, writeAsPath } from './as-path.js';
import { ATTRIBUTE, EXPECTED_FLAGS, FLAG, attributeName } from './attribute-types.js';
import type { ByteWriter } from './byte-writer.js';
import { uniqueLargeCommunities, writeCommunities, writeExtendedCommunities, writeLargeCommunities } from './communities.js';

/**
 * Writes an attribute's flags, type code and length; the value follows. The length takes two
 * octets, with the Extended Length flag, only when the value passes 255 octets.
 */
export function attributeHeader(w: ByteWriter, flags: number, code: number, length: number): void {
  if (length > 0xff) {
    w.u8(flags | FLAG.extendedLength);
    w.u8(code);
    w.u16(length, `${attributeName(code)} length`);
  } else {
    w.u8(flags & ~FLAG.extendedLength);
    w.u8(code);
    w.u8(length);
  }
}

/** EXPECTED_FLAGS as a table by type code: encoding runs once per route when packing. */
const FLAGS_BY_CODE = (() => {
  const table = new Uint8Array(256).fill(FLAG.optional);
  for (const [code, flags] of EXPECTED_FLAGS) table[code] = flags;
  return table;
})();

function flagsOf(code: number): number {
  return FLAGS_BY_CODE[code]!;
}

function header(w: ByteWriter, code: number, length: number): void {
  attributeHeader(w, flagsOf(code), code, length);
}

function u32Attribute(w: ByteWriter, code: number, value: number): void {
  header(w, code, 4);
  w.u32(value, attributeName(code));
}

/**
 * Writes every attribute but MP_(UN)REACH_NLRI, in type-code order (RFC 4271 5: SHOULD),
 * then the uninterpreted ones as given. `nextHop` is the IPv4 NEXT_HOP to send, or undefined
 * for none. LOCAL_PREF goes to iBGP peers only (RFC 4271 5.1.5). On a 2-octet session, AS
 * numbers above 65535 travel as AS_TRANS plus AS4_PATH / AS4_AGGREGATOR (RFC 6793 4.2.2).
 */
export function writePathAttributes(
  w: ByteWriter,
  attributes: PathAttributes,
  options: SessionCodecOptions,
  nextHop: bigint | undefined,
): void {
  const asnSize = options.fourOctetAs ? 4 : 2;
  if (attributes.origin !== undefined) {
    header(w, ATTRIBUTE.origin, 1);
    w.u8(attributes.origin, 'ORIGIN');
  }
  const asPath = attributes.asPath;
  if (asPath !== undefined) {
    header(w, ATTRIBUTE.asPath, asPathLength(asPath, asnSize));
    writeAsPath(w, asPath, asnSize);
  }
  if (nextHop !== undefined) u32Attribute(w, ATTRIBUTE.nextHop, Number(nextHop));
  if (attributes.med !== undefined) u32Attribute(w, ATTRIBUTE.med, attributes.med);
  if (attributes.localPref !== undefined && options.ibgp) u32Attribute(w, ATTRIBUTE.localPref, attributes.localPref);
  if (attributes.atomicAggregate === true) header(w, ATTRIBUTE.atomicAggregate, 0);
  const aggregator = attributes.aggregator;
  if (aggregator !== undefined) {
    header(w, ATTRIBUTE.aggregator, asnSize + 4);
    if (asnSize === 4) w.u32(aggregator.asn, 'AGGREGATOR AS');
    else w.u16(aggregator.asn > 0xffff && aggregator.asn <= 0xffffffff ? AS_TRANS : aggregator.asn, 'AGGREGATOR AS');
    w.u32(aggregator.address, 'AGGREGATOR address');
  }
  // Empty community lists are left out: a zero-length attribute is malformed (RFC 7606 4).
  const communities = attributes.communities;
  if (communities !== undefined && communities.length > 0) {
    header(w, ATTRIBUTE.communities, 4 * communities.length);
    writeCommunities(w, communities);
  }
  const extended = attributes.extendedCommunities;
  if (extended !== undefined && extended.length > 0) {
    header(w, ATTRIBUTE.extendedCommunities, 8 * extended.length);
    writeExtendedCommunities(w, extended);
  }
  if (asnSize === 2 && asPath !== undefined && needsAs4Path(asPath)) {
    const four = as4PathSegments(asPath);
    header(w, ATTRIBUTE.as4Path, asPathLength(four, 4));
    writeAsPath(w, four, 4);
  }
  if (asnSize === 2 && aggregator !== undefined && aggregator.asn > 0xffff) {
    header(w, ATTRIBUTE.as4Aggregator, 8);
    w.u32(aggregator.asn, 'AS4_AGGREGATOR AS');
    w.u32(aggregator.address, 'AS4_AGGREGATOR address');
  }
  if (attributes.largeCommunities !== undefined && attributes.largeCommunities.length > 0) {
    const large = uniqueLargeCommunities(attributes.largeCommunities);
    header(w, ATTRIBUTE.largeCommunities, 12 * large.length);
    writeLargeCommunities(w, large);
  }
  for (const unknown of attributes.unknown ?? []) {
    if (EXPECTED_FLAGS.has(unknown.code)) {
      throw new RangeError(`${attributeName(unknown.code)} is interpreted by the codec; set its field instead of an unknown attribute`);
    }
    attributeHeader(w, unknown.flags, unknown.code, unknown.value.length);
    w.bytes(unknown.value);
  }
}
