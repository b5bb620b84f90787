import { CoreV1Api, CustomObjectsApi, type KubernetesObject } from '@kubernetes/client-node';
import { keepAliveAgent, makeApiClient } from '@herald/shared/kube/api-client.js';
import { describeSource, loadKubeConfig } from '@herald/shared/kube/connect.js';
import { EventRecorder } from '@herald/shared/kube/event-recorder.js';
import { createLogger, type Logger } from '@herald/shared/log/logger.js';
import { serveMetrics, type MetricsServer } from '@herald/shared/metrics/server.js';
import { type IP, parseIP } from '@herald/shared/net/address.js';
import { BgpStatusWriter } from '../kube/bgp-status-writer.js';
import { Sources } from '../kube/sources.js';
import { SpeakerMetrics } from '../metrics/metrics.js';
import { Peering } from '../peering/manager.js';
import { Speaker } from '../reconcile/speaker.js';
import { type Flags, parseFlags, USAGE } from './flags.js';

/** Exit codes: 0 stopped on a signal, 1 runtime failure, 2 bad command line. */
export async function run(argv: readonly string[]): Promise<void> {
  const parsed = parseFlags(argv, { nodeName: process.env.NODE_NAME });
  if (!parsed.ok) {
    process.stderr.write(`herald-speaker: ${parsed.error}\n\n${USAGE}`);
    process.exit(2);
  }
  const flags = parsed.flags;
  if (flags.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const log = createLogger({ component: 'speaker', level: flags.logLevel });
  try {
    await serve(flags, log);
  } catch (e) {
    log.error(`cannot start: ${e instanceof Error ? e.message : String(e)}`, { node: flags.nodeName });
    process.exit(1);
  }
}

/** The InternalIP addresses of a Node object, in the order the kubelet wrote them. */
function nodeAddresses(node: KubernetesObject | undefined): IP[] {
  const addresses = (node as { status?: { addresses?: { type?: string; address?: string }[] } } | undefined)?.status?.addresses ?? [];
  const out: IP[] = [];
  for (const a of addresses) {
    const ip = a.type === 'InternalIP' && typeof a.address === 'string' ? parseIP(a.address) : undefined;
    if (ip !== undefined) out.push(ip);
  }
  return out;
}

async function serve(flags: Flags, log: Logger): Promise<void> {
  const { kubeConfig, source } = loadKubeConfig(flags.kubeconfig);
  const agent = await keepAliveAgent(kubeConfig, 8);
  const metrics = new SpeakerMetrics();
  let metricsServer: MetricsServer | undefined;
  if (flags.metricsAddr !== 'off') metricsServer = await serveMetrics(metrics.registry, flags.metricsAddr.host, flags.metricsAddr.port);
  log.info('starting', {
    node: flags.nodeName,
    api: describeSource(source),
    server: kubeConfig.getCurrentCluster()?.server,
    namespace: flags.namespace,
    loadBalancerClass: flags.lbClass,
    defaultClass: flags.defaultClass,
    listenPort: flags.listenPort,
    metrics: metricsServer?.address ?? 'off',
  });

  const core = makeApiClient(kubeConfig, CoreV1Api, agent);
  const custom = makeApiClient(kubeConfig, CustomObjectsApi, agent);
  const events = new EventRecorder({
    api: core,
    component: 'herald-speaker',
    reportingController: 'heraldlb.io/speaker',
    instance: flags.nodeName,
    log,
    onResult: (result) => metrics.events.inc({ result }),
  });
  const status = new BgpStatusWriter({
    api: custom,
    namespace: flags.namespace,
    nodeName: flags.nodeName,
    log,
    onResult: (result) => metrics.statusWrites.inc({ result }),
  });

  // Peering and Speaker read `sources` through closures that first run after it is built below.
  const peering = new Peering({
    nodeName: flags.nodeName,
    nodeAddresses: () => nodeAddresses(sources.nodes.get(undefined, flags.nodeName)),
    listenPort: flags.listenPort,
    log,
    metrics,
  });
  await peering.start();
  const speaker = new Speaker({
    nodeName: flags.nodeName,
    namespace: flags.namespace,
    classify: { loadBalancerClass: flags.lbClass, defaultImplementation: flags.defaultClass },
    inputs: {
      configResources: () => sources.configResources(),
      services: () => sources.services.list(),
      endpointSlices: () => sources.endpointSlices.list(),
      nodes: () => sources.nodes.list(),
    },
    routing: peering,
    log,
    metrics,
    writeStatus: (desired) => status.set(desired),
    recordEvent: (target, event) => events.record(target, event),
  });

  const sources = new Sources({
    kubeConfig,
    agent,
    namespace: flags.namespace,
    log,
    onChange: (kind, obj, deleted) => speaker.changed(kind, obj, deleted),
  });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal, node: flags.nodeName, gracefulShutdownDelayMs: flags.gracefulShutdownDelayMs });
    void (async () => {
      speaker.stop();
      await peering.stop(flags.gracefulShutdownDelayMs);
      status.stop();
      await sources.stop();
      await metricsServer?.close();
      log.info('stopped', { node: flags.nodeName });
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  sources.start();
  await sources.synced;
  if (stopping) return;
  const held = await status.held();
  speaker.begin(held);
  log.info('caches ready; announcing', { node: flags.nodeName, services: sources.services.size, nodes: sources.nodes.size });
}
