// What the lab router knows: its BGP neighbours, the paths it holds for a prefix, and the kernel
// route it installed. Fetches the daemons' output; parse-*.ts turn it into plain data.

import { birdProtocolName } from './bird-config.js';
import type { Lab } from './lab.js';
import { parseBirdProtocols, parseBirdRoute } from './parse-bird.js';
import { parseFrrNeighbors, parseFrrRibWeights, parseFrrRoute } from './parse-frr.js';
import { parseGoBgpNeighbors, parseGoBgpRoute } from './parse-gobgp.js';
import { FrrCommandError, frrVty } from './frr-vty.js';
import { parseKernelWeights } from './parse-ip.js';
import { goBgpCliArgv } from './router.js';
import { familyOf, type BgpNeighbor, type BgpPath, type RouteView } from './router-state.js';
import { CommandError, run } from './run.js';

export type { BgpNeighbor, BgpPath, RouteView } from './router-state.js';
export { waitFor } from './wait.js';

export async function bgpNeighbors(lab: Lab): Promise<BgpNeighbor[]> {
  const c = lab.routerControl;
  switch (c.kind) {
    case 'frr':
      return parseFrrNeighbors(await frrVty(c.vtySocketDir, 'bgpd', 'show bgp neighbors json'));
    case 'bird':
      return parseBirdProtocols(await lab.routerCli('show protocols all'));
    case 'gobgp':
      return parseGoBgpNeighbors(await run(goBgpCliArgv(c, ['-j', 'neighbor']), { timeoutMs: 10000 }));
  }
}

/** The neighbour at an address, if the router has one configured there. */
export async function bgpNeighbor(lab: Lab, address: string): Promise<BgpNeighbor | undefined> {
  return (await bgpNeighbors(lab)).find((n) => n.address === address);
}

/** The router's BGP paths and kernel next hops for exactly this prefix ("198.51.100.5/32", "2001:db8::5/128"). */
export async function routesFor(lab: Lab, prefix: string): Promise<RouteView> {
  const c = lab.routerControl;
  const [bgpPaths, kernelText, frrWeights] = await Promise.all([
    bgpPathsFor(lab, prefix),
    kernelRoutes(lab, prefix),
    c.kind === 'frr' ? zebraRoute(c.vtySocketDir, prefix).then(parseFrrRibWeights) : undefined,
  ]);
  const fibWeights = parseKernelWeights(kernelText);
  const fibNextHops = Object.keys(fibWeights).sort();
  if (c.kind !== 'frr') {
    // BIRD merges equal paths only when it exports to the kernel, gobgpd marks only its best
    // path: the kernel route says which paths are used beside it.
    for (const p of bgpPaths) {
      p.multipath = !p.best && fibNextHops.includes(p.nextHop);
      p.bestOrMultipath = p.best || p.multipath;
    }
  }
  return { prefix, bgpPaths, fibNextHops, fibWeights, ...(frrWeights ? { frrWeights } : {}) };
}

async function bgpPathsFor(lab: Lab, prefix: string): Promise<BgpPath[]> {
  const c = lab.routerControl;
  switch (c.kind) {
    case 'frr':
      return parseFrrRoute(await frrVty(c.vtySocketDir, 'bgpd', `show bgp ${familyOf(prefix)} unicast ${prefix} json`));
    case 'bird':
      return parseBirdRoute(await birdRoute(lab, prefix), birdPeers(lab));
    case 'gobgp':
      return parseGoBgpRoute(await run(goBgpCliArgv(c, ['-j', 'global', 'rib', '-a', familyOf(prefix), prefix]), { timeoutMs: 10000 }));
  }
}

function birdPeers(lab: Lab): (protocol: string) => string | undefined {
  const peers = new Map(
    lab.nodes.flatMap((n) => [
      [birdProtocolName(n.name, 'ipv4'), n.ipv4],
      [birdProtocolName(n.name, 'ipv6'), n.ipv6],
    ]),
  );
  return (protocol) => peers.get(protocol);
}

/** birdc exits 1 with "Network not found" when BIRD holds no route for the prefix. */
async function birdRoute(lab: Lab, prefix: string): Promise<string> {
  try {
    return await lab.routerCli(`show route ${prefix} all`);
  } catch (e) {
    if (e instanceof CommandError && /Network not found/.test(e.stdout)) return e.stdout;
    throw e;
  }
}

/** zebra answers a route it does not have with `{}` and a warning status. */
async function zebraRoute(vtySocketDir: string, prefix: string): Promise<string> {
  try {
    return await frrVty(vtySocketDir, 'zebra', `show ${familyOf(prefix) === 'ipv4' ? 'ip' : 'ipv6'} route ${prefix} json`);
  } catch (e) {
    if (e instanceof FrrCommandError && e.status === 1 && e.output.trim() === '{}') return '{}';
    throw e;
  }
}

function kernelRoutes(lab: Lab, prefix: string): Promise<string> {
  return run(['ip', '-n', lab.router.netns, '-j', familyOf(prefix) === 'ipv4' ? '-4' : '-6', 'route', 'show', 'exact', prefix]);
}
