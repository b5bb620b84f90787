import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { REPO_ROOT } from '../harness/cluster.js';

const run = promisify(execFile);

describe('make demo @lab', function () {
  this.timeout(120000);

  for (const router of ['frr', 'bird']) {
    it(`brings up the lab with ${router}, applies the examples, gives the Service its address, shows them and the router, and leaves nothing behind`, async () => {
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
      const prefix = /lab (hl[0-9a-f]{6}):/.exec(stdout)?.[1];
      expect(prefix, 'the demo names its lab').to.be.a('string');
      const { stdout: netns } = await run('ip', ['netns', 'list']);
      expect(netns).not.to.include(prefix ?? 'unreachable');
    });
  }
});
