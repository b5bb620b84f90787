import { expect } from 'chai';
import { FRR_EXPORT_NONE, frrConfigs } from './frr-config.js';
import type { RouterPeer, RouterSetup } from './router-config.js';

function setup(peers: RouterPeer[]): RouterSetup {
  return { hostname: 'hl3fa201-router', routerId: '198.18.42.1', asn: 64500, peers };
}

const node1v4: RouterPeer = { node: 'node1', address: '198.18.42.11', family: 'ipv4', asn: 64512, options: {} };
const node1v6: RouterPeer = { node: 'node1', address: 'fd2a:18::11', family: 'ipv6', asn: 64512, options: {} };

describe('FRR configuration for the lab router', () => {
  it('peers with every node in its family, accepts routes without policy and forms ECMP', () => {
    const { bgpd } = frrConfigs(setup([node1v4, node1v6]));
    const lines = bgpd.split('\n');
    expect(lines).to.include.members([
      'router bgp 64500',
      ' bgp router-id 198.18.42.1',
      ' no bgp ebgp-requires-policy',
      ' coalesce-time 20',
      ' neighbor 198.18.42.11 remote-as 64512',
      ' neighbor fd2a:18::11 remote-as 64512',
      ' address-family ipv4 unicast',
      '  maximum-paths 32',
      '  maximum-paths ibgp 32',
      '  neighbor 198.18.42.11 activate',
      ' address-family ipv6 unicast',
      '  neighbor fd2a:18::11 activate',
    ]);
    const v4 = bgpd.slice(bgpd.indexOf('address-family ipv4'), bgpd.indexOf('address-family ipv6'));
    expect(v4).not.to.include('fd2a:18::11');
  });

  it("keeps a restarting node's routes (graceful restart) and lets weighted ECMP follow link bandwidth by default", () => {
    const { bgpd } = frrConfigs(setup([node1v4]));
    expect(bgpd.split('\n')).to.include(' bgp graceful-restart');
    // FRR honours the link bandwidth community unless told otherwise: the lab never says `bgp bestpath bandwidth`.
    expect(bgpd).not.to.include('bestpath bandwidth');
  });

  it('sends nothing back to the nodes', () => {
    const { bgpd } = frrConfigs(setup([node1v4]));
    expect(bgpd).to.include(`route-map ${FRR_EXPORT_NONE} deny 10`);
    expect(bgpd).to.include(`  neighbor 198.18.42.11 route-map ${FRR_EXPORT_NONE} out`);
  });

  it('applies a node\'s password, timers, passive mode and BFD timers', () => {
    const peer = { ...node1v4, options: { password: 's3cret', holdSec: 9, passive: true, bfd: { receiveMs: 100, transmitMs: 150, multiplier: 4 } } };
    const { bgpd, bfdd } = frrConfigs(setup([peer]));
    expect(bgpd.split('\n')).to.include.members([
      ' neighbor 198.18.42.11 password s3cret',
      ' neighbor 198.18.42.11 timers 3 9',
      ' neighbor 198.18.42.11 passive',
      ' neighbor 198.18.42.11 bfd profile lab-node1',
    ]);
    expect(bfdd.split('\n')).to.include.members([
      'bfd',
      ' profile lab-node1',
      '  detect-multiplier 4',
      '  receive-interval 100',
      '  transmit-interval 150',
    ]);
  });

  it('uses FRR\'s default BFD timers when a node asks for BFD without timers', () => {
    const { bgpd, bfdd } = frrConfigs(setup([{ ...node1v4, options: { bfd: true } }]));
    expect(bgpd).to.include(' neighbor 198.18.42.11 bfd\n');
    expect(bfdd).not.to.include('profile');
  });

  it('rejects a password that would not survive the configuration syntax, naming the peer', () => {
    expect(() => frrConfigs(setup([{ ...node1v4, options: { password: 'two words' } }]))).to.throw(/node1 198\.18\.42\.11: password/);
  });

  it('rejects a hold time below 3 seconds, naming the peer', () => {
    expect(() => frrConfigs(setup([{ ...node1v4, options: { holdSec: 2 } }]))).to.throw(/node1 198\.18\.42\.11: holdSec 2/);
  });
});
