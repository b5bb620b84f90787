import { createHash } from 'node:crypto';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION } from '@herald/shared/api/constants.js';
import type { ServiceBGPStatusStatus, ServiceL2StatusStatus } from '@herald/shared/api/status.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '@herald/shared/kube/backoff.js';
import { apiErrorCode, apiErrorMessage } from '@herald/shared/kube/errors.js';
import type { Logger } from '@herald/shared/log/logger.js';
import type { ServiceKey } from '@herald/shared/service/types.js';

export const LABEL_NODE = 'heraldlb.io/node';
export const LABEL_SERVICE_NAME = 'heraldlb.io/service-name';
export const LABEL_SERVICE_NAMESPACE = 'heraldlb.io/service-namespace';

/**
 * One kind of per-(Service, node) status object: its kind, the prefix of its names, and how the
 * value the speaker keeps per Service (peers, interfaces) becomes its status and back.
 */
export interface StatusKind<V> {
  kind: 'ServiceBGPStatus' | 'ServiceL2Status';
  prefix: string;
  toStatus(node: string, serviceNamespace: string, serviceName: string, value: V): { serviceName?: string; serviceNamespace?: string };
  fromStatus(status: Record<string, unknown> | undefined): V;
  same(a: V, b: V): boolean;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/** ServiceBGPStatus: the BGPPeer names a node means to announce the Service to. */
export const BGP_STATUS: StatusKind<readonly string[]> = {
  kind: KIND.ServiceBGPStatus,
  prefix: 'bgp',
  toStatus: (node, serviceNamespace, serviceName, peers): ServiceBGPStatusStatus => ({ node, serviceName, serviceNamespace, peers: [...peers] }),
  fromStatus: (status) => (status as ServiceBGPStatusStatus | undefined)?.peers ?? [],
  same: sameList,
};

/** ServiceL2Status: the interfaces the node answers ARP / NDP for the Service on. */
export const L2_STATUS: StatusKind<readonly string[]> = {
  kind: KIND.ServiceL2Status,
  prefix: 'l2',
  toStatus: (node, serviceNamespace, serviceName, interfaces): ServiceL2StatusStatus => ({ node, serviceName, serviceNamespace, interfaces: interfaces.map((name) => ({ name })) }),
  fromStatus: (status) => ((status as ServiceL2StatusStatus | undefined)?.interfaces ?? []).map((i) => i.name),
  same: sameList,
};

export interface StatusWriterOptions {
  api: CustomObjectsApi;
  /** Herald's namespace, where the status objects live. */
  namespace: string;
  nodeName: string;
  log: Logger;
  /** How long to wait before trying again after a failed pass: doubling with each failed pass in a row. */
  backoff?: BackoffPolicy;
  onResult?: (result: 'ok' | 'error') => void;
}

/**
 * The status object's name: readable (`<prefix>-<node>-<namespace>-<service>`, prefix `bgp` or `l2`) and the same on every
 * restart, so a restarted speaker finds its own objects instead of creating duplicates. Names that
 * would pass the 253-character limit keep a readable head and end in a hash of the whole.
 */
export function statusName(prefix: string, node: string, service: ServiceKey): string {
  const [namespace, name] = service.split('/');
  const full = `${prefix}-${node}-${namespace}-${name}`;
  if (full.length <= 253) return full;
  const hash = createHash('sha256').update(`${node}/${service}`).digest('hex').slice(0, 16);
  return `${full.slice(0, 253 - 17).replace(/[-.]+$/, '')}-${hash}`;
}

interface StatusObject {
  metadata?: { name?: string; labels?: Record<string, string> };
  status?: Record<string, unknown> & { serviceName?: string; serviceNamespace?: string };
}

/**
 * An error that says nothing about the object written but about the API server or the way to it
 * (refused, reset, overloaded, throttled, timed out): the writes after it would fail the same way.
 */
function serverTrouble(e: unknown): boolean {
  const code = apiErrorCode(e);
  return code === undefined || code === 408 || code === 429 || code >= 500;
}

/**
 * Keeps one status object of its kind per Service this node announces (its node, the Service, the
 * peers or interfaces) and deletes those it no longer announces. Writes run one at a time in the
 * background and never hold up announcing. When the API server fails, the pass stops there and
 * the writer waits, longer after each failed pass in a row, before it tries again: changes in
 * the meantime are gathered, not written one failing request each.
 */
export class StatusWriter<V> {
  /** What the API holds for this node, as far as this process knows. */
  private readonly holding = new Map<ServiceKey, V>();
  private readonly desired = new Map<ServiceKey, V>();
  /** Services whose object may differ from what is desired: a pass looks at these only. */
  private readonly dirty = new Set<ServiceKey>();
  private running: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Passes in a row that ended in a failure. */
  private failures = 0;
  private loaded = false;
  private stopped = false;

  constructor(
    private readonly k: StatusKind<V>,
    private readonly o: StatusWriterOptions,
  ) {}

  /** The status objects this node should hold: Service -> value (BGPPeer names, interfaces), sorted. */
  set(desired: ReadonlyMap<ServiceKey, V>): void {
    const changed = new Map<ServiceKey, V | undefined>(desired);
    for (const service of this.desired.keys()) if (!desired.has(service)) changed.set(service, undefined);
    this.update(changed);
  }

  /**
   * As set, given only the Services whose object may have changed: Service -> value, undefined
   * for one this node should no longer hold. The others stay as they were. Costs the Services
   * named, not all of them.
   */
  update(changed: ReadonlyMap<ServiceKey, V | undefined>): void {
    for (const [service, value] of changed) {
      const before = this.desired.get(service);
      if (value === undefined ? before === undefined : before !== undefined && this.k.same(before, value)) continue;
      if (value === undefined) this.desired.delete(service);
      else this.desired.set(service, value);
      this.dirty.add(service);
    }
    if (this.dirty.size > 0) this.kick();
  }

  /**
   * The Services this node held a status object for before this process started (it announced
   * them then), read once; empty when the API cannot be asked now.
   */
  async held(): Promise<Set<ServiceKey>> {
    if (!this.loaded) {
      try {
        await this.load();
        this.loaded = true;
      } catch (e) {
        this.o.log.warn(`could not list this node's ${this.k.kind} objects`, { node: this.o.nodeName, reason: apiErrorMessage(e) });
      }
    }
    return new Set(this.holding.keys());
  }

  /** Resolves when no write is pending (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  private kick(): void {
    // While a retry is pending, what changed waits for it.
    if (this.stopped || this.retryTimer !== undefined) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.work().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async work(): Promise<void> {
    if (await this.pass()) {
      this.failures = 0;
      return;
    }
    this.failures++;
    if (this.stopped) return;
    const delay = backoffDelay(this.failures, this.o.backoff ?? DEFAULT_BACKOFF, Math.random());
    this.o.log.warn(`${this.k.kind} writes failed; trying again after a wait`, { node: this.o.nodeName, retryInMs: delay, failedPassesInARow: this.failures });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, delay);
  }

  /** Brings the API in line with `desired`; false when something failed. */
  private async pass(): Promise<boolean> {
    if (!this.loaded) {
      try {
        await this.load();
        this.loaded = true;
      } catch (e) {
        this.o.log.warn(`could not list this node's ${this.k.kind} objects`, { node: this.o.nodeName, reason: apiErrorMessage(e), code: apiErrorCode(e) });
        return false;
      }
    }
    let ok = true;
    const writes: [ServiceKey, string, () => Promise<void>][] = [];
    for (const service of this.dirty) {
      const value = this.desired.get(service);
      const held = this.holding.get(service);
      if (value === undefined) {
        if (held !== undefined) writes.push([service, 'delete', () => this.remove(service)]);
      } else if (held === undefined || !this.k.same(held, value)) writes.push([service, 'write', () => this.write(service, value)]);
    }
    this.dirty.clear();
    for (const [i, [service, what, fn]] of writes.entries()) {
      if (this.stopped) return ok;
      const failure = await this.attempt(service, what, fn);
      if (failure === undefined) continue;
      ok = false;
      // Tried again on the next pass, as are those this pass does not reach.
      this.dirty.add(service);
      if (serverTrouble(failure)) {
        for (const [rest] of writes.slice(i + 1)) this.dirty.add(rest);
        return false;
      }
    }
    return ok;
  }

  /** Undefined when it worked, else the error. */
  private async attempt(service: ServiceKey, what: string, fn: () => Promise<void>): Promise<unknown> {
    try {
      await fn();
      this.o.onResult?.('ok');
      return undefined;
    } catch (e) {
      this.o.onResult?.('error');
      this.o.log.warn(`could not ${what} the ${this.k.kind}`, { service, node: this.o.nodeName, reason: apiErrorMessage(e), code: apiErrorCode(e) });
      return e ?? new Error('unknown failure');
    }
  }

  /** Where this kind's objects live, as every request names it. */
  private get collection(): { group: string; version: string; namespace: string; plural: string } {
    return { group: GROUP, version: VERSION, namespace: this.o.namespace, plural: PLURAL[this.k.kind] };
  }

  private async load(): Promise<void> {
    const list = (await this.o.api.listNamespacedCustomObject({
      ...this.collection,
      labelSelector: `${LABEL_NODE}=${this.o.nodeName}`,
    })) as { items?: StatusObject[] };
    for (const item of list.items ?? []) {
      const ns = item.status?.serviceNamespace ?? item.metadata?.labels?.[LABEL_SERVICE_NAMESPACE];
      const name = item.status?.serviceName ?? item.metadata?.labels?.[LABEL_SERVICE_NAME];
      if (ns === undefined || name === undefined) continue;
      this.holding.set(`${ns}/${name}`, this.k.fromStatus(item.status));
      this.dirty.add(`${ns}/${name}`);
    }
  }

  private async write(service: ServiceKey, value: V): Promise<void> {
    const [namespace = '', name = ''] = service.split('/');
    const objectName = statusName(this.k.prefix, this.o.nodeName, service);
    const status = this.k.toStatus(this.o.nodeName, namespace, name, value);
    if (!this.holding.has(service)) {
      try {
        await this.o.api.createNamespacedCustomObject({
          ...this.collection,
          body: {
            apiVersion: API_VERSION,
            kind: this.k.kind,
            metadata: {
              name: objectName,
              namespace: this.o.namespace,
              labels: { [LABEL_NODE]: this.o.nodeName, [LABEL_SERVICE_NAME]: name, [LABEL_SERVICE_NAMESPACE]: namespace },
            },
            spec: {},
          },
        });
      } catch (e) {
        // Left over from an earlier run that could not list: the status write below brings it up to date.
        if (apiErrorCode(e) !== 409) throw e;
      }
    }
    try {
      await this.o.api.patchNamespacedCustomObjectStatus({
        ...this.collection,
        name: objectName,
        body: [{ op: 'add', path: '/status', value: status }],
      });
    } catch (e) {
      // Deleted by someone else since: the next attempt creates it again.
      if (apiErrorCode(e) === 404) this.holding.delete(service);
      throw e;
    }
    this.holding.set(service, value);
  }

  private async remove(service: ServiceKey): Promise<void> {
    try {
      await this.o.api.deleteNamespacedCustomObject({
        ...this.collection,
        name: statusName(this.k.prefix, this.o.nodeName, service),
      });
    } catch (e) {
      if (apiErrorCode(e) !== 404) throw e;
    }
    this.holding.delete(service);
  }
}
