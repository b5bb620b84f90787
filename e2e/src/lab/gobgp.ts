// GoBGP in a node namespace, peering with the lab router: a reference speaker for tests and the
// baseline for benchmarks.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goBgpToml, type GoBgpNeighbor } from './gobgp-config.js';
import type { Lab, LabHost, LabProcess } from './lab.js';
import { listeningTcpPorts } from './procs.js';
import { familyOf } from './router-state.js';
import { WaitAborted, waitFor } from './wait.js';

export interface GoBgpOptions {
  /** The node's ASN as the lab configured the router for it, unless given. */
  asn?: number;
  /** gRPC API port on the namespace's loopback (default 50051; namespaces do not share ports). */
  apiPort?: number;
  /** Peer over IPv6 too (default: when the lab configured IPv6 sessions). */
  ipv6?: boolean;
  /** Extra name part for the log and config file, when one node runs GoBGP more than once. */
  tag?: string;
}

export interface RouteAttributes {
  /** "asn:value" each */
  communities?: string[];
  /** "global:local1:local2" each */
  largeCommunities?: string[];
  med?: number;
  localPref?: number;
  nextHop?: string;
}

export interface GoBgp {
  node: LabHost;
  apiPort: number;
  process: LabProcess;
  /** Runs the gobgp CLI against this instance; resolves to its stdout. */
  cli(args: readonly string[]): Promise<string>;
  /** Announces a prefix with ORIGIN IGP, as other speakers do, so the router can form ECMP with them. */
  announce(prefix: string, attrs?: RouteAttributes): Promise<void>;
  withdraw(prefix: string): Promise<void>;
  /** Session state per router address ("established", "active", ... as gobgp reports it). */
  sessionStates(): Promise<Map<string, string>>;
  waitEstablished(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startGoBgp(lab: Lab, node: LabHost, opts: GoBgpOptions = {}): Promise<GoBgp> {
  const index = lab.nodes.findIndex((n) => n.netns === node.netns);
  const peer = lab.nodePeers[index];
  if (index < 0 || !peer) throw new Error(`GoBGP: ${node.name} (${node.netns}) is not a node of lab ${lab.prefix}`);
  const apiPort = opts.apiPort ?? 50051;
  const ipv6 = opts.ipv6 ?? lab.ipv6Sessions;
  const common: Omit<GoBgpNeighbor, 'address' | 'family'> = {
    asn: lab.routerAsn,
    ...(peer.password !== undefined ? { password: peer.password } : {}),
    ...(peer.holdSec !== undefined ? { holdSec: peer.holdSec } : {}),
    ...(peer.keepaliveSec !== undefined ? { keepaliveSec: peer.keepaliveSec } : {}),
  };
  const neighbors: GoBgpNeighbor[] = [
    { ...common, address: lab.router.ipv4, family: 'ipv4' },
    ...(ipv6 ? [{ ...common, address: lab.router.ipv6, family: 'ipv6' as const }] : []),
  ];
  const name = `gobgpd-${node.name}${opts.tag ? `-${opts.tag}` : ''}`;
  const configFile = join(lab.runDir, `${name}.toml`);
  writeFileSync(configFile, goBgpToml({ asn: opts.asn ?? peer.asn, routerId: node.ipv4, neighbors }));
  const api = `127.0.0.1:${apiPort}`;
  const proc = lab.spawn(node, ['gobgpd', '-f', configFile, '--api-hosts', api, '--pprof-disable', '--log-plain'], { name });
  const cli = (args: readonly string[]): Promise<string> =>
    lab.exec(node, ['gobgp', '-u', '127.0.0.1', '-p', String(apiPort), ...args], { timeoutMs: 10000 });

  // Ask gobgp only once the port listens: against a closed port the CLI waits a second before it fails.
  await waitFor(
    async () => {
      if (!proc.running()) throw new WaitAborted(`gobgpd on ${node.name} exited:\n${proc.logTail()}`);
      if (!listeningTcpPorts(proc.pid).has(apiPort)) return false;
      await cli(['global']);
      return true;
    },
    10000,
    { what: `gobgpd on ${node.name} to answer on ${api}`, intervalMs: 20 },
  );

  const sessionStates = async (): Promise<Map<string, string>> => {
    const peers = JSON.parse(await cli(['-j', 'neighbor'])) as Array<{
      conf?: { neighbor_address?: string };
      state?: { session_state?: number | string };
    }>;
    return new Map(peers.map((p) => [p.conf?.neighbor_address ?? '', sessionStateName(p.state?.session_state)]));
  };

  return {
    node,
    apiPort,
    process: proc,
    cli,
    async announce(prefix, attrs = {}) {
      await cli(['global', 'rib', 'add', '-a', familyOf(prefix), prefix, ...attributeArgs(attrs)]);
    },
    async withdraw(prefix) {
      await cli(['global', 'rib', 'del', '-a', familyOf(prefix), prefix]);
    },
    sessionStates,
    async waitEstablished(timeoutMs = 15000) {
      await waitFor(
        async () => {
          const states = await sessionStates();
          return neighbors.every((n) => states.get(n.address) === 'established') ? true : false;
        },
        timeoutMs,
        { what: `GoBGP on ${node.name} to establish sessions with ${neighbors.map((n) => n.address).join(', ')}`, intervalMs: 50 },
      );
    },
    async stop() {
      await proc.stop('SIGTERM', 2000);
    },
  };
}

/** gobgp prints the BGP FSM state as a number in JSON (the gRPC enum) or, in older releases, a name. */
function sessionStateName(state: number | string | undefined): string {
  const names = ['unknown', 'idle', 'connect', 'active', 'opensent', 'openconfirm', 'established'];
  if (typeof state === 'number') return names[state] ?? `state ${state}`;
  return (state ?? 'unknown').toLowerCase().replace(/^session_state_/, '');
}

function attributeArgs(a: RouteAttributes): string[] {
  const args = a.nextHop !== undefined ? ['nexthop', a.nextHop] : [];
  args.push('origin', 'igp');
  if (a.med !== undefined) args.push('med', String(a.med));
  if (a.localPref !== undefined) args.push('local-pref', String(a.localPref));
  if (a.communities?.length) args.push('community', a.communities.join(','));
  if (a.largeCommunities?.length) args.push('large-community', a.largeCommunities.join(','));
  return args;
}
