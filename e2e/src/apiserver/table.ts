/**
 * `kubectl get` output: the server-side Table (meta.k8s.io/v1) kubectl asks for with
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. Pure: columns are functions of an object
 * and the current time.
 */
import { JSONPath } from 'jsonpath-plus';
import { isObject, type KubeObject } from './types.js';

export interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority: number;
  cell: (obj: KubeObject, now: Date) => unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string };
  columnDefinitions: { name: string; type: string; format: string; description: string; priority: number }[];
  rows: { cells: unknown[]; object?: unknown }[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Go's `duration.HumanDuration` shape: `45s`, `5m3s`, `3h12m`, `4d2h`, `2y30d`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

/** Time since an RFC 3339 timestamp as kubectl prints it; `<unknown>` when there is none. */
export function since(ts: unknown, now: Date): string {
  if (typeof ts !== 'string' || ts === '') return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

export const NAME_COLUMN: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: (o) => o.metadata.name ?? '',
};

export const AGE_COLUMN: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o, now) => since(o.metadata.creationTimestamp, now),
};

/** The metadata-only form a Table row carries by default (`includeObject=Metadata`). */
export function partialObjectMetadata(obj: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function buildTable(
  columns: Column[],
  objects: KubeObject[],
  opts: { now: Date; include: IncludeObject; resourceVersion?: string; tableVersion?: string },
): Table {
  const table: Table = {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.tableVersion ?? 'v1'}`,
    metadata: opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : {},
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description,
      priority: c.priority,
    })),
    rows: [],
  };
  for (const obj of objects) {
    const row: Table['rows'][number] = { cells: columns.map((c) => safeCell(c, obj, opts.now)) };
    if (opts.include === 'Metadata') row.object = partialObjectMetadata(obj);
    if (opts.include === 'Object') row.object = obj;
    table.rows.push(row);
  }
  return table;
}

function safeCell(c: Column, obj: KubeObject, now: Date): unknown {
  try {
    return c.cell(obj, now) ?? null;
  } catch {
    // One odd object must not fail the whole listing; kubectl shows <none> for a null cell.
    return null;
  }
}

export interface PrinterColumnSpec {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** Evaluates a Kubernetes JSONPath (`.spec.x`, `.status.conditions[?(@.type=="Ready")].status`). */
export function evalJsonPath(obj: unknown, path: string): unknown[] {
  const inner = path.trim().replace(/^\{(.*)\}$/, '$1');
  const expr = inner.startsWith('$') ? inner : `$${inner.startsWith('.') || inner.startsWith('[') ? '' : '.'}${inner}`;
  // jsonpath-plus returns `any[]`; the results are plain JSON values from `obj`.
  const results: unknown[] = JSONPath({ path: expr, json: obj as object, wrap: true, eval: 'safe' });
  return Array.isArray(results) ? results : [];
}

function printerCell(spec: PrinterColumnSpec, obj: KubeObject, now: Date): unknown {
  const found = evalJsonPath(obj, spec.jsonPath).filter((v) => v !== undefined && v !== null);
  if (found.length === 0) return null;
  const value = found.length === 1 ? found[0] : found;
  switch (spec.type) {
    case 'date':
      return typeof value === 'string' ? since(value, now) : null;
    case 'integer':
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    default:
      if (Array.isArray(value) || isObject(value)) return JSON.stringify(value);
      return String(value);
  }
}

/**
 * Columns of a custom resource's Table: Name, the CRD's additionalPrinterColumns, and Age when
 * the CRD does not already show the creation time.
 */
export function crdColumns(printerColumns: PrinterColumnSpec[]): Column[] {
  const cols: Column[] = [NAME_COLUMN];
  for (const spec of printerColumns) {
    const col: Column = {
      name: spec.name,
      type: spec.type,
      description: spec.description ?? '',
      priority: spec.priority ?? 0,
      cell: (o, now) => printerCell(spec, o, now),
    };
    if (spec.format) col.format = spec.format;
    cols.push(col);
  }
  const showsAge = printerColumns.some(
    (c) => c.name.toLowerCase() === 'age' || c.jsonPath.replace(/\s/g, '') === '.metadata.creationTimestamp',
  );
  if (!showsAge) cols.push(AGE_COLUMN);
  return cols;
}
