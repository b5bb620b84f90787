import { expect } from 'chai';
import type { BGPAdvertisement, BGPAdvertisementSpec, L2Advertisement, L2AdvertisementSpec } from '../api/advertisements.js';
import type { BFDProfile, BFDProfileSpec } from '../api/bfd.js';
import type { BGPPeer, BGPPeerSpec } from '../api/bgp-peer.js';
import type { Community, CommunityAlias } from '../api/community.js';
import { API_VERSION, DEFAULT_NAMESPACE } from '../api/constants.js';
import type { Secret } from '../api/meta.js';
import type { IPAddressPool, IPAddressPoolSpec } from '../api/pool.js';
import { buildConfig } from './build.js';
import { formatConfigError } from './errors.js';
import type { ConfigResources, HeraldConfig } from './types.js';

/* Builders for test objects, so each table row shows only what it is about. Used only by tests. */

export const NS = DEFAULT_NAMESPACE;

function meta(name: string, labels?: Record<string, string>): { name: string; namespace: string; labels?: Record<string, string> } {
  return labels === undefined ? { name, namespace: NS } : { name, namespace: NS, labels };
}

export function pool(name: string, spec: Partial<IPAddressPoolSpec> | Record<string, unknown>, labels?: Record<string, string>): IPAddressPool {
  return { apiVersion: API_VERSION, kind: 'IPAddressPool', metadata: meta(name, labels), spec: spec as IPAddressPoolSpec };
}

export function l2(name: string, spec: L2AdvertisementSpec | Record<string, unknown> = {}): L2Advertisement {
  return { apiVersion: API_VERSION, kind: 'L2Advertisement', metadata: meta(name), spec: spec as L2AdvertisementSpec };
}

export function bgpAd(name: string, spec: BGPAdvertisementSpec | Record<string, unknown> = {}): BGPAdvertisement {
  return { apiVersion: API_VERSION, kind: 'BGPAdvertisement', metadata: meta(name), spec: spec as BGPAdvertisementSpec };
}

/** A valid eBGP peer to 192.0.2.1 unless the overrides say otherwise. */
export function peer(name: string, overrides: Partial<BGPPeerSpec> | Record<string, unknown> = {}): BGPPeer {
  const spec = { myASN: 64512, peerASN: 64500, peerAddress: '192.0.2.1', ...overrides };
  for (const [k, v] of Object.entries(spec)) if (v === undefined) delete (spec as Record<string, unknown>)[k];
  return { apiVersion: API_VERSION, kind: 'BGPPeer', metadata: meta(name), spec: spec as BGPPeerSpec };
}

export function bfd(name: string, spec: BFDProfileSpec | Record<string, unknown> = {}): BFDProfile {
  return { apiVersion: API_VERSION, kind: 'BFDProfile', metadata: meta(name), spec: spec as BFDProfileSpec };
}

export function community(name: string, communities: Array<CommunityAlias | Record<string, unknown>>): Community {
  return { apiVersion: API_VERSION, kind: 'Community', metadata: meta(name), spec: { communities: communities as CommunityAlias[] } };
}

export function secret(name: string, data: Record<string, string>, stringData?: Record<string, string>): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: NS },
    type: 'kubernetes.io/basic-auth',
    data,
    ...(stringData !== undefined ? { stringData } : {}),
  };
}

export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The configuration must be accepted; returns it. */
export function expectValid(resources: ConfigResources): HeraldConfig {
  const result = buildConfig(resources);
  if (!result.ok) expect.fail(`expected a valid configuration, got:\n${result.errors.map(formatConfigError).join('\n')}`);
  return result.config;
}

/** The configuration must be refused with exactly these errors, in this order. */
export function expectErrors(resources: ConfigResources, want: string[]): void {
  const result = buildConfig(resources);
  expect(result.ok, 'configuration was accepted').to.equal(false);
  if (!result.ok) expect(result.errors.map(formatConfigError)).to.deep.equal(want);
}

export interface Case {
  title: string;
  resources: ConfigResources;
  want: string[];
}

/** One `it` per row: valid rows (want = []) must be accepted, the others refused with exactly `want`. */
export function table(cases: Case[]): void {
  for (const c of cases) {
    it(c.title, () => {
      if (c.want.length === 0) expectValid(c.resources);
      else expectErrors(c.resources, c.want);
    });
  }
}

/** A configuration that uses every kind and most fields; valid. */
export function everything(): ConfigResources {
  return {
    ipAddressPools: [
      pool('public', { addresses: ['198.51.100.0/24', '2001:db8:100::/120'] }, { exposure: 'public' }),
      pool('internal', { addresses: ['10.20.0.10-10.20.0.40'], autoAssign: false, serviceAllocation: { priority: 1, namespaces: ['ops'] } }),
    ],
    l2Advertisements: [l2('internal', { ipAddressPools: ['internal'], interfaces: ['eth1'] })],
    bgpAdvertisements: [
      bgpAd('public', { ipAddressPoolSelectors: [{ matchLabels: { exposure: 'public' } }], communities: ['transit', '64500:1'], localPref: 100 }),
      bgpAd('aggregate', { ipAddressPools: ['public'], aggregationLength: 24, aggregationLengthV6: 120, peers: ['core'], localPref: 100 }),
    ],
    bgpPeers: [
      peer('core', { peerASN: 64512, peerAddress: '192.0.2.10', bfdProfile: 'fast', passwordSecret: { name: 'core-md5' } }),
      peer('edge', { peerAddress: '2001:db8::1', holdTime: '30s', nodeSelectors: [{ matchLabels: { edge: 'true' } }] }),
    ],
    bfdProfiles: [bfd('fast', { receiveInterval: 50, transmitInterval: 50 })],
    communities: [community('aliases', [{ name: 'transit', value: '64500:666' }])],
    secrets: [secret('core-md5', { password: b64('hunter2') })],
  };
}

/** One object of each kind with every spec field set; valid. The CRD test checks it against the schemas. */
export function everyField(): ConfigResources {
  return {
    ipAddressPools: [
      pool(
        'full',
        {
          addresses: ['198.51.100.0/24', '2001:db8::/120'],
          autoAssign: false,
          avoidBuggyIPs: true,
          serviceAllocation: {
            priority: 5,
            namespaces: ['web'],
            namespaceSelectors: [{ matchLabels: { team: 'web' } }],
            serviceSelectors: [{ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }] }],
          },
        },
        { tier: 'gold' },
      ),
    ],
    l2Advertisements: [
      l2('full', {
        ipAddressPools: ['full'],
        ipAddressPoolSelectors: [{ matchLabels: { tier: 'gold' } }],
        nodeSelectors: [{ matchExpressions: [{ key: 'edge', operator: 'Exists' }] }],
        interfaces: ['eth1'],
        serviceSelectors: [{ matchLabels: { app: 'web' } }],
      }),
    ],
    bgpAdvertisements: [
      bgpAd('full', {
        ipAddressPools: ['full'],
        ipAddressPoolSelectors: [{ matchLabels: { tier: 'gold' } }],
        aggregationLength: 24,
        aggregationLengthV6: 123,
        localPref: 100,
        communities: ['gold', '64500:1', 'large:64500:1:2'],
        peers: ['full'],
        nodeSelectors: [{ matchLabels: { rack: 'r1' } }],
      }),
    ],
    bgpPeers: [
      peer('full', {
        myASN: 64512,
        peerASN: 64500,
        peerAddress: '192.0.2.1',
        sourceAddress: '192.0.2.100',
        peerPort: 179,
        holdTime: '90s',
        keepaliveTime: '30s',
        connectTime: '10s',
        routerID: '192.0.2.100',
        nodeSelectors: [{ matchLabels: { rack: 'r1' } }],
        passwordSecret: { name: 'md5', namespace: NS },
        bfdProfile: 'full',
        ebgpMultiHop: true,
        enableGracefulRestart: true,
        vrf: 'red',
      }),
      peer('unnumbered', { peerAddress: undefined, peerASN: undefined, interface: 'eth2', dynamicASN: 'external', password: 'plain' }),
    ],
    bfdProfiles: [
      bfd('full', { receiveInterval: 100, transmitInterval: 100, detectMultiplier: 5, echoInterval: 20, echoMode: false, passiveMode: true, minimumTtl: 250 }),
    ],
    communities: [community('full', [{ name: 'gold', value: '64500:100' }])],
    secrets: [secret('md5', { password: b64('hunter2') })],
  };
}
