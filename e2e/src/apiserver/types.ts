import type { ObjectMeta as HeraldObjectMeta } from '@herald/shared/api/meta.js';

/**
 * Objects are plain JSON values. The server never trusts their shape: every reader goes through
 * the guards here, so `unknown` is the honest type for whatever a client sent.
 */
export type JsonObject = Record<string, unknown>;

/**
 * Herald's ObjectMeta, loosened for a server that must hold whatever a client sent: owner
 * references stay raw JSON and unknown metadata fields are kept.
 */
export interface ObjectMeta extends Omit<HeraldObjectMeta, 'ownerReferences'> {
  deletionGracePeriodSeconds?: number;
  ownerReferences?: JsonObject[];
  [key: string]: unknown;
}

/** A Kubernetes object as stored: `metadata` is always present, the rest is kind-specific JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** RFC 3339 with whole seconds, the form Kubernetes writes `metav1.Time` in. */
export function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `metav1.MicroTime`: RFC 3339 with six fractional digits. */
export function microTimestamp(now: Date): string {
  return now.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** `namespace/name`, or just `name` for cluster-scoped objects: how objects are named in messages. */
export function objectRef(namespace: string | undefined, name: string | undefined): string {
  return namespace ? `${namespace}/${name ?? ''}` : (name ?? '');
}

/** Reads a dotted path (`spec.ports`) from an object; undefined when any step is missing. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (Array.isArray(b)) return false;
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asObject(v: unknown): JsonObject {
  return isObject(v) ? v : {};
}
