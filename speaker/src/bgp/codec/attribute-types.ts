/** Path attribute type codes and flags (RFC 4271 4.3, IANA "BGP Path Attributes"). */

export const ATTRIBUTE = {
  origin: 1,
  asPath: 2,
  nextHop: 3,
  med: 4,
  localPref: 5,
  atomicAggregate: 6,
  aggregator: 7,
  communities: 8,
  mpReach: 14,
  mpUnreach: 15,
  extendedCommunities: 16,
  as4Path: 17,
  as4Aggregator: 18,
  largeCommunities: 32,
} as const;

export const FLAG = { optional: 0x80, transitive: 0x40, partial: 0x20, extendedLength: 0x10 } as const;

const WELL_KNOWN = FLAG.transitive;
const OPTIONAL_TRANSITIVE = FLAG.optional | FLAG.transitive;
const OPTIONAL_NON_TRANSITIVE = FLAG.optional;

/**
 * The Optional and Transitive bits each interpreted attribute must carry; RFC 7606 3.c compares
 * only these two. Codes absent here are not interpreted and are kept as they came.
 */
export const EXPECTED_FLAGS: ReadonlyMap<number, number> = new Map([
  [ATTRIBUTE.origin, WELL_KNOWN],
  [ATTRIBUTE.asPath, WELL_KNOWN],
  [ATTRIBUTE.nextHop, WELL_KNOWN],
  [ATTRIBUTE.med, OPTIONAL_NON_TRANSITIVE],
  [ATTRIBUTE.localPref, WELL_KNOWN],
  [ATTRIBUTE.atomicAggregate, WELL_KNOWN],
  [ATTRIBUTE.aggregator, OPTIONAL_TRANSITIVE],
  [ATTRIBUTE.communities, OPTIONAL_TRANSITIVE],
  [ATTRIBUTE.mpReach, OPTIONAL_NON_TRANSITIVE],
  [ATTRIBUTE.mpUnreach, OPTIONAL_NON_TRANSITIVE],
  [ATTRIBUTE.extendedCommunities, OPTIONAL_TRANSITIVE],
  [ATTRIBUTE.as4Path, OPTIONAL_TRANSITIVE],
  [ATTRIBUTE.as4Aggregator, OPTIONAL_TRANSITIVE],
  [ATTRIBUTE.largeCommunities, OPTIONAL_TRANSITIVE],
]);

const NAMES: ReadonlyMap<number, string> = new Map([
  [ATTRIBUTE.origin, 'ORIGIN'],
  [ATTRIBUTE.asPath, 'AS_PATH'],
  [ATTRIBUTE.nextHop, 'NEXT_HOP'],
  [ATTRIBUTE.med, 'MULTI_EXIT_DISC'],
  [ATTRIBUTE.localPref, 'LOCAL_PREF'],
  [ATTRIBUTE.atomicAggregate, 'ATOMIC_AGGREGATE'],
  [ATTRIBUTE.aggregator, 'AGGREGATOR'],
  [ATTRIBUTE.communities, 'COMMUNITIES'],
  [9, 'ORIGINATOR_ID'],
  [10, 'CLUSTER_LIST'],
  [ATTRIBUTE.mpReach, 'MP_REACH_NLRI'],
  [ATTRIBUTE.mpUnreach, 'MP_UNREACH_NLRI'],
  [ATTRIBUTE.extendedCommunities, 'EXTENDED_COMMUNITIES'],
  [ATTRIBUTE.as4Path, 'AS4_PATH'],
  [ATTRIBUTE.as4Aggregator, 'AS4_AGGREGATOR'],
  [ATTRIBUTE.largeCommunities, 'LARGE_COMMUNITIES'],
]);

/** "COMMUNITIES (8)", or "attribute 99" for a code Herald has no name for. */
export function attributeName(code: number): string {
  const name = NAMES.get(code);
  return name === undefined ? `attribute ${code}` : `${name} (${code})`;
}
