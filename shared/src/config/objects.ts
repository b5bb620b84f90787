import type { ConfigError } from './errors.js';
import { ObjectReport } from './errors.js';
import { type Json, compareStrings, describe, get, isRecord, readObject } from './read.js';
import { readLabels } from './selectors.js';

/** One object that passed the common checks: a name, Herald's namespace, labels that parse. */
export interface Intake {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** Absent when the object has no spec. */
  readonly spec: Json | undefined;
  readonly raw: Json;
  readonly report: ObjectReport;
}

/**
 * Takes one list of objects of a kind: checks each has a name and lives in Herald's namespace, drops
 * those that do not (after reporting them) and repeats of a name, and sorts the rest by name so
 * every later step, and every error list, comes out in the same order whatever order the API gave.
 */
export function intake(kind: string, list: unknown, namespace: string, sink: ConfigError[]): Intake[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    sink.push({ kind, namespace, name: '', field: '', message: `expected a list of ${kind} objects, got ${describe(list)}` });
    return [];
  }
  const accepted: Intake[] = [];
  for (const [index, item] of (list as unknown[]).entries()) {
    if (!isRecord(item)) {
      sink.push({ kind, namespace, name: '', field: '', message: `item ${index} of the ${kind} list is ${describe(item)}, not an object` });
      continue;
    }
    const metadata = get(item, 'metadata');
    const name = isRecord(metadata) ? get(metadata, 'name') : undefined;
    const ns = isRecord(metadata) ? get(metadata, 'namespace') : undefined;
    const nsText = typeof ns === 'string' ? ns : '';
    if (typeof name !== 'string' || name === '') {
      const r = new ObjectReport(sink, kind, nsText, '');
      r.error('metadata.name', `is required (item ${index} of the ${kind} list has ${name === undefined ? 'none' : describe(name)})`);
      continue;
    }
    const report = new ObjectReport(sink, kind, nsText, name);
    if (nsText !== namespace) {
      report.error(
        'metadata.namespace',
        `${ns === undefined ? 'is not set' : typeof ns === 'string' ? `is ${JSON.stringify(ns)}` : `is ${describe(ns)}`}; Herald reads its resources only from namespace ${namespace}`,
      );
      continue;
    }
    const labels = readLabels(report, isRecord(metadata) ? get(metadata, 'labels') : undefined, 'metadata.labels');
    const spec = readObject(report, item, 'spec', '');
    accepted.push({ name, labels, spec, raw: item, report });
  }
  accepted.sort((a, b) => compareStrings(a.name, b.name));
  const unique: Intake[] = [];
  for (const it of accepted) {
    const previous = unique[unique.length - 1];
    if (previous !== undefined && previous.name === it.name) {
      it.report.error('metadata.name', `another ${kind} named ${JSON.stringify(it.name)} is in the list; names must be unique`);
      continue;
    }
    unique.push(it);
  }
  return unique;
}
