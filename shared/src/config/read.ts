import type { ObjectReport } from './errors.js';

/*
 * Readers for untrusted input: every value may have any JSON shape (or worse). Each reader reports a
 * wrong shape at its field path and returns undefined or a safe fallback, so validation goes on and
 * collects every error instead of stopping at the first. A null is read as absent, because the
 * Kubernetes API server prunes nulls from fields that are not nullable.
 */

export type Json = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property, never one inherited from Object.prototype (`constructor`, `__proto__`). */
export function get(obj: Json | undefined, key: string): unknown {
  if (obj === undefined || !Object.hasOwn(obj, key)) return undefined;
  const value = obj[key];
  return value === null ? undefined : value;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

export function readObject(r: ObjectReport, obj: Json | undefined, key: string, path: string): Json | undefined {
  const value = get(obj, key);
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    r.error(join(path, key), `must be an object, not ${describe(value)}`);
    return undefined;
  }
  return value;
}

export function readString(r: ObjectReport, obj: Json | undefined, key: string, path: string): string | undefined {
  const value = get(obj, key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    r.error(join(path, key), `must be a string, not ${describe(value)}`);
    return undefined;
  }
  return value;
}

export function readBoolean(r: ObjectReport, obj: Json | undefined, key: string, path: string, fallback: boolean): boolean {
  const value = get(obj, key);
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    r.error(join(path, key), `must be true or false, not ${describe(value)}`);
    return fallback;
  }
  return value;
}

export interface IntegerLimits {
  min: number;
  max: number;
}

/** A whole number within limits; undefined when absent or wrong (the wrong case is reported). */
export function readInteger(
  r: ObjectReport,
  obj: Json | undefined,
  key: string,
  path: string,
  limits: IntegerLimits,
): number | undefined {
  const value = get(obj, key);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    r.error(join(path, key), `must be a whole number, not ${describe(value)}`);
    return undefined;
  }
  if (value < limits.min || value > limits.max) {
    r.error(join(path, key), `${value} is out of range: must be between ${limits.min} and ${limits.max}`);
    return undefined;
  }
  return value;
}

export interface Indexed<T> {
  index: number;
  value: T;
}

/** The raw items of a list field, with their indices; a non-list is reported and reads as empty. */
export function readList(r: ObjectReport, obj: Json | undefined, key: string, path: string): Array<Indexed<unknown>> {
  const value = get(obj, key);
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    r.error(join(path, key), `must be a list, not ${describe(value)}`);
    return [];
  }
  // An index loop, not map(): map skips the holes of a sparse array, and a hole is an error to report.
  const items: Array<Indexed<unknown>> = [];
  for (let index = 0; index < value.length; index++) items.push({ index, value: (value as unknown[])[index] });
  return items;
}

/** A list of strings. Non-strings are reported and dropped; so are repeats, which usually hide a typo. */
export function readStringList(
  r: ObjectReport,
  obj: Json | undefined,
  key: string,
  path: string,
): Array<Indexed<string>> {
  const out: Array<Indexed<string>> = [];
  const seen = new Map<string, number>();
  for (const { index, value } of readList(r, obj, key, path)) {
    const at = `${join(path, key)}[${index}]`;
    if (typeof value !== 'string') {
      r.error(at, `must be a string, not ${describe(value)}`);
      continue;
    }
    const earlier = seen.get(value);
    if (earlier !== undefined) {
      r.error(at, `${JSON.stringify(value)} is listed twice (also at ${join(path, key)}[${earlier}])`);
      continue;
    }
    seen.set(value, index);
    out.push({ index, value });
  }
  return out;
}

/** Code-unit order: locale-independent, so every process sorts the same way. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Linux interface (and VRF device) names: 1-15 bytes, no '/', ':' or whitespace, not "." or "..". */
export function interfaceNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (Buffer.byteLength(name, 'utf8') > 15) return `"${name}" is longer than 15 bytes, the Linux limit for an interface name`;
  if (name === '.' || name === '..' || /[/:\s]/.test(name)) return `"${name}" is not a valid Linux interface name`;
  return undefined;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function namespaceNameProblem(name: string): string | undefined {
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    return `"${name}" is not a valid namespace name (lower-case letters, digits and '-', at most 63)`;
  }
  return undefined;
}
