import { expect } from 'chai';
import fc from 'fast-check';
import { API_VERSION } from '../api/constants.js';
import { buildConfig } from './build.js';
import { formatConfigError } from './errors.js';
import { NS, bfd, bgpAd, community, everything, expectValid, l2, peer, pool, table } from './test-fixtures.js';
import type { ConfigResources } from './types.js';

const I = `IPAddressPool ${NS}`;

describe('buildConfig', () => {
  it('accepts a configuration using every kind, and resolves every reference', () => {
    const config = expectValid(everything());
    expect(config.namespace).to.equal(NS);
    expect(config.pools.map((p) => p.name)).to.deep.equal(['internal', 'public']);
    expect(config.bgpAdvertisements.map((a) => [a.name, a.pools, a.peers])).to.deep.equal([
      ['aggregate', ['public'], ['core']],
      ['public', ['public'], ['core', 'edge']],
    ]);
    expect(config.bgpAdvertisements[1]?.communities.map((c) => c.text)).to.deep.equal(['64500:1', '64500:666']);
    expect(config.peers.map((p) => [p.name, p.password, p.bfdProfile?.name, p.holdTimeSeconds, p.keepaliveTimeSeconds])).to.deep.equal([
      ['core', 'hunter2', 'fast', 90, 30],
      ['edge', undefined, undefined, 30, 10],
    ]);
    expect(config.communities).to.deep.equal([
      { name: 'transit', value: { kind: 'standard', high: 64500, low: 666, text: '64500:666' }, definedBy: 'aliases' },
    ]);
  });

  it('accepts an empty configuration', () => {
    expect(expectValid({})).to.deep.equal({
      namespace: NS,
      pools: [],
      l2Advertisements: [],
      bgpAdvertisements: [],
      peers: [],
      bfdProfiles: [],
      communities: [],
    });
  });

  it('reads objects from another namespace when told Herald runs there', () => {
    const moved = pool('blue', { addresses: ['10.0.0.0/24'] });
    moved.metadata.namespace = 'lb';
    const result = buildConfig({ ipAddressPools: [moved] }, { namespace: 'lb' });
    expect(result.ok && result.config.pools.map((p) => p.name)).to.deep.equal(['blue']);
  });

  it('formats an error as kind, namespace/name, field and message', () => {
    expect(
      formatConfigError({ kind: 'IPAddressPool', namespace: NS, name: 'blue', field: 'spec.addresses[2]', message: 'range start 10.0.0.9 is after its end 10.0.0.1' }),
    ).to.equal(`${I}/blue: spec.addresses[2]: range start 10.0.0.9 is after its end 10.0.0.1`);
  });

  describe('refuses objects it cannot place', () => {
    const elsewhere = pool('blue', { addresses: ['10.0.0.0/24'] });
    elsewhere.metadata.namespace = 'default';
    const nameless = pool('', { addresses: ['10.0.0.0/24'] });
    table([
      {
        title: 'an object outside Herald\'s namespace',
        resources: { ipAddressPools: [elsewhere] },
        want: [`IPAddressPool default/blue: metadata.namespace: is "default"; Herald reads its resources only from namespace ${NS}`],
      },
      {
        title: 'an object without a name',
        resources: { ipAddressPools: [nameless] },
        want: [`IPAddressPool (unnamed in ${NS}): metadata.name: is required (item 0 of the IPAddressPool list has the string "")`],
      },
      {
        title: 'two objects of one kind with one name',
        resources: { ipAddressPools: [pool('blue', { addresses: ['10.0.0.0/24'] }), pool('blue', { addresses: ['10.0.1.0/24'] })] },
        want: [`${I}/blue: metadata.name: another IPAddressPool named "blue" is in the list; names must be unique`],
      },
      {
        title: 'a list that is not a list',
        resources: { bgpPeers: 'tor' as never },
        want: [`BGPPeer (unnamed in ${NS}): expected a list of BGPPeer objects, got the string "tor"`],
      },
      {
        title: 'an item that is not an object',
        resources: { l2Advertisements: [null as never] },
        want: [`L2Advertisement (unnamed in ${NS}): item 0 of the L2Advertisement list is null, not an object`],
      },
      {
        title: 'a spec that is not an object',
        resources: { bfdProfiles: [{ apiVersion: API_VERSION, kind: 'BFDProfile', metadata: { name: 'fast', namespace: NS }, spec: [] as never }] },
        want: [`BFDProfile ${NS}/fast: spec: must be an object, not a list`],
      },
      {
        title: 'labels that are not strings',
        resources: { ipAddressPools: [pool('blue', { addresses: ['10.0.0.0/24'] }, { tier: 1 as never })] },
        want: [`${I}/blue: metadata.labels[tier]: label value must be a string, not number 1`],
      },
    ]);
  });

  it('collects every error of every object, not only the first, grouped by kind and object', () => {
    const result = buildConfig({
      ipAddressPools: [pool('blue', { addresses: ['10.0.0.9-10.0.0.1'] })],
      bgpPeers: [peer('tor', { myASN: 0, holdTime: '2s' })],
      l2Advertisements: [l2('x', { ipAddressPools: ['nope'] })],
    });
    expect(result.ok).to.equal(false);
    if (!result.ok) {
      expect(result.errors.map(formatConfigError)).to.deep.equal([
        `${I}/blue: spec.addresses[0]: range start 10.0.0.9 is after its end 10.0.0.1`,
        `L2Advertisement ${NS}/x: spec.ipAddressPools[0]: IPAddressPool "nope" does not exist in ${NS}`,
        `BGPPeer ${NS}/tor: spec.myASN: AS 0 is reserved (RFC 7607) and cannot be the local AS`,
        `BGPPeer ${NS}/tor: spec.holdTime: 2s is too short: a hold time is 0 (no keepalives) or at least 3s`,
      ]);
    }
  });

  it('resolves references to objects that exist but have errors of their own, without piling on', () => {
    const result = buildConfig({
      ipAddressPools: [pool('blue', { addresses: ['bogus'] })],
      bfdProfiles: [bfd('fast', { detectMultiplier: 1 })],
      bgpPeers: [peer('tor', { bfdProfile: 'fast' })],
      bgpAdvertisements: [bgpAd('x', { ipAddressPools: ['blue'] })],
    });
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors.map((e) => `${e.kind}/${e.name}`)).to.deep.equal(['IPAddressPool/blue', 'BFDProfile/fast']);
  });
});

describe('Community validation', () => {
  table([
    {
      title: 'accepts standard and large community aliases',
      resources: { communities: [community('a', [{ name: 'no-export', value: '65535:65281' }, { name: 'big', value: 'large:1:2:3' }])] },
      want: [],
    },
    {
      title: 'refuses an alias defined twice across objects',
      resources: { communities: [community('b', [{ name: 'gold', value: '1:2' }]), community('a', [{ name: 'gold', value: '1:3' }])] },
      want: [`Community ${NS}/b: spec.communities[0].name: alias "gold" is already defined by Community ${NS}/a (spec.communities[0]); alias names must be unique across all Community objects`],
    },
    {
      title: 'refuses an alias defined twice in one object',
      resources: { communities: [community('a', [{ name: 'gold', value: '1:2' }, { name: 'gold', value: '1:2' }])] },
      want: [`Community ${NS}/a: spec.communities[1].name: alias "gold" is already defined by spec.communities[0] of this object; alias names must be unique across all Community objects`],
    },
    {
      title: 'refuses a value that is not a community',
      resources: { communities: [community('a', [{ name: 'gold', value: '99999999:1' }])] },
      want: [`Community ${NS}/a: spec.communities[0].value: "99999999:1": first part 99999999 does not fit in 16 bits (at most 65535)`],
    },
    {
      title: 'refuses an alias whose value is another alias',
      resources: { communities: [community('a', [{ name: 'gold', value: 'silver' }])] },
      want: [`Community ${NS}/a: spec.communities[0].value: "silver" is not a community: write a:b (16-bit numbers) or large:a:b:c (32-bit numbers)`],
    },
    {
      title: 'refuses an alias name with a colon',
      resources: { communities: [community('a', [{ name: 'gold:1', value: '1:1' }])] },
      want: [`Community ${NS}/a: spec.communities[0].name: "gold:1" contains ':', so BGPAdvertisements would read it as a community value, not as this alias`],
    },
    {
      title: 'refuses an alias without a name',
      resources: { communities: [community('a', [{ value: '1:1' }])] },
      want: [`Community ${NS}/a: spec.communities[0].name: is required`],
    },
  ]);
});

describe('BFDProfile validation', () => {
  it('fills in FRR\'s defaults', () => {
    expect(expectValid({ bfdProfiles: [bfd('plain')] }).bfdProfiles).to.deep.equal([
      { name: 'plain', receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3, echoInterval: 50, echoMode: false, passiveMode: false, minimumTtl: 254 },
    ]);
  });

  const F = `BFDProfile ${NS}/f`;
  table([
    { title: 'accepts the extremes of every range', resources: { bfdProfiles: [bfd('f', { receiveInterval: 10, transmitInterval: 60000, detectMultiplier: 255, echoInterval: 10, minimumTtl: 1 })] }, want: [] },
    { title: 'refuses a receive interval under 10 ms', resources: { bfdProfiles: [bfd('f', { receiveInterval: 9 })] }, want: [`${F}: spec.receiveInterval: 9 is out of range: must be between 10 and 60000`] },
    { title: 'refuses a transmit interval over 60 s', resources: { bfdProfiles: [bfd('f', { transmitInterval: 60001 })] }, want: [`${F}: spec.transmitInterval: 60001 is out of range: must be between 10 and 60000`] },
    { title: 'refuses a detect multiplier of 1', resources: { bfdProfiles: [bfd('f', { detectMultiplier: 1 })] }, want: [`${F}: spec.detectMultiplier: 1 is out of range: must be between 2 and 255`] },
    { title: 'refuses an echo interval of 0', resources: { bfdProfiles: [bfd('f', { echoInterval: 0 })] }, want: [`${F}: spec.echoInterval: 0 is out of range: must be between 10 and 60000`] },
    { title: 'refuses a minimum TTL of 255', resources: { bfdProfiles: [bfd('f', { minimumTtl: 255 })] }, want: [`${F}: spec.minimumTtl: 255 is out of range: must be between 1 and 254`] },
    { title: 'refuses an interval that is not whole', resources: { bfdProfiles: [bfd('f', { receiveInterval: 12.5 })] }, want: [`${F}: spec.receiveInterval: must be a whole number, not number 12.5`] },
  ]);

  describe('echo mode', () => {
    const echo = bfd('echo', { echoMode: true });
    const v6 = pool('v6', { addresses: ['2001:db8::/120'] });
    const v4 = pool('v4', { addresses: ['198.51.100.0/24'] });
    table([
      {
        title: 'is refused on a peer that is sent IPv6 prefixes',
        resources: { bfdProfiles: [echo], ipAddressPools: [v4, v6], bgpPeers: [peer('tor', { bfdProfile: 'echo' })], bgpAdvertisements: [bgpAd('all')] },
        want: [
          `BGPPeer ${NS}/tor: spec.bfdProfile: BFDProfile "echo" turns on echo mode, which does not work for IPv6, and BGPAdvertisement ${NS}/all sends this peer the IPv6 addresses of IPAddressPool v6; turn echoMode off or keep IPv6 pools away from this peer`,
        ],
      },
      {
        title: 'is accepted on a peer sent only IPv4 prefixes',
        resources: { bfdProfiles: [echo], ipAddressPools: [v4, v6], bgpPeers: [peer('tor', { bfdProfile: 'echo' })], bgpAdvertisements: [bgpAd('v4', { ipAddressPools: ['v4'] })] },
        want: [],
      },
      {
        title: 'is accepted when the IPv6 advertisement goes to other peers',
        resources: {
          bfdProfiles: [echo],
          ipAddressPools: [v6],
          bgpPeers: [peer('tor', { bfdProfile: 'echo' }), peer('other', { peerAddress: '192.0.2.2' })],
          bgpAdvertisements: [bgpAd('v6', { peers: ['other'] })],
        },
        want: [],
      },
      {
        title: 'is accepted when the IPv6 advertisement comes from nodes that never peer with it',
        resources: {
          bfdProfiles: [echo],
          ipAddressPools: [v6],
          bgpPeers: [peer('tor', { bfdProfile: 'echo', nodeSelectors: [{ matchLabels: { rack: 'r1' } }] })],
          bgpAdvertisements: [bgpAd('v6', { nodeSelectors: [{ matchLabels: { rack: 'r2' } }] })],
        },
        want: [],
      },
    ]);
  });
});

/** Arbitrary values in the places buildConfig reads, so the property tests reach deep into validation. */
function shapes(): fc.Arbitrary<ConfigResources> {
  const junk = fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.anything({ maxDepth: 2, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withSparseArray: true, withBoxedValues: true }),
  );
  const near = <T>(good: fc.Arbitrary<T>) => fc.oneof(good, good, junk);
  const str = near(fc.constantFrom('', 'blue', 'tor', '10.0.0.0/24', '10.0.0.9-10.0.0.1', '2001:db8::/64', '90s', 'internal', '1:2', 'large:1:2:3', 'eth1', '__proto__', 'constructor'));
  const key = fc.oneof(fc.string(), fc.constantFrom('password', 'rack', 'kubernetes.io/hostname', '__proto__', 'constructor', 'bad key'));
  const num = near(fc.oneof(fc.integer({ min: -2, max: 70000 }), fc.constantFrom(0, 4294967295, 4294967296, 1.5, Number.NaN, Infinity)));
  const selector = near(fc.record({ matchLabels: near(fc.dictionary(key, str)), matchExpressions: near(fc.array(near(fc.record({ key: str, operator: near(fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist')), values: near(fc.array(str)) }, { requiredKeys: [] })))) }, { requiredKeys: [] }));
  const selectors = near(fc.array(selector, { maxLength: 2 }));
  const strings = near(fc.array(str, { maxLength: 3 }));
  const meta = near(fc.record({ name: near(fc.constantFrom('a', 'b', 'blue', 'tor', 'fast')), namespace: near(fc.constantFrom(NS, NS, 'default')), labels: near(fc.dictionary(key, str)) }, { requiredKeys: [] }));
  const object = (spec: fc.Arbitrary<unknown>) => near(fc.record({ apiVersion: fc.constant(API_VERSION), metadata: meta, spec: near(spec) }, { requiredKeys: [] }));
  const list = (spec: fc.Arbitrary<unknown>) => near(fc.array(object(spec), { maxLength: 3 }));
  const spec = <K extends string>(keys: Record<K, fc.Arbitrary<unknown>>) => fc.record(keys, { requiredKeys: [] });
  return fc.record(
    {
      ipAddressPools: list(spec({ addresses: strings, autoAssign: near(fc.boolean()), avoidBuggyIPs: near(fc.boolean()), serviceAllocation: near(spec({ priority: num, namespaces: strings, namespaceSelectors: selectors, serviceSelectors: selectors })) })),
      l2Advertisements: list(spec({ ipAddressPools: strings, ipAddressPoolSelectors: selectors, nodeSelectors: selectors, interfaces: strings, serviceSelectors: selectors })),
      bgpAdvertisements: list(spec({ ipAddressPools: strings, ipAddressPoolSelectors: selectors, aggregationLength: num, aggregationLengthV6: num, localPref: num, communities: strings, peers: strings, nodeSelectors: selectors, serviceSelectors: selectors })),
      bgpPeers: list(spec({ myASN: num, peerASN: num, dynamicASN: str, peerAddress: str, interface: str, sourceAddress: str, peerPort: num, holdTime: str, keepaliveTime: str, connectTime: str, routerID: str, nodeSelectors: selectors, password: str, passwordSecret: near(spec({ name: str, namespace: str })), bfdProfile: str, ebgpMultiHop: near(fc.boolean()), enableGracefulRestart: near(fc.boolean()), vrf: str })),
      bfdProfiles: list(spec({ receiveInterval: num, transmitInterval: num, detectMultiplier: num, echoInterval: num, echoMode: near(fc.boolean()), passiveMode: near(fc.boolean()), minimumTtl: num })),
      communities: list(spec({ communities: near(fc.array(near(spec({ name: str, value: str })), { maxLength: 3 })) })),
      secrets: near(fc.array(near(fc.record({ metadata: meta, data: near(fc.dictionary(key, str)), stringData: near(fc.dictionary(key, str)) }, { requiredKeys: [] })), { maxLength: 2 })),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<ConfigResources>;
}

describe('buildConfig on arbitrary input', () => {
  it('never throws, whatever shape the objects have, and every error names its object and field', () => {
    fc.assert(
      fc.property(fc.oneof(shapes(), fc.anything() as fc.Arbitrary<ConfigResources>), (resources) => {
        const result = buildConfig(resources);
        if (!result.ok) {
          for (const e of result.errors) {
            expect(e.message).not.to.match(/internal error/);
            expect(e.kind).to.be.a('string').and.not.equal('');
            expect(formatConfigError(e)).to.be.a('string');
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same answer whatever order the objects come in', () => {
    const base = everything();
    const shuffled = <T>(items: readonly T[] | undefined) => fc.shuffledSubarray([...(items ?? [])], { minLength: items?.length ?? 0 });
    fc.assert(
      fc.property(
        fc.record({
          ipAddressPools: shuffled(base.ipAddressPools),
          l2Advertisements: shuffled(base.l2Advertisements),
          bgpAdvertisements: shuffled(base.bgpAdvertisements),
          bgpPeers: shuffled(base.bgpPeers),
          bfdProfiles: shuffled(base.bfdProfiles),
          communities: shuffled(base.communities),
          secrets: shuffled(base.secrets),
        }),
        (resources) => {
          expect(buildConfig(resources)).to.deep.equal(buildConfig(base));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('reports the same errors whatever order the objects come in', () => {
    const pools = [pool('a', { addresses: ['10.0.0.0/24'] }), pool('b', { addresses: ['10.0.0.0/25'] }), pool('c', { addresses: ['10.0.0.100-10.0.0.101'] })];
    const peers = [peer('x'), peer('y'), peer('z', { nodeSelectors: [{ matchLabels: { a: 'b' } }] })];
    const want = buildConfig({ ipAddressPools: pools, bgpPeers: peers });
    expect(want.ok).to.equal(false);
    fc.assert(
      fc.property(fc.shuffledSubarray(pools, { minLength: 3 }), fc.shuffledSubarray(peers, { minLength: 3 }), (somePools, somePeers) => {
        expect(buildConfig({ ipAddressPools: somePools, bgpPeers: somePeers })).to.deep.equal(want);
      }),
      { numRuns: 50 },
    );
  });
});
