import type { CoreV1Api, V1Service, V1ServiceStatus } from '@kubernetes/client-node';
import { backoffDelay } from '@herald/shared/kube/backoff.js';
import { apiErrorCode, apiErrorMessage } from '@herald/shared/kube/errors.js';
import type { Logger } from '@herald/shared/log/logger.js';
import type { Decision } from '../allocator/index.js';
import type { ControllerMetrics } from '../metrics/metrics.js';
import { desiredServiceStatus, type ServiceStatusView } from '../status/service-status.js';

export interface ServiceStatusWriterOptions {
  api: CoreV1Api;
  /** The informer's copy of a Service by "namespace/name". */
  cached: (key: string) => V1Service | undefined;
  log: Logger;
  metrics: ControllerMetrics;
  /** Called after each successful write with the status before it. */
  onWritten: (decision: Decision, before: ServiceStatusView | undefined, after: V1Service) => void;
  concurrency?: number;
  now?: () => Date;
  /** What is kept of an object a write returns, while it stands in for the informer's copy (the whole object when absent). */
  keep?: (s: V1Service) => V1Service;
}

const serviceKeyOf = (s: V1Service): string => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;

/**
 * Brings each Service's status in line with its latest decision: one PUT to the status subresource
 * when it differs, nothing when it does not. Writes for one Service are never concurrent, and a
 * newer decision replaces one not yet written. Writes for different Services run in parallel up to
 * a limit.
 *
 * Between our write and the watch event that shows it, the informer's copy is stale; comparing
 * against it would write the same status again. So the object each write returns is remembered
 * and used instead, until the informer delivers that very resourceVersion.
 */
export class ServiceStatusWriter {
  private readonly wanted = new Map<string, Decision>();
  private readonly inFlight = new Set<string>();
  private readonly written = new Map<string, V1Service>();
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: ServiceStatusWriterOptions) {}

  submit(d: Decision): void {
    if (this.stopped) return;
    if (d.outcome === 'notHandled' && d.reason === 'Deleted') {
      this.wanted.delete(d.key);
      this.written.delete(d.key);
      return;
    }
    this.wanted.set(d.key, d);
    this.pump();
  }

  /** The informer saw this version of a Service. */
  observed(service: V1Service): void {
    const key = serviceKeyOf(service);
    const mine = this.written.get(key);
    if (mine !== undefined && mine.metadata?.resourceVersion === service.metadata?.resourceVersion) this.written.delete(key);
  }

  get pending(): number {
    return this.wanted.size + this.inFlight.size;
  }

  /** Stops taking work; resolves when the writes in flight have ended. Unwritten decisions are dropped: the next leader decides again. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wanted.clear();
    await this.idle();
  }

  idle(): Promise<void> {
    if (this.inFlight.size === 0 && this.wanted.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private base(key: string): V1Service | undefined {
    const cached = this.o.cached(key);
    const mine = this.written.get(key);
    if (cached === undefined) return undefined;
    if (mine === undefined || mine.metadata?.uid !== cached.metadata?.uid) {
      this.written.delete(key);
      return cached;
    }
    return mine;
  }

  private pump(): void {
    const limit = this.o.concurrency ?? 16;
    if (this.stopped) return;
    for (const [key, d] of this.wanted) {
      if (this.inFlight.size >= limit) break;
      if (this.inFlight.has(key)) continue;
      this.wanted.delete(key);
      this.inFlight.add(key);
      void this.write(key, d)
        .catch((e: unknown) => this.o.log.error('status write failed unexpectedly', { service: key, reason: e instanceof Error ? (e.stack ?? e.message) : String(e) }))
        .finally(() => {
          this.inFlight.delete(key);
          this.pump();
          if (this.inFlight.size === 0 && this.wanted.size === 0) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            for (const w of waiters) w();
          }
        });
    }
  }

  private async write(key: string, d: Decision): Promise<void> {
    let service = this.base(key);
    let failures = 0;
    let conflicts = 0;
    while (service !== undefined && !this.stopped && !this.wanted.has(key)) {
      const before = service.status as ServiceStatusView | undefined;
      const status = desiredServiceStatus(d, before, service.metadata?.generation, (this.o.now ?? (() => new Date()))());
      if (status === undefined) return;
      const name = service.metadata?.name ?? '';
      const namespace = service.metadata?.namespace ?? '';
      try {
        const after = await this.o.api.replaceNamespacedServiceStatus({ name, namespace, body: { ...service, status: status as V1ServiceStatus } });
        this.o.metrics.statusWrites.inc({ result: 'ok' });
        if (this.o.cached(key)?.metadata?.resourceVersion !== after.metadata?.resourceVersion) this.written.set(key, this.o.keep?.(after) ?? after);
        this.o.onWritten(d, before, after);
        return;
      } catch (e) {
        const code = apiErrorCode(e);
        if (code === 404) return;
        if (code === 409) {
          this.o.metrics.statusWrites.inc({ result: 'conflict' });
          conflicts++;
          if (conflicts > 3) await sleep(backoffDelay(conflicts - 3, { initialMs: 50, maxMs: 2000 }));
          service = await this.read(name, namespace);
          continue;
        }
        this.o.metrics.statusWrites.inc({ result: 'error' });
        failures++;
        const delay = backoffDelay(failures, { initialMs: 200, maxMs: 10_000 });
        this.o.log.warn('could not write Service status; trying again', { service: key, reason: apiErrorMessage(e), retryInMs: delay });
        await sleep(delay);
        service = this.base(key);
      }
    }
  }

  /** A fresh copy after a conflict; undefined when it is gone. */
  private async read(name: string, namespace: string): Promise<V1Service | undefined> {
    try {
      return await this.o.api.readNamespacedServiceStatus({ name, namespace });
    } catch (e) {
      if (apiErrorCode(e) === 404) return undefined;
      this.o.log.warn('could not re-read a Service after a conflict', { service: `${namespace}/${name}`, reason: apiErrorMessage(e) });
      return this.base(`${namespace}/${name}`);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
