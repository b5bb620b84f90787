import type { Agent } from 'node:https';
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Namespace,
  type V1Service,
} from '@kubernetes/client-node';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION } from '@herald/shared/api/constants.js';
import { formatConfigError, type ConfigError, type HeraldConfig } from '@herald/shared/config/index.js';
import { listPlain, makeApiClient } from '@herald/shared/kube/api-client.js';
import { Informer } from '@herald/shared/kube/informer.js';
import type { Logger } from '@herald/shared/log/logger.js';
import { Allocator, type Decision } from '../allocator/index.js';
import { cachedService, withoutManagedFields } from '../kube/cached-service.js';
import { EventRecorder, type EventTarget } from '@herald/shared/kube/event-recorder.js';
import { PoolStatusWriter, type PoolObject } from '../kube/pool-status-writer.js';
import { ServiceStatusWriter } from '../kube/service-status-writer.js';
import type { ControllerMetrics } from '../metrics/metrics.js';
import { serviceEvents } from '../status/service-events.js';
import { buildPoolConfig, errorsByPool, poolFingerprint } from './pool-config.js';
import { WorkQueue } from './queue.js';

export interface ControllerOptions {
  kubeConfig: KubeConfig;
  /** One kept-alive connection pool for every API call (see keepAliveAgent); client-node's per-request agents when absent. */
  agent?: Agent | undefined;
  /** Herald's namespace: where IPAddressPools are read from. */
  namespace: string;
  loadBalancerClass: string;
  defaultImplementation: boolean;
  /** This replica's name, as the events' reportingInstance. */
  identity: string;
  log: Logger;
  metrics: ControllerMetrics;
  poolStatusDebounceMs?: number;
  statusWriteConcurrency?: number;
}

type Pool = PoolObject & KubernetesObject;

const CONFIG_ITEM = 'c';

/**
 * The imperative shell around the allocator. Informers keep Services, Namespaces and
 * IPAddressPools cached on every replica; only the leader feeds changes through one work queue
 * into the allocator and writes what its decisions change: Service status, events, pool status.
 */
export class Controller {
  private readonly services: Informer<V1Service>;
  private readonly namespaces: Informer<V1Namespace>;
  private readonly pools: Informer<Pool>;
  private readonly queue: WorkQueue;
  private readonly statusWriter: ServiceStatusWriter;
  private readonly poolStatus: PoolStatusWriter;
  private readonly events: EventRecorder;
  private allocator: Allocator | undefined;
  private leading = false;
  private stopped = false;
  private deferTimer: NodeJS.Timeout | undefined;
  /** The pool inputs last acted on (valid or not), so a status-only change is not a reload. */
  private configFingerprint: string | undefined;
  private configIsStale = false;
  /** Per pool, the error text last evented, so an unchanged error is not evented again. */
  private readonly reportedErrors = new Map<string, string>();
  private readonly appliedLabels = new Map<string, string>();
  private retryNeeded = false;

  constructor(private readonly o: ControllerOptions) {
    const core = makeApiClient(o.kubeConfig, CoreV1Api, o.agent);
    const custom = makeApiClient(o.kubeConfig, CustomObjectsApi, o.agent);
    const log = o.log;
    this.services = new Informer<V1Service>({
      kubeConfig: o.kubeConfig,
      name: 'services',
      path: '/api/v1/services',
      list: () => (o.agent === undefined ? core.listServiceForAllNamespaces() : listPlain<V1Service>(o.kubeConfig, o.agent, '/api/v1/services')),
      log,
      transform: cachedService,
    });
    this.namespaces = new Informer<V1Namespace>({
      kubeConfig: o.kubeConfig,
      name: 'namespaces',
      path: '/api/v1/namespaces',
      list: () => core.listNamespace(),
      log,
      transform: withoutManagedFields,
    });
    this.pools = new Informer<Pool>({
      kubeConfig: o.kubeConfig,
      name: 'ipaddresspools',
      path: `/apis/${GROUP}/${VERSION}/namespaces/${o.namespace}/${PLURAL.IPAddressPool}`,
      list: () =>
        custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: o.namespace, plural: PLURAL.IPAddressPool }) as Promise<
          KubernetesListObject<Pool>
        >,
      log,
      transform: withoutManagedFields,
    });

    this.queue = new WorkQueue((item) => this.process(item), {
      afterBatch: () => this.afterBatch(),
      onError: (item, e) => log.error('processing a change failed', { item, reason: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    });
    this.events = new EventRecorder({
      api: core,
      component: 'herald-controller',
      reportingController: 'heraldlb.io/controller',
      instance: o.identity,
      log,
      onResult: (result) => o.metrics.events.inc({ result }),
    });
    this.statusWriter = new ServiceStatusWriter({
      api: core,
      cached: (key) => this.services.getByKey(key),
      log,
      metrics: o.metrics,
      concurrency: o.statusWriteConcurrency,
      keep: cachedService,
      onWritten: (d, before, after) => {
        for (const e of serviceEvents(d, before)) this.events.record(serviceTarget(after), e);
      },
    });
    this.poolStatus = new PoolStatusWriter({
      api: custom,
      namespace: o.namespace,
      cached: (name) => this.pools.get(o.namespace, name),
      counts: () => this.allocator?.poolCounts() ?? [],
      log,
      metrics: o.metrics,
      debounceMs: o.poolStatusDebounceMs,
    });

    const serviceChanged = (s: V1Service): void => {
      this.statusWriter.observed(s);
      if (this.leading) this.queue.add(`s:${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`);
    };
    this.services.on({ add: serviceChanged, update: serviceChanged, delete: serviceChanged });
    const namespaceChanged = (n: V1Namespace): void => {
      if (this.leading) this.queue.add(`n:${n.metadata?.name ?? ''}`);
    };
    this.namespaces.on({ add: namespaceChanged, update: namespaceChanged, delete: namespaceChanged });
    const poolChanged = (p: Pool): void => {
      this.poolStatus.observed(p);
      if (!this.leading) return;
      this.queue.add(CONFIG_ITEM);
      this.poolStatus.schedule();
    };
    this.pools.on({ add: poolChanged, update: poolChanged, delete: poolChanged });
  }

  /**
   * Starts the caches; every replica runs them, so a standby that takes over starts warm. The
   * Service list may wait `deferServicesMs`: a replica that wins the Lease at once then lists
   * Services only after winning, which saves the second full list `lead()` would otherwise need.
   */
  start(deferServicesMs = 0): void {
    this.namespaces.start();
    this.pools.start();
    if (deferServicesMs <= 0) this.services.start();
    else this.deferTimer = setTimeout(() => this.services.start(), deferServicesMs);
  }

  /**
   * Called on winning the Lease. Waits for the caches, lists Services afresh when the cached list
   * may predate the previous leader's last writes (adopting from a stale status could move an
   * address), then adopts every Service and follows changes.
   */
  async lead(): Promise<void> {
    if (this.stopped) return;
    const since = Date.now();
    this.o.metrics.leader.set(1);
    clearTimeout(this.deferTimer);
    this.services.start();
    await Promise.all([this.services.synced, this.namespaces.synced, this.pools.synced]);
    if (this.services.lastListStartedAt < since) await this.services.relist();
    // Told to stop while waiting: a process on its way out must not start writing.
    if (this.stopped) return;
    this.o.log.info('caches ready; taking over allocation', { services: this.services.size, pools: this.pools.size, waitedMs: Date.now() - since });
    this.leading = true;
    this.queue.clear();
    this.configFingerprint = undefined;
    this.queue.add(CONFIG_ITEM);
    this.queue.start();
  }

  /** Stops working and writing: the writes in flight may finish (for up to `graceMs`). */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.deferTimer);
    this.leading = false;
    this.queue.pause();
    const settle = Promise.all([this.statusWriter.stop(), this.poolStatus.stop(), this.events.idle()]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settle, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    await Promise.all([this.services.stop(), this.namespaces.stop(), this.pools.stop()]);
  }

  private process(item: string): void {
    if (item === CONFIG_ITEM) {
      this.configChanged();
      return;
    }
    const allocator = this.allocator;
    // Before the first valid configuration nothing is decided; adopting then reads every cached object.
    if (allocator === undefined) return;
    const what = item.slice(2);
    if (item.startsWith('s:')) {
      const service = this.services.getByKey(what);
      if (service !== undefined) {
        this.dispatch([allocator.reconcile(service)]);
      } else {
        const slash = what.indexOf('/');
        const d = allocator.remove({ namespace: what.slice(0, slash), name: what.slice(slash + 1) });
        if (d !== undefined) this.dispatch([d]);
      }
      this.retryNeeded = true;
    } else if (item.startsWith('n:')) {
      this.namespaceChanged(allocator, what);
    }
  }

  private afterBatch(): void {
    if (this.allocator === undefined || !this.retryNeeded) return;
    this.retryNeeded = false;
    this.dispatch(this.allocator.retryPending());
  }

  private namespaceChanged(allocator: Allocator, name: string): void {
    const labels = this.namespaces.get(undefined, name)?.metadata?.labels;
    const text = labels === undefined ? undefined : labelText(labels);
    if (this.appliedLabels.get(name) === text) return;
    if (text === undefined) this.appliedLabels.delete(name);
    else this.appliedLabels.set(name, text);
    this.dispatch(allocator.setNamespaceLabels(name, labels));
    this.retryNeeded = true;
  }

  private configChanged(): void {
    const objects = this.pools.list();
    const fingerprint = poolFingerprint(objects);
    if (fingerprint === this.configFingerprint) return;
    this.configFingerprint = fingerprint;
    const built = buildPoolConfig(objects, this.o.namespace);
    if (!built.ok) {
      this.reportConfigErrors(built.errors);
      return;
    }
    this.configValid(built.config);
    if (this.allocator === undefined) {
      this.adopt(built.config);
      return;
    }
    this.dispatch(this.allocator.setConfig(built.config));
    this.retryNeeded = true;
    this.poolStatus.schedule();
  }

  private adopt(config: HeraldConfig): void {
    const started = Date.now();
    const allocator = new Allocator(config, { loadBalancerClass: this.o.loadBalancerClass, defaultImplementation: this.o.defaultImplementation });
    this.allocator = allocator;
    for (const ns of this.namespaces.list()) {
      const name = ns.metadata?.name;
      const labels = ns.metadata?.labels;
      if (name === undefined || labels === undefined) continue;
      this.appliedLabels.set(name, labelText(labels));
      this.dispatch(allocator.setNamespaceLabels(name, labels));
    }
    const decisions = allocator.adopt(this.services.list());
    this.dispatch(decisions);
    this.poolStatus.schedule();
    this.o.log.info('adopted every Service', {
      services: decisions.length,
      allocated: decisions.filter((d) => d.outcome === 'allocated').length,
      failed: decisions.filter((d) => d.outcome === 'failed').length,
      ms: Date.now() - started,
    });
  }

  private configValid(config: HeraldConfig): void {
    this.o.metrics.configStale.set(0);
    this.o.metrics.configErrors.set(0);
    this.reportedErrors.clear();
    if (this.configIsStale) this.o.log.info('the IPAddressPools are valid again; using them', { pools: config.pools.length });
    this.configIsStale = false;
  }

  /** Invalid pools: the last valid configuration stays in force; every error is logged, evented on its pool, counted. */
  private reportConfigErrors(errors: readonly ConfigError[]): void {
    this.configIsStale = true;
    this.o.metrics.configStale.set(1);
    this.o.metrics.configErrors.set(errors.length);
    for (const e of errors) {
      this.o.log.error(`invalid configuration: ${formatConfigError(e)}`, {
        reason: 'InvalidConfiguration',
        ...(e.kind === KIND.IPAddressPool ? { pool: e.name } : {}),
        field: e.field,
      });
    }
    const consequence =
      this.allocator === undefined
        ? 'Herald allocates nothing until the IPAddressPools are valid.'
        : 'The last valid configuration stays in force; no address was moved.';
    this.o.log.warn(`the IPAddressPools are invalid. ${consequence}`, { reason: 'InvalidConfiguration', errors: errors.length });
    for (const report of errorsByPool(errors)) {
      if (report.pool === undefined) continue;
      const text = report.messages.join('; ');
      if (this.reportedErrors.get(report.pool) === text) continue;
      this.reportedErrors.set(report.pool, text);
      this.events.record(this.poolTarget(report.pool), { type: 'Warning', reason: 'InvalidConfiguration', message: `${text}. ${consequence}` });
    }
  }

  private dispatch(decisions: readonly Decision[]): void {
    if (decisions.length === 0) return;
    for (const d of decisions) {
      this.o.metrics.allocations.inc({ outcome: d.outcome, reason: d.reason });
      logDecision(this.o.log, d);
      this.statusWriter.submit(d);
    }
    this.poolStatus.schedule();
  }

  private poolTarget(name: string): EventTarget {
    return { apiVersion: API_VERSION, kind: KIND.IPAddressPool, namespace: this.o.namespace, name, uid: this.pools.get(this.o.namespace, name)?.metadata?.uid };
  }
}

function serviceTarget(s: V1Service): EventTarget {
  return { apiVersion: 'v1', kind: 'Service', namespace: s.metadata?.namespace ?? '', name: s.metadata?.name ?? '', uid: s.metadata?.uid };
}

function labelText(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One JSON line per decision, with the fields operators follow an address by. */
export function logDecision(log: Logger, d: Decision): void {
  const fields = {
    service: d.key,
    ...(d.pool !== undefined ? { pool: d.pool } : {}),
    ip: d.ips.join(','),
    reason: d.reason,
    outcome: d.outcome,
    ...(d.previous.length > 0 ? { previous: d.previous.join(',') } : {}),
    ...(d.outcome === 'failed' && d.conflictsWith ? { conflictsWith: `${d.conflictsWith.namespace}/${d.conflictsWith.name}` } : {}),
    ...(d.warnings.length > 0 ? { warnings: d.warnings } : {}),
  };
  const unchanged = d.previous.length === d.ips.length && d.previous.every((ip, i) => ip === d.ips[i]);
  switch (d.outcome) {
    case 'allocated':
      if (unchanged) log.debug(`kept: ${d.message}`, fields);
      else log.info(`allocated: ${d.message}`, fields);
      break;
    case 'failed':
      log.warn(`allocation failed: ${d.message}`, { ...fields, details: d.details });
      break;
    case 'notHandled':
      if (d.previous.length > 0) log.info(`released: ${d.message}`, fields);
      else log.debug(`not served: ${d.message}`, fields);
      break;
  }
}
