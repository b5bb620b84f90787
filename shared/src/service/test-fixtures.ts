import type { ServiceInput } from './types.js';

/* Builders for Service test objects, shared by the controller's and the speaker's tests. Used only by tests. */

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
