/**
 * What each verb does to the store, with the real API server's semantics: optimistic concurrency,
 * generation, status subresource, finalizers, generateName, namespaces that must exist, schema
 * pruning/defaulting/validation, the three patch formats. HTTP-free: takes parsed requests,
 * returns objects or throws ApiError.
 */
import { randomUUID } from 'node:crypto';
import { CRD_KIND } from './crd.js';
import {
  ApiError,
  STALE_OBJECT,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  unsupportedMediaType,
} from './errors.js';
import { type KindSpec, apiVersionOf } from './kind.js';
import { generatedName, pruneMetadata, validateMetadata } from './metadata.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch.js';
import type { Registry } from './registry.js';
import { applyDefaults, prune, unknownFieldsMessage, validate } from './schema.js';
import { type FieldSelector, type LabelSelector, matchesFields, matchesLabels } from './selectors.js';
import type { ObjectStore } from './store.js';
import { clone, deepEqual, isObject, timestamp, type KubeObject } from './types.js';

export interface Target {
  kind: KindSpec;
  version: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: 'status' | undefined;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: FieldValidation;
}

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
  created: boolean;
}

export interface Selection {
  labels: LabelSelector;
  fields: FieldSelector;
}

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

export class Rest {
  constructor(
    readonly store: ObjectStore,
    readonly registry: Registry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private namespaces(): KindSpec {
    const ns = this.registry.find('', 'v1', 'namespaces');
    if (!ns) throw new Error('the Namespace kind is not registered');
    return ns;
  }

  get(t: Target): KubeObject {
    return t.kind.toVersion(this.mustGet(t), t.version);
  }

  /** Objects matching the selection, in the requested version, and the store's resourceVersion. */
  list(t: Target, sel: Selection): { items: KubeObject[]; resourceVersion: string } {
    const items = this.store
      .list(t.kind.storageKey, t.namespace)
      .map((o) => t.kind.toVersion(o, t.version))
      .filter((o) => matches(sel, o));
    return { items, resourceVersion: String(this.store.resourceVersion) };
  }

  create(t: Target, body: unknown, opts: WriteOptions): WriteResult {
    const { kind } = t;
    const incoming = this.decode(t, body);
    const meta = incoming.metadata;
    if (kind.namespaced) {
      if (meta.namespace && meta.namespace !== t.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = t.namespace;
    } else {
      delete meta.namespace;
    }
    const pruned = this.pruneUnknown(t, incoming, opts.fieldValidation);
    const warnings = pruned.warnings;
    let obj = kind.fromVersion(pruned.obj, t.version);
    if (!obj.metadata.name && obj.metadata.generateName) {
      do obj.metadata.name = generatedName(obj.metadata.generateName);
      while (this.store.get(kind.storageKey, obj.metadata.namespace, obj.metadata.name));
    }
    if (kind.namespaced && t.namespace) this.checkNamespaceOpen(t.namespace, kind, obj.metadata.name ?? '');
    if (kind.dropStatusOnCreate) delete obj.status;
    const now = this.now();
    for (const k of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink', 'managedFields']) delete obj.metadata[k];
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = timestamp(now);
    obj.metadata.generation = 1;
    obj = this.admit(t, obj, undefined, now);
    const name = obj.metadata.name ?? '';
    if (this.store.get(kind.storageKey, obj.metadata.namespace, name)) throw alreadyExists(kind.group, kind.plural, name);
    const stored = opts.dryRun ? obj : this.store.put(kind.storageKey, obj);
    if (!opts.dryRun) this.afterWrite(kind, stored);
    return { object: kind.toVersion(stored, t.version), warnings, created: true };
  }

  /** PUT: replaces the object (or only its status, on /status). */
  update(t: Target, body: unknown, opts: WriteOptions): WriteResult {
    const old = this.mustGet(t);
    const incoming = this.decode(t, body);
    this.checkIdentity(t, incoming);
    const rv = incoming.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw conflict(t.kind.group, t.kind.plural, t.name ?? '', STALE_OBJECT);
    const { obj, warnings } = this.pruneUnknown(t, incoming, opts.fieldValidation);
    return { ...this.commit(t, old, t.kind.fromVersion(obj, t.version), opts), warnings };
  }

  /** Refuses patch types the kind does not take (415), before anything else is looked at. */
  checkPatchType(kind: KindSpec, contentType: string): void {
    if (contentType === 'application/apply-patch+yaml') {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        'the lab API server does not implement server-side apply (application/apply-patch+yaml); use client-side kubectl apply or a merge patch',
      );
    }
    const takes = PATCH_TYPES.filter((p) => !p.includes('apply') && (kind.patchMeta || !p.includes('strategic')));
    if (!takes.includes(contentType)) throw unsupportedMediaType(contentType, takes);
  }

  patch(t: Target, contentType: string, body: unknown, opts: WriteOptions): WriteResult {
    const { kind } = t;
    this.checkPatchType(kind, contentType);
    const old = this.mustGet(t);
    const current = kind.toVersion(old, t.version);
    let patched: unknown;
    if (contentType === 'application/merge-patch+json') {
      if (!isObject(body)) throw badRequest('a JSON merge patch must be a JSON object');
      patched = applyMergePatch(current, body);
    } else if (contentType === 'application/json-patch+json') {
      patched = applyJsonPatch(current, body);
    } else {
      patched = applyStrategicMergePatch(current, body, kind.patchMeta ?? {});
    }
    const incoming = this.decode(t, patched);
    this.checkIdentity(t, incoming);
    const rv = incoming.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw conflict(kind.group, kind.plural, t.name ?? '', STALE_OBJECT);
    const { obj, warnings } = this.pruneUnknown(t, incoming, opts.fieldValidation);
    return { ...this.commit(t, old, kind.fromVersion(obj, t.version), opts), warnings };
  }

  /**
   * DELETE: an object with finalizers only gets a deletionTimestamp and stays until an update
   * clears them; a Namespace takes its contents with it.
   */
  delete(t: Target, preconditions: { uid?: string; resourceVersion?: string }, opts: WriteOptions): KubeObject {
    const { kind } = t;
    const old = this.mustGet(t);
    const name = t.name ?? '';
    const why = kind.deleteForbidden?.(name);
    if (why) throw forbidden(kind.group, kind.plural, name, why);
    if (preconditions.uid && preconditions.uid !== old.metadata.uid) {
      throw conflict(kind.group, kind.plural, name, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${old.metadata.uid ?? ''}`);
    }
    if (preconditions.resourceVersion && preconditions.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(kind.group, kind.plural, name, `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`);
    }
    if (opts.dryRun) return kind.toVersion(old, t.version);
    const isNamespace = kind === this.namespaces();
    const finalizers = old.metadata.finalizers ?? [];
    if (finalizers.length > 0 || isNamespace) {
      if (old.metadata.deletionTimestamp && !isNamespace) return kind.toVersion(old, t.version);
      const next = clone(old);
      if (!next.metadata.deletionTimestamp) {
        next.metadata.deletionTimestamp = timestamp(this.now());
        next.metadata.deletionGracePeriodSeconds = 0;
        next.metadata.generation = (next.metadata.generation ?? 0) + 1;
      }
      if (isNamespace && isObject(next.status)) next.status.phase = 'Terminating';
      const stored = deepEqual(next, old) ? old : this.store.put(kind.storageKey, next);
      if (isNamespace) {
        this.emptyNamespace(name);
        return kind.toVersion(this.finishNamespace(name) ?? stored, t.version);
      }
      return kind.toVersion(stored, t.version);
    }
    return kind.toVersion(this.removeNow(kind, old), t.version);
  }

  deleteCollection(t: Target, sel: Selection, opts: WriteOptions): KubeObject[] {
    const out: KubeObject[] = [];
    for (const o of this.store.list(t.kind.storageKey, t.namespace)) {
      const versioned = t.kind.toVersion(o, t.version);
      if (!matches(sel, versioned)) continue;
      if (t.kind.deleteForbidden?.(o.metadata.name ?? '')) continue;
      out.push(this.delete({ ...t, namespace: o.metadata.namespace, name: o.metadata.name }, {}, opts));
    }
    return out;
  }

  private mustGet(t: Target): KubeObject {
    const obj = t.name === undefined ? undefined : this.store.get(t.kind.storageKey, t.namespace, t.name);
    if (!obj) throw notFound(t.kind.group, t.kind.plural, t.name ?? '');
    return obj;
  }

  /** Checks the body is an object of the URL's kind and version; fills apiVersion/kind when absent. */
  private decode(t: Target, body: unknown): KubeObject {
    const { kind } = t;
    if (!isObject(body)) throw badRequest(`the request body must be a JSON (or YAML) object of kind ${kind.kind}`);
    const want = apiVersionOf(kind.group, t.version);
    if (body.apiVersion !== undefined && body.apiVersion !== want) {
      throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${want})`);
    }
    if (body.kind !== undefined && body.kind !== kind.kind) {
      throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${kind.kind}) of ${want} ${kind.plural}`);
    }
    if (body.metadata !== undefined && !isObject(body.metadata)) throw badRequest('metadata must be an object');
    const obj = clone(body) as KubeObject;
    obj.apiVersion = want;
    obj.kind = kind.kind;
    obj.metadata = isObject(obj.metadata) ? obj.metadata : {};
    return obj;
  }

  private checkIdentity(t: Target, obj: KubeObject): void {
    const meta = obj.metadata;
    if (!meta.name) meta.name = t.name;
    if (meta.name !== t.name) {
      throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${t.name ?? ''})`);
    }
    if (t.kind.namespaced) {
      if (meta.namespace && meta.namespace !== t.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = t.namespace;
    } else {
      delete meta.namespace;
    }
  }

  /** Drops unknown fields; refuses them under `fieldValidation=Strict`, reports them under Warn. */
  private pruneUnknown(t: Target, input: KubeObject, mode: FieldValidation): { obj: KubeObject; warnings: string[] } {
    const unknown = pruneMetadata(input.metadata);
    const schema = t.kind.schema?.(t.version);
    let obj = input;
    if (schema) {
      const result = prune(input, schema);
      unknown.push(...result.pruned);
      // prune keeps the root's apiVersion, kind and metadata, so the result is still a KubeObject.
      obj = result.value as KubeObject;
    }
    if (unknown.length === 0 || mode === 'Ignore') return { obj, warnings: [] };
    if (mode === 'Strict') {
      throw badRequest(`${t.kind.kind} in version "${t.version}" cannot be handled as a ${t.kind.kind}: strict decoding error: ${unknownFieldsMessage(unknown)}`);
    }
    return { obj, warnings: unknown.map((p) => `unknown field ${JSON.stringify(p)}`) };
  }

  private checkNamespaceOpen(namespace: string, kind: KindSpec, name: string): void {
    const ns = this.store.get(this.namespaces().storageKey, undefined, namespace);
    if (!ns) throw notFound('', 'namespaces', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw forbidden(kind.group, kind.plural, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  /** Defaults, schema validation, kind rules; throws 422 with every field error found. */
  private admit(t: Target, input: KubeObject, old: KubeObject | undefined, now: Date): KubeObject {
    const { kind } = t;
    const schema = kind.schema?.(t.version);
    const obj = schema ? (applyDefaults(input, schema) as KubeObject) : input;
    const errors = validateMetadata(obj.metadata, kind.nameRule);
    if (schema) errors.push(...validate(obj, schema));
    const view = {
      list: (key: string, ns?: string) => this.store.list(key, ns),
      scan: (key: string, ns?: string) => this.store.scan(key, ns),
      get: this.store.get.bind(this.store),
    };
    if (errors.length === 0 && kind.admit) errors.push(...kind.admit({ obj, old, view, now }));
    if (kind === CRD_KIND && errors.length === 0) errors.push(...this.registry.crdConflicts(obj));
    if (errors.length > 0) throw invalid(kind.group, kind.kind, obj.metadata.name ?? '', errors);
    return obj;
  }

  /** The shared end of PUT and PATCH: status rules, generation, finalizers, no-op detection. */
  private commit(t: Target, old: KubeObject, incoming: KubeObject, opts: WriteOptions): Omit<WriteResult, 'warnings'> {
    const { kind } = t;
    let next: KubeObject;
    if (t.subresource === 'status') {
      next = clone(old);
      if (incoming.status === undefined) delete next.status;
      else next.status = incoming.status;
    } else {
      next = incoming;
      if (kind.statusSubresource) {
        if (old.status === undefined) delete next.status;
        else next.status = clone(old.status);
      }
    }
    const meta: Record<string, unknown> = next.metadata;
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'resourceVersion']) {
      if (old.metadata[k] === undefined) delete meta[k];
      else meta[k] = old.metadata[k];
    }
    delete next.metadata.managedFields;
    next = this.admit(t, next, old, this.now());
    const strip = (o: KubeObject): Record<string, unknown> => {
      const { metadata: _m, ...rest } = o;
      if (kind.statusSubresource) delete rest.status;
      return rest;
    };
    if (!deepEqual(strip(old), strip(next))) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    if (deepEqual(old, next)) return { object: kind.toVersion(old, t.version), created: false };
    if (opts.dryRun) return { object: kind.toVersion(next, t.version), created: false };
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0 && kind !== this.namespaces()) {
      return { object: kind.toVersion(this.removeNow(kind, next), t.version), created: false };
    }
    const stored = this.store.put(kind.storageKey, next);
    this.afterWrite(kind, stored);
    return { object: kind.toVersion(stored, t.version), created: false };
  }

  private removeNow(kind: KindSpec, obj: KubeObject): KubeObject {
    const gone = this.store.remove(kind.storageKey, obj.metadata.namespace, obj.metadata.name ?? '', obj) ?? obj;
    if (kind === CRD_KIND) this.dropCrd(gone);
    const ns = obj.metadata.namespace;
    if (ns) this.finishNamespace(ns);
    return gone;
  }

  private afterWrite(kind: KindSpec, obj: KubeObject): void {
    if (kind === CRD_KIND) this.registry.registerCrd(obj);
    if (kind === this.namespaces() && obj.metadata.deletionTimestamp) this.finishNamespace(obj.metadata.name ?? '');
  }

  /** A deleted CRD takes its objects along (with DELETED events) and stops being served. */
  private dropCrd(crd: KubeObject): void {
    const served = this.registry.unregisterCrd(crd.metadata.name ?? '');
    if (!served) return;
    for (const o of this.store.list(served.storageKey)) this.store.remove(served.storageKey, o.metadata.namespace, o.metadata.name ?? '');
  }

  private emptyNamespace(namespace: string): void {
    const seen = new Set<string>();
    for (const kind of this.registry.all()) {
      if (!kind.namespaced || seen.has(kind.storageKey)) continue;
      seen.add(kind.storageKey);
      for (const o of this.store.list(kind.storageKey, namespace)) {
        const t: Target = { kind, version: kind.versions[0] ?? 'v1', namespace, name: o.metadata.name, subresource: undefined };
        this.delete(t, {}, { dryRun: false, fieldValidation: 'Ignore' });
      }
    }
  }

  /** Removes a terminating Namespace once nothing is left in it; returns what was removed. */
  private finishNamespace(namespace: string): KubeObject | undefined {
    const nsKind = this.namespaces();
    const ns = this.store.get(nsKind.storageKey, undefined, namespace);
    if (!ns?.metadata.deletionTimestamp || (ns.metadata.finalizers ?? []).length > 0) return undefined;
    const keys = new Set(this.registry.all().filter((k) => k.namespaced).map((k) => k.storageKey));
    for (const key of keys) if (this.store.list(key, namespace).length > 0) return undefined;
    return this.store.remove(nsKind.storageKey, undefined, namespace);
  }
}

export function matches(sel: Selection, obj: KubeObject): boolean {
  return matchesLabels(sel.labels, obj.metadata.labels) && matchesFields(sel.fields, obj);
}
