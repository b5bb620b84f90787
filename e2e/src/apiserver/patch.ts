/**
 * The three patch formats kubectl and client libraries send: JSON merge patch (RFC 7386), JSON
 * patch (RFC 6902) and Kubernetes' strategic merge patch. Pure: each returns a new document.
 */
import jsonpatch from 'fast-json-patch';
import { ApiError, badRequest } from './errors.js';
import { clone, isObject, type JsonObject } from './types.js';

/** RFC 7386: objects merge key by key, `null` removes a key, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = applyMergePatch(result[k], v);
  }
  return result;
}

interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function checkOps(patch: unknown): JsonPatchOp[] {
  if (!Array.isArray(patch)) throw badRequest('a JSON patch must be an array of operations');
  patch.forEach((op, i) => {
    if (!isObject(op) || typeof op.op !== 'string' || !OPS.has(op.op) || typeof op.path !== 'string') {
      throw badRequest(`JSON patch operation ${i} must be an object with "op" (add, remove, replace, move, copy, test) and "path"`);
    }
  });
  return patch as JsonPatchOp[];
}

/** RFC 6902. A malformed list is a 400; an operation that cannot apply is a 422 naming it. */
export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  const ops = checkOps(patch);
  try {
    // checkOps vouched for the shape; fast-json-patch's Operation union wants a literal per op.
    return jsonpatch.applyPatch(clone(target), ops as jsonpatch.Operation[], true, true, true).newDocument;
  } catch (e) {
    const idx = e instanceof jsonpatch.JsonPatchError && typeof e.index === 'number' ? e.index : -1;
    const op = ops[idx];
    const which = op ? `operation ${idx} (${op.op} ${op.path})` : 'an operation';
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new ApiError(422, 'Invalid', `the JSON patch could not be applied: ${which}: ${why}`);
  }
}

/** How a list at a given path merges in a strategic merge patch. */
export type ListStrategy = { mergeKey: string } | 'set';

/**
 * Strategic merge patch metadata for one kind: list paths (dotted, list elements add no segment:
 * `spec.template.spec.containers.ports`) mapped to how they merge. Lists not named here are replaced,
 * as for fields without a patch strategy in the real API types.
 */
export type PatchMeta = Record<string, ListStrategy>;

const DELETE = Symbol('delete');

function directiveFree(v: unknown): unknown {
  if (Array.isArray(v)) {
    const isDirective = (e: unknown): boolean =>
      isObject(e) && (e.$patch === 'delete' || (e.$patch !== undefined && Object.keys(e).length === 1));
    return v.filter((e) => !isDirective(e)).map(directiveFree);
  }
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, val] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    out[k] = directiveFree(val);
  }
  return out;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function reorder(list: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const keyOf = (e: unknown): unknown => (mergeKey && isObject(e) ? e[mergeKey] : e);
  const wanted = order.map(keyOf);
  const ranked = list.map((e, i) => {
    const at = wanted.findIndex((w) => w === keyOf(e));
    return { e, rank: at >= 0 ? at : wanted.length + i };
  });
  return ranked.sort((a, b) => a.rank - b.rank).map((r) => r.e);
}

function mergeList(original: unknown, patch: unknown[], strategy: ListStrategy | undefined, path: string, meta: PatchMeta): unknown[] {
  const replaceAll = patch.some((e) => isObject(e) && e.$patch === 'replace');
  if (replaceAll || strategy === undefined || !Array.isArray(original)) {
    return directiveFree(patch) as unknown[];
  }
  if (strategy === 'set') {
    const out = clone(original);
    for (const e of patch) if (!out.some((o) => JSON.stringify(o) === JSON.stringify(e))) out.push(clone(e));
    return out;
  }
  const key = strategy.mergeKey;
  let out = clone(original);
  for (const e of patch) {
    if (!isObject(e)) {
      out.push(clone(e));
      continue;
    }
    const idx = out.findIndex((o) => isObject(o) && o[key] === e[key]);
    if (e.$patch === 'delete') {
      out = out.filter((o) => !(isObject(o) && o[key] === e[key]));
    } else if (idx >= 0) {
      const merged = mergeMap(out[idx], e, path, meta);
      if (merged === DELETE) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      out.push(directiveFree(e));
    }
  }
  return out;
}

function mergeMap(original: unknown, patch: JsonObject, path: string, meta: PatchMeta): JsonObject | typeof DELETE {
  if (patch.$patch === 'delete') return DELETE;
  if (patch.$patch === 'replace') return directiveFree(patch) as JsonObject;
  const out: JsonObject = isObject(original) ? clone(original) : {};
  const orders: [string, unknown[]][] = [];
  for (const [k, pv] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      if (Array.isArray(pv)) orders.push([k.slice('$setElementOrder/'.length), pv]);
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(pv)) out[field] = cur.filter((v) => !pv.includes(v));
      continue;
    }
    if (pv === null) {
      delete out[k];
    } else if (isObject(pv)) {
      const merged = isObject(out[k]) || out[k] === undefined ? mergeMap(out[k], pv, join(path, k), meta) : directiveFree(pv);
      if (merged === DELETE) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(pv)) {
      out[k] = mergeList(out[k], pv, meta[join(path, k)], join(path, k), meta);
    } else {
      out[k] = pv;
    }
  }
  for (const [field, order] of orders) {
    const cur = out[field];
    if (!Array.isArray(cur)) continue;
    const strategy = meta[join(path, field)];
    out[field] = reorder(cur, order, typeof strategy === 'object' ? strategy.mergeKey : undefined);
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys.filter((k): k is string => typeof k === 'string'));
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

/**
 * Applies a strategic merge patch: maps merge, lists with a merge key merge element by element,
 * `set` lists union, other lists replace. Honours `$patch: replace|delete|merge`, `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>` (which kubectl apply sends).
 */
export function applyStrategicMergePatch(target: unknown, patch: unknown, meta: PatchMeta): unknown {
  if (!isObject(patch)) throw badRequest('a strategic merge patch must be a JSON object');
  const merged = mergeMap(target, patch, '', meta);
  if (merged === DELETE) throw new ApiError(422, 'Invalid', 'a strategic merge patch may not delete the whole object ($patch: delete at the top level)');
  return merged;
}
