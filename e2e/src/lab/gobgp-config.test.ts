import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goBgpRouterConfig, goBgpToml, type GoBgpConfig } from './gobgp-config.js';
import type { RouterPeer, RouterSetup } from './router-config.js';
import { run } from './run.js';

const config: GoBgpConfig = {
  asn: 64512,
  routerId: '198.18.42.11',
  neighbors: [
    { address: '198.18.42.1', family: 'ipv4', asn: 64500, password: 'p"w', holdSec: 9, keepaliveSec: 3, gracefulRestart: { restartTimeSec: 30 } },
    { address: 'fd2a:18::1', family: 'ipv6', asn: 64500, passive: true, adminDown: true },
  ],
};

const routerPeers: RouterPeer[] = [
  { node: 'node1', address: '198.18.42.11', family: 'ipv4', asn: 64512, options: { password: 'k3y', holdSec: 9 } },
  { node: 'node1', address: 'fd2a:18::11', family: 'ipv6', asn: 64512, options: { password: 'k3y', holdSec: 9 } },
  { node: 'node2', address: '198.18.42.12', family: 'ipv4', asn: 64500, options: { passive: true } },
];
const routerSetup: RouterSetup = { hostname: 'hl3fa201-router', routerId: '198.18.42.1', asn: 64500, peers: routerPeers };

describe('GoBGP configuration for a lab node', () => {
  it('peers with the router in each family with the options given', () => {
    const toml = goBgpToml(config);
    expect(toml).to.include('[global.config]\n  as = 64512\n  router-id = "198.18.42.11"');
    expect(toml).to.include('neighbor-address = "198.18.42.1"\n    peer-as = 64500\n    auth-password = "p\\"w"');
    expect(toml).to.include('hold-time = 9\n    keepalive-interval = 3');
    expect(toml).to.include('afi-safi-name = "ipv4-unicast"');
    expect(toml).to.include('neighbor-address = "fd2a:18::1"');
    expect(toml).to.include('afi-safi-name = "ipv6-unicast"');
    expect(toml).to.include('passive-mode = true');
    expect(toml).to.include('admin-down = true');
  });

  it('advertises graceful restart with its restart time, in the session and its address family', () => {
    const toml = goBgpToml(config);
    expect(toml).to.include('[neighbors.graceful-restart.config]\n    enabled = true\n    restart-time = 30');
    expect(toml).to.include('[neighbors.afi-safis.mp-graceful-restart.config]\n      enabled = true');
  });
});

describe('GoBGP configuration for the lab router', () => {
  it('peers with every node in its family, forms ECMP and sends nothing back', () => {
    const toml = goBgpToml(goBgpRouterConfig(routerSetup));
    expect(toml).to.include('[global.config]\n  as = 64500\n  router-id = "198.18.42.1"');
    expect(toml).to.include('[global.use-multiple-paths.config]\n  enabled = true');
    expect(toml).to.include('[global.apply-policy.config]\n  default-export-policy = "reject-route"');
    expect(toml.match(/\[\[neighbors\]\]/g)).to.have.length(3);
    expect(toml).to.include('neighbor-address = "fd2a:18::11"\n    peer-as = 64512\n    description = "node1"\n    auth-password = "k3y"');
    expect(toml).to.include('neighbor-address = "198.18.42.12"\n    peer-as = 64500');
  });

  it("applies a node's password, timers and passive mode, and keeps its routes while it restarts", () => {
    const { neighbors } = goBgpRouterConfig(routerSetup);
    expect(neighbors[0]).to.deep.include({ password: 'k3y', holdSec: 9, keepaliveSec: 3, gracefulRestart: { helperOnly: true } });
    expect(neighbors[2]).to.deep.include({ passive: true });
    expect(goBgpToml(goBgpRouterConfig(routerSetup))).to.include('    helper-only = true');
  });

  it('appends extra configuration and rejects a bad password naming the peer', () => {
    expect(goBgpToml(goBgpRouterConfig(routerSetup, '[[defined-sets.prefix-sets]]'))).to.match(/# extra configuration given to the lab\n\[\[defined-sets.prefix-sets\]\]/);
    const bad = { ...routerSetup, peers: [{ ...routerPeers[0]!, options: { password: 'two words' } }] };
    expect(() => goBgpRouterConfig(bad)).to.throw(/node1 198\.18\.42\.11: password/);
  });
});

describe('GoBGP configurations checked by gobgpd itself @lab', () => {
  for (const [what, toml] of [
    ['a node', goBgpToml(config)],
    ['the router', goBgpToml(goBgpRouterConfig(routerSetup))],
  ] as const) {
    it(`accepts ${what}'s configuration (gobgpd --dry-run)`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'herald-gobgp-'));
      try {
        const file = join(dir, 'gobgpd.toml');
        writeFileSync(file, toml);
        await run(['gobgpd', '-f', file, '--dry-run']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
