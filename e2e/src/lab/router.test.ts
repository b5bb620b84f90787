import { expect } from 'chai';
import { cleanLeftovers } from './cleanup.js';
import { createLab, type Lab, type NodePeerOptions, type RouterKind } from './lab.js';
import { bgpNeighbors } from './router-view.js';
import { run } from './run.js';

const EVERY_OPTION: NodePeerOptions[] = [
  { password: 'md5-key', holdSec: 9, keepaliveSec: 3, bfd: { receiveMs: 100, transmitMs: 100, multiplier: 3 } },
  // iBGP, passive, BFD with the daemon's defaults
  { asn: 64500, passive: true, bfd: true },
];
/** gobgpd has no BFD. */
const EVERY_GOBGP_OPTION: NodePeerOptions[] = EVERY_OPTION.map(({ bfd: _bfd, ...rest }) => rest);

const EXTRA_CONFIG: Record<RouterKind, string> = {
  frr: 'route-map HERALD-EXTRA permit 10\n set local-preference 250\nexit\n',
  bird: 'protocol static lab_extra { ipv4; route 203.0.113.0/24 blackhole; }\n',
  gobgp: '[[defined-sets.prefix-sets]]\n  prefix-set-name = "herald-extra"\n  [[defined-sets.prefix-sets.prefix-list]]\n    ip-prefix = "203.0.113.0/24"\n',
};

const REJECTED: Record<RouterKind, RegExp> = {
  frr: /FRR rejected routerExtraConfig.*\n.*Unknown command/,
  bird: /BIRD did not start.*\n.*syntax error/s,
  gobgp: /gobgpd did not start.*gobgpd exited during startup/s,
};

for (const router of ['frr', 'bird', 'gobgp'] as const satisfies readonly RouterKind[]) {
  describe(`lab router configuration with ${router} @lab`, function () {
    this.timeout(20000);

    before(() => {
      cleanLeftovers();
    });

    async function withLab<T>(opts: { nodePeers?: NodePeerOptions[]; routerExtraConfig?: string }, body: (lab: Lab) => Promise<T>): Promise<T> {
      const lab = await createLab({ nodes: 2, router, ...opts });
      try {
        return await body(lab);
      } finally {
        await lab.destroy();
      }
    }

    it(`starts with every per-node option (password, timers, passive, ${router === 'gobgp' ? '' : 'BFD, '}iBGP) and a session per node and family`, async () => {
      await withLab({ nodePeers: router === 'gobgp' ? EVERY_GOBGP_OPTION : EVERY_OPTION }, async (lab) => {
        const neighbors = await bgpNeighbors(lab);
        expect(neighbors.map((n) => [n.address, n.remoteAs])).to.have.deep.members([
          [lab.nodes[0]!.ipv4, 64512],
          [lab.nodes[0]!.ipv6, 64512],
          [lab.nodes[1]!.ipv4, 64500],
          [lab.nodes[1]!.ipv6, 64500],
        ]);
      });
    });

    if (router !== 'gobgp') {
      it('runs a BFD daemon in the router namespace', async () => {
        await withLab({ nodePeers: EVERY_OPTION }, async (lab) => {
          const sockets = await lab.exec(lab.router, ['ss', '-H', '-u', '-l', '-n']);
          // BFD listens on UDP 3784 (single hop)
          expect(sockets).to.match(/:3784\b/);
          if (lab.routerControl.kind === 'frr') {
            // bfdd holds node1's BFD sessions with its timers, waiting for the node.
            const peers = JSON.parse(await lab.routerCli('show bfd peers json')) as Array<{
              peer?: string;
              'receive-interval'?: number;
              'transmit-interval'?: number;
              'detect-multiplier'?: number;
            }>;
            const node1 = peers.find((p) => p.peer === lab.nodes[0]!.ipv4);
            expect(node1).to.include({ 'receive-interval': 100, 'transmit-interval': 100, 'detect-multiplier': 3 });
          }
        });
      });
    } else {
      it('refuses BFD, which gobgpd lacks, before building anything', async () => {
        const err = await createLab({ nodes: 1, router, nodePeers: [{ bfd: true }] }).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(err?.message).to.match(/node1 \(nodePeers\[0\]\): bfd is set, but gobgpd has no BFD/);
      });
    }

    it('applies extra configuration text', async () => {
      await withLab({ routerExtraConfig: EXTRA_CONFIG[router] }, async (lab) => {
        if (router === 'frr') {
          expect(await lab.routerCli('show running-config')).to.include('route-map HERALD-EXTRA permit 10');
        } else if (router === 'bird') {
          const routes = await run(['ip', '-n', lab.router.netns, 'route', 'show', '203.0.113.0/24']);
          expect(routes).to.match(/blackhole 203\.0\.113\.0\/24 proto bird/);
        } else {
          expect(await lab.routerCli('policy prefix')).to.match(/herald-extra\s+203\.0\.113\.0\/24/);
        }
      });
    });

    it('fails, naming the problem, when the daemon rejects the extra configuration', async () => {
      const err = await createLab({ nodes: 1, router, routerExtraConfig: 'this is not configuration' }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).to.match(REJECTED[router]);
    });
  });
}
