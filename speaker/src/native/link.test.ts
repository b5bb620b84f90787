import { expect } from 'chai';
import { type LinkFiles, type LinkInfo, parseLink, readLink, unusableReason } from './link.js';

/** The files of a veth that is up, as sysfs holds them (each ends in a newline). */
function vethFiles(overrides: Partial<LinkFiles> = {}): LinkFiles {
  return {
    ifindex: '4\n',
    type: '1\n',
    address: '02:00:5E:10:07:01\n',
    addr_len: '6\n',
    mtu: '1500\n',
    flags: '0x1003\n',
    operstate: 'up\n',
    brport: false,
    bonding_slave: false,
    ...overrides,
  };
}

function link(overrides: Partial<LinkInfo> = {}): LinkInfo {
  return { ...parseLink('eth1', vethFiles()), ...overrides };
}

describe('interface details from sysfs', () => {
  it('reads index, type, MAC, MTU, flags and state', () => {
    expect(parseLink('eth1', vethFiles())).to.deep.equal({
      name: 'eth1',
      ifindex: 4,
      type: 1,
      mac: '02:00:5e:10:07:01',
      mtu: 1500,
      flags: 0x1003,
      operState: 'up',
    });
  });

  it('names the master of a bridge port, and what it is', () => {
    expect(parseLink('v1', vethFiles({ master: '../br0', brport: true, flags: '0x1303' }))).to.deep.include({
      master: 'br0',
      masterKind: 'bridge',
    });
    expect(parseLink('eth2', vethFiles({ master: '../bond0', bonding_slave: true, flags: '0x1803' }))).to.deep.include({
      master: 'bond0',
      masterKind: 'bond',
    });
  });

  it('leaves out the MAC of a link whose address is not 6 bytes', () => {
    const tunnel = parseLink('tun0', vethFiles({ type: '65534\n', address: '\n', addr_len: '0\n', flags: '0x1091' }));
    expect(tunnel).not.to.have.property('mac');
  });

  it('names the file that does not hold a number', () => {
    expect(() => parseLink('eth1', vethFiles({ ifindex: 'x\n' }))).to.throw('interface eth1: /sys/class/net/eth1/ifindex is "x\\n", not a number');
    expect(() => parseLink('eth1', vethFiles({ address: 'zz\n' }))).to.throw(/interface eth1: \/sys\/class\/net\/eth1\/address: "zz" is not a MAC address/);
  });

  it('lets layer-2 mode use an Ethernet link that is up', () => {
    expect(unusableReason(link())).to.equal(undefined);
    expect(unusableReason(link({ operState: 'unknown' }))).to.equal(undefined);
  });

  const unusable: [string, Partial<LinkInfo>, string][] = [
    ['loopback', { flags: 0x9, type: 772 }, 'eth1 is a loopback interface'],
    ['administratively down', { flags: 0x1002 }, 'eth1 is down'],
    ['up without carrier', { operState: 'lowerlayerdown' }, 'eth1 has no carrier (operstate lowerlayerdown)'],
    ['NOARP', { flags: 0x1083 }, 'eth1 does not use ARP (NOARP)'],
    ['not Ethernet', { type: 65534 }, 'eth1 is not an Ethernet interface (type 65534)'],
    ['a bridge port', { master: 'br0', masterKind: 'bridge' }, 'eth1 is a member of the bridge br0; use br0 instead'],
    ['a bond member', { master: 'bond0', masterKind: 'bond', flags: 0x1803 }, 'eth1 is a member of the bond bond0; use bond0 instead'],
    ['enslaved to something else', { master: 'vrf-blue' }, 'eth1 is a member of another interface vrf-blue; use vrf-blue instead'],
    ['flagged as a slave with no master link', { flags: 0x1803 }, 'eth1 is a member of the bond; use the master instead'],
  ];
  for (const [what, overrides, reason] of unusable) {
    it(`keeps layer-2 mode off a link that is ${what}`, () => {
      expect(unusableReason(link(overrides))).to.equal(reason);
    });
  }

  it('reads the loopback interface of this namespace', () => {
    expect(readLink('lo')).to.deep.include({ name: 'lo', type: 772, ifindex: 1 });
  });

  it('refuses a name that would leave /sys/class/net', () => {
    expect(() => readLink('../block')).to.throw('interface: "../block" is not an interface name');
  });
});
