import { setTimeout as delay } from 'node:timers/promises';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { keepAliveAgent, makeApiClient } from '@herald/shared/kube/api-client.js';
import { describeSource, loadKubeConfig } from '@herald/shared/kube/connect.js';
import { EventRecorder } from '@herald/shared/kube/event-recorder.js';
import { createLogger, type Logger } from '@herald/shared/log/logger.js';
import { serveMetrics, type MetricsServer } from '@herald/shared/metrics/server.js';
import { BGP_STATUS, L2_STATUS, type StatusKind, StatusWriter } from '../kube/status-writer.js';
import { Sources } from '../kube/sources.js';
import { SpeakerMetrics } from '../metrics/metrics.js';
import { Peering } from '../peering/manager.js';
import { Speaker } from '../reconcile/speaker.js';
import { WatchFeed } from '../reconcile/watch-feed.js';
import { type Flags, parseFlags, USAGE } from './flags.js';
import { L2Mode } from './l2-mode.js';
import { nodeAddresses } from './node-addresses.js';

/** How long shutdown waits for status writes still in flight. */
const STATUS_DRAIN_MS = 2000;

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
    membersPort: flags.membersPort,
    membersSecret: flags.membersSecret,
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
  const statusWriter = <V>(kind: StatusKind<V>): StatusWriter<V> =>
    new StatusWriter(kind, { api: custom, namespace: flags.namespace, nodeName: flags.nodeName, log, onResult: (result) => metrics.statusWrites.inc({ kind: kind.kind, result }) });
  const status = statusWriter(BGP_STATUS);
  const l2Status = statusWriter(L2_STATUS);

  // Peering, layer-2 mode and the feed read `sources` through closures that first run after it is built below.
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
    routing: peering,
    log,
    writeStatus: (desired) => status.set(desired),
    recordEvent: (target, event) => events.record(target, event),
  });
  const l2 = new L2Mode({
    nodeName: flags.nodeName,
    namespace: flags.namespace,
    membersPort: flags.membersPort,
    membersSecret: flags.membersSecret,
    membersBind: flags.membersBind,
    membersProtocol: flags.membersProtocol,
    log,
    metrics,
    secret: (name) => sources.config.get('Secret')?.get(flags.namespace, name),
    nodes: () => sources.nodes.list(),
    hasL2Advertisements: () => (sources.config.get('L2Advertisement')?.size ?? 0) > 0,
    updateStatus: (changed) => l2Status.update(changed),
    recordEvent: (target, event) => events.record(target, event),
  });
  const feed = new WatchFeed({
    nodeName: flags.nodeName,
    namespace: flags.namespace,
    classify: { loadBalancerClass: flags.lbClass, defaultImplementation: flags.defaultClass },
    inputs: {
      configResources: () => sources.configResources(),
      services: () => sources.services.list(),
      endpointSlices: () => sources.endpointSlices.list(),
      nodes: () => sources.nodes.list(),
    },
    log,
    metrics,
    targets: [speaker, l2.speaker],
  });

  const sources = new Sources({
    kubeConfig,
    agent,
    namespace: flags.namespace,
    log,
    onChange: (kind, obj, deleted) => {
      feed.changed(kind, obj, deleted);
      if (ready) l2.changed(kind);
    },
  });

  let ready = false;
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal, node: flags.nodeName, gracefulShutdownDelayMs: flags.gracefulShutdownDelayMs });
    void (async () => {
      feed.stop();
      await l2.release();
      await peering.stop(flags.gracefulShutdownDelayMs);
      l2.close();
      // The release above deleted this node's ServiceL2Status objects; give those writes a moment to land.
      await Promise.race([l2Status.idle(), delay(STATUS_DRAIN_MS)]);
      status.stop();
      l2Status.stop();
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
  speaker.heldBefore(await status.held());
  l2.speaker.heldBefore(await l2Status.held());
  await l2.start();
  if (stopping) return;
  ready = true;
  feed.begin();
  log.info('caches ready; announcing', { node: flags.nodeName, services: sources.services.size, nodes: sources.nodes.size });
}
