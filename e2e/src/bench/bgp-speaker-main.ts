// The BGP benchmark's speaker, run inside a lab node's namespace: the speaker's own Peering (one
// BgpSession per BGPPeer, routes from RouteIntents to the wire) with no API server around it.
//   node bgp-speaker-main.js --mode load|apply --node NAME --node-address A --router A --asn N --router-asn N --log FILE
// Commands arrive as JSON lines on stdin and are answered, one JSON line each, on stdout, in order.
//   load:  announce {routes} | withdraw | report | stop
//   apply: herald-start | herald-measure {changes} | herald-stop | baseline-start | baseline-measure {changes} | stop
// Memory is reported as the process sees it (rss now, peak rss from getrusage).

import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { HeraldConfig, PeerConfig } from '@herald/shared/config/types.js';
import { createLogger, type Logger } from '@herald/shared/log/logger.js';
import { type IP, parseIP } from '@herald/shared/net/address.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import { Announcer, decideBgp, type AnnouncerChanges, type NodeInput, type RouteIntent, type ServiceEndpoints } from '@herald/speaker/announce/index.js';
import type { OutboundRoute } from '@herald/speaker/bgp/codec/index.js';
import { BgpSession } from '@herald/speaker/bgp/session/index.js';
import { SpeakerMetrics } from '@herald/speaker/metrics/metrics.js';
import { Peering } from '@herald/speaker/peering/manager.js';
import { outboundRoute } from '@herald/speaker/peering/outbound.js';
import { peerSettings } from '@herald/speaker/peering/peer-settings.js';
import {
  APPLY_SERVICES,
  benchConfig,
  benchService,
  changeSequence,
  hostRouteIntents,
  initialEndpoints,
  LAB_PEER,
  LOAD_FIRST_ADDRESS,
  readyNode,
  type Change,
} from './bgp-workload.js';

const BGP_PORT = 179;

interface Options {
  mode: 'load' | 'apply';
  node: string;
  nodeAddress: IP;
  setup: { routerAddress: string; myAsn: number; routerAsn: number };
  log: string;
}

type Command = { cmd: string; routes?: number; changes?: number };
type Reply = Record<string, unknown>;

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      mode: { type: 'string' },
      node: { type: 'string' },
      'node-address': { type: 'string' },
      router: { type: 'string' },
      asn: { type: 'string' },
      'router-asn': { type: 'string' },
      log: { type: 'string' },
    },
  });
  const mode = values.mode;
  if (mode !== 'load' && mode !== 'apply') throw new Error(`--mode: ${String(mode)} is neither load nor apply`);
  const nodeAddress = parseIP(values['node-address'] ?? '');
  if (nodeAddress === undefined) throw new Error(`--node-address: ${String(values['node-address'])} is not an address`);
  if (values.node === undefined || values.router === undefined || values.log === undefined) throw new Error('--node, --router and --log are required');
  return {
    mode,
    node: values.node,
    nodeAddress,
    setup: { routerAddress: values.router, myAsn: Number(values.asn), routerAsn: Number(values['router-asn']) },
    log: values.log,
  };
}

function memory(): { rssBytes: number; maxRssBytes: number } {
  return { rssBytes: process.memoryUsage().rss, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function newPeering(o: Options, log: Logger): Peering {
  return new Peering({ nodeName: o.node, nodeAddresses: () => [o.nodeAddress], listenPort: BGP_PORT, log, metrics: new SpeakerMetrics() });
}

function onePeer(config: HeraldConfig): PeerConfig {
  const peer = config.peers[0];
  if (peer === undefined) throw new Error('the benchmark configuration has no BGPPeer');
  return peer;
}

/** N host routes through Peering, as the speaker sends them: announced when asked, withdrawn when asked. */
class LoadRun {
  private readonly peering: Peering;
  private readonly config: HeraldConfig;
  private intents: RouteIntent[] = [];

  constructor(o: Options, log: Logger) {
    this.config = benchConfig(o.setup);
    this.peering = newPeering(o, log);
  }

  async handle(c: Command): Promise<Reply> {
    switch (c.cmd) {
      case 'announce': {
        this.intents = hostRouteIntents(LOAD_FIRST_ADDRESS, c.routes ?? 0);
        // As the speaker starts: sessions first, then every decided route in the same tick.
        await this.peering.start();
        this.peering.setPeers(this.config.peers);
        this.peering.applyRoutes(new Map([[LAB_PEER, { added: this.intents, changed: [], withdrawn: [] }]]));
        return { event: 'announcing', routes: this.intents.length, ...memory() };
      }
      case 'withdraw':
        this.peering.applyRoutes(new Map([[LAB_PEER, { added: [], changed: [], withdrawn: this.intents }]]));
        this.intents = [];
        return { event: 'withdrawing' };
      case 'report':
        return { event: 'report', ...memory() };
      case 'stop':
        await this.peering.stop(0);
        return { event: 'stopped' };
      default:
        throw new Error(`load mode has no command ${c.cmd}`);
    }
  }
}

/** The inputs of the recompute-and-apply run, changed one event at a time. */
class ApplyInputs {
  readonly services: ServiceInput[] = Array.from({ length: APPLY_SERVICES }, (_, i) => benchService(i));
  readonly endpoints: Map<ServiceKey, ServiceEndpoints>;
  constructor(node: string) {
    this.endpoints = initialEndpoints(node, APPLY_SERVICES);
  }
  apply(change: Change): void {
    if (change.kind === 'endpoints') this.endpoints.set(change.key, change.endpoints);
    else this.services[change.index] = change.service;
  }
}

/**
 * Recompute-and-apply, CPU per change: Herald's path (Announcer -> Peering.applyRoutes -> the
 * session's flush that encodes and writes the UPDATE) against a speaker that recomputes
 * everything (decideBgp) and hands its session the whole table (setRoutes) on every change.
 */
class ApplyRun {
  private readonly config: HeraldConfig;
  private readonly nodes: ReadonlyMap<string, NodeInput>;
  private readonly changes: Change[];
  private announcer: Announcer | undefined;
  private peering: Peering | undefined;
  private baseline: { session: BgpSession; inputs: ApplyInputs; nextHop: IP | undefined } | undefined;

  constructor(
    private readonly o: Options,
    private readonly log: Logger,
  ) {
    this.config = benchConfig(o.setup, true);
    this.nodes = new Map([[o.node, readyNode(o.node)]]);
    this.changes = changeSequence(o.node, APPLY_SERVICES, 4000);
  }

  async handle(c: Command): Promise<Reply> {
    switch (c.cmd) {
      case 'herald-start':
        return this.heraldStart();
      case 'herald-measure':
        return this.heraldMeasure(c.changes ?? 0);
      case 'herald-stop':
        await this.peering?.stop(0);
        this.peering = undefined;
        return { event: 'stopped' };
      case 'baseline-start':
        return this.baselineStart();
      case 'baseline-measure':
        return this.baselineMeasure(c.changes ?? 0);
      case 'stop':
        await this.peering?.stop(0);
        await this.baseline?.session.stop({ reason: 'benchmark done' });
        return { event: 'stopped' };
      default:
        throw new Error(`apply mode has no command ${c.cmd}`);
    }
  }

  /** As the speaker starts (Speaker.startAnnouncer): the Announcer filled, the peers set, every route applied. */
  private async heraldStart(): Promise<Reply> {
    const inputs = new ApplyInputs(this.o.node);
    const announcer = new Announcer(this.config, this.o.node, this.nodes);
    for (const [key, e] of inputs.endpoints) announcer.updateEndpoints(key, e);
    for (const s of inputs.services) announcer.updateService(s);
    this.announcer = announcer;
    const decision = announcer.decision();
    const table = decision.routes.get(LAB_PEER) ?? new Map<string, RouteIntent>();
    this.peering = newPeering(this.o, this.log);
    await this.peering.start();
    this.peering.setPeers(decision.peers);
    this.peering.applyRoutes(new Map([[LAB_PEER, { added: [...table.values()], changed: [], withdrawn: [] }]]));
    return { event: 'started', routes: table.size };
  }

  private async heraldMeasure(count: number): Promise<Reply> {
    const announcer = this.announcer;
    const peering = this.peering;
    if (announcer === undefined || peering === undefined) throw new Error('herald-measure before herald-start');
    await peering.flushed();
    const cpu: number[] = [];
    const decisionCpu: number[] = [];
    let routeChanges = 0;
    for (const change of this.changes.slice(0, count)) {
      const start = process.cpuUsage();
      const result: AnnouncerChanges = change.kind === 'endpoints' ? announcer.updateEndpoints(change.key, change.endpoints) : announcer.updateService(change.service);
      decisionCpu.push(cpuMs(start));
      peering.applyRoutes(result.routes);
      await peering.flushed();
      cpu.push(cpuMs(start));
      for (const r of result.routes.values()) routeChanges += r.added.length + r.changed.length + r.withdrawn.length;
    }
    return { event: 'measured', cpuMs: cpu, decisionCpuMs: decisionCpu, routeChanges, routes: announcer.decision().routes.get(LAB_PEER)?.size ?? 0 };
  }

  /** The whole table for the peer as its session sends it. */
  private fullTable(inputs: ApplyInputs, nextHop: IP): { desired: Map<string, OutboundRoute>; size: number } {
    const decision = decideBgp({ config: this.config, nodeName: this.o.node, nodes: this.nodes, services: inputs.services, endpoints: inputs.endpoints });
    const desired = new Map<string, OutboundRoute>();
    for (const [key, intent] of decision.routes.get(LAB_PEER) ?? []) desired.set(key, outboundRoute(intent, nextHop, this.o.setup.myAsn));
    return { desired, size: desired.size };
  }

  private baselineStart(): Reply {
    const peer = onePeer(this.config);
    const settings = peerSettings(peer, { name: this.o.node, addresses: [this.o.nodeAddress] });
    if (!settings.ok) throw new Error(settings.error);
    const session = new BgpSession({ peerName: peer.name, ...settings.settings, logger: this.log.child({ node: this.o.node }) });
    const inputs = new ApplyInputs(this.o.node);
    const baseline = { session, inputs, nextHop: undefined as IP | undefined };
    this.baseline = baseline;
    session.on('established', () => {
      baseline.nextHop = session.localAddress;
      if (baseline.nextHop !== undefined) session.setRoutes(this.fullTable(inputs, baseline.nextHop).desired);
    });
    session.start();
    return { event: 'started', routes: decideBgp({ config: this.config, nodeName: this.o.node, nodes: this.nodes, services: inputs.services, endpoints: inputs.endpoints }).routes.get(LAB_PEER)?.size ?? 0 };
  }

  private async baselineMeasure(count: number): Promise<Reply> {
    const baseline = this.baseline;
    const nextHop = baseline?.nextHop;
    if (baseline === undefined || nextHop === undefined) throw new Error('baseline-measure before the baseline session was Established');
    await baseline.session.flushed();
    const cpu: number[] = [];
    let size = 0;
    for (const change of this.changes.slice(0, count)) {
      const start = process.cpuUsage();
      baseline.inputs.apply(change);
      const table = this.fullTable(baseline.inputs, nextHop);
      baseline.session.setRoutes(table.desired);
      await baseline.session.flushed();
      cpu.push(cpuMs(start));
      size = table.size;
    }
    return { event: 'measured', cpuMs: cpu, routes: size };
  }
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const log = createLogger({ component: 'speaker', level: 'info', stream: createWriteStream(o.log, { flags: 'a' }) });
  const run = o.mode === 'load' ? new LoadRun(o, log) : new ApplyRun(o, log);
  const reply = (r: Reply): void => void process.stdout.write(`${JSON.stringify(r)}\n`);
  reply({ event: 'ready', ...memory() });
  // One command at a time, in order: each answer is the reply to the command before it.
  let queue = Promise.resolve();
  createInterface({ input: process.stdin }).on('line', (line) => {
    queue = queue.then(async () => {
      const command = JSON.parse(line) as Command;
      try {
        reply(await run.handle(command));
      } catch (e) {
        reply({ event: 'error', command: command.cmd, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      }
      if (command.cmd === 'stop') process.exit(0);
    });
  });
  process.stdin.once('end', () => void queue.then(() => process.exit(0)));
}

main().catch((e: unknown) => {
  process.stderr.write(`bgp-speaker-main: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
