import { ANNOTATION_SUFFIX, type AnnotationName, DEFAULT_LOAD_BALANCER_CLASS, annotationKeys } from '../api/constants.js';
import { type Family, type IP, familyName, parseIPResult } from '../net/address.js';
import type { IPFamilyPolicy, ServiceInput, ServiceKey, ServiceRef } from './types.js';

export interface ClassifyOptions {
  loadBalancerClass?: string;
  defaultImplementation?: boolean;
}

export type Classification =
  | { handled: true }
  | { handled: false; reason: 'NotLoadBalancer' | 'OtherLoadBalancerClass' | 'NoLoadBalancerClass'; message: string };

/**
 * Whether Herald serves this Service: type LoadBalancer and either Herald's class, or no class
 * while Herald is the default implementation.
 */
export function classifyService(service: ServiceInput, options: ClassifyOptions = {}): Classification {
  const ownClass = options.loadBalancerClass ?? DEFAULT_LOAD_BALANCER_CLASS;
  const isDefault = options.defaultImplementation ?? true;
  const type = typeof service.spec?.type === 'string' ? service.spec.type : 'ClusterIP';
  if (type !== 'LoadBalancer') {
    return { handled: false, reason: 'NotLoadBalancer', message: `The Service is of type ${type}, not LoadBalancer, so Herald gives it no address.` };
  }
  const lbClass = nonEmpty(stringOr(service.spec?.loadBalancerClass));
  if (lbClass === undefined) {
    if (isDefault) return { handled: true };
    return {
      handled: false,
      reason: 'NoLoadBalancerClass',
      message: `The Service has no spec.loadBalancerClass and Herald is not the default load balancer here; set it to ${ownClass} to use Herald.`,
    };
  }
  if (lbClass !== ownClass) {
    return { handled: false, reason: 'OtherLoadBalancerClass', message: `The Service asks for load balancer class ${lbClass}; Herald serves ${ownClass}.` };
  }
  return { handled: true };
}


/** A field or annotation that cannot be read, and why. */
export interface RequestProblem {
  field: string;
  message: string;
}

/** Everything the allocator reads from one Service, parsed once per change. */
export interface ServiceRequest {
  ref: ServiceRef;
  key: ServiceKey;
  /** Milliseconds since the epoch; +Infinity when unknown, so such a Service counts as the newest. */
  created: number;
  labels: Readonly<Record<string, string>>;
  policy: IPFamilyPolicy;
  /** The families wanted, primary first: one for SingleStack, two for the dual-stack policies. */
  families: Family[];
  /** Requested addresses by family (spec.loadBalancerIP or the loadBalancerIPs annotation). */
  requested: Partial<Record<Family, IP>>;
  /** Where the requested addresses came from, for messages. */
  requestedFrom?: string;
  requestedPool?: string;
  requestedPoolFrom?: string;
  sharingKey?: string;
  /** "TCP/80" etc., sorted, unique. */
  ports: string[];
  /** Equal for Services that may share an address: "Cluster", or "Local" plus the pod selector. */
  backend: string;
  /** The addresses in status.loadBalancer.ingress, at most one per family, in status order. */
  statusIPs: IP[];
  /** Set when the request cannot be read: the allocator answers InvalidRequest. */
  problem?: RequestProblem;
  warnings: string[];
}

/** namespace/name; a missing namespace reads as `default`, as kubectl does. */
export function readServiceRef(service: ServiceInput): ServiceRef {
  const meta = objectOr(service.metadata);
  return { namespace: stringOr(meta.namespace) ?? 'default', name: stringOr(meta.name) ?? '' };
}

/** Reads a handled Service. Never throws: what cannot be read is reported in `problem`. */
export function readServiceRequest(service: ServiceInput): ServiceRequest {
  const meta = objectOr(service.metadata);
  const spec = objectOr(service.spec);
  const ref = readServiceRef(service);
  const warnings: string[] = [];
  const problems: RequestProblem[] = [];

  const annotations = isObject(meta.annotations) ? meta.annotations : undefined;
  const poolAnnotation = readAliased(annotations, 'addressPool', problems, warnings);
  const ipsAnnotation = readAliased(annotations, 'loadBalancerIPs', problems, warnings);
  const sharingAnnotation = readAliased(annotations, 'allowSharedIP', problems, warnings);

  const families = readFamilies(Array.isArray(spec.ipFamilies) ? spec.ipFamilies : undefined, problems);
  const policy = readPolicy(stringOr(spec.ipFamilyPolicy), problems);

  const requestedList = readRequestedIPs(nonEmpty(stringOr(spec.loadBalancerIP)), ipsAnnotation, problems);
  const wanted = wantedFamilies(policy, families, requestedList?.ips ?? [], problems);
  const requested: Partial<Record<Family, IP>> = {};
  if (requestedList !== undefined) {
    for (const ip of requestedList.ips) {
      if (!wanted.includes(ip.family)) {
        problems.push({
          field: requestedList.field,
          message: `asks for ${requestedList.texts.get(ip)} (${familyName(ip.family)}), but the Service is ${describeFamilies(policy, wanted)}`,
        });
      } else requested[ip.family] = ip;
    }
  }

  let requestedPool: string | undefined;
  let requestedPoolFrom: string | undefined;
  if (poolAnnotation !== undefined) {
    if (poolAnnotation.value.trim() === '') {
      problems.push({ field: `annotation ${poolAnnotation.key}`, message: 'is empty; name an IPAddressPool or remove the annotation' });
    } else {
      requestedPool = poolAnnotation.value.trim();
      requestedPoolFrom = `annotation ${poolAnnotation.key}`;
    }
  }

  const sharingKey = sharingAnnotation !== undefined ? nonEmpty(sharingAnnotation.value.trim()) : undefined;

  const request: ServiceRequest = {
    ref,
    key: `${ref.namespace}/${ref.name}`,
    created: readTime(meta.creationTimestamp),
    labels: isObject(meta.labels) ? meta.labels : {},
    policy,
    families: wanted,
    requested,
    ports: readPorts(Array.isArray(spec.ports) ? spec.ports : undefined),
    backend: readBackend(stringOr(spec.externalTrafficPolicy), isObject(spec.selector) ? spec.selector : undefined),
    statusIPs: readStatusIPs(service),
    warnings,
  };
  if (requestedList !== undefined) request.requestedFrom = requestedList.field;
  if (requestedPool !== undefined) {
    request.requestedPool = requestedPool;
    request.requestedPoolFrom = requestedPoolFrom as string;
  }
  if (sharingKey !== undefined) request.sharingKey = sharingKey;
  const problem = problems[0];
  if (problem !== undefined) request.problem = problem;
  return request;
}

interface Found {
  key: string;
  value: string;
}

/** Every spelling of each annotation, built once: they are read for every Service on every change. */
const KEYS: Readonly<Record<AnnotationName, readonly string[]>> = {
  loadBalancerIPs: annotationKeys('loadBalancerIPs'),
  addressPool: annotationKeys('addressPool'),
  allowSharedIP: annotationKeys('allowSharedIP'),
  ipAllocatedFromPool: annotationKeys('ipAllocatedFromPool'),
};

/**
 * One annotation under any of its spellings. Two spellings with different values are a problem
 * naming both: guessing which one the user meant would hide the mistake.
 */
function readAliased(
  annotations: Readonly<Record<string, string>> | undefined,
  name: AnnotationName,
  problems: RequestProblem[],
  warnings: string[],
): Found | undefined {
  if (annotations === undefined) return undefined;
  let present: Found[] | undefined;
  for (const key of KEYS[name]) {
    if (!Object.hasOwn(annotations, key)) continue;
    const value = annotations[key];
    if (typeof value === 'string') (present ??= []).push({ key, value });
  }
  const first = present?.[0];
  if (present === undefined || first === undefined) return undefined;
  const other = present.find((p) => p.value !== first.value);
  if (other !== undefined) {
    problems.push({
      field: `annotations ${first.key} and ${other.key}`,
      message: `disagree (${JSON.stringify(first.value)} and ${JSON.stringify(other.value)}); keep one of them`,
    });
  }
  const deprecated = present.find((p) => p.key.startsWith('metallb.universe.tf/'));
  if (deprecated !== undefined) {
    warnings.push(`Annotation ${deprecated.key} is deprecated; use heraldlb.io/${ANNOTATION_SUFFIX[name]}.`);
  }
  return first;
}

function readFamilies(value: readonly string[] | undefined, problems: RequestProblem[]): Family[] {
  const out: Family[] = [];
  for (const [i, text] of (value ?? []).entries()) {
    if (typeof text !== 'string') {
      problems.push({ field: `spec.ipFamilies[${i}]`, message: 'is not a string' });
      continue;
    }
    const family = text === 'IPv4' ? 4 : text === 'IPv6' ? 6 : undefined;
    if (family === undefined) {
      problems.push({ field: `spec.ipFamilies[${i}]`, message: `${JSON.stringify(text)} is neither IPv4 nor IPv6` });
    } else if (out.includes(family)) {
      problems.push({ field: `spec.ipFamilies[${i}]`, message: `lists ${text} twice` });
    } else out.push(family);
  }
  return out;
}

function readPolicy(value: string | undefined, problems: RequestProblem[]): IPFamilyPolicy {
  if (value === undefined || value === '' || value === 'SingleStack') return 'SingleStack';
  if (value === 'PreferDualStack' || value === 'RequireDualStack') return value;
  problems.push({ field: 'spec.ipFamilyPolicy', message: `${JSON.stringify(value)} is not SingleStack, PreferDualStack or RequireDualStack` });
  return 'SingleStack';
}

function other(family: Family): Family {
  return family === 4 ? 6 : 4;
}

/**
 * The families the Service's addresses must have, primary first. spec.ipFamilies decides (the API
 * server always fills it); without it, the requested addresses' families, else IPv4.
 */
function wantedFamilies(policy: IPFamilyPolicy, listed: Family[], requested: IP[], problems: RequestProblem[]): Family[] {
  const fromRequest = requested.map((ip) => ip.family);
  const base: Family[] = listed.length > 0 ? listed : fromRequest.length > 0 ? fromRequest : [4];
  const primary = base[0] as Family;
  if (policy === 'SingleStack') {
    if (listed.length > 1) problems.push({ field: 'spec.ipFamilies', message: 'lists two families, but spec.ipFamilyPolicy is SingleStack' });
    return listed.length > 0 ? [primary] : base.slice(0, 1);
  }
  if (policy === 'RequireDualStack' && listed.length === 1) {
    problems.push({
      field: 'spec.ipFamilies',
      message: `lists only ${familyName(primary)}, but spec.ipFamilyPolicy is RequireDualStack (the cluster gave the Service no ${familyName(other(primary))} cluster IP)`,
    });
  }
  if (policy === 'PreferDualStack' && listed.length === 1) return [primary];
  return [primary, other(primary)];
}

function describeFamilies(policy: IPFamilyPolicy, families: Family[]): string {
  if (families.length === 1) return `single-stack ${familyName(families[0] as Family)} (spec.ipFamilies, spec.ipFamilyPolicy ${policy})`;
  return `dual-stack (spec.ipFamilyPolicy ${policy})`;
}

interface RequestedList {
  field: string;
  ips: IP[];
  texts: Map<IP, string>;
}

function readRequestedIPs(specIP: string | undefined, annotation: Found | undefined, problems: RequestProblem[]): RequestedList | undefined {
  let fromSpec: RequestedList | undefined;
  if (specIP !== undefined) {
    const parsed = parseIPResult(specIP.trim());
    if (!parsed.ok) {
      problems.push({ field: 'spec.loadBalancerIP', message: parsed.error });
      return undefined;
    }
    fromSpec = { field: 'spec.loadBalancerIP', ips: [parsed.value], texts: new Map([[parsed.value, specIP.trim()]]) };
  }
  const annotationText = annotation !== undefined ? nonEmpty(annotation.value.trim()) : undefined;
  if (annotation === undefined || annotationText === undefined) return fromSpec;
  const field = `annotation ${annotation.key}`;
  const ips: IP[] = [];
  const texts = new Map<IP, string>();
  for (const [i, raw] of annotationText.split(',').entries()) {
    const text = raw.trim();
    if (text === '') {
      problems.push({ field, message: `entry ${i + 1} of ${JSON.stringify(annotation.value)} is empty` });
      return undefined;
    }
    const parsed = parseIPResult(text);
    if (!parsed.ok) {
      problems.push({ field, message: parsed.error });
      return undefined;
    }
    const twin = ips.find((ip) => ip.family === parsed.value.family);
    if (twin !== undefined) {
      problems.push({
        field,
        message: `lists two ${familyName(twin.family)} addresses (${texts.get(twin)} and ${text}); give at most one address per family`,
      });
      return undefined;
    }
    ips.push(parsed.value);
    texts.set(parsed.value, text);
  }
  const fromAnnotation: RequestedList = { field, ips, texts };
  if (fromSpec !== undefined) {
    const specOnly = fromSpec.ips[0] as IP;
    const same = ips.length === 1 && ips[0]?.family === specOnly.family && ips[0]?.value === specOnly.value;
    if (!same) {
      problems.push({
        field: `spec.loadBalancerIP and ${field}`,
        message: `ask for different addresses (${specIP} and ${annotation.value}); use only the annotation`,
      });
      return undefined;
    }
  }
  return fromAnnotation;
}

function readPorts(ports: ReadonlyArray<{ protocol?: string; port: number }> | undefined): string[] {
  const keys: string[] = [];
  for (const p of ports ?? []) {
    if (!isObject(p) || typeof p.port !== 'number') continue;
    const key = `${typeof p.protocol === 'string' ? p.protocol : 'TCP'}/${p.port}`;
    if (!keys.includes(key)) keys.push(key);
  }
  return keys.length > 1 ? keys.sort() : keys;
}

/**
 * Services may share an address only with the same backend: every Cluster-policy Service has the
 * same one; a Local-policy Service's is its pod selector (they must pick the same pods, or traffic
 * for one would be announced from nodes that only run the other's pods).
 */
function readBackend(policy: string | undefined, selector: Readonly<Record<string, string>> | undefined): string {
  if (policy !== 'Local') return 'Cluster';
  const entries = Object.entries(selector ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `Local ${JSON.stringify(Object.fromEntries(entries))}`;
}

function readStatusIPs(service: ServiceInput): IP[] {
  const out: IP[] = [];
  const ingress = service.status?.loadBalancer?.ingress;
  for (const entry of Array.isArray(ingress) ? ingress : []) {
    if (entry === null || typeof entry !== 'object' || typeof entry.ip !== 'string') continue;
    const parsed = parseIPResult(entry.ip);
    if (!parsed.ok) continue;
    if (out.some((ip) => ip.family === parsed.value.family)) continue;
    out.push(parsed.value);
  }
  return out;
}

function readTime(value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) ? ms : Number.POSITIVE_INFINITY;
}

/*
 * The API server and its client give typed objects, but a watch may carry anything a buggy or
 * hostile writer stored; these keep one odd field from throwing in the middle of a decision.
 */
function isObject<T>(value: T | null | undefined): value is T & object {
  return typeof value === 'object' && value !== null;
}

function objectOr<T extends object>(value: T | null | undefined): Partial<T> {
  return isObject(value) ? value : {};
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function nonEmpty(value: string | undefined | null): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : value;
}
