import { type ParseResult, fail, ok } from '../net/result.js';
import { type Json, compareStrings, get, isRecord } from './read.js';

/** The Secrets of Herald's namespace by name; anything else in the list is not Herald's business. */
export function indexSecrets(list: unknown, namespace: string): Map<string, Json> {
  const out = new Map<string, Json>();
  if (!Array.isArray(list)) return out;
  const found: Array<[string, Json]> = [];
  for (const item of list as unknown[]) {
    if (!isRecord(item)) continue;
    const metadata = get(item, 'metadata');
    if (!isRecord(metadata)) continue;
    const name = get(metadata, 'name');
    if (typeof name !== 'string' || get(metadata, 'namespace') !== namespace) continue;
    found.push([name, item]);
  }
  // With repeats, the first by input order wins; sorting is stable, so this is deterministic too.
  found.sort(([a], [b]) => compareStrings(a, b));
  for (const [name, item] of found) if (!out.has(name)) out.set(name, item);
  return out;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** TCP-MD5 keys are at most 80 bytes (Linux TCP_MD5SIG_MAXKEYLEN). */
export const MAX_PASSWORD_BYTES = 80;

export function passwordProblem(password: string): string | undefined {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > MAX_PASSWORD_BYTES) return `is ${bytes} bytes long; a TCP-MD5 key is at most ${MAX_PASSWORD_BYTES} bytes`;
  return undefined;
}

/**
 * The `password` key of a Secret: stringData wins (the API server would fold it over data), data
 * is base64 and must decode to UTF-8 text. Any Secret type is accepted: MetalLB asks for
 * kubernetes.io/basic-auth, but the key is what matters and Opaque Secrets are common.
 */
export function secretPassword(secret: Json, label: string): ParseResult<string> {
  const stringData = get(secret, 'stringData');
  if (isRecord(stringData) && typeof get(stringData, 'password') === 'string') {
    return nonEmpty(get(stringData, 'password') as string, label);
  }
  const data = get(secret, 'data');
  const encoded = isRecord(data) ? get(data, 'password') : undefined;
  if (typeof encoded !== 'string') return fail(`${label} has no "password" key in data or stringData`);
  if (!BASE64.test(encoded)) return fail(`${label}: data.password is not valid base64`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64'));
  } catch {
    return fail(`${label}: data.password does not decode to UTF-8 text`);
  }
  return nonEmpty(text, label);
}

function nonEmpty(password: string, label: string): ParseResult<string> {
  if (password === '') return fail(`${label}: the "password" key is empty`);
  return ok(password);
}
