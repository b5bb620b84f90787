import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { REPO_ROOT } from '../harness/cluster.js';

const run = promisify(execFile);

describe('make demo @lab', function () {
  this.timeout(120000);

  for (const router of ['frr', 'bird']) {
    it(`brings up the lab with ${router}, gives the Service its address, shows the router's route over every node and a client reaching it, and leaves nothing behind`, async () => {
      const { stdout } = await run('node', [join(REPO_ROOT, 'e2e/dist/demo/main.js'), '--once', '--nodes', '2', '--router', router], {
        timeout: 110000,
      });
      expect(stdout).to.match(/ipaddresspool\.heraldlb\.io\/default created/);
      expect(stdout).to.match(/service\/web created/);
      expect(stdout).to.match(/bgppeer\.heraldlb\.io\/lab-router created/);
      expect(stdout).to.match(/node2\s+Ready/);
      expect(stdout).to.match(/ipaddresspool\.heraldlb\.io\/default\s+\["198\.51\.100\.0\/25"/);
      expect(stdout).to.match(/default\/web got 198\.51\.100\.1 /);
      expect(stdout).to.match(/service\/web\s+LoadBalancer\s+\S+\s+198\.51\.100\.1\s/);
      expect(stdout).to.match(/AddressAllocated\s+\S+\s+herald-controller\s+Allocated 198\.51\.100\.1 from IPAddressPool default/);
      expect(stdout).to.match(new RegExp(`router \\(${router}, AS 64500\\) neighbours`));
      expect(stdout.match(/^ {2}\S+\s+AS 64512\s+Established /gm), 'IPv4 and IPv6 sessions of both nodes').to.have.length(4);
      const nodes = /^ {2}router \S+, nodes (\S+) (\S+), client/m.exec(stdout)?.slice(1, 3).sort();
      expect(nodes, 'the demo names its nodes').to.have.length(2);
      expect(stdout).to.include(`198.51.100.1/32 next hops: ${(nodes ?? []).join(' ')} (ECMP over every node`);
      expect(stdout).to.match(/bgp-node1-default-web\s+node1\s+web\s+default/);
      expect(stdout).to.match(/bgp-node2-default-web\s+node2\s+web\s+default/);
      expect(stdout).to.match(/client got HTTP 200 from http:\/\/198\.51\.100\.1\/: answered by node[12] /);
      // The router hashes each new connection's ports: 20 of them all landing on one node has odds of 1 in 500,000.
      expect(stdout).to.match(/20 more requests, each a new connection: node1 \d+, node2 \d+; failed 0\n/);
      const prefix = /lab (hl[0-9a-f]{6}):/.exec(stdout)?.[1];
      expect(prefix, 'the demo names its lab').to.be.a('string');
      const { stdout: netns } = await run('ip', ['netns', 'list']);
      expect(netns).not.to.include(prefix ?? 'unreachable');
    });
  }

  it('in layer-2 mode, shows the owning node answering ARP for the address and the client reaching it there', async () => {
    const { stdout } = await run('node', [join(REPO_ROOT, 'e2e/dist/demo/main.js'), '--once', '--nodes', '2', '--mode', 'l2'], { timeout: 110000 });
    expect(stdout).to.match(/l2advertisement\.heraldlb\.io\/default created/);
    expect(stdout).to.match(/secret\/herald-memberlist created/);
    const address = /default\/web got (198\.18\.\d+\.2\d\d) /.exec(stdout)?.[1];
    expect(address, 'an address from the pool on the lab segment').to.be.a('string');
    const owner = /^l2-(node[12])-default-web\s+node[12]\s+web\s+default\s+eth0\s/m.exec(stdout)?.[1];
    expect(owner, 'one ServiceL2Status, on eth0').to.be.a('string');
    expect(stdout).to.include(`is at `);
    expect(stdout).to.include(`: the MAC of ${owner ?? '?'}, its owner`);
    expect(stdout).to.include(`client got HTTP 200 from http://${address ?? '?'}/: answered by ${owner ?? '?'} `);
    expect(stdout).to.match(new RegExp(`20 more requests, each a new connection: ${owner ?? '?'} 20; failed 0\n`));
    const prefix = /lab (hl[0-9a-f]{6}):/.exec(stdout)?.[1];
    const { stdout: netns } = await run('ip', ['netns', 'list']);
    expect(netns).not.to.include(prefix ?? 'unreachable');
  });
});
