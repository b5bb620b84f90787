import { randomBytes } from 'node:crypto';
import type { CoreV1Api } from '@kubernetes/client-node';
import type { EventSpec } from '../api/event.js';
import type { Logger } from '../log/logger.js';
import { apiErrorMessage } from './errors.js';


export type EventWriteResult = 'written' | 'failed' | 'dropped';

/** The object an event is about. */
export interface EventTarget {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string | undefined;
}

export interface EventRecorderOptions {
  api: CoreV1Api;
  /** The program, as source.component: herald-controller, herald-speaker. */
  component: string;
  /** As reportingComponent: heraldlb.io/controller, heraldlb.io/speaker. */
  reportingController: string;
  /** This replica's (or node's) name, as reportingInstance. */
  instance: string;
  log: Logger;
  /** Counts each outcome (a metric). */
  onResult?: (result: EventWriteResult) => void;
  /** Writes in flight at once. */
  concurrency?: number;
  /** Events waiting beyond this are dropped (and counted): events must never hold up allocation. */
  maxWaiting?: number;
}

/**
 * Writes core/v1 Events in the background with bounded concurrency. `record` returns at once;
 * a failed write is logged and counted, never retried, never thrown.
 */
export class EventRecorder {
  private readonly waiting: { target: EventTarget; spec: EventSpec }[] = [];
  private active = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: EventRecorderOptions) {}

  record(target: EventTarget, spec: EventSpec): void {
    if (this.waiting.length >= (this.o.maxWaiting ?? 20_000)) {
      this.o.onResult?.('dropped');
      return;
    }
    this.waiting.push({ target, spec });
    this.pump();
  }

  /** Resolves when nothing is waiting or in flight (for tests and shutdown). */
  idle(): Promise<void> {
    if (this.active === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.active < (this.o.concurrency ?? 8)) {
      const next = this.waiting.shift();
      if (next === undefined) break;
      this.active++;
      void this.write(next.target, next.spec).finally(() => {
        this.active--;
        this.pump();
        if (this.active === 0 && this.waiting.length === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          for (const w of waiters) w();
        }
      });
    }
  }

  private async write(target: EventTarget, spec: EventSpec): Promise<void> {
    const now = new Date();
    try {
      await this.o.api.createNamespacedEvent({
        namespace: target.namespace,
        body: {
          metadata: { name: `${target.name}.${randomBytes(8).toString('hex')}`, namespace: target.namespace },
          involvedObject: { apiVersion: target.apiVersion, kind: target.kind, namespace: target.namespace, name: target.name, uid: target.uid },
          type: spec.type,
          reason: spec.reason,
          message: spec.message,
          source: { component: this.o.component },
          reportingComponent: this.o.reportingController,
          reportingInstance: this.o.instance,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
      this.o.onResult?.('written');
    } catch (e) {
      this.o.onResult?.('failed');
      this.o.log.warn('could not write an event', {
        reason: apiErrorMessage(e),
        object: `${target.kind} ${target.namespace}/${target.name}`,
        event: spec.reason,
      });
    }
  }
}
