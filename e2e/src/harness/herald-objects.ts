import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, type CoreV1Event, type V1Service, type V1ServiceSpec } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION } from '@herald/shared/api/constants.js';
import { apiErrorCode } from '@herald/shared/kube/errors.js';
import { waitFor } from '../lab/wait.js';
import { runSuffix, type TestCluster } from './cluster.js';

export const CONDITION_TYPE = 'heraldlb.io/AddressAllocated';

export interface ServiceOptions {
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  ports?: { port: number; protocol?: string }[];
  spec?: Partial<V1ServiceSpec>;
}

export interface HeraldCondition {
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

/**
 * What controller integration suites create and read: IPAddressPools, Services of the suite's own
 * load balancer class, namespaces, events. Everything created is remembered and deleted by
 * `cleanup()`, also when a test failed.
 */
export class HeraldObjects {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  private readonly coordination: CoordinationV1Api;
  private readonly pools = new Set<string>();
  private readonly namespaces = new Set<string>();
  private readonly leases = new Set<string>();

  constructor(
    readonly cluster: TestCluster,
    /** The spec.loadBalancerClass of every Service made here (and the controller's --lb-class). */
    readonly lbClass: string,
  ) {
    this.core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    this.custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    this.coordination = cluster.kubeConfig.makeApiClient(CoordinationV1Api);
  }

  /** A fresh namespace for one test, deleted by cleanup(). */
  async namespace(labels?: Record<string, string>): Promise<string> {
    const name = `herald-t-${runSuffix()}`;
    await this.core.createNamespace({ body: { metadata: { name, ...(labels ? { labels } : {}) } } });
    this.namespaces.add(name);
    return name;
  }

  async labelNamespace(name: string, labels: Record<string, string>): Promise<void> {
    const ns = await this.core.readNamespace({ name });
    await this.core.replaceNamespace({ name, body: { ...ns, metadata: { ...ns.metadata, labels } } });
  }

  /** A Lease name for this test's controllers; the Lease is deleted by cleanup(). */
  lease(): string {
    const name = `herald-test-${runSuffix()}`;
    this.leases.add(name);
    return name;
  }

  async createPool(name: string, spec: Record<string, unknown>): Promise<void> {
    this.pools.add(name);
    await this.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.cluster.heraldNamespace,
      plural: PLURAL.IPAddressPool,
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'IPAddressPool', metadata: { name, namespace: this.cluster.heraldNamespace }, spec },
    });
  }

  async pool(name: string): Promise<{ metadata: { resourceVersion: string }; spec: Record<string, unknown>; status?: Record<string, unknown> }> {
    return (await this.custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.cluster.heraldNamespace,
      plural: PLURAL.IPAddressPool,
      name,
    })) as { metadata: { resourceVersion: string }; spec: Record<string, unknown>; status?: Record<string, unknown> };
  }

  async editPool(name: string, spec: Record<string, unknown>): Promise<void> {
    const current = await this.pool(name);
    await this.custom.replaceNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.cluster.heraldNamespace,
      plural: PLURAL.IPAddressPool,
      name,
      body: { ...current, spec },
    });
  }

  async deletePool(name: string): Promise<void> {
    try {
      await this.custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.cluster.heraldNamespace, plural: PLURAL.IPAddressPool, name });
    } catch (e) {
      if (apiErrorCode(e) !== 404) throw e;
    }
    this.pools.delete(name);
  }

  async createService(namespace: string, name: string, o: ServiceOptions = {}): Promise<V1Service> {
    return this.core.createNamespacedService({
      namespace,
      body: {
        metadata: { name, namespace, ...(o.annotations ? { annotations: o.annotations } : {}), ...(o.labels ? { labels: o.labels } : {}) },
        spec: {
          type: 'LoadBalancer',
          loadBalancerClass: this.lbClass,
          selector: { app: name },
          ports: (o.ports ?? [{ port: 80 }]).map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP', name: `p${p.port}-${(p.protocol ?? 'TCP').toLowerCase()}` })),
          ...o.spec,
        },
      },
    });
  }

  async service(namespace: string, name: string): Promise<V1Service> {
    return this.core.readNamespacedService({ namespace, name });
  }

  async ips(namespace: string, name: string): Promise<string[]> {
    return ingressIPs(await this.service(namespace, name));
  }

  async condition(namespace: string, name: string): Promise<HeraldCondition | undefined> {
    return heraldCondition(await this.service(namespace, name));
  }

  /** Waits until the Service lists `count` addresses (1 by default) and returns them. */
  async waitForIPs(namespace: string, name: string, count = 1, timeoutMs = 10_000): Promise<string[]> {
    return waitFor(
      async () => {
        const ips = await this.ips(namespace, name);
        return ips.length === count ? ips : undefined;
      },
      timeoutMs,
      { what: `${namespace}/${name} to have ${count} address(es)` },
    );
  }

  /** Waits until Herald's condition on the Service passes `match`, and returns it. */
  async waitForCondition(namespace: string, name: string, match: (c: HeraldCondition) => boolean, what: string, timeoutMs = 10_000): Promise<HeraldCondition> {
    return waitFor(
      async () => {
        const c = await this.condition(namespace, name);
        return c !== undefined && match(c) ? c : undefined;
      },
      timeoutMs,
      { what: `${namespace}/${name}: ${what}` },
    );
  }

  /** Events about one object, oldest first. */
  async events(namespace: string, name: string, kind = 'Service'): Promise<CoreV1Event[]> {
    const list = await this.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name},involvedObject.kind=${kind}` });
    return list.items.sort((a, b) => time(a) - time(b));
  }

  /** Waits for an event with this reason on the object (and, if given, a message matching). */
  async waitForEvent(namespace: string, name: string, reason: string, message?: RegExp, kind = 'Service', timeoutMs = 10_000): Promise<CoreV1Event> {
    return waitFor(
      async () => (await this.events(namespace, name, kind)).find((e) => e.reason === reason && (message === undefined || message.test(e.message ?? ''))),
      timeoutMs,
      { what: `a ${reason} event on ${kind} ${namespace}/${name}${message ? ` matching ${String(message)}` : ''}` },
    );
  }

  async cleanup(): Promise<void> {
    for (const name of [...this.leases]) {
      try {
        await this.coordination.deleteNamespacedLease({ name, namespace: this.cluster.heraldNamespace });
      } catch (e) {
        if (apiErrorCode(e) !== 404) throw e;
      }
      this.leases.delete(name);
    }
    for (const name of [...this.pools]) await this.deletePool(name);
    for (const name of [...this.namespaces]) {
      try {
        await this.core.deleteNamespace({ name });
      } catch (e) {
        if (apiErrorCode(e) !== 404) throw e;
      }
      this.namespaces.delete(name);
    }
  }
}

function time(e: CoreV1Event): number {
  const t = e.lastTimestamp ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t === undefined ? 0 : new Date(t).getTime();
}

export function ingressIPs(s: V1Service): string[] {
  return (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip !== '');
}

export function heraldCondition(s: V1Service): HeraldCondition | undefined {
  const c = s.status?.conditions?.find((x) => x.type === CONDITION_TYPE);
  return c === undefined ? undefined : { status: c.status, reason: c.reason, message: c.message, observedGeneration: c.observedGeneration };
}

let block = 0;
const firstBlock = Number.parseInt(runSuffix().slice(0, 2), 16);

/**
 * A /24 of 198.19.0.0/16 (RFC 2544's benchmarking range, which nothing routes) that no other
 * test of this process uses, so pools of different tests never overlap.
 */
export function freshBlock(): string {
  block++;
  const third = (firstBlock + block) % 256;
  return `198.19.${third}`;
}
