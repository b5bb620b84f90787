import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { birdConfig, birdProtocolName } from './bird-config.js';
import type { RouterPeer } from './router-config.js';
import { run } from './run.js';

const peers: RouterPeer[] = [
  { node: 'node1', address: '198.18.42.11', family: 'ipv4', asn: 64512, options: {} },
  { node: 'node1', address: 'fd2a:18::11', family: 'ipv6', asn: 64512, options: {} },
  {
    node: 'node2',
    address: '198.18.42.12',
    family: 'ipv4',
    asn: 64500,
    options: { password: 's3cret', holdSec: 9, keepaliveSec: 3, passive: true, bfd: { receiveMs: 100, transmitMs: 100, multiplier: 3 } },
  },
];
const input = { hostname: 'hl3fa201-router', routerId: '198.18.42.1', asn: 64500, peers };

describe('BIRD configuration for the lab router', () => {
  it('has one BGP protocol per node and family, importing everything and exporting nothing', () => {
    const conf = birdConfig(input);
    expect(conf).to.include('protocol bgp node1_v4 from lab_node {\n  description "node1";\n  neighbor 198.18.42.11 as 64512;');
    expect(conf).to.include('protocol bgp node1_v6 from lab_node {');
    expect(conf).to.include('  ipv4 { import all; export none; gateway direct; };');
    expect(conf).to.include('  ipv6 { import all; export none; gateway direct; };');
    expect(conf).to.include('router id 198.18.42.1;');
    expect(conf).to.include('  local as 64500;');
    expect(birdProtocolName('node7', 'ipv6')).to.equal('node7_v6');
  });

  it("keeps a restarting node's routes (graceful restart) on every session", () => {
    expect(birdConfig(input)).to.include('template bgp lab_node {').and.to.include('  graceful restart on;\n');
  });

  it('merges equal paths into multipath kernel routes in both families', () => {
    const conf = birdConfig(input);
    expect(conf.match(/merge paths on limit 32;/g)).to.have.length(2);
    expect(conf).to.include('ipv4 { import none; export all; };');
    expect(conf).to.include('ipv6 { import none; export all; };');
  });

  it('applies a node\'s password, timers, passive mode and BFD, and starts BFD only when asked', () => {
    const conf = birdConfig(input);
    const node2 = conf.slice(conf.indexOf('protocol bgp node2_v4'));
    expect(node2).to.include('password "s3cret";');
    expect(node2).to.include('hold time 9;');
    expect(node2).to.include('keepalive time 3;');
    expect(node2).to.include('passive on;');
    expect(node2).to.include('bfd { min rx interval 100 ms; min tx interval 100 ms; multiplier 3; };');
    expect(conf).to.include('protocol bfd lab_bfd {}');
    expect(birdConfig({ ...input, peers: peers.slice(0, 2) })).not.to.include('protocol bfd');
  });

  it('retries quickly after connection failures and session errors', () => {
    const conf = birdConfig(input);
    expect(conf).to.include('connect retry time 1;');
    expect(conf).to.include('error wait time 1, 5;');
  });

  it('appends extra configuration at the end', () => {
    expect(birdConfig({ ...input, extraConfig: 'filter lab_extra { accept; }' }).trimEnd().endsWith('filter lab_extra { accept; }')).to.equal(true);
  });
});

describe('BIRD configuration checked by BIRD itself @lab', () => {
  it('is accepted by bird -p with every per-node option', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-bird-'));
    try {
      const file = join(dir, 'bird.conf');
      writeFileSync(file, birdConfig(input));
      await run(['bird', '-p', '-c', file]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
