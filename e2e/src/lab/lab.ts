// createLab: namespaces, links, a real router, and the handle tests use to run things inside.

import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseK, segmentCollides, segmentFor, type Segment } from './addressing.js';
import { forget, tearDownOnExit } from './cleanup.js';
import { checkNodeCount, checkPrefix, prefixFromBytes } from './names.js';
import { applyTopology, teardownSync } from './netns.js';
import { spawnInNetns, type LabProcess, type SpawnOptions } from './process.js';
import { routerCliArgv, startRouter, type RouterControl } from './router.js';
import {
  checkAsn,
  checkNodePeerOptions,
  isRouterKind,
  ROUTER_KINDS,
  type NodePeerOptions,
  type RouterKind,
  type RouterPeer,
} from './router-config.js';
import { claimSegment, createRunDir, listSegmentClaims, releaseSegment, removeRunDir } from './rundir.js';
import { inNetns, run, type RunOptions } from './run.js';
import { planTopology, type LabHost, type TopologyPlan } from './topology.js';

export type { LabHost } from './topology.js';
export type { LabProcess, SpawnOptions } from './process.js';
export type { NodePeerOptions, BfdTimers, RouterKind } from './router-config.js';

export const DEFAULT_ROUTER_ASN = 64500;
export const DEFAULT_NODE_ASN = 64512;

export interface LabOptions {
  /** `hl` and 6 hex digits; random when not given. */
  prefix?: string;
  nodes: number;
  router: RouterKind;
  routerAsn?: number;
  /** Every node's ASN unless nodePeers says otherwise. */
  nodeAsn?: number;
  /** Per node (index as in lab.nodes): how the router peers with it. */
  nodePeers?: ReadonlyArray<NodePeerOptions | undefined>;
  /** Configure IPv6 sessions from the router to every node too (default true). */
  ipv6Sessions?: boolean;
  /**
   * Appended to the router's configuration: for FRR applied with `vtysh -f` after startup (each
   * command goes to its daemon; a rejected line fails createLab), for BIRD added to bird.conf, for
   * GoBGP added to gobgpd.toml.
   */
  routerExtraConfig?: string;
}

/** The lab as JSON, as the CLI prints it and lab.json in the run directory holds it. */
export interface LabDescription {
  prefix: string;
  runDir: string;
  ipv4Segment: string;
  ipv6Segment: string;
  hostAddress: string;
  hostLink: string;
  switchNetns: string;
  router: LabHost & { daemon: RouterKind; asn: number; control: RouterControl };
  nodes: Array<LabHost & { asn: number }>;
  client: LabHost;
}

export interface Lab {
  readonly prefix: string;
  readonly runDir: string;
  readonly segment: Segment;
  /** The root namespace's IPv4 address on the lab segment: servers listening there are reachable from every host. */
  readonly hostAddress: string;
  readonly hostLink: string;
  readonly switchNetns: string;
  readonly router: LabHost;
  readonly nodes: readonly LabHost[];
  readonly client: LabHost;
  readonly routerKind: RouterKind;
  readonly routerAsn: number;
  readonly routerControl: RouterControl;
  /** Per node: ASN and the router's session options, as configured. */
  readonly nodePeers: ReadonlyArray<NodePeerOptions & { asn: number }>;
  readonly ipv6Sessions: boolean;
  /** Runs a command in the host's namespace (or a namespace named directly); resolves to its stdout. */
  exec(host: LabHost | string, argv: readonly string[], opts?: RunOptions): Promise<string>;
  /** Starts a long-running process in the host's namespace, logging to <run dir>/logs/<name>.log. */
  spawn(host: LabHost | string, argv: readonly string[], opts: SpawnOptions): LabProcess;
  /** Runs one command on the router's control interface (vtysh -c, birdc, or the gobgp CLI with the command split at spaces). */
  routerCli(command: string): Promise<string>;
  processes(): readonly LabProcess[];
  describe(): LabDescription;
  /** Kills every process in the lab's namespaces, deletes them and the root link, removes the run directory. */
  destroy(): Promise<void>;
}

export async function createLab(opts: LabOptions): Promise<Lab> {
  checkNodeCount(opts.nodes);
  if (!isRouterKind(opts.router)) {
    throw new Error(`lab router: ${JSON.stringify(opts.router)} is none of ${ROUTER_KINDS.map((k) => `'${k}'`).join(', ')}`);
  }
  const prefix = opts.prefix ?? prefixFromBytes(randomBytes(3));
  checkPrefix(prefix);
  const routerAsn = checkAsn(opts.routerAsn ?? DEFAULT_ROUTER_ASN, 'lab routerAsn');
  const nodeAsn = checkAsn(opts.nodeAsn ?? DEFAULT_NODE_ASN, 'lab nodeAsn');
  if ((opts.nodePeers?.length ?? 0) > opts.nodes) {
    throw new Error(`lab nodePeers: ${opts.nodePeers?.length} entries for ${opts.nodes} nodes`);
  }
  const nodePeers = Array.from({ length: opts.nodes }, (_, i) => {
    const o = opts.nodePeers?.[i] ?? {};
    checkNodePeerOptions(o, `node${i + 1} (nodePeers[${i}])`, opts.router);
    return { ...o, asn: o.asn ?? nodeAsn };
  });

  const runDir = createRunDir(prefix);
  let segment: Segment | undefined;
  let plan: TopologyPlan | undefined;
  const tracked: LabProcess[] = [];
  const teardown = (): void => {
    if (plan) teardownSync({ namespaces: plan.namespaces, hostLink: plan.hostLink });
    if (segment) releaseSegment(segment.k, prefix);
    removeRunDir(prefix);
  };
  tearDownOnExit(prefix, teardown);
  try {
    segment = await claimFreeSegment(prefix);
    plan = planTopology(prefix, segment, opts.nodes);
    await applyTopology(plan);
    mkdirSync(join(runDir, 'logs'));
    const p = plan;
    const netnsOf = (host: LabHost | string): string => (typeof host === 'string' ? host : host.netns);
    const spawn = (host: LabHost | string, argv: readonly string[], so: SpawnOptions): LabProcess => {
      if (!/^[\w.-]+$/.test(so.name)) throw new Error(`lab spawn: process name ${JSON.stringify(so.name)} is not a plain file name`);
      const proc = spawnInNetns(netnsOf(host), argv, join(runDir, 'logs', `${so.name}.log`), so);
      tracked.push(proc);
      return proc;
    };
    const ipv6Sessions = opts.ipv6Sessions ?? true;
    const peers: RouterPeer[] = p.nodes.flatMap((node, i) => {
      const options = nodePeers[i] ?? { asn: nodeAsn };
      const base = { node: node.name, asn: options.asn, options };
      return [
        { ...base, address: node.ipv4, family: 'ipv4' as const },
        ...(ipv6Sessions ? [{ ...base, address: node.ipv6, family: 'ipv6' as const }] : []),
      ];
    });
    const routerControl = await startRouter({
      kind: opts.router,
      setup: { hostname: p.router.netns, routerId: p.router.ipv4, asn: routerAsn, peers },
      runDir,
      netns: p.router.netns,
      iface: p.router.iface,
      ...(opts.routerExtraConfig ? { extraConfig: opts.routerExtraConfig } : {}),
      spawn: (argv, so) => spawn(p.router, argv, so),
    });

    let destroyed = false;
    const lab: Lab = {
      prefix,
      runDir,
      segment,
      hostAddress: p.hostAddress,
      hostLink: p.hostLink,
      switchNetns: p.switchNetns,
      router: p.router,
      nodes: p.nodes,
      client: p.client,
      routerKind: opts.router,
      routerAsn,
      routerControl,
      nodePeers,
      ipv6Sessions,
      exec: (host, argv, ro) => run(inNetns(netnsOf(host), argv), ro),
      spawn,
      routerCli: (command) => run(routerCliArgv(routerControl, command), { timeoutMs: 10000 }),
      processes: () => [...tracked],
      describe: () => ({
        prefix,
        runDir,
        ipv4Segment: p.segment.ipv4Cidr,
        ipv6Segment: p.segment.ipv6Cidr,
        hostAddress: p.hostAddress,
        hostLink: p.hostLink,
        switchNetns: p.switchNetns,
        router: { ...p.router, daemon: opts.router, asn: routerAsn, control: routerControl },
        nodes: p.nodes.map((n, i) => ({ ...n, asn: nodePeers[i]?.asn ?? nodeAsn })),
        client: p.client,
      }),
      async destroy() {
        if (destroyed) return;
        destroyed = true;
        forget(prefix);
        teardown();
        // SIGKILLed by the teardown; wait until Node has reaped its own children too.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.all(tracked.map((t) => t.exited)),
          new Promise((r) => {
            timer = setTimeout(r, 3000);
          }),
        ]);
        clearTimeout(timer);
      },
    };
    writeFileSync(join(runDir, 'lab.json'), JSON.stringify(lab.describe(), null, 2) + '\n');
    return lab;
  } catch (e) {
    forget(prefix);
    teardown();
    throw e;
  }
}

async function claimFreeSegment(prefix: string): Promise<Segment> {
  const routes = await rootRouteDestinations();
  const claims = listSegmentClaims();
  const lost = new Set<number>();
  for (;;) {
    const k = chooseK(prefix, (c) => lost.has(c) || claims.has(c) || segmentCollides(segmentFor(c), routes));
    if (claimSegment(k, prefix)) return segmentFor(k);
    // Another lab claimed it since we listed the claims.
    lost.add(k);
  }
}

async function rootRouteDestinations(): Promise<string[]> {
  const families = await Promise.all(['-4', '-6'].map((f) => run(['ip', '-j', f, 'route', 'show', 'table', 'all'])));
  return families.flatMap((text) => (JSON.parse(text || '[]') as Array<{ dst?: string }>).map((r) => r.dst ?? 'default'));
}
