/**
 * Test support (not a test): fast-check generators of well-formed messages, and what a message
 * reads back as after an encode/decode round trip on a given session.
 */
import fc from 'fast-check';
import {
  AS_TRANS,
  type AsPathSegment,
  type Capability,
  type ExtendedCommunity,
  type LargeCommunity,
  type Message,
  type MpReach,
  type MpUnreach,
  type NotificationMessage,
  type OpenMessage,
  type PathAttributes,
  type Prefix,
  type RouteRefreshMessage,
  type SessionCodecOptions,
  type UpdateMessage,
} from '../messages.js';
import { EXPECTED_FLAGS } from './attribute-types.js';
import { CAPABILITY } from './capabilities.js';

export const ALL_OPTIONS: readonly SessionCodecOptions[] = [false, true].flatMap((fourOctetAs) =>
  [false, true].flatMap((extendedMessage) => [false, true].map((ibgp) => ({ fourOctetAs, extendedMessage, ibgp }))),
);

export const optionsArb: fc.Arbitrary<SessionCodecOptions> = fc.constantFrom(...ALL_OPTIONS);

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const asn = fc.oneof(fc.integer({ min: 1, max: 0xffff }), fc.integer({ min: 1, max: 0xffffffff }));

export function prefixArb(family: 4 | 6): fc.Arbitrary<Prefix> {
  const bits = family === 4 ? 32 : 128;
  return fc
    .tuple(fc.integer({ min: 0, max: bits }), fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }))
    .map(([length, value]) => ({ family, length, network: length === 0 ? 0n : (value >> BigInt(bits - length)) << BigInt(bits - length) }));
}

export const v4Address = fc.integer({ min: 0x01000000, max: 0xdfffffff }).map(BigInt);
export const v6Address = fc.bigInt({ min: 1n, max: (1n << 128n) - 1n });

/**
 * Confederation segments lead the path, as confederation members prepend them; their numbers
 * stay 2-octet because AS4_PATH cannot carry them, so a larger one would not survive a 2-octet session.
 */
const asPathArb: fc.Arbitrary<AsPathSegment[]> = fc
  .tuple(
    fc.array(fc.record({ type: fc.constantFrom<3 | 4>(3, 4), asns: fc.array(fc.integer({ min: 1, max: 0xffff }), { minLength: 1, maxLength: 4 }) }), {
      maxLength: 2,
    }),
    fc.array(fc.record({ type: fc.constantFrom<1 | 2>(1, 2), asns: fc.array(asn, { minLength: 1, maxLength: 12 }) }), { maxLength: 3 }),
  )
  .map(([confederation, path]) => [...confederation, ...path]);

const extendedCommunityArb: fc.Arbitrary<ExtendedCommunity> = fc.oneof(
  fc.record({
    kind: fc.constant('link-bandwidth' as const),
    transitive: fc.boolean(),
    asn: u16,
    bytesPerSecond: fc.float({ min: 0, max: Math.fround(1e12), noNaN: true }),
  }),
  fc
    .uint8Array({ minLength: 8, maxLength: 8 })
    // Type 0x00/0x40 with subtype 4 is link bandwidth, which reads back as such.
    .filter((b) => !((b[0] === 0x00 || b[0] === 0x40) && b[1] === 0x04))
    .map((bytes) => ({ kind: 'raw' as const, bytes })),
);

const largeCommunityArb: fc.Arbitrary<LargeCommunity> = fc.record({ globalAdministrator: u32, localData1: u32, localData2: u32 });

const uninterpretedCode = fc.integer({ min: 0, max: 255 }).filter((c) => !EXPECTED_FLAGS.has(c));

const unknownAttributesArb = fc.uniqueArray(
  fc.record({
    flags: fc.constantFrom(0x80, 0xc0, 0xe0, 0xa0),
    code: uninterpretedCode,
    value: fc.uint8Array({ maxLength: 40 }),
  }),
  { selector: (u) => u.code, minLength: 1, maxLength: 3 },
);

export function attributesArb(withNextHop: boolean): fc.Arbitrary<PathAttributes> {
  return fc.record(
    {
      origin: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
      asPath: asPathArb,
      ...(withNextHop ? { nextHop: v4Address } : {}),
      med: u32,
      localPref: u32,
      atomicAggregate: fc.constant(true),
      aggregator: fc.record({ asn, address: u32 }),
      communities: fc.array(u32, { minLength: 1, maxLength: 12 }),
      extendedCommunities: fc.array(extendedCommunityArb, { minLength: 1, maxLength: 6 }),
      largeCommunities: fc.uniqueArray(largeCommunityArb, {
        minLength: 1,
        maxLength: 6,
        selector: (c) => `${c.globalAdministrator}:${c.localData1}:${c.localData2}`,
      }),
      unknown: unknownAttributesArb,
    },
    { requiredKeys: withNextHop ? ['origin', 'asPath', 'nextHop'] : ['origin', 'asPath'] },
  );
}

const mpReachArb: fc.Arbitrary<MpReach> = fc.oneof(
  fc.record({
    family: fc.constant({ afi: 2, safi: 1 }),
    nextHops: fc.oneof(fc.tuple(v6Address), fc.tuple(v6Address, v6Address)),
    prefixes: fc.array(prefixArb(6), { maxLength: 30 }),
  }),
  fc.record({ family: fc.constant({ afi: 1, safi: 1 }), nextHops: fc.tuple(v4Address), prefixes: fc.array(prefixArb(4), { maxLength: 30 }) }),
);

const mpUnreachArb: fc.Arbitrary<MpUnreach> = fc.oneof(
  fc.record({ family: fc.constant({ afi: 2, safi: 1 }), prefixes: fc.array(prefixArb(6), { maxLength: 30 }) }),
  fc.record({ family: fc.constant({ afi: 1, safi: 1 }), prefixes: fc.array(prefixArb(4), { maxLength: 30 }) }),
  fc.record({ family: fc.record({ afi: u16, safi: u8 }), prefixes: fc.constant([]) }),
);

/** UPDATEs that carry every mandatory attribute their NLRI needs, so they decode without issues. */
export const updateArb: fc.Arbitrary<UpdateMessage> = fc
  .record({
    withdrawn: fc.array(prefixArb(4), { maxLength: 30 }),
    nlri: fc.array(prefixArb(4), { maxLength: 30 }),
    mpReach: fc.option(mpReachArb, { nil: undefined }),
    mpUnreach: fc.option(mpUnreachArb, { nil: undefined }),
    bare: fc.boolean(),
  })
  .chain(({ withdrawn, nlri, mpReach, mpUnreach, bare }) => {
    const announces = nlri.length > 0 || (mpReach !== undefined && mpReach.prefixes.length > 0);
    const attributes = !announces && bare ? fc.constant<PathAttributes>({}) : attributesArb(nlri.length > 0);
    return attributes.map(
      (a): UpdateMessage => ({
        type: 'update',
        withdrawn,
        attributes: a,
        nlri,
        ...(mpReach === undefined ? {} : { mpReach }),
        ...(mpUnreach === undefined ? {} : { mpUnreach }),
      }),
    );
  });

const interpretedCapabilities: ReadonlySet<number> = new Set(Object.values(CAPABILITY));

export const capabilityArb: fc.Arbitrary<Capability> = fc.oneof(
  fc.record({ kind: fc.constant('multiprotocol' as const), family: fc.record({ afi: u16, safi: u8 }) }),
  fc.constant({ kind: 'route-refresh' as const }),
  fc.constant({ kind: 'extended-message' as const }),
  fc.record({
    kind: fc.constant('graceful-restart' as const),
    restarting: fc.boolean(),
    notification: fc.boolean(),
    restartTimeSeconds: fc.integer({ min: 0, max: 4095 }),
    families: fc.array(fc.record({ family: fc.record({ afi: u16, safi: u8 }), forwardingPreserved: fc.boolean() }), { maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('four-octet-as' as const), asn: fc.integer({ min: 1, max: 0xffffffff }) }),
  fc.record({
    kind: fc.constant('unknown' as const),
    code: u8.filter((c) => !interpretedCapabilities.has(c)),
    value: fc.uint8Array({ maxLength: 60 }),
  }),
);

export const openArb: fc.Arbitrary<OpenMessage> = fc.record({
  type: fc.constant('open' as const),
  version: fc.constant(4),
  myAS: fc.integer({ min: 1, max: 0xffff }),
  holdTimeSeconds: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
  bgpIdentifier: fc.integer({ min: 1, max: 0xffffffff }),
  // Up to 30 may pass 255 octets, which takes the RFC 9072 extended form.
  capabilities: fc.array(capabilityArb, { maxLength: 30 }),
});

export const notificationArb: fc.Arbitrary<NotificationMessage> = fc.record({
  type: fc.constant('notification' as const),
  code: u8,
  subcode: u8,
  data: fc.uint8Array({ maxLength: 200 }),
});

export const routeRefreshArb: fc.Arbitrary<RouteRefreshMessage> = fc.record({
  type: fc.constant('route-refresh' as const),
  family: fc.record({ afi: u16, safi: u8 }),
  subtype: u8,
});

export const messageArb: fc.Arbitrary<Message> = fc.oneof(
  openArb,
  updateArb,
  notificationArb,
  fc.constant({ type: 'keepalive' as const }),
  routeRefreshArb,
);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * What an UPDATE reads back as on this session: LOCAL_PREF is not sent to an external peer; on
 * a 2-octet session an AGGREGATOR that fits 2 octets (other than AS_TRANS) tells the receiver to
 * ignore AS4_PATH (RFC 6793 4.2.3), so larger AS numbers read back as AS_TRANS.
 */
export function expectedAfterRoundTrip(update: UpdateMessage, options: SessionCodecOptions): UpdateMessage {
  const a: Mutable<PathAttributes> = { ...update.attributes };
  if (!options.ibgp) delete a.localPref;
  if (!options.fourOctetAs && a.aggregator !== undefined && a.aggregator.asn <= 0xffff && a.aggregator.asn !== AS_TRANS && a.asPath !== undefined) {
    a.asPath = a.asPath.map((s) => ({ type: s.type, asns: s.asns.map((n) => (n > 0xffff ? AS_TRANS : n)) }));
  }
  return { ...update, attributes: a };
}
