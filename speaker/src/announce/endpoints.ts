import type { ServiceKey } from '@herald/shared/service/types.js';

/**
 * The parts of a discovery.k8s.io/v1 EndpointSlice the speaker reads: a structural subset of
 * client-node's V1EndpointSlice, so watch objects go straight in. null is read as absent.
 */
export interface EndpointSliceInput {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Readonly<Record<string, string>>;
  };
  addressType?: string;
  endpoints?: ReadonlyArray<EndpointInput>;
}

export interface EndpointInput {
  addresses?: readonly string[];
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  nodeName?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
}

/** The label the EndpointSlice controller sets to the name of the Service a slice belongs to. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Ready endpoints of one Service: per node, and in all (endpoints without a node count only in the total). */
export interface ServiceEndpoints {
  readonly readyByNode: ReadonlyMap<string, number>;
  readonly readyTotal: number;
}

export const NO_ENDPOINTS: ServiceEndpoints = { readyByNode: new Map(), readyTotal: 0 };

function isObject<T>(value: T | null | undefined): value is T & object {
  return typeof value === 'object' && value !== null;
}

function listOf<T>(value: readonly T[] | null | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The Service a slice belongs to, or undefined when the slice has no service-name label. */
export function sliceServiceKey(slice: EndpointSliceInput): ServiceKey | undefined {
  const labels = slice.metadata?.labels;
  const name = isObject(labels) && Object.hasOwn(labels, SERVICE_NAME_LABEL) ? nonEmptyString(labels[SERVICE_NAME_LABEL]) : undefined;
  if (name === undefined) return undefined;
  return `${nonEmptyString(slice.metadata?.namespace) ?? 'default'}/${name}`;
}

/**
 * Which endpoint this is, across slices. A dual-stack pod appears once in the Service's IPv4
 * slice and once in its IPv6 slice, with different addresses but the same targetRef, so the
 * pod's uid (else its kind/namespace/name) names it. An endpoint without a targetRef (a slice
 * written by hand) is named by its node and addresses: that still counts it once when it appears
 * twice in slices of one family, as it may while the controller moves it between slices.
 */
function endpointIdentity(endpoint: EndpointInput): string {
  const ref = isObject(endpoint.targetRef) ? endpoint.targetRef : undefined;
  const uid = nonEmptyString(ref?.uid);
  if (uid !== undefined) return `uid ${uid}`;
  const refName = nonEmptyString(ref?.name);
  if (refName !== undefined) return `ref ${ref?.kind ?? ''}/${ref?.namespace ?? ''}/${refName}`;
  const addresses = listOf(endpoint.addresses)
    .filter((a): a is string => typeof a === 'string')
    .sort();
  return `addresses ${nonEmptyString(endpoint.nodeName) ?? ''} ${addresses.join(',')}`;
}

/**
 * Ready means conditions.ready is not false: the API documents an unset ready as "unknown, treat
 * as ready". A terminating endpoint has ready false and so stops counting the moment it starts
 * terminating, even while it is still serving: withdrawing then lets routers drain the node
 * while kube-proxy finishes the connections it has. (MetalLB keeps announcing while serving is
 * true; we prefer the drain.)
 */
export function endpointReady(endpoint: EndpointInput): boolean {
  const conditions = isObject(endpoint.conditions) ? endpoint.conditions : undefined;
  return conditions?.ready !== false;
}

interface Occurrence {
  ready: boolean;
  node: string | undefined;
}

/** A total order, so the occurrence kept for an endpoint seen twice does not depend on slice order: ready first, then with a node, then by node name. */
function better(a: Occurrence, b: Occurrence): boolean {
  if (a.ready !== b.ready) return a.ready;
  if ((a.node === undefined) !== (b.node === undefined)) return a.node !== undefined;
  return a.node !== undefined && b.node !== undefined && a.node < b.node;
}

/**
 * Ready endpoint counts of one Service from all its slices (IPv4 and IPv6). An endpoint that
 * appears in several slices counts once, as ready if any of its appearances says ready (slices
 * are updated one at a time, so for a moment they may disagree).
 */
export function readServiceEndpoints(slices: Iterable<EndpointSliceInput>): ServiceEndpoints {
  const seen = new Map<string, Occurrence>();
  for (const slice of slices) {
    if (!isObject(slice)) continue;
    for (const endpoint of listOf(slice.endpoints)) {
      if (!isObject(endpoint)) continue;
      const occurrence: Occurrence = { ready: endpointReady(endpoint), node: nonEmptyString(endpoint.nodeName) };
      const id = endpointIdentity(endpoint);
      const known = seen.get(id);
      if (known === undefined || better(occurrence, known)) seen.set(id, occurrence);
    }
  }
  const readyByNode = new Map<string, number>();
  let readyTotal = 0;
  for (const { ready, node } of seen.values()) {
    if (!ready) continue;
    readyTotal++;
    if (node !== undefined) readyByNode.set(node, (readyByNode.get(node) ?? 0) + 1);
  }
  return { readyByNode, readyTotal };
}

/** Every slice grouped by its Service; slices without the service-name label are ignored. */
export function readEndpoints(slices: Iterable<EndpointSliceInput>): Map<ServiceKey, ServiceEndpoints> {
  const byService = new Map<ServiceKey, EndpointSliceInput[]>();
  for (const slice of slices) {
    const key = isObject(slice) ? sliceServiceKey(slice) : undefined;
    if (key === undefined) continue;
    const list = byService.get(key);
    if (list === undefined) byService.set(key, [slice]);
    else list.push(slice);
  }
  const out = new Map<ServiceKey, ServiceEndpoints>();
  for (const [key, list] of byService) out.set(key, readServiceEndpoints(list));
  return out;
}

/**
 * The slices the speaker has seen, by Service, so one slice event costs a recount of that
 * Service's slices only. Pure bookkeeping, no I/O: the shell feeds it watch events and passes
 * `endpoints(key)` for every key returned to Announcer.updateEndpoints.
 */
export class EndpointSliceIndex {
  private readonly slices = new Map<string, { key: ServiceKey; slice: EndpointSliceInput }>();
  private readonly byService = new Map<ServiceKey, Set<string>>();

  /** Adds or replaces a slice; returns the Services whose endpoints may have changed (two when its service-name label moved). */
  upsert(slice: EndpointSliceInput): ServiceKey[] {
    const id = `${nonEmptyString(slice.metadata?.namespace) ?? 'default'}/${nonEmptyString(slice.metadata?.name) ?? ''}`;
    const affected = this.removeById(id);
    const key = sliceServiceKey(slice);
    if (key === undefined) return affected;
    this.slices.set(id, { key, slice });
    let ids = this.byService.get(key);
    if (ids === undefined) this.byService.set(key, (ids = new Set()));
    ids.add(id);
    if (!affected.includes(key)) affected.push(key);
    return affected;
  }

  /** Forgets a slice; returns the Service it belonged to, if any. */
  remove(namespace: string, name: string): ServiceKey[] {
    return this.removeById(`${namespace}/${name}`);
  }

  endpoints(key: ServiceKey): ServiceEndpoints {
    const ids = this.byService.get(key);
    if (ids === undefined) return NO_ENDPOINTS;
    const slices: EndpointSliceInput[] = [];
    for (const id of ids) {
      const entry = this.slices.get(id);
      if (entry !== undefined) slices.push(entry.slice);
    }
    return readServiceEndpoints(slices);
  }

  private removeById(id: string): ServiceKey[] {
    const old = this.slices.get(id);
    if (old === undefined) return [];
    this.slices.delete(id);
    const ids = this.byService.get(old.key);
    ids?.delete(id);
    if (ids !== undefined && ids.size === 0) this.byService.delete(old.key);
    return [old.key];
  }
}
