import type { IPAddressPool, IPAddressPoolSpec } from '@herald/shared/api/pool.js';
import { buildConfig } from '@herald/shared/config/build.js';
import { formatConfigError } from '@herald/shared/config/errors.js';
import type { HeraldConfig } from '@herald/shared/config/types.js';
import type { ServiceInput } from '../service/types.js';

/* Builders for test objects, so each table row shows only what it is about. Used only by tests. */

export function pool(name: string, spec: Partial<IPAddressPoolSpec> & { addresses: string[] }): IPAddressPool {
  return { apiVersion: 'heraldlb.io/v1beta1', kind: 'IPAddressPool', metadata: { name, namespace: 'herald-system' }, spec };
}

/** A validated configuration of these pools; throws with the errors when it is not valid. */
export function config(...pools: IPAddressPool[]): HeraldConfig {
  const result = buildConfig({ ipAddressPools: pools });
  if (!result.ok) throw new Error(`test configuration is invalid:\n${result.errors.map(formatConfigError).join('\n')}`);
  return result.config;
}

export interface SvcOptions {
  namespace?: string;
  type?: string;
  lbClass?: string;
  loadBalancerIP?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  families?: string[];
  policy?: string;
  /** "TCP/80" or "UDP/53"; default TCP/80. */
  ports?: string[];
  local?: boolean;
  selector?: Record<string, string>;
  status?: string[];
  /** Minutes after 2024-01-01T00:00Z. */
  createdAt?: number;
}

/** A LoadBalancer Service in `default`, port TCP/80, created at 2024-01-01 (plus createdAt minutes). */
export function svc(name: string, o: SvcOptions = {}): ServiceInput {
  const created = new Date(Date.UTC(2024, 0, 1) + (o.createdAt ?? 0) * 60_000);
  const spec: NonNullable<ServiceInput['spec']> = {
    type: o.type ?? 'LoadBalancer',
    ports: (o.ports ?? ['TCP/80']).map((p) => {
      const [protocol, port] = p.split('/');
      return { protocol: protocol as string, port: Number(port) };
    }),
    selector: o.selector ?? { app: name },
  };
  if (o.lbClass !== undefined) spec.loadBalancerClass = o.lbClass;
  if (o.loadBalancerIP !== undefined) spec.loadBalancerIP = o.loadBalancerIP;
  if (o.families !== undefined) spec.ipFamilies = o.families;
  if (o.policy !== undefined) spec.ipFamilyPolicy = o.policy;
  if (o.local === true) spec.externalTrafficPolicy = 'Local';
  const service: ServiceInput = {
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      creationTimestamp: created,
      labels: o.labels ?? {},
      annotations: o.annotations ?? {},
    },
    spec,
  };
  if (o.status !== undefined) service.status = { loadBalancer: { ingress: o.status.map((ip) => ({ ip })) } };
  return service;
}

/** The same Service with its status set to these addresses, as the shell would have written it. */
export function withStatus(service: ServiceInput, ips: readonly string[]): ServiceInput {
  return { ...service, status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } } };
}
