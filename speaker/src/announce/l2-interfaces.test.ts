import { expect } from 'chai';
import type { L2AdvertisementConfig } from '@herald/shared/config/types.js';
import { parseIP } from '@herald/shared/net/address.js';
import { parseLink } from '../native/link.js';
import { type NodeInterface, chooseInterfaces, interfaceTable, nodeInterfaces } from './l2-interfaces.js';
import { INTERFACES, address, iface } from './l2-test-fixtures.js';

function ad(name: string, interfaces: string[] = []): L2AdvertisementConfig {
  return { name, pools: ['public'], nodeSelectors: [], interfaces, serviceSelectors: [] };
}

function choose(ip: string, ads: L2AdvertisementConfig[], interfaces: NodeInterface[] = INTERFACES): ReturnType<typeof chooseInterfaces> {
  return chooseInterfaces(parseIP(ip) as NonNullable<ReturnType<typeof parseIP>>, ads, interfaceTable(interfaces), 'n1');
}

function chosen(result: ReturnType<typeof chooseInterfaces>): string[] | string {
  return result.ok ? result.interfaces.map((i) => i.name) : result.message;
}

describe('choosing the interfaces a node answers on for an address', () => {
  describe('by default, the interfaces whose subnet contains the address', () => {
    const rows: Array<{ title: string; ip: string; interfaces?: NodeInterface[]; want: string[] | string }> = [
      { title: 'picks the interface on the address subnet, not the others', ip: '198.51.100.10', want: ['eth1'] },
      { title: 'does the same for IPv6', ip: '2001:db8:100::10', want: ['eth1'] },
      {
        title: 'picks every interface whose subnet contains the address',
        ip: '198.51.100.10',
        interfaces: [...INTERFACES, iface('eth2', { ifindex: 4, addresses: ['198.51.100.3/25'] })],
        want: ['eth1', 'eth2'],
      },
      {
        title: 'refuses when no subnet contains the address, saying what to set',
        ip: '203.0.113.1',
        want: 'no interface on node n1 has a subnet containing 203.0.113.1; set L2Advertisement interfaces',
      },
      {
        title: 'never uses a down interface',
        ip: '198.51.100.10',
        interfaces: [iface('eth1', { up: false, addresses: ['198.51.100.2/24'] })],
        want: 'no usable interface on node n1 has a subnet containing 198.51.100.10 (eth1 is down)',
      },
      {
        title: 'never uses an interface without carrier',
        ip: '198.51.100.10',
        interfaces: [iface('eth1', { operState: 'lowerlayerdown', addresses: ['198.51.100.2/24'] })],
        want: 'no usable interface on node n1 has a subnet containing 198.51.100.10 (eth1 has no carrier (operstate lowerlayerdown))',
      },
      {
        title: 'never uses loopback, even when the address is on it',
        ip: '198.51.100.10',
        interfaces: [iface('lo', { loopback: true, addresses: ['198.51.100.10/32'] })],
        want: 'no usable interface on node n1 has a subnet containing 198.51.100.10 (lo is a loopback interface)',
      },
      {
        title: 'never uses a NOARP interface such as kube-ipvs0',
        ip: '198.51.100.10',
        interfaces: [iface('kube-ipvs0', { noarp: true, addresses: ['198.51.100.10/32'] }), iface('eth1', { addresses: ['198.51.100.2/24'] })],
        want: ['eth1'],
      },
      {
        title: 'never uses an interface without a MAC',
        ip: '198.51.100.10',
        interfaces: [iface('tun0', { mac: null, type: 65534, addresses: ['198.51.100.2/24'] })],
        want: 'no usable interface on node n1 has a subnet containing 198.51.100.10 (tun0 is not an Ethernet interface (type 65534))',
      },
      {
        title: 'uses the bridge rather than a bridge port',
        ip: '198.51.100.10',
        interfaces: [iface('eth1', { ifindex: 3, master: 'br0', masterKind: 'bridge', addresses: ['198.51.100.3/24'] }), iface('br0', { ifindex: 7, addresses: ['198.51.100.2/24'] })],
        want: ['br0'],
      },
    ];
    for (const row of rows) {
      it(row.title, () => {
        expect(chosen(choose(row.ip, [ad('public')], row.interfaces))).to.deep.equal(row.want);
      });
    }

    it('gives the interface index and MAC the responder needs', () => {
      expect(choose('198.51.100.10', [ad('public')])).to.deep.equal({ ok: true, interfaces: [{ name: 'eth1', ifindex: 3, mac: '02:00:00:00:00:03' }], notes: [] });
    });
  });

  describe('when L2Advertisements name interfaces', () => {
    const bond = [
      iface('eth2', { ifindex: 4, master: 'bond0', masterKind: 'bond', slave: true }),
      iface('eth3', { ifindex: 5, master: 'bond0', masterKind: 'bond', slave: true }),
      iface('bond0', { ifindex: 6, addresses: ['192.0.2.2/24'] }),
    ];
    const rows: Array<{ title: string; ads: L2AdvertisementConfig[]; interfaces?: NodeInterface[]; want: string[] | string; notes?: string[] }> = [
      { title: 'uses the named interface even when another holds the subnet', ads: [ad('a', ['eth0'])], want: ['eth0'] },
      { title: 'unites the lists of every advertisement that applies', ads: [ad('a', ['eth0']), ad('b', ['eth1'])], want: ['eth0', 'eth1'] },
      { title: 'adds the subnet rule for an advertisement that names none', ads: [ad('a', ['eth0']), ad('b')], want: ['eth0', 'eth1'] },
      {
        title: 'skips a named interface that does not exist, saying so',
        ads: [ad('a', ['eth0', 'eth9'])],
        want: ['eth0'],
        notes: ['eth9 does not exist on node n1 (named by L2Advertisement a)'],
      },
      {
        title: 'refuses when no named interface is usable',
        ads: [ad('a', ['lo', 'eth9']), ad('b', ['eth9'])],
        want: 'none of the interfaces named for 198.51.100.10 is usable on node n1: eth9 does not exist on node n1 (named by L2Advertisement a, b); lo is a loopback interface (named by L2Advertisement a)',
      },
      {
        title: 'uses the bond for a named bond member, once for all its members',
        ads: [ad('a', ['eth2', 'eth3'])],
        interfaces: bond,
        want: ['bond0'],
        notes: ['eth2 is a member of the bond bond0, so bond0 is used', 'eth3 is a member of the bond bond0, so bond0 is used'],
      },
      {
        title: 'refuses a member whose bond is down',
        ads: [ad('a', ['eth2'])],
        interfaces: [bond[0] as NodeInterface, iface('bond0', { ifindex: 6, up: false })],
        want: 'none of the interfaces named for 198.51.100.10 is usable on node n1: eth2 is a member of the bond bond0, so bond0 is used, but bond0 is down (named by L2Advertisement a)',
      },
      {
        title: 'refuses a member whose master it cannot see',
        ads: [ad('a', ['eth2'])],
        interfaces: [bond[0] as NodeInterface],
        want: 'none of the interfaces named for 198.51.100.10 is usable on node n1: eth2 is a member of the bond bond0, which node n1 does not list (named by L2Advertisement a)',
      },
      {
        title: 'refuses a member of something that is neither bridge nor bond (a VRF)',
        ads: [ad('a', ['eth4'])],
        interfaces: [iface('eth4', { master: 'blue' }), iface('blue', { noarp: true })],
        want: 'none of the interfaces named for 198.51.100.10 is usable on node n1: eth4 is a member of another interface blue; use blue instead (named by L2Advertisement a)',
      },
    ];
    for (const row of rows) {
      it(row.title, () => {
        const result = choose('198.51.100.10', row.ads, row.interfaces);
        expect(chosen(result)).to.deep.equal(row.want);
        if (row.notes !== undefined && result.ok) expect(result.notes).to.deep.equal(row.notes);
      });
    }
  });

  describe("reading this node's interfaces from sysfs and os.networkInterfaces()", () => {
    const eth1 = parseLink('eth1', { ifindex: '3', type: '1', address: '02:00:00:00:00:03', addr_len: '6', mtu: '1500', flags: '0x1003', operstate: 'up', brport: false, bonding_slave: false });
    const down = parseLink('eth2', { ifindex: '4', type: '1', address: '02:00:00:00:00:04', addr_len: '6', mtu: '1500', flags: '0x1002', operstate: 'down', brport: false, bonding_slave: false });

    it('joins the addresses to their link by name, labels included, with prefix lengths from cidr', () => {
      const result = nodeInterfaces([eth1, down], {
        eth1: [
          { address: '198.51.100.2', netmask: '255.255.255.0', family: 'IPv4', cidr: '198.51.100.2/24' },
          { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', cidr: 'fe80::1/64' },
        ],
        'eth1:1': [{ address: '198.51.100.3', netmask: '255.255.255.128', family: 'IPv4', cidr: '198.51.100.3/25' }],
      });
      expect(result.map((i) => [i.name, i.addresses])).to.deep.equal([
        ['eth1', [address('198.51.100.2/24'), address('fe80::1/64'), address('198.51.100.3/25')]],
        ['eth2', []],
      ]);
      expect(result[0]).to.deep.include({ ifindex: 3, mac: '02:00:00:00:00:03', flags: 0x1003 });
    });

    it('falls back to the netmask, drops zones, and leaves out what it cannot read', () => {
      const result = nodeInterfaces([eth1], {
        eth1: [
          { address: '198.51.100.2', netmask: '255.255.254.0', family: 'IPv4', cidr: null },
          { address: 'fe80::1%eth1', netmask: 'ffff:ffff:ffff:ffff::', family: 6 },
          { address: '198.51.100.9', netmask: '255.0.255.0', family: 'IPv4' },
          { address: 'not-an-address', netmask: '255.255.255.0', family: 'IPv4', cidr: 'x/24' },
        ],
        ghost: [{ address: '192.0.2.1', netmask: '255.255.255.0', family: 'IPv4', cidr: '192.0.2.1/24' }],
      });
      expect(result.map((i) => [i.name, i.addresses])).to.deep.equal([['eth1', [address('198.51.100.2/23'), address('fe80::1/64')]]]);
    });
  });
});
