/**
 * OpenAPI v3 structural schemas as CustomResourceDefinitions carry them: pruning of unknown fields,
 * defaulting and validation, in the order the real API server applies them. Pure.
 */
import { isIP } from 'node:net';
import {
  type FieldError,
  describeValue,
  fieldDuplicate,
  fieldInvalid,
  fieldNotSupported,
  fieldRequired,
} from './errors.js';
import { clone, deepEqual, isObject, type JsonObject } from './types.js';

export interface Schema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  not?: Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
}

/** `spec.ports` + `name` → `spec.ports.name`; the root adds no prefix. */
function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Keys Kubernetes keeps on every resource root and embedded resource, whatever the schema says. */
const RESOURCE_KEYS = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Removes fields the schema does not declare (unless `x-kubernetes-preserve-unknown-fields`) and
 * returns them, so a `fieldValidation=Strict` request can refuse instead. `isResource` keeps
 * apiVersion/kind/metadata, which the root schema need not declare.
 */
export function prune(value: unknown, schema: Schema, path = '', isResource = true): { value: unknown; pruned: string[] } {
  const pruned: string[] = [];
  const out = clone(value);
  pruneInPlace(out, schema, path, isResource, pruned);
  return { value: out, pruned };
}

function pruneInPlace(value: unknown, schema: Schema, path: string, isResource: boolean, pruned: string[]): void {
  if (schema['x-kubernetes-int-or-string']) return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((v, i) => pruneInPlace(v, schema.items as Schema, `${path}[${i}]`, false, pruned));
    return;
  }
  if (!isObject(value)) return;
  const embedded = isResource || schema['x-kubernetes-embedded-resource'] === true;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const props = schema.properties ?? {};
  const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const key of Object.keys(value)) {
    if (embedded && RESOURCE_KEYS.has(key)) continue;
    const sub = props[key] ?? extra;
    if (sub) {
      pruneInPlace(value[key], sub, child(path, key), false, pruned);
    } else if (!preserve && schema.additionalProperties !== true) {
      delete value[key];
      pruned.push(child(path, key));
    }
  }
}

/**
 * Fills defaults top-down: a missing field with a `default` gets it, then defaults inside it apply
 * too. `null` in a field that is not `nullable` is dropped first, so its default applies.
 */
export function applyDefaults(value: unknown, schema: Schema): unknown {
  const out = clone(value);
  defaultInPlace(out, schema);
  return out;
}

function defaultInPlace(value: unknown, schema: Schema): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const v of value) defaultInPlace(v, schema.items);
    return;
  }
  if (!isObject(value)) return;
  const props = schema.properties ?? {};
  for (const [key, sub] of Object.entries(props)) {
    if (value[key] === null && !sub.nullable) delete value[key];
    if (value[key] === undefined && sub.default !== undefined) value[key] = clone(sub.default);
    if (value[key] !== undefined) defaultInPlace(value[key], sub);
  }
  const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  if (extra) {
    for (const key of Object.keys(value)) {
      if (props[key]) continue;
      if (value[key] === null && !extra.nullable) delete value[key];
      else defaultInPlace(value[key], extra);
    }
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function hasType(v: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

function typeError(path: string, v: unknown, expected: string): FieldError {
  const actual = typeName(v);
  return {
    field: path,
    reason: 'FieldValueTypeInvalid',
    detail: `Invalid value: "${actual}": ${path || 'body'} in body must be of type ${expected}: "${actual}"`,
  };
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const INT64 = { min: -(2 ** 63), max: 2 ** 63 };

function formatProblem(v: unknown, format: string): string | undefined {
  if (typeof v === 'number') {
    if (format === 'int32' && (v < INT32.min || v > INT32.max)) return 'must be a 32-bit signed integer (format int32)';
    if (format === 'int64' && (v < INT64.min || v >= INT64.max)) return 'must be a 64-bit signed integer (format int64)';
    return undefined;
  }
  if (typeof v !== 'string') return undefined;
  switch (format) {
    case 'ipv4':
      return isIP(v) === 4 ? undefined : 'must be of type ipv4';
    case 'ipv6':
      return isIP(v) === 6 ? undefined : 'must be of type ipv6';
    case 'cidr': {
      const [ip, bits, more] = v.split('/');
      const family = isIP(ip ?? '');
      const max = family === 4 ? 32 : 128;
      const ok = family !== 0 && more === undefined && bits !== undefined && /^\d{1,3}$/.test(bits) && Number(bits) <= max;
      return ok ? undefined : 'must be of type cidr';
    }
    case 'date-time':
      return /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v) ? undefined : 'must be of type date-time';
    case 'uuid':
      return /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/.test(v) ? undefined : 'must be of type uuid';
    case 'hostname':
      return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i.test(v) && v.length <= 253 ? undefined : 'must be of type hostname';
    default:
      return undefined;
  }
}

/** Validates a value against a structural schema; `path` is the Kubernetes field path of `value`. */
export function validate(value: unknown, schema: Schema, path = ''): FieldError[] {
  const errors: FieldError[] = [];
  validateInto(value, schema, path, errors, path === '');
  return errors;
}

function validateInto(v: unknown, s: Schema, path: string, errors: FieldError[], isRoot: boolean): void {
  const where = path || 'body';
  if (v === null) {
    if (!s.nullable && (s.type || s['x-kubernetes-int-or-string'])) errors.push(typeError(path, v, s.type ?? 'integer,string'));
    return;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
      errors.push(typeError(path, v, 'integer,string'));
      return;
    }
  } else if (s.type && !hasType(v, s.type)) {
    errors.push(typeError(path, v, s.type));
    return;
  }

  if (s.enum && !s.enum.some((e) => deepEqual(e, v))) errors.push(fieldNotSupported(path, v, s.enum));

  if (typeof v === 'number') {
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
      errors.push(fieldInvalid(path, v, `${where} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`));
    }
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
      errors.push(fieldInvalid(path, v, `${where} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`));
    }
    if (s.multipleOf !== undefined && s.multipleOf > 0 && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) {
      errors.push(fieldInvalid(path, v, `${where} in body should be a multiple of ${s.multipleOf}`));
    }
  }

  if (typeof v === 'string') {
    const length = [...v].length;
    if (s.minLength !== undefined && length < s.minLength) {
      errors.push(fieldInvalid(path, v, `${where} in body should be at least ${s.minLength} chars long`));
    }
    if (s.maxLength !== undefined && length > s.maxLength) {
      errors.push({ field: path, reason: 'FieldValueTooLong', detail: `Too long: may not be longer than ${s.maxLength}` });
    }
    if (s.pattern !== undefined && !safeRegExp(s.pattern).test(v)) {
      errors.push(fieldInvalid(path, v, `${where} in body should match '${s.pattern}'`));
    }
  }

  if (s.format) {
    const problem = formatProblem(v, s.format);
    if (problem) errors.push(fieldInvalid(path, v, `${where} in body ${problem}`));
  }

  if (Array.isArray(v)) validateArray(v, s, path, errors);
  if (isObject(v)) validateObject(v, s, path, errors, isRoot);

  for (const sub of s.allOf ?? []) validateInto(v, sub, path, errors, isRoot);
  if (s.anyOf && !s.anyOf.some((sub) => validate(v, sub, path).length === 0)) {
    errors.push(fieldInvalid(path, v, `${where} in body must validate at least one schema (anyOf)`));
  }
  if (s.oneOf && s.oneOf.filter((sub) => validate(v, sub, path).length === 0).length !== 1) {
    errors.push(fieldInvalid(path, v, `${where} in body must validate one and only one schema (oneOf)`));
  }
  if (s.not && validate(v, s.not, path).length === 0) {
    errors.push(fieldInvalid(path, v, `${where} in body must not validate the schema (not)`));
  }
}

function validateArray(v: unknown[], s: Schema, path: string, errors: FieldError[]): void {
  if (s.minItems !== undefined && v.length < s.minItems) {
    errors.push(fieldInvalid(path, v.length, `${path || 'body'} in body should have at least ${s.minItems} items`));
  }
  if (s.maxItems !== undefined && v.length > s.maxItems) {
    errors.push({ field: path, reason: 'FieldValueTooMany', detail: `Too many: ${v.length}: must have at most ${s.maxItems} items` });
  }
  if (s.items) v.forEach((e, i) => validateInto(e, s.items as Schema, `${path}[${i}]`, errors, false));
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set' || listType === 'map') {
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    const identity = (e: unknown): string =>
      listType === 'map' && isObject(e) ? JSON.stringify(keys.map((k) => e[k] ?? null)) : JSON.stringify(e);
    const seen = new Set<string>();
    v.forEach((e, i) => {
      const id = identity(e);
      if (seen.has(id)) {
        const shown = listType === 'map' && isObject(e) ? Object.fromEntries(keys.map((k) => [k, e[k] ?? null])) : e;
        errors.push(fieldDuplicate(`${path}[${i}]`, shown));
      }
      seen.add(id);
    });
  }
}

function validateObject(v: JsonObject, s: Schema, path: string, errors: FieldError[], isRoot: boolean): void {
  for (const key of s.required ?? []) {
    if (v[key] === undefined) errors.push(fieldRequired(child(path, key)));
  }
  const count = Object.keys(v).length;
  if (s.minProperties !== undefined && count < s.minProperties) {
    errors.push(fieldInvalid(path, count, `${path || 'body'} in body should have at least ${s.minProperties} properties`));
  }
  if (s.maxProperties !== undefined && count > s.maxProperties) {
    errors.push(fieldInvalid(path, count, `${path || 'body'} in body should have at most ${s.maxProperties} properties`));
  }
  const props = s.properties ?? {};
  const extra = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  for (const [key, val] of Object.entries(v)) {
    if (val === undefined) continue;
    if (isRoot && RESOURCE_KEYS.has(key)) continue;
    const sub = props[key];
    if (sub) validateInto(val, sub, child(path, key), errors, false);
    else if (extra) validateInto(val, extra, `${path}[${key}]`, errors, false);
  }
}

const regexCache = new Map<string, RegExp>();

/** ECMA regexes cover the RE2 subset CRD patterns use; a pattern that does not compile matches nothing. */
function safeRegExp(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      re = /(?!)/;
    }
    regexCache.set(pattern, re);
  }
  return re;
}

/** Human text for a pruned path list, as a strict-decoding error reports it. */
export function unknownFieldsMessage(pruned: string[]): string {
  return pruned.map((p) => `unknown field ${describeValue(p)}`).join(', ');
}
