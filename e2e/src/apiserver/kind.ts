/** What the server knows about one kind: names and scope for discovery, columns, patch and write rules. */
import type { FieldError } from './errors.js';
import type { NameRule } from './metadata.js';
import type { PatchMeta } from './patch.js';
import type { Schema } from './schema.js';
import type { Column } from './table.js';
import type { KubeObject } from './types.js';

/** Read access to other objects, for rules that allocate (Service cluster IPs and node ports). */
export interface StoreView {
  list(key: string, namespace?: string): KubeObject[];
  /** The same objects in no particular order: for admission checks, which must not pay for a sort. */
  scan(key: string, namespace?: string): KubeObject[];
  get(key: string, namespace: string | undefined, name: string): KubeObject | undefined;
}

export interface AdmitContext {
  /** The object being written, already in storage shape; rules may default fields in place. */
  obj: KubeObject;
  /** The stored object an update replaces; undefined on create. */
  old: KubeObject | undefined;
  view: StoreView;
  now: Date;
}

export interface KindSpec {
  group: string;
  /** Served versions, the preferred one first. */
  versions: string[];
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  statusSubresource: boolean;
  /** Where objects live in the store; two kinds share one (core and events.k8s.io Events). */
  storageKey: string;
  nameRule: NameRule;
  /** Status a client sends on create is dropped (Services, Pods, custom resources with /status). */
  dropStatusOnCreate: boolean;
  columns(version: string): Column[];
  /** Strategic merge patch metadata; undefined means the kind refuses strategic merge patches (415). */
  patchMeta: PatchMeta | undefined;
  /** Structural schema of a version (custom resources). */
  schema?(version: string): Schema | undefined;
  /** Stored object → the shape of `version` (at least: apiVersion). */
  toVersion(obj: KubeObject, version: string): KubeObject;
  /** Object a client sent in `version` → storage shape. */
  fromVersion(obj: KubeObject, version: string): KubeObject;
  /** Kind-specific defaults and validation; returns field errors. */
  admit?(ctx: AdmitContext): FieldError[];
  /** Why this object may not be deleted, if it may not. */
  deleteForbidden?(name: string): string | undefined;
  /** The CustomResourceDefinition name this kind came from. */
  crdName?: string;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** Conversion for kinds whose versions differ only in apiVersion (the `None` strategy of CRDs). */
export function relabel(group: string): Pick<KindSpec, 'toVersion' | 'fromVersion'> {
  return {
    toVersion: (obj, version) => ({ ...obj, apiVersion: apiVersionOf(group, version) }),
    fromVersion: (obj, version) => ({ ...obj, apiVersion: apiVersionOf(group, version) }),
  };
}
