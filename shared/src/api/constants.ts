/** The API group of every Herald resource; MetalLB's `metallb.io` maps onto it one to one. */
export const GROUP = 'heraldlb.io';
export const VERSION = 'v1beta1';
export const API_VERSION = `${GROUP}/${VERSION}` as const;

/** Herald's own namespace: every Herald resource must live here, as MetalLB's must live in its own. */
export const DEFAULT_NAMESPACE = 'herald-system';

/** The `spec.loadBalancerClass` Herald serves. Services naming another class are left alone. */
export const DEFAULT_LOAD_BALANCER_CLASS = 'heraldlb.io/herald';

export const KIND = {
  IPAddressPool: 'IPAddressPool',
  L2Advertisement: 'L2Advertisement',
  BGPAdvertisement: 'BGPAdvertisement',
  BGPPeer: 'BGPPeer',
  BFDProfile: 'BFDProfile',
  Community: 'Community',
  ServiceL2Status: 'ServiceL2Status',
  ServiceBGPStatus: 'ServiceBGPStatus',
} as const;

export type HeraldKind = (typeof KIND)[keyof typeof KIND];

/** REST resource names (the plural in the URL path), as registered by crds/. */
export const PLURAL: Readonly<Record<HeraldKind, string>> = {
  IPAddressPool: 'ipaddresspools',
  L2Advertisement: 'l2advertisements',
  BGPAdvertisement: 'bgpadvertisements',
  BGPPeer: 'bgppeers',
  BFDProfile: 'bfdprofiles',
  Community: 'communities',
  ServiceL2Status: 'servicel2statuses',
  ServiceBGPStatus: 'servicebgpstatuses',
};

/**
 * Annotation prefixes in order of precedence: Herald's own first, then MetalLB's current prefix, then
 * its deprecated one, because published charts still carry both MetalLB forms.
 */
export const ANNOTATION_PREFIXES = ['heraldlb.io/', 'metallb.io/', 'metallb.universe.tf/'] as const;

/** The part of each Service annotation after the prefix. */
export const ANNOTATION_SUFFIX = {
  /** Comma-separated addresses the Service asks for (at most one per family). */
  loadBalancerIPs: 'loadBalancerIPs',
  /** The pool to allocate from, even when its autoAssign is false. */
  addressPool: 'address-pool',
  /** Sharing key: Services with the same key may share an address. */
  allowSharedIP: 'allow-shared-ip',
  /** Written by Herald: the pool the Service's addresses came from. */
  ipAllocatedFromPool: 'ip-allocated-from-pool',
} as const;

export type AnnotationName = keyof typeof ANNOTATION_SUFFIX;

/** Every accepted key for one annotation, in order of precedence. */
export function annotationKeys(name: AnnotationName): readonly string[] {
  return ANNOTATION_PREFIXES.map((prefix) => prefix + ANNOTATION_SUFFIX[name]);
}

export const ANNOTATION = {
  loadBalancerIPs: `${GROUP}/${ANNOTATION_SUFFIX.loadBalancerIPs}`,
  addressPool: `${GROUP}/${ANNOTATION_SUFFIX.addressPool}`,
  allowSharedIP: `${GROUP}/${ANNOTATION_SUFFIX.allowSharedIP}`,
  ipAllocatedFromPool: `${GROUP}/${ANNOTATION_SUFFIX.ipAllocatedFromPool}`,
} as const;

/** Labels the speakers put on ServiceL2Status / ServiceBGPStatus objects so they can be listed by service or node. */
export const STATUS_LABEL = {
  node: `${GROUP}/node`,
  serviceName: `${GROUP}/service-name`,
  serviceNamespace: `${GROUP}/service-namespace`,
} as const;
