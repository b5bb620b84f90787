import { expect } from 'chai';
import { NS, expectValid, pool, table } from './test-fixtures.js';

const P = `IPAddressPool ${NS}`;

describe('IPAddressPool validation', () => {
  it('accepts a dual-stack pool and normalises it: ranges per family, CIDR covers, defaults', () => {
    const config = expectValid({
      ipAddressPools: [pool('blue', { addresses: ['2001:db8::10-2001:db8::1f', '198.51.100.0/25', '198.51.100.200-198.51.100.203'] }, { tier: 'gold' })],
    });
    expect(config.pools).to.have.length(1);
    const p = config.pools[0];
    expect(p?.name).to.equal('blue');
    expect(p?.labels).to.deep.equal({ tier: 'gold' });
    expect(p?.autoAssign).to.equal(true);
    expect(p?.avoidBuggyIPs).to.equal(false);
    expect(p?.serviceAllocation).to.equal(undefined);
    expect(p?.entries.map((e) => [e.index, e.text])).to.deep.equal([
      [0, '2001:db8::10-2001:db8::1f'],
      [1, '198.51.100.0/25'],
      [2, '198.51.100.200-198.51.100.203'],
    ]);
    expect(p?.ranges[4]).to.deep.equal([
      { family: 4, first: 0xc6336400n, last: 0xc633647fn },
      { family: 4, first: 0xc63364c8n, last: 0xc63364cbn },
    ]);
    expect(p?.ranges[6]).to.deep.equal([{ family: 6, first: 0x20010db8000000000000000000000010n, last: 0x20010db800000000000000000000001fn }]);
    expect(p?.cidrs[4]).to.deep.equal([
      { network: 0xc6336400n, prefixLength: 25 },
      { network: 0xc63364c8n, prefixLength: 30 },
    ]);
    expect(p?.cidrs[6]).to.deep.equal([{ network: 0x20010db8000000000000000000000010n, prefixLength: 124 }]);
  });

  it('keeps serviceAllocation, sorting namespaces and normalising selectors', () => {
    const config = expectValid({
      ipAddressPools: [
        pool('blue', {
          addresses: ['198.51.100.0/24'],
          autoAssign: false,
          avoidBuggyIPs: true,
          serviceAllocation: {
            priority: 10,
            namespaces: ['web', 'api'],
            namespaceSelectors: [{ matchLabels: { team: 'a' } }],
            serviceSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }],
          },
        }),
      ],
    });
    expect(config.pools[0]?.autoAssign).to.equal(false);
    expect(config.pools[0]?.avoidBuggyIPs).to.equal(true);
    expect(config.pools[0]?.serviceAllocation).to.deep.equal({
      priority: 10,
      namespaces: ['api', 'web'],
      namespaceSelectors: [{ matchLabels: { team: 'a' } }],
      serviceSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }],
    });
  });

  it('lists pools sorted by name, whatever the input order', () => {
    const config = expectValid({
      ipAddressPools: [pool('green', { addresses: ['198.51.100.0/26'] }), pool('blue', { addresses: ['198.51.100.64/26'] })],
    });
    expect(config.pools.map((p) => p.name)).to.deep.equal(['blue', 'green']);
  });

  describe('refuses', () => {
    table([
      {
        title: 'a range whose start is after its end',
        resources: { ipAddressPools: [pool('blue', { addresses: ['10.0.0.0/30', '10.0.1.0/30', '10.0.0.9-10.0.0.1'] })] },
        want: [`${P}/blue: spec.addresses[2]: range start 10.0.0.9 is after its end 10.0.0.1`],
      },
      {
        title: 'an IPv6 range whose start is after its end',
        resources: { ipAddressPools: [pool('blue', { addresses: ['2001:db8::9-2001:db8::1'] })] },
        want: [`${P}/blue: spec.addresses[0]: range start 2001:db8::9 is after its end 2001:db8::1`],
      },
      {
        title: 'a range mixing IPv4 and IPv6',
        resources: { ipAddressPools: [pool('blue', { addresses: ['10.0.0.1-2001:db8::1'] })] },
        want: [`${P}/blue: spec.addresses[0]: range "10.0.0.1-2001:db8::1" mixes IPv4 and IPv6; both ends must be the same family`],
      },
      {
        title: 'a malformed IPv4 CIDR',
        resources: { ipAddressPools: [pool('blue', { addresses: ['10.0.0.0/33'] })] },
        want: [`${P}/blue: spec.addresses[0]: prefix length /33 in "10.0.0.0/33" is too long for IPv4 (at most /32)`],
      },
      {
        title: 'a malformed IPv6 CIDR',
        resources: { ipAddressPools: [pool('blue', { addresses: ['2001:db8::g/64'] })] },
        want: [`${P}/blue: spec.addresses[0]: "2001:db8::g" is not a valid IPv6 address`],
      },
      {
        title: 'a CIDR with host bits set',
        resources: { ipAddressPools: [pool('blue', { addresses: ['10.0.0.5/24'] })] },
        want: [`${P}/blue: spec.addresses[0]: "10.0.0.5/24" has host bits set; did you mean 10.0.0.0/24?`],
      },
      {
        title: 'an entry that is not a string',
        resources: { ipAddressPools: [pool('blue', { addresses: [42] })] },
        want: [`${P}/blue: spec.addresses[0]: must be a string (a CIDR or a range a-b), not number 42`],
      },
      {
        title: 'a pool without addresses',
        resources: { ipAddressPools: [pool('blue', { addresses: [] })] },
        want: [`${P}/blue: spec.addresses: is empty: a pool needs at least one CIDR or range`],
      },
      {
        title: 'a pool without spec',
        resources: { ipAddressPools: [{ apiVersion: 'heraldlb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'blue', namespace: NS } } as never] },
        want: [`${P}/blue: spec.addresses: is required: a pool needs at least one CIDR or range`],
      },
      {
        title: 'addresses given as a string instead of a list',
        resources: { ipAddressPools: [pool('blue', { addresses: '10.0.0.0/24' })] },
        want: [`${P}/blue: spec.addresses: must be a list, not the string "10.0.0.0/24"`],
      },
      {
        title: 'two entries of one pool that overlap',
        resources: { ipAddressPools: [pool('blue', { addresses: ['10.0.0.0/24', '10.0.1.0/24', '10.0.0.200-10.0.0.210'] })] },
        want: [`${P}/blue: spec.addresses[2]: 10.0.0.200-10.0.0.210 overlaps spec.addresses[0] (10.0.0.0/24) of this pool`],
      },
      {
        title: 'the same entry twice in one pool',
        resources: { ipAddressPools: [pool('blue', { addresses: ['2001:db8::/64', '2001:db8::/64'] })] },
        want: [`${P}/blue: spec.addresses[1]: 2001:db8::/64 overlaps spec.addresses[0] (2001:db8::/64) of this pool`],
      },
      {
        title: 'two pools that overlap, reported on the one later by name',
        resources: {
          ipAddressPools: [pool('red', { addresses: ['10.0.0.0/24'] }), pool('blue', { addresses: ['10.0.0.128-10.0.1.5'] })],
        },
        want: [`${P}/red: spec.addresses[0]: 10.0.0.0/24 overlaps 10.0.0.128-10.0.1.5 (spec.addresses[0]) of ${P}/blue`],
      },
      {
        title: 'every entry that overlaps, not only the first',
        resources: {
          ipAddressPools: [
            pool('a', { addresses: ['10.0.0.0/16'] }),
            pool('b', { addresses: ['10.0.1.0/24', '10.0.2.0/24'] }),
            pool('c', { addresses: ['10.0.3.7-10.0.3.7'] }),
          ],
        },
        want: [
          `${P}/b: spec.addresses[0]: 10.0.1.0/24 overlaps 10.0.0.0/16 (spec.addresses[0]) of ${P}/a`,
          `${P}/b: spec.addresses[1]: 10.0.2.0/24 overlaps 10.0.0.0/16 (spec.addresses[0]) of ${P}/a`,
          `${P}/c: spec.addresses[0]: 10.0.3.7-10.0.3.7 overlaps 10.0.0.0/16 (spec.addresses[0]) of ${P}/a`,
        ],
      },
      {
        title: 'a namespace listed twice in serviceAllocation',
        resources: {
          ipAddressPools: [pool('blue', { addresses: ['10.0.0.0/24'], serviceAllocation: { namespaces: ['web', 'api', 'web'] } })],
        },
        want: [`${P}/blue: spec.serviceAllocation.namespaces[2]: "web" is listed twice (also at spec.serviceAllocation.namespaces[0])`],
      },
      {
        title: 'an invalid namespace name in serviceAllocation',
        resources: { ipAddressPools: [pool('blue', { addresses: ['10.0.0.0/24'], serviceAllocation: { namespaces: ['Web_1'] } })] },
        want: [`${P}/blue: spec.serviceAllocation.namespaces[0]: "Web_1" is not a valid namespace name (lower-case letters, digits and '-', at most 63)`],
      },
      {
        title: 'a negative priority',
        resources: { ipAddressPools: [pool('blue', { addresses: ['10.0.0.0/24'], serviceAllocation: { priority: -1 } })] },
        want: [`${P}/blue: spec.serviceAllocation.priority: -1 is out of range: must be between 0 and 2147483647`],
      },
      {
        title: 'autoAssign that is not a boolean',
        resources: { ipAddressPools: [pool('blue', { addresses: ['10.0.0.0/24'], autoAssign: 'yes' })] },
        want: [`${P}/blue: spec.autoAssign: must be true or false, not the string "yes"`],
      },
      {
        title: 'a selector with an unknown operator',
        resources: {
          ipAddressPools: [
            pool('blue', {
              addresses: ['10.0.0.0/24'],
              serviceAllocation: { serviceSelectors: [{ matchExpressions: [{ key: 'app', operator: 'Equals', values: ['x'] }] }] },
            }),
          ],
        },
        want: [
          `${P}/blue: spec.serviceAllocation.serviceSelectors[0].matchExpressions[0].operator: the string "Equals" is not one of In, NotIn, Exists, DoesNotExist`,
        ],
      },
      {
        title: 'an In requirement without values',
        resources: {
          ipAddressPools: [
            pool('blue', {
              addresses: ['10.0.0.0/24'],
              serviceAllocation: { namespaceSelectors: [{ matchExpressions: [{ key: 'team', operator: 'In' }] }] },
            }),
          ],
        },
        want: [`${P}/blue: spec.serviceAllocation.namespaceSelectors[0].matchExpressions[0].values: must list at least one value for operator In`],
      },
      {
        title: 'an Exists requirement with values',
        resources: {
          ipAddressPools: [
            pool('blue', {
              addresses: ['10.0.0.0/24'],
              serviceAllocation: { namespaceSelectors: [{ matchExpressions: [{ key: 'team', operator: 'Exists', values: ['a'] }] }] },
            }),
          ],
        },
        want: [`${P}/blue: spec.serviceAllocation.namespaceSelectors[0].matchExpressions[0].values: must be empty for operator Exists`],
      },
      {
        title: 'an invalid label key in matchLabels',
        resources: {
          ipAddressPools: [
            pool('blue', { addresses: ['10.0.0.0/24'], serviceAllocation: { serviceSelectors: [{ matchLabels: { 'bad key': 'x' } }] } }),
          ],
        },
        want: [
          `${P}/blue: spec.serviceAllocation.serviceSelectors[0].matchLabels[bad key]: label key "bad key" is invalid: the name part must be 1-63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`,
        ],
      },
      {
        title: 'the same selector twice',
        resources: {
          ipAddressPools: [
            pool('blue', {
              addresses: ['10.0.0.0/24'],
              serviceAllocation: { serviceSelectors: [{ matchLabels: { a: '1', b: '2' } }, { matchLabels: { b: '2', a: '1' } }] },
            }),
          ],
        },
        want: [`${P}/blue: spec.serviceAllocation.serviceSelectors[1]: is the same selector as spec.serviceAllocation.serviceSelectors[0]`],
      },
      {
        title: 'every error of a pool at once',
        resources: { ipAddressPools: [pool('blue', { addresses: ['nonsense', '10.0.0.9-10.0.0.1'], avoidBuggyIPs: 1 })] },
        want: [
          `${P}/blue: spec.addresses[0]: "nonsense" is neither a CIDR (such as 192.168.1.0/24) nor a range (such as 192.168.1.10-192.168.1.20)`,
          `${P}/blue: spec.addresses[1]: range start 10.0.0.9 is after its end 10.0.0.1`,
          `${P}/blue: spec.avoidBuggyIPs: must be true or false, not number 1`,
        ],
      },
    ]);
  });
});
