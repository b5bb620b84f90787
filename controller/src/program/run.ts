import { hostname } from 'node:os';
import { keepAliveAgent } from '@herald/shared/kube/api-client.js';
import { loadKubeConfig, describeSource } from '@herald/shared/kube/connect.js';
import { LeaderElector } from '@herald/shared/kube/leader-election.js';
import { createLogger, type Logger } from '@herald/shared/log/logger.js';
import { ControllerMetrics } from '../metrics/metrics.js';
import { serveMetrics, type MetricsServer } from '@herald/shared/metrics/server.js';
import { Controller } from '../reconcile/controller.js';
import { parseFlags, USAGE, type Flags } from './flags.js';

/** Exit codes: 0 stopped on a signal, 1 runtime failure or lost leadership, 2 bad command line. */
export async function run(argv: readonly string[]): Promise<void> {
  const parsed = parseFlags(argv, { podName: process.env.POD_NAME, hostname: hostname(), pid: process.pid });
  if (!parsed.ok) {
    process.stderr.write(`herald-controller: ${parsed.error}\n\n${USAGE}`);
    process.exit(2);
  }
  const flags = parsed.flags;
  if (flags.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const log = createLogger({ component: 'controller', level: flags.logLevel });
  try {
    await serve(flags, log);
  } catch (e) {
    log.error(`cannot start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

async function serve(flags: Flags, log: Logger): Promise<void> {
  const { kubeConfig, source } = loadKubeConfig(flags.kubeconfig);
  const metrics = new ControllerMetrics();
  let metricsServer: MetricsServer | undefined;
  if (flags.metricsAddr !== 'off') {
    metricsServer = await serveMetrics(metrics.registry, flags.metricsAddr.host, flags.metricsAddr.port);
  }
  log.info('starting', {
    identity: flags.identity,
    api: describeSource(source),
    server: kubeConfig.getCurrentCluster()?.server,
    namespace: flags.namespace,
    loadBalancerClass: flags.lbClass,
    defaultClass: flags.defaultClass,
    leaderElect: flags.leaderElect,
    metrics: metricsServer?.address ?? 'off',
  });

  const controller = new Controller({
    kubeConfig,
    agent: await keepAliveAgent(kubeConfig),
    namespace: flags.namespace,
    loadBalancerClass: flags.lbClass,
    defaultImplementation: flags.defaultClass,
    identity: flags.identity,
    log,
    metrics,
  });
  const lead = (): void => {
    controller.lead().catch((e: unknown) => {
      log.error(`taking over failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(1);
    });
  };

  let elector: LeaderElector | undefined;
  if (flags.leaderElect) {
    elector = new LeaderElector({
      kubeConfig,
      namespace: flags.namespace,
      name: flags.leaseName,
      identity: flags.identity,
      leaseDurationSeconds: flags.leaseDurationSeconds,
      renewDeadlineMs: flags.renewDeadlineMs,
      retryPeriodMs: flags.retryPeriodMs,
      log,
      onStartedLeading: lead,
      // Another replica may already be writing: memory is no longer trustworthy, and a restart
      // rebuilds everything from the Services' status.
      onStoppedLeading: () => {
        metrics.leader.set(0);
        log.error('lost leadership; exiting so that a restart rebuilds from status');
        process.exit(1);
      },
    });
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    void (async () => {
      await controller.stop();
      // Released only after the writes in flight ended, so the next leader adopts what they wrote.
      await elector?.stop({ release: true });
      metrics.leader.set(0);
      await metricsServer?.close();
      log.info('stopped');
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  if (elector) {
    // Campaign first: a replica that wins at once lists Services only once.
    elector.start();
    controller.start(flags.retryPeriodMs);
  } else {
    controller.start();
    lead();
  }
}
