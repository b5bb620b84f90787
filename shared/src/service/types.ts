/**
 * The parts of a core/v1 Service the allocator reads. Structurally a subset of
 * @kubernetes/client-node's V1Service (timestamps may be Date or RFC 3339 strings), so the shell
 * passes the objects its watch delivers straight in; this package never imports the client.
 * Everything is optional because the API server prunes empty fields; null is read as absent.
 */
export interface ServiceInput {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Readonly<Record<string, string>>;
    annotations?: Readonly<Record<string, string>>;
    creationTimestamp?: Date | string;
  };
  spec?: {
    type?: string;
    loadBalancerClass?: string;
    loadBalancerIP?: string;
    ipFamilies?: readonly string[];
    ipFamilyPolicy?: string;
    ports?: ReadonlyArray<{ protocol?: string; port: number }>;
    selector?: Readonly<Record<string, string>>;
    externalTrafficPolicy?: string;
  };
  status?: {
    loadBalancer?: {
      ingress?: ReadonlyArray<{ ip?: string }>;
    };
  };
}

export interface ServiceRef {
  namespace: string;
  name: string;
}

/** "namespace/name": how a Service is named in every map, message and log line. */
export type ServiceKey = string;

export function serviceKey(ref: ServiceRef): ServiceKey {
  return `${ref.namespace}/${ref.name}`;
}

export type IPFamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
