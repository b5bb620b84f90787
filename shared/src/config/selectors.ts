import type { LabelSelector, LabelSelectorOperator, LabelSelectorRequirement } from '../api/meta.js';
import type { ObjectReport } from './errors.js';
import { type Json, compareStrings, describe, get, isRecord, join, readList } from './read.js';

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const OPERATORS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'] satisfies LabelSelectorOperator[];

/** Kubernetes' rule for label keys: an optional DNS-subdomain prefix and '/', then a name of at most 63. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `label key ${JSON.stringify(key)} has an invalid prefix (a DNS subdomain such as example.com)`;
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `label key ${JSON.stringify(key)} is invalid: the name part must be 1-63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`;
  }
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !NAME.test(value)) {
    return `label value ${JSON.stringify(value)} is invalid: at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`;
  }
  return undefined;
}

/** Reads a string map of labels (metadata.labels, matchLabels); bad entries are reported and left out. */
export function readLabels(r: ObjectReport, value: unknown, path: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    r.error(path, `must be a map of label keys to values, not ${describe(value)}`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const key of Object.keys(value).sort(compareStrings)) {
    const v = value[key];
    const at = `${path}[${key}]`;
    const keyProblem = labelKeyProblem(key);
    if (keyProblem !== undefined) {
      r.error(at, keyProblem);
      continue;
    }
    if (typeof v !== 'string') {
      r.error(at, `label value must be a string, not ${describe(v)}`);
      continue;
    }
    const valueProblem = labelValueProblem(v);
    if (valueProblem !== undefined) {
      r.error(at, valueProblem);
      continue;
    }
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function readRequirement(r: ObjectReport, value: unknown, path: string): LabelSelectorRequirement | undefined {
  if (!isRecord(value)) {
    r.error(path, `must be an object with key, operator and values, not ${describe(value)}`);
    return undefined;
  }
  const key = get(value, 'key');
  const operator = get(value, 'operator');
  const rawValues = get(value, 'values');
  let ok = true;
  if (typeof key !== 'string') {
    r.error(join(path, 'key'), key === undefined ? 'is required' : `must be a string, not ${describe(key)}`);
    ok = false;
  } else {
    const problem = labelKeyProblem(key);
    if (problem !== undefined) {
      r.error(join(path, 'key'), problem);
      ok = false;
    }
  }
  if (typeof operator !== 'string' || !OPERATORS.includes(operator)) {
    r.error(
      join(path, 'operator'),
      operator === undefined ? 'is required (In, NotIn, Exists or DoesNotExist)' : `${describe(operator)} is not one of In, NotIn, Exists, DoesNotExist`,
    );
    ok = false;
  }
  const values: string[] = [];
  if (rawValues !== undefined && !Array.isArray(rawValues)) {
    r.error(join(path, 'values'), `must be a list of strings, not ${describe(rawValues)}`);
    ok = false;
  } else {
    for (const [i, v] of (rawValues ?? []).entries()) {
      const problem = typeof v === 'string' ? labelValueProblem(v) : `must be a string, not ${describe(v)}`;
      if (problem !== undefined) {
        r.error(`${join(path, 'values')}[${i}]`, problem);
        ok = false;
      } else values.push(v as string);
    }
  }
  if (!ok) return undefined;
  const op = operator as LabelSelectorOperator;
  const listed = Array.isArray(rawValues) && rawValues.length > 0;
  if ((op === 'In' || op === 'NotIn') && !listed) {
    r.error(join(path, 'values'), `must list at least one value for operator ${op}`);
    return undefined;
  }
  if ((op === 'Exists' || op === 'DoesNotExist') && listed) {
    r.error(join(path, 'values'), `must be empty for operator ${op}`);
    return undefined;
  }
  return op === 'In' || op === 'NotIn' ? { key: key as string, operator: op, values } : { key: key as string, operator: op };
}

/** Reads one LabelSelector; undefined when it has errors (they are reported). */
export function readSelector(r: ObjectReport, value: unknown, path: string): LabelSelector | undefined {
  if (!isRecord(value)) {
    r.error(path, `must be a label selector (matchLabels, matchExpressions), not ${describe(value)}`);
    return undefined;
  }
  const errorsBefore = r.errorCount;
  const matchLabels = readLabels(r, get(value, 'matchLabels'), join(path, 'matchLabels'));
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const { index, value: item } of readList(r, value, 'matchExpressions', path)) {
    const req = readRequirement(r, item, `${join(path, 'matchExpressions')}[${index}]`);
    if (req !== undefined) matchExpressions.push(req);
  }
  if (r.errorCount !== errorsBefore) return undefined;
  const selector: LabelSelector = {};
  if (Object.keys(matchLabels).length > 0) selector.matchLabels = matchLabels;
  if (matchExpressions.length > 0) selector.matchExpressions = matchExpressions;
  return selector;
}

/** A list of selectors (ORed). Repeats are reported: a copied selector usually hides a typo. */
export function readSelectors(r: ObjectReport, obj: Json | undefined, key: string, path: string): LabelSelector[] {
  const out: LabelSelector[] = [];
  const seen = new Map<string, number>();
  for (const { index, value } of readList(r, obj, key, path)) {
    const at = `${join(path, key)}[${index}]`;
    const selector = readSelector(r, value, at);
    if (selector === undefined) continue;
    const canonical = canonicalSelector(selector);
    const earlier = seen.get(canonical);
    if (earlier !== undefined) {
      r.error(at, `is the same selector as ${join(path, key)}[${earlier}]`);
      continue;
    }
    seen.set(canonical, index);
    out.push(selector);
  }
  return out;
}

/** Equal for selectors that select the same way regardless of how their parts are ordered. */
export function canonicalSelector(s: LabelSelector): string {
  const labels = Object.entries(s.matchLabels ?? {}).sort(([a], [b]) => compareStrings(a, b));
  const exprs = (s.matchExpressions ?? [])
    .map((e) => JSON.stringify([e.key, e.operator, [...new Set(e.values ?? [])].sort(compareStrings)]))
    .sort(compareStrings);
  return JSON.stringify([labels, [...new Set(exprs)]]);
}
