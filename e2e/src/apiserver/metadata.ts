/** ObjectMeta rules shared by every kind: known fields, names, labels, annotations, finalizers. Pure. */
import { randomInt } from 'node:crypto';
import { type FieldError, fieldInvalid, fieldRequired } from './errors.js';
import { labelKeyProblem, labelValueProblem } from './selectors.js';
import { isObject, type ObjectMeta } from './types.js';

export type NameRule = 'subdomain' | 'label' | 'label1035';

const KNOWN = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/** Drops metadata fields ObjectMeta does not have; returns their paths for strict field validation. */
export function pruneMetadata(meta: ObjectMeta): string[] {
  const unknown: string[] = [];
  for (const k of Object.keys(meta)) {
    if (!KNOWN.has(k)) {
      delete meta[k];
      unknown.push(`metadata.${k}`);
    }
  }
  return unknown;
}

const RULES: Record<NameRule, { re: RegExp; max: number; text: string }> = {
  subdomain: {
    re: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    max: 253,
    text: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  },
  label: {
    re: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    max: 63,
    text: "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  },
  label1035: {
    re: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    max: 63,
    text: "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  },
};

export function nameProblem(name: string, rule: NameRule): string | undefined {
  const r = RULES[rule];
  if (name.length > r.max) return `must be no more than ${r.max} characters`;
  return r.re.test(name) ? undefined : r.text;
}

const GENERATED_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` plus five characters from the alphabet the real server uses (no vowels, no 0/1/3). */
export function generatedName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += GENERATED_ALPHABET[randomInt(GENERATED_ALPHABET.length)];
  return `${prefix}${suffix}`;
}

function checkStringMap(field: string, v: unknown, keyCheck: boolean, valueCheck: boolean, errors: FieldError[]): void {
  if (v === undefined || v === null) return;
  if (!isObject(v)) {
    errors.push(fieldInvalid(field, v, 'must be a map of string keys to string values'));
    return;
  }
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') {
      errors.push(fieldInvalid(`${field}[${k}]`, val, 'must be a string'));
      continue;
    }
    const kp = keyCheck ? labelKeyProblem(k) : undefined;
    if (kp) errors.push(fieldInvalid(field, k, kp));
    const vp = valueCheck ? labelValueProblem(val) : undefined;
    if (vp) errors.push(fieldInvalid(`${field}[${k}]`, val, vp));
  }
}

/** Field errors in the metadata a client sent (after the server filled name and namespace). */
export function validateMetadata(meta: ObjectMeta, rule: NameRule): FieldError[] {
  const errors: FieldError[] = [];
  if (!meta.name) {
    errors.push(fieldRequired('metadata.name', 'name or generateName is required'));
  } else {
    const problem = nameProblem(meta.name, rule);
    if (problem) errors.push(fieldInvalid('metadata.name', meta.name, problem));
  }
  checkStringMap('metadata.labels', meta.labels, true, true, errors);
  checkStringMap('metadata.annotations', meta.annotations, true, false, errors);
  const size = JSON.stringify(meta.annotations ?? {}).length;
  if (size > 256 * 1024) errors.push(fieldInvalid('metadata.annotations', '', 'Too long: must have at most 262144 bytes'));
  if (meta.finalizers !== undefined && meta.finalizers !== null) {
    if (!Array.isArray(meta.finalizers)) errors.push(fieldInvalid('metadata.finalizers', meta.finalizers, 'must be a list of strings'));
    else {
      meta.finalizers.forEach((f, i) => {
        if (typeof f !== 'string' || labelKeyProblem(f)) errors.push(fieldInvalid(`metadata.finalizers[${i}]`, f, 'must be a qualified name, such as example.com/cleanup'));
      });
    }
  }
  if (meta.ownerReferences !== undefined && meta.ownerReferences !== null && !Array.isArray(meta.ownerReferences)) {
    errors.push(fieldInvalid('metadata.ownerReferences', meta.ownerReferences, 'must be a list'));
  }
  return errors;
}
