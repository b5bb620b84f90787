import { createHash } from 'node:crypto';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION } from '@herald/shared/api/constants.js';
import type { ServiceBGPStatusStatus } from '@herald/shared/api/status.js';
import { apiErrorCode, apiErrorMessage } from '@herald/shared/kube/errors.js';
import type { Logger } from '@herald/shared/log/logger.js';
import type { ServiceKey } from '@herald/shared/service/types.js';

export const LABEL_NODE = 'heraldlb.io/node';
export const LABEL_SERVICE_NAME = 'heraldlb.io/service-name';
export const LABEL_SERVICE_NAMESPACE = 'heraldlb.io/service-namespace';

export interface StatusWriterOptions {
  api: CustomObjectsApi;
  /** Herald's namespace, where the status objects live. */
  namespace: string;
  nodeName: string;
  log: Logger;
  /** How long to wait before trying failed writes again. */
  retryMs?: number;
  onResult?: (result: 'ok' | 'error') => void;
}

/**
 * The status object's name: readable (`bgp-<node>-<namespace>-<service>`) and the same on every
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

function samePeers(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((p, i) => p === b[i]);
}

interface StatusObject {
  metadata?: { name?: string; labels?: Record<string, string> };
  status?: ServiceBGPStatusStatus;
}

/**
 * Keeps one ServiceBGPStatus per Service this node announces (its node, the Service, the peers it
 * means to announce to) and deletes those it no longer announces. Writes run one at a time in the
 * background; a failed one is retried later and never holds up announcing.
 */
export class BgpStatusWriter {
  /** What the API holds for this node, as far as this process knows. */
  private readonly holding = new Map<ServiceKey, readonly string[]>();
  private desired = new Map<ServiceKey, readonly string[]>();
  private running: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private loaded = false;
  private stopped = false;

  constructor(private readonly o: StatusWriterOptions) {}

  /** The ServiceBGPStatus objects this node should hold: Service -> BGPPeer names, sorted. */
  set(desired: ReadonlyMap<ServiceKey, readonly string[]>): void {
    this.desired = new Map(desired);
    this.kick();
  }

  /**
   * The Services this node held a ServiceBGPStatus for before this process started (it announced
   * them then), read once; empty when the API cannot be asked now.
   */
  async held(): Promise<Set<ServiceKey>> {
    if (!this.loaded) {
      try {
        await this.load();
        this.loaded = true;
      } catch (e) {
        this.o.log.warn('could not list this node\'s ServiceBGPStatus objects', { node: this.o.nodeName, reason: apiErrorMessage(e) });
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
    if (this.stopped) return;
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
    let failed = false;
    if (!this.loaded) {
      try {
        await this.load();
        this.loaded = true;
      } catch (e) {
        this.o.log.warn('could not list this node\'s ServiceBGPStatus objects; trying again shortly', { node: this.o.nodeName, reason: apiErrorMessage(e) });
        this.scheduleRetry();
        return;
      }
    }
    for (const [service, peers] of [...this.desired]) {
      if (this.stopped) return;
      if (samePeers(this.holding.get(service), peers)) continue;
      failed = !(await this.attempt(service, 'write', () => this.write(service, peers))) || failed;
    }
    for (const service of [...this.holding.keys()]) {
      if (this.stopped) return;
      if (this.desired.has(service)) continue;
      failed = !(await this.attempt(service, 'delete', () => this.remove(service))) || failed;
    }
    if (failed) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.kick(), this.o.retryMs ?? 5000);
  }

  private async attempt(service: ServiceKey, what: string, fn: () => Promise<void>): Promise<boolean> {
    try {
      await fn();
      this.o.onResult?.('ok');
      return true;
    } catch (e) {
      this.o.onResult?.('error');
      this.o.log.warn(`could not ${what} the ServiceBGPStatus; trying again shortly`, { service, node: this.o.nodeName, reason: apiErrorMessage(e) });
      return false;
    }
  }

  private async load(): Promise<void> {
    const list = (await this.o.api.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.o.namespace,
      plural: PLURAL.ServiceBGPStatus,
      labelSelector: `${LABEL_NODE}=${this.o.nodeName}`,
    })) as { items?: StatusObject[] };
    for (const item of list.items ?? []) {
      const ns = item.status?.serviceNamespace ?? item.metadata?.labels?.[LABEL_SERVICE_NAMESPACE];
      const name = item.status?.serviceName ?? item.metadata?.labels?.[LABEL_SERVICE_NAME];
      if (ns === undefined || name === undefined) continue;
      this.holding.set(`${ns}/${name}`, item.status?.peers ?? []);
    }
  }

  private async write(service: ServiceKey, peers: readonly string[]): Promise<void> {
    const [namespace = '', name = ''] = service.split('/');
    const objectName = statusName('bgp', this.o.nodeName, service);
    const status: ServiceBGPStatusStatus = { node: this.o.nodeName, serviceName: name, serviceNamespace: namespace, peers: [...peers] };
    if (!this.holding.has(service)) {
      try {
        await this.o.api.createNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: this.o.namespace,
          plural: PLURAL.ServiceBGPStatus,
          body: {
            apiVersion: API_VERSION,
            kind: KIND.ServiceBGPStatus,
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
    await this.o.api.patchNamespacedCustomObjectStatus({
      group: GROUP,
      version: VERSION,
      namespace: this.o.namespace,
      plural: PLURAL.ServiceBGPStatus,
      name: objectName,
      body: [{ op: 'add', path: '/status', value: status }],
    });
    this.holding.set(service, [...peers]);
  }

  private async remove(service: ServiceKey): Promise<void> {
    try {
      await this.o.api.deleteNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: this.o.namespace,
        plural: PLURAL.ServiceBGPStatus,
        name: statusName('bgp', this.o.nodeName, service),
      });
    } catch (e) {
      if (apiErrorCode(e) !== 404) throw e;
    }
    this.holding.delete(service);
  }
}
