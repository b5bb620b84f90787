import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from '../log/logger.js';
import { decideLease, observe, releasedRecord, type LeaseRecord, type Observation } from './lease-decision.js';
import { apiErrorCode } from './errors.js';

export interface LeaderElectionOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds: number;
  /** A leader that could not renew for this long stops leading. */
  renewDeadlineMs: number;
  /** How often a leader renews and a standby looks. */
  retryPeriodMs: number;
  log: Logger;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

function timeText(t: unknown): string | undefined {
  if (t === undefined || t === null) return undefined;
  return t instanceof Date ? t.toISOString() : String(t);
}

function recordOf(lease: V1Lease): LeaseRecord {
  const s = lease.spec ?? {};
  return {
    holderIdentity: s.holderIdentity,
    leaseDurationSeconds: s.leaseDurationSeconds,
    acquireTime: timeText(s.acquireTime),
    renewTime: timeText(s.renewTime),
    leaseTransitions: s.leaseTransitions,
  };
}

function specOf(record: LeaseRecord): V1Lease['spec'] {
  return {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    acquireTime: record.acquireTime ? new V1MicroTime(record.acquireTime) : undefined,
    renewTime: record.renewTime ? new V1MicroTime(record.renewTime) : undefined,
    leaseTransitions: record.leaseTransitions,
  };
}

/**
 * Campaigns for a Lease until stopped. Leading ends when renewal fails for renewDeadlineMs; the
 * caller is expected to exit then, so that a restart rebuilds its state from the API rather than
 * from memory that another leader may have made stale.
 */
export class LeaderElector {
  private timer: NodeJS.Timeout | undefined;
  private observation: Observation | undefined;
  private lease: V1Lease | undefined;
  private leading = false;
  private lastRenew = 0;
  private stopped = false;
  /** The tick under way, so that stop() never races a renewal still on the wire. */
  private inFlight: Promise<void> = Promise.resolve();
  private readonly api: CoordinationV1Api;

  constructor(private readonly o: LeaderElectionOptions) {
    this.api = o.kubeConfig.makeApiClient(CoordinationV1Api);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.stopped = false;
    this.inFlight = this.tick();
  }

  /**
   * Stops campaigning. A leader hands the Lease back so a standby takes over at once, unless told
   * not to (a process that must look dead, as in a failover test).
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
    if (!this.leading || !this.lease?.metadata || options.release === false) {
      this.leading = false;
      return;
    }
    this.leading = false;
    const record = releasedRecord(recordOf(this.lease), Date.now());
    try {
      await this.api.replaceNamespacedLease({
        name: this.o.name,
        namespace: this.o.namespace,
        body: { ...this.lease, spec: specOf(record) },
      });
      this.o.log.info('released leadership', { lease: `${this.o.namespace}/${this.o.name}` });
    } catch (e) {
      this.o.log.warn('could not release the lease; the standby takes over when it expires', { error: String(e) });
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.tick();
    }, this.o.retryPeriodMs);
  }

  private async tick(): Promise<void> {
    try {
      await this.tryAcquireOrRenew();
    } catch (e) {
      this.o.log.warn('leader election: API call failed', { lease: `${this.o.namespace}/${this.o.name}`, error: String(e) });
    }
    if (this.stopped) return;
    if (this.leading && Date.now() - this.lastRenew > this.o.renewDeadlineMs) {
      this.leading = false;
      this.o.log.error('lost leadership: could not renew the lease in time', { lease: `${this.o.namespace}/${this.o.name}` });
      this.o.onStoppedLeading();
    }
    this.schedule();
  }

  private async tryAcquireOrRenew(): Promise<void> {
    const now = Date.now();
    const { name, namespace } = this.o;
    let current: V1Lease | undefined;
    try {
      current = await this.api.readNamespacedLease({ name, namespace });
    } catch (e) {
      if (apiErrorCode(e) !== 404) throw e;
    }
    if (this.stopped) return;
    this.observation = current ? observe(this.observation, recordOf(current), now) : undefined;
    const me = { identity: this.o.identity, leaseDurationSeconds: this.o.leaseDurationSeconds };
    const decision = decideLease(this.observation, me, now);
    if (decision.kind === 'follow') {
      if (this.leading) {
        this.leading = false;
        this.o.log.error('lost leadership: another candidate holds the lease', { holder: decision.holder });
        this.o.onStoppedLeading();
      }
      return;
    }
    try {
      this.lease =
        decision.kind === 'create'
          ? await this.api.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec: specOf(decision.record) } })
          : await this.api.replaceNamespacedLease({ name, namespace, body: { ...current, spec: specOf(decision.record) } });
    } catch (e) {
      // Someone else wrote first: look again next period.
      if (apiErrorCode(e) === 409) return;
      throw e;
    }
    this.lastRenew = now;
    if (!this.leading) {
      this.leading = true;
      // Won while being stopped: stop() hands the Lease straight back; nobody starts leading.
      if (this.stopped) return;
      this.o.log.info('became leader', {
        lease: `${namespace}/${name}`,
        ...(decision.kind === 'acquire' && decision.previousHolder ? { previousHolder: decision.previousHolder } : {}),
      });
      this.o.onStartedLeading();
    }
  }
}
