import type { Message, OpenMessage, SessionCodecOptions } from '../messages.js';
import { GRACEFUL_SHUTDOWN } from './communities.js';
import { encodeMessage } from './message.js';
import { shutdownNotification } from './notification.js';
import { encodeUpdates, endOfRib, type OutboundRoute } from './updates.js';

/**
 * Valid messages to start mutating from (the fuzz runner and the hostile-input tests), and
 * messages captured from FRR 8.4.4 on a loopback session, kept byte for byte.
 */

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * FRR's OPEN: AS 65010, hold 180 s, identifier 10.255.0.1; one optional parameter per
 * capability: multiprotocol IPv4 and IPv6 unicast, route refresh (Cisco's 128 and 2), enhanced
 * route refresh (70), 4-octet AS, extended message, add-path (69), FQDN (73) "capture",
 * graceful restart (restarting and notification bits, 120 s, both families), long-lived GR (71).
 */
export const FRR_OPEN = fromHex(
  'ffffffffffffffffffffffffffffffff 007e 01 04 fdf2 00b4 0aff0001 61' +
    '02 06 01 04 0001 00 01' +
    '02 06 01 04 0002 00 01' +
    '02 02 80 00' +
    '02 02 02 00' +
    '02 02 46 00' +
    '02 06 41 04 0000fdf2' +
    '02 02 06 00' +
    '02 0a 45 08 0001 01 01 0002 01 01' +
    '02 0b 49 09 07 63617074757265 00' +
    '02 0c 40 0a c078 0001 01 00 0002 01 00' +
    '02 10 47 0e 0001 01 80 000000 0002 01 80 000000',
);

/** FRR's End-of-RIB for IPv4 unicast: an UPDATE with nothing in it. */
export const FRR_END_OF_RIB_V4 = fromHex('ffffffffffffffffffffffffffffffff 0017 02 0000 0000');

/** FRR's End-of-RIB for IPv6 unicast: an empty MP_UNREACH_NLRI. */
export const FRR_END_OF_RIB_V6 = fromHex('ffffffffffffffffffffffffffffffff 001d 02 0000 0006 80 0f 03 0002 01');

/** The OPEN a Herald speaker with a 4-octet AS sends: multiprotocol IPv4 and IPv6, route refresh, 4-octet AS, graceful restart. */
export const HERALD_OPEN: OpenMessage = {
  type: 'open',
  version: 4,
  myAS: 23456,
  holdTimeSeconds: 90,
  bgpIdentifier: 0x0a000001,
  capabilities: [
    { kind: 'multiprotocol', family: { afi: 1, safi: 1 } },
    { kind: 'multiprotocol', family: { afi: 2, safi: 1 } },
    { kind: 'route-refresh' },
    { kind: 'four-octet-as', asn: 4200000001 },
    {
      kind: 'graceful-restart',
      restarting: false,
      notification: true,
      restartTimeSeconds: 120,
      families: [
        { family: { afi: 1, safi: 1 }, forwardingPreserved: false },
        { family: { afi: 2, safi: 1 }, forwardingPreserved: false },
      ],
    },
  ],
};

export const SEED_OPTIONS: readonly SessionCodecOptions[] = [
  { fourOctetAs: true, extendedMessage: false, ibgp: false },
  { fourOctetAs: false, extendedMessage: false, ibgp: true },
  { fourOctetAs: true, extendedMessage: true, ibgp: true },
];

export interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly options: SessionCodecOptions;
}

const EBGP_4 = SEED_OPTIONS[0]!;
const IBGP_2 = SEED_OPTIONS[1]!;
const EXTENDED = SEED_OPTIONS[2]!;

function v4(text: string, length: number): { family: 4; network: bigint; length: number } {
  const [a, b, c, d] = text.split('.').map(Number);
  return { family: 4, network: BigInt((((a! << 24) | (b! << 16) | (c! << 8) | d!) >>> 0)), length };
}

const richAttributes = {
  origin: 0,
  asPath: [
    { type: 2, asns: [65001, 4200000001, 65002] },
    { type: 1, asns: [64512, 4200000002] },
  ],
  med: 10,
  localPref: 200,
  atomicAggregate: true,
  aggregator: { asn: 4200000003, address: 0x0a000001 },
  communities: [GRACEFUL_SHUTDOWN, 0xfde90064],
  extendedCommunities: [
    { kind: 'link-bandwidth', transitive: false, asn: 65001, bytesPerSecond: 125_000_000 },
    { kind: 'raw', bytes: Uint8Array.of(0x00, 0x02, 0xfd, 0xe9, 0, 0, 0, 1) },
  ],
  largeCommunities: [{ globalAdministrator: 4200000001, localData1: 1, localData2: 2 }],
  unknown: [{ flags: 0xc0, code: 99, value: Uint8Array.of(1, 2, 3) }],
} as const;

export function seedMessages(): Seed[] {
  const seeds: Seed[] = [
    { name: 'FRR OPEN', bytes: FRR_OPEN, options: EBGP_4 },
    { name: 'FRR End-of-RIB IPv4', bytes: FRR_END_OF_RIB_V4, options: EBGP_4 },
    { name: 'FRR End-of-RIB IPv6', bytes: FRR_END_OF_RIB_V6, options: EBGP_4 },
  ];
  const add = (name: string, message: Message, options: SessionCodecOptions): void => {
    seeds.push({ name, bytes: encodeMessage(message, options), options });
  };
  add('Herald OPEN', HERALD_OPEN, EBGP_4);
  add(
    'OPEN with 40 more capabilities (RFC 9072 lengths)',
    {
      ...HERALD_OPEN,
      capabilities: [
        ...HERALD_OPEN.capabilities,
        ...Array.from({ length: 40 }, (_, i) => ({ kind: 'unknown' as const, code: 100 + i, value: Uint8Array.of(i, i) })),
      ],
    },
    EBGP_4,
  );
  for (const options of SEED_OPTIONS) {
    add('UPDATE with every attribute', { type: 'update', withdrawn: [v4('10.9.0.0', 16)], attributes: { ...richAttributes, nextHop: 0x0a000002n }, nlri: [v4('192.0.2.0', 24), v4('198.51.100.7', 32)] }, options);
  }
  add('UPDATE with MP_REACH_NLRI and a link-local next hop', {
    type: 'update',
    withdrawn: [],
    attributes: { origin: 0, asPath: [{ type: 2, asns: [65001] }], communities: [1, 2, 3] },
    mpReach: {
      family: { afi: 2, safi: 1 },
      nextHops: [0x20010db8000000000000000000000001n, 0xfe800000000000000000000000000001n],
      prefixes: [{ family: 6, network: 0x20010db8000100000000000000000000n, length: 64 }, { family: 6, network: 0x20010db8000000000000000000000005n, length: 128 }],
    },
    nlri: [],
  }, EBGP_4);
  add('UPDATE with MP_UNREACH_NLRI', {
    type: 'update',
    withdrawn: [],
    attributes: {},
    mpUnreach: { family: { afi: 2, safi: 1 }, prefixes: [{ family: 6, network: 0x20010db8000000000000000000000005n, length: 128 }] },
    nlri: [],
  }, EBGP_4);
  add('End-of-RIB IPv6', endOfRib({ afi: 2, safi: 1 }), EBGP_4);
  add('NOTIFICATION with a shutdown communication', shutdownNotification('maintenance: moving to new hardware'), EBGP_4);
  add('NOTIFICATION UPDATE error with data', { type: 'notification', code: 3, subcode: 9, data: Uint8Array.of(0x80, 0x0e, 0x01, 0x00) }, EBGP_4);
  add('KEEPALIVE', { type: 'keepalive' }, EBGP_4);
  add('ROUTE-REFRESH', { type: 'route-refresh', family: { afi: 2, safi: 1 }, subtype: 0 }, EBGP_4);
  add('ROUTE-REFRESH BoRR', { type: 'route-refresh', family: { afi: 1, safi: 1 }, subtype: 1 }, EBGP_4);

  const shared = { origin: 0, asPath: [{ type: 2, asns: [4200000001] }], largeCommunities: [{ globalAdministrator: 1, localData1: 2, localData2: 3 }] } as const;
  const routes: OutboundRoute[] = [];
  for (let i = 0; i < 900; i++) routes.push({ prefix: { family: 4, network: BigInt(0xc6336400 + i), length: 32 }, attributes: shared, nextHop: 0xc0000201n });
  for (let i = 0; i < 300; i++) routes.push({ prefix: { family: 6, network: (0x20010db8n << 96n) + BigInt(i), length: 128 }, attributes: shared, nextHop: 0x20010db8000000000000000000000001n });
  for (const options of [EBGP_4, EXTENDED, IBGP_2]) {
    const packed = encodeUpdates(routes, routes.slice(0, 400).map((r) => r.prefix).concat(routes.slice(900, 1000).map((r) => r.prefix)), options);
    packed.forEach((bytes, i) => seeds.push({ name: `packed UPDATE ${i}`, bytes, options }));
  }
  return seeds;
}
