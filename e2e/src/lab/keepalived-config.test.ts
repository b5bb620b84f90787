import { expect } from 'chai';
import { renderKeepalivedConfig, vrrpStateFromLog, type KeepalivedNodeConfig } from './keepalived-config.js';

const base: KeepalivedNodeConfig = {
  routerId: 'hl000001-node1',
  iface: 'eth0',
  instance: 'herald_51',
  virtualRouterId: 51,
  priority: 150,
  advertIntervalMs: 100,
  version: 3,
  address: '198.18.5.200',
  preempt: true,
};

describe("keepalived's configuration for a lab node", () => {
  it('moves one /32 on the node interface, every node starting as a backup', () => {
    expect(renderKeepalivedConfig(base)).to.equal(
      [
        'global_defs {',
        '  router_id hl000001-node1',
        '  vrrp_version 3',
        '  enable_script_security',
        '}',
        'vrrp_instance herald_51 {',
        '  state BACKUP',
        '  interface eth0',
        '  virtual_router_id 51',
        '  priority 150',
        '  advert_int 0.1',
        '  virtual_ipaddress {',
        '    198.18.5.200/32 dev eth0',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('writes the advertisement interval in seconds', () => {
    const interval = (ms: number): string | undefined => /advert_int (\S+)/.exec(renderKeepalivedConfig({ ...base, advertIntervalMs: ms }))?.[1];
    expect([1000, 100, 150, 10, 2500].map(interval)).to.deep.equal(['1', '0.1', '0.15', '0.01', '2.5']);
  });

  it('says nopreempt when a returning node must not take the address back, and lists unicast peers', () => {
    const text = renderKeepalivedConfig({ ...base, preempt: false, unicastSource: '198.18.5.11', unicastPeers: ['198.18.5.12', '198.18.5.13'] });
    expect(text).to.contain('  nopreempt\n');
    expect(text).to.contain('  unicast_src_ip 198.18.5.11\n  unicast_peer {\n    198.18.5.12\n    198.18.5.13\n  }\n');
  });

  it('holds more addresses of either family outside the adverts, and refuses one that is not an address', () => {
    const text = renderKeepalivedConfig({ ...base, extraAddresses: ['198.18.5.201', 'fd05:18::b:1'] });
    expect(text).to.contain('  virtual_ipaddress_excluded {\n    198.18.5.201/32 dev eth0\n    fd05:18::b:1/128 dev eth0\n  }\n}\n');
    expect(() => renderKeepalivedConfig({ ...base, extraAddresses: ['fd05:18::b:1/64'] })).to.throw(/extra address "fd05:18::b:1\/64" is not an IPv4 or IPv6 address/);
  });

  it('refuses intervals VRRP cannot carry, the owner priority 255, and addresses that are not IPv4', () => {
    expect(() => renderKeepalivedConfig({ ...base, version: 2 })).to.throw(/v2 advertises in whole seconds .* not every 100 ms/);
    expect(() => renderKeepalivedConfig({ ...base, advertIntervalMs: 105 })).to.throw(/hundredths/);
    expect(() => renderKeepalivedConfig({ ...base, priority: 255 })).to.throw(/priority 255 is not from 1 to 254/);
    expect(() => renderKeepalivedConfig({ ...base, virtualRouterId: 0 })).to.throw(/virtual router id 0/);
    expect(() => renderKeepalivedConfig({ ...base, address: 'fd05:18::200' })).to.throw(/not an IPv4 address/);
    expect(() => renderKeepalivedConfig({ ...base, unicastPeers: ['198.18.5.12'] })).to.throw(/own source address/);
  });
});

describe("reading a VRRP instance's state from keepalived's log", () => {
  const log = [
    'Tue Nov 24 22:35:29 2026: (herald_51) removing VIPs.',
    'Tue Nov 24 22:35:29 2026: (herald_51) Entering BACKUP STATE (init)',
    'Tue Nov 24 22:35:30 2026: (herald_51) Receive advertisement timeout',
    'Tue Nov 24 22:35:30 2026: (herald_51) Entering MASTER STATE',
    'Tue Nov 24 22:35:30 2026: (herald_51) setting VIPs.',
  ];

  it('is the last state entered, INIT before any', () => {
    expect(vrrpStateFromLog('', 'herald_51')).to.equal('INIT');
    expect(vrrpStateFromLog(log.slice(0, 2).join('\n'), 'herald_51')).to.equal('BACKUP');
    expect(vrrpStateFromLog(log.join('\n'), 'herald_51')).to.equal('MASTER');
    expect(vrrpStateFromLog([...log, 'Tue Nov 24 22:35:51 2026: (herald_51) Entering FAULT STATE'].join('\n'), 'herald_51')).to.equal('FAULT');
  });

  it('ignores other instances, and is STOPPED once keepalived says it stopped', () => {
    expect(vrrpStateFromLog(log.join('\n'), 'herald_52')).to.equal('INIT');
    expect(vrrpStateFromLog([...log, 'Tue Nov 24 22:45:57 2026: Stopped Keepalived v2.2.7 (01/16,2022)'].join('\n'), 'herald_51')).to.equal('STOPPED');
  });
});
