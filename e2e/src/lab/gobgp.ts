// GoBGP in a node namespace, peering with the lab router: a reference speaker for tests and the
// baseline for benchmarks.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOBGP_API_PORT, goBgpToml, type GoBgpNeighbor } from './gobgp-config.js';
import type { Lab, LabHost, LabProcess } from './lab.js';
import { parseGoBgpNeighbors } from './parse-gobgp.js';
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
  /** Advertise graceful restart (RFC 4724) with this restart time, so the router keeps the routes while gobgpd restarts. */
  gracefulRestartSec?: number;
  /** Configure the sessions without starting them (`enable()` starts them), to load routes first. */
  adminDown?: boolean;
}

export interface RouteAttributes {
  /** "asn:value" each */
  communities?: string[];
  /** "global:local1:local2" each */
  largeCommunities?: string[];
  med?: number;
  localPref?: number;
  nextHop?: string;
  /**
   * Link bandwidth extended community (bytes per second; 125000 is 1 Mbit/s), attached by an
   * export policy, once per prefix: gobgp's CLI cannot put extended communities on a route.
   */
  linkBandwidth?: number;
}

export interface GoBgp {
  node: LabHost;
  asn: number;
  apiPort: number;
  process: LabProcess;
  /** Runs the gobgp CLI against this instance; resolves to its stdout. */
  cli(args: readonly string[]): Promise<string>;
  /** Announces a prefix with ORIGIN IGP, as other speakers do, so the router can form ECMP with them. */
  announce(prefix: string, attrs?: RouteAttributes): Promise<void>;
  withdraw(prefix: string): Promise<void>;
  /** Session state per router address ("Established", "Active", ... as FRR names them). */
  sessionStates(): Promise<Map<string, string>>;
  waitEstablished(timeoutMs?: number): Promise<void>;
  /** Starts sessions configured with `adminDown`. */
  enable(): Promise<void>;
  stop(): Promise<void>;
}

/** The export policy that carries link bandwidth statements. */
const LB_POLICY = 'lab-export';

export async function startGoBgp(lab: Lab, node: LabHost, opts: GoBgpOptions = {}): Promise<GoBgp> {
  const index = lab.nodes.findIndex((n) => n.netns === node.netns);
  const peer = lab.nodePeers[index];
  if (index < 0 || !peer) throw new Error(`GoBGP: ${node.name} (${node.netns}) is not a node of lab ${lab.prefix}`);
  const apiPort = opts.apiPort ?? GOBGP_API_PORT;
  const ipv6 = opts.ipv6 ?? lab.ipv6Sessions;
  const common: Omit<GoBgpNeighbor, 'address' | 'family'> = {
    asn: lab.routerAsn,
    ...(peer.password !== undefined ? { password: peer.password } : {}),
    ...(peer.holdSec !== undefined ? { holdSec: peer.holdSec } : {}),
    ...(peer.keepaliveSec !== undefined ? { keepaliveSec: peer.keepaliveSec } : {}),
    ...(opts.gracefulRestartSec !== undefined ? { gracefulRestart: { restartTimeSec: opts.gracefulRestartSec } } : {}),
    ...(opts.adminDown ? { adminDown: true } : {}),
  };
  const neighbors: GoBgpNeighbor[] = [
    { ...common, address: lab.router.ipv4, family: 'ipv4' },
    ...(ipv6 ? [{ ...common, address: lab.router.ipv6, family: 'ipv6' as const }] : []),
  ];
  const name = `gobgpd-${node.name}${opts.tag ? `-${opts.tag}` : ''}`;
  const configFile = join(lab.runDir, `${name}.toml`);
  const asn = opts.asn ?? peer.asn;
  writeFileSync(configFile, goBgpToml({ asn, routerId: node.ipv4, neighbors }));
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

  const sessionStates = async (): Promise<Map<string, string>> =>
    new Map(parseGoBgpNeighbors(await cli(['-j', 'neighbor'])).map((n) => [n.address, n.state]));
  const linkBandwidths = new Map<string, number>();
  // Statements are numbered and the policy attached once: one attachment at a time.
  let attaching = Promise.resolve();
  const attachLinkBandwidth = (prefix: string, bandwidth: number): Promise<void> => {
    const next = attaching.then(async () => {
      const known = linkBandwidths.get(prefix);
      if (known === bandwidth) return;
      if (known !== undefined) {
        throw new Error(`GoBGP on ${node.name}: ${prefix} already carries link bandwidth ${known}; the lab sets it once per prefix`);
      }
      const name = `lab-lb-${linkBandwidths.size + 1}`;
      await cli(['policy', 'prefix', 'add', name, prefix]);
      await cli(['policy', 'statement', name, 'add', 'condition', 'prefix', name]);
      await cli(['policy', 'statement', name, 'add', 'action', 'ext-community', 'add', `lb:${asn}:${bandwidth}`]);
      await cli(['policy', 'add', LB_POLICY, name]);
      if (linkBandwidths.size === 0) await cli(['global', 'policy', 'export', 'add', LB_POLICY, 'default', 'accept']);
      linkBandwidths.set(prefix, bandwidth);
      // A route announced before its statement existed goes out again only when gobgpd re-runs its export policy.
      await cli(['neighbor', 'all', 'softresetout']);
    });
    attaching = next.catch(() => undefined);
    return next;
  };

  return {
    node,
    asn,
    apiPort,
    process: proc,
    cli,
    async announce(prefix, attrs = {}) {
      if (attrs.linkBandwidth !== undefined) await attachLinkBandwidth(prefix, attrs.linkBandwidth);
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
          return neighbors.every((n) => states.get(n.address) === 'Established') ? true : false;
        },
        timeoutMs,
        { what: `GoBGP on ${node.name} to establish sessions with ${neighbors.map((n) => n.address).join(', ')}`, intervalMs: 50 },
      );
    },
    async enable() {
      for (const n of neighbors) await cli(['neighbor', n.address, 'enable']);
    },
    async stop() {
      await proc.stop('SIGTERM', 2000);
    },
  };
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
