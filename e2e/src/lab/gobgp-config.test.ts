import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goBgpToml, type GoBgpConfig } from './gobgp-config.js';
import { run } from './run.js';

const config: GoBgpConfig = {
  asn: 64512,
  routerId: '198.18.42.11',
  neighbors: [
    { address: '198.18.42.1', family: 'ipv4', asn: 64500, password: 'p"w', holdSec: 9, keepaliveSec: 3 },
    { address: 'fd2a:18::1', family: 'ipv6', asn: 64500, passive: true },
  ],
};

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
  });
});

describe('GoBGP configuration checked by gobgpd itself @lab', () => {
  it('is accepted by gobgpd --dry-run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-gobgp-'));
    try {
      const file = join(dir, 'gobgpd.toml');
      writeFileSync(file, goBgpToml(config));
      await run(['gobgpd', '-f', file, '--dry-run']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
