import type { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION } from '@herald/shared/api/constants.js';
import { apiErrorMessage } from '@herald/shared/kube/errors.js';
import type { Logger } from '@herald/shared/log/logger.js';
import type { PoolCounts } from '../allocator/index.js';
import type { ControllerMetrics } from '../metrics/metrics.js';
import { poolStatusOf, samePoolStatus, type PoolStatus } from '../status/pool-status.js';

/** The parts of an IPAddressPool this writer reads. */
export interface PoolObject {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; labels?: Record<string, string> };
  spec?: unknown;
  status?: unknown;
}

export interface PoolStatusWriterOptions {
  api: CustomObjectsApi;
  namespace: string;
  cached: (name: string) => PoolObject | undefined;
  counts: () => PoolCounts[];
  log: Logger;
  metrics: ControllerMetrics;
  /** Changes within this window are written together. */
  debounceMs?: number;
}

/**
 * Keeps IPAddressPool status counts current. `schedule()` is cheap and may be called after every
 * decision; the counts are read and written at most once per debounce window, and only for pools
 * whose status differs.
 */
export class PoolStatusWriter {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private failed = false;
  private stopped = false;
  /** What was last written per pool, with the pool's uid, so a write is not repeated before the watch shows it. */
  private readonly written = new Map<string, { uid: string | undefined; status: PoolStatus }>();

  constructor(private readonly o: PoolStatusWriterOptions) {}

  schedule(delayMs = this.o.debounceMs ?? 200): void {
    if (this.stopped || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
  }

  /** The informer saw this version of a pool: once it shows what was written, the memory of the write is no longer needed. */
  observed(pool: PoolObject): void {
    const name = pool.metadata?.name ?? '';
    const last = this.written.get(name);
    if (last !== undefined && samePoolStatus(pool.status, last.status)) this.written.delete(name);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.writeAll().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.schedule(this.failed ? 2000 : undefined);
      }
      this.failed = false;
    });
    await this.running;
  }

  private async writeAll(): Promise<void> {
    const counts = this.o.counts();
    this.o.metrics.setPools(counts);
    for (const c of counts) {
      if (this.stopped) return;
      const pool = this.o.cached(c.pool);
      if (pool === undefined) continue;
      const want = poolStatusOf(c);
      const uid = pool.metadata?.uid;
      const last = this.written.get(c.pool);
      if (samePoolStatus(pool.status, want) || (last !== undefined && last.uid === uid && samePoolStatus(last.status, want))) continue;
      try {
        await this.o.api.patchNamespacedCustomObjectStatus({
          group: GROUP,
          version: VERSION,
          namespace: this.o.namespace,
          plural: PLURAL.IPAddressPool,
          name: c.pool,
          body: [{ op: 'add', path: '/status', value: want }],
        });
        this.written.set(c.pool, { uid, status: want });
        this.o.metrics.poolStatusWrites.inc({ result: 'ok' });
      } catch (e) {
        this.o.metrics.poolStatusWrites.inc({ result: 'error' });
        this.o.log.warn('could not write IPAddressPool status; trying again shortly', { pool: c.pool, reason: apiErrorMessage(e) });
        this.again = true;
        this.failed = true;
      }
    }
  }
}
