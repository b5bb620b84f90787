import type { KubernetesObject, V1Service, V1ServiceSpec } from '@kubernetes/client-node';

/**
 * What the controller keeps of a Service: all of metadata but managedFields, all of status, and
 * only the spec fields the allocator reads (ServiceInput). At 10,000 Services the rest of spec
 * (clusterIPs, nodePorts, targetPorts, session affinity...) is memory nobody reads.
 *
 * The copy is also the body of the status PUT (ServiceStatusWriter), which is safe because the
 * status subresource takes spec from storage, not from the request; metadata is kept whole
 * because a status PUT to a built-in resource does not reset it, and dropping labels, finalizers
 * or ownerReferences there would remove them from the Service.
 */
export function cachedService(s: V1Service): V1Service {
  const { managedFields: _dropped, ...metadata } = s.metadata ?? {};
  const out: V1Service = { metadata };
  if (s.apiVersion !== undefined) out.apiVersion = s.apiVersion;
  if (s.kind !== undefined) out.kind = s.kind;
  if (s.spec !== undefined && s.spec !== null) out.spec = slimSpec(s.spec);
  if (s.status !== undefined) out.status = s.status;
  return out;
}

function slimSpec(spec: V1ServiceSpec): V1ServiceSpec {
  const out: V1ServiceSpec = {};
  if (spec.type !== undefined) out.type = spec.type;
  if (spec.loadBalancerClass !== undefined) out.loadBalancerClass = spec.loadBalancerClass;
  if (spec.loadBalancerIP !== undefined) out.loadBalancerIP = spec.loadBalancerIP;
  if (spec.ipFamilies !== undefined) out.ipFamilies = spec.ipFamilies;
  if (spec.ipFamilyPolicy !== undefined) out.ipFamilyPolicy = spec.ipFamilyPolicy;
  if (spec.selector !== undefined) out.selector = spec.selector;
  if (spec.externalTrafficPolicy !== undefined) out.externalTrafficPolicy = spec.externalTrafficPolicy;
  // null is kept as null: the allocator reads it as absent, as it would the full object's.
  if (spec.ports !== undefined) out.ports = spec.ports === null ? spec.ports : spec.ports.map((p) => (p.protocol === undefined ? { port: p.port } : { protocol: p.protocol, port: p.port }));
  return out;
}

/** Server-side apply bookkeeping: often the largest part of an object, and never read here. */
export function withoutManagedFields<T extends KubernetesObject>(obj: T): T {
  if (obj.metadata) delete obj.metadata.managedFields;
  return obj;
}
