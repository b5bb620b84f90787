/**
 * Label and field selectors in the string forms the API takes as query parameters
 * (`labelSelector=app=web,tier!=db`, `fieldSelector=metadata.name=x`). Pure.
 */
import { badRequest } from './errors.js';
import { getPath } from './types.js';

export type LabelRequirement =
  | { key: string; op: 'exists' | '!exists' }
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: '>' | '<'; value: number };

export type LabelSelector = LabelRequirement[];

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export type FieldSelector = FieldRequirement[];

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a label key is not valid, or undefined when it is (`prefix/name`, name at most 63 characters). */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return 'prefix part must be a lowercase DNS subdomain of at most 253 characters';
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', start and end with an alphanumeric character, and be at most 63 characters";
  }
  return undefined;
}

/** Why a label value is not valid, or undefined when it is (empty allowed, at most 63 characters). */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63 || !LABEL_NAME.test(value)) {
    return "a valid label value must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters";
  }
  return undefined;
}

/** Splits on commas that are not inside parentheses (`a in (x,y),b` has two parts). */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts;
}

function checkKey(key: string, selector: string): string {
  const problem = labelKeyProblem(key);
  if (problem) throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${selector}": ${problem}`);
  return key;
}

function checkValue(value: string, selector: string): string {
  const problem = labelValueProblem(value);
  if (problem) throw badRequest(`unable to parse requirement: invalid label value "${value}" in selector "${selector}": ${problem}`);
  return value;
}

/** Parses a label selector string; throws a 400 ApiError naming the bad part. */
export function parseLabelSelector(selector: string): LabelSelector {
  if (selector.trim() === '') return [];
  const reqs: LabelSelector = [];
  for (const raw of splitTopLevel(selector)) {
    const part = raw.trim();
    if (part === '') throw badRequest(`found '', expected: identifier in label selector "${selector}"`);
    let m: RegExpMatchArray | null;
    if (part.startsWith('!')) {
      reqs.push({ key: checkKey(part.slice(1).trim(), selector), op: '!exists' });
    } else if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part))) {
      const values = (m[3] ?? '').split(',').map((v) => checkValue(v.trim(), selector));
      reqs.push({ key: checkKey(m[1] ?? '', selector), op: m[2] === 'in' ? 'in' : 'notin', values });
    } else if ((m = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(part))) {
      const key = checkKey(m[1] ?? '', selector);
      const op = m[2] ?? '=';
      const value = (m[3] ?? '').trim();
      if (op === '>' || op === '<') {
        if (!/^-?\d+$/.test(value)) throw badRequest(`unable to parse requirement: for 'gt', 'lt' operators, the value must be an integer in selector "${selector}"`);
        reqs.push({ key, op, value: Number(value) });
      } else {
        reqs.push({ key, op: op === '!=' ? '!=' : '=', value: checkValue(value, selector) });
      }
    } else if (/^[^=!<>\s()]+$/.test(part)) {
      reqs.push({ key: checkKey(part, selector), op: 'exists' });
    } else {
      throw badRequest(`unable to parse requirement: cannot understand "${part}" in label selector "${selector}"`);
    }
  }
  return reqs;
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, unknown> | undefined): boolean {
  const get = (k: string): string | undefined => {
    const v = labels?.[k];
    return typeof v === 'string' ? v : undefined;
  };
  return selector.every((r) => {
    const v = get(r.key);
    switch (r.op) {
      case 'exists':
        return v !== undefined;
      case '!exists':
        return v === undefined;
      case '=':
        return v === r.value;
      case '!=':
        return v !== r.value;
      case 'in':
        return v !== undefined && r.values.includes(v);
      case 'notin':
        return v === undefined || !r.values.includes(v);
      case '>':
        return v !== undefined && /^-?\d+$/.test(v) && Number(v) > r.value;
      case '<':
        return v !== undefined && /^-?\d+$/.test(v) && Number(v) < r.value;
    }
  });
}

/** Splits on separators not preceded by a backslash, then removes the escapes. */
function splitEscaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + (s[i + 1] ?? '');
      i++;
    } else if (ch === sep) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** Parses `a=b,c!=d` (also `==`); throws a 400 ApiError naming the bad term. */
export function parseFieldSelector(selector: string): FieldSelector {
  if (selector.trim() === '') return [];
  return splitEscaped(selector, ',').map((term) => {
    const m = /^((?:[^=!\\]|\\.)+?)\s*(==|=|!=)\s*(.*)$/.exec(term.trim());
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    return { field: unescape(m[1] ?? ''), op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3] ?? '') };
  });
}

/** The string a field selector compares against: missing fields read as the empty string. */
export function fieldValue(obj: unknown, field: string): string {
  const v = getPath(obj, field);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

export function matchesFields(selector: FieldSelector, obj: unknown): boolean {
  return selector.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === '='));
}
