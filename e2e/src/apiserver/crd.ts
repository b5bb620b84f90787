/**
 * CustomResourceDefinitions: checking a manifest, and turning one into a served kind (names,
 * scope, versions, status subresource, printer columns, schema). Pure.
 */
import { CRD_COLUMNS } from './columns.js';
import { type FieldError, fieldInvalid, fieldNotSupported, fieldRequired } from './errors.js';
import { type KindSpec, relabel } from './kind.js';
import type { Schema } from './schema.js';
import { type PrinterColumnSpec, crdColumns } from './table.js';
import { asArray, asObject, asString, isObject, timestamp, type JsonObject, type KubeObject } from './types.js';

export const CRD_GROUP = 'apiextensions.k8s.io';

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: Schema | undefined;
  status: boolean;
  columns: PrinterColumnSpec[];
}

/** Kubernetes' version order: GA before beta before alpha, higher numbers first, others last by name. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    const level = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [level, Number(m[1]), Number(m[3] ?? 0)];
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa && pb) {
    for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pb[i] ?? 0) - (pa[i] ?? 0);
    return 0;
  }
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function versionsOf(crd: KubeObject): CrdVersion[] {
  const spec = asObject(crd.spec);
  return asArray(spec.versions)
    .filter(isObject)
    .map((v) => ({
      name: asString(v.name) ?? '',
      served: v.served === true,
      storage: v.storage === true,
      schema: isObject(v.schema) && isObject(v.schema.openAPIV3Schema) ? (v.schema.openAPIV3Schema as Schema) : undefined,
      status: isObject(v.subresources) && isObject(v.subresources.status),
      columns: asArray(v.additionalPrinterColumns)
        .filter(isObject)
        .map((c) => {
          const col: PrinterColumnSpec = { name: asString(c.name) ?? '', type: asString(c.type) ?? 'string', jsonPath: asString(c.jsonPath) ?? '' };
          if (typeof c.format === 'string') col.format = c.format;
          if (typeof c.description === 'string') col.description = c.description;
          if (typeof c.priority === 'number') col.priority = c.priority;
          return col;
        }),
    }));
}

/** Field errors in a CRD manifest, for the parts the lab relies on. */
export function crdProblems(crd: KubeObject, old?: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = asObject(crd.spec);
  const names = asObject(spec.names);
  const group = asString(spec.group);
  const plural = asString(names.plural);
  if (!group) errors.push(fieldRequired('spec.group'));
  else if (!group.includes('.')) errors.push(fieldInvalid('spec.group', group, 'should be a domain with at least one dot'));
  if (!plural) errors.push(fieldRequired('spec.names.plural'));
  else if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(plural)) errors.push(fieldInvalid('spec.names.plural', plural, 'must be a lowercase DNS label'));
  if (!asString(names.kind)) errors.push(fieldRequired('spec.names.kind'));
  if (group && plural && crd.metadata.name !== `${plural}.${group}`) {
    errors.push(fieldInvalid('metadata.name', crd.metadata.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  }
  if (!['Namespaced', 'Cluster'].includes(String(spec.scope))) errors.push(fieldNotSupported('spec.scope', spec.scope ?? '', ['Cluster', 'Namespaced']));
  const versions = versionsOf(crd);
  if (versions.length === 0) errors.push(fieldRequired('spec.versions', 'must have exactly one version marked as storage version'));
  else if (versions.filter((v) => v.storage).length !== 1) {
    errors.push(fieldInvalid('spec.versions', versions.map((v) => v.name), 'must have exactly one version marked as storage version'));
  }
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (!v.name) errors.push(fieldRequired(`spec.versions[${i}].name`));
    if (seen.has(v.name)) errors.push(fieldInvalid(`spec.versions[${i}].name`, v.name, 'must be unique'));
    seen.add(v.name);
    if (!v.schema) errors.push(fieldRequired(`spec.versions[${i}].schema.openAPIV3Schema`));
    else if (v.schema.type !== 'object') errors.push(fieldInvalid(`spec.versions[${i}].schema.openAPIV3Schema.type`, v.schema.type ?? '', 'must be object at the root'));
  });
  if (old) {
    const before = asObject(old.spec);
    if (before.scope !== spec.scope) errors.push(fieldInvalid('spec.scope', spec.scope ?? '', 'field is immutable'));
  }
  return errors;
}

/** The status the real server reports once it accepts a CRD: names accepted, established. */
export function acceptedStatus(crd: KubeObject, now: Date): JsonObject {
  const spec = asObject(crd.spec);
  const names = asObject(spec.names);
  const kind = asString(names.kind) ?? '';
  const storage = versionsOf(crd).find((v) => v.storage)?.name;
  const previous = asArray(asObject(crd.status).storedVersions).filter((v): v is string => typeof v === 'string');
  const stored = storage && !previous.includes(storage) ? [...previous, storage] : previous;
  const since = (type: string): string => {
    const c = asArray(asObject(crd.status).conditions).find((x) => isObject(x) && x.type === type && x.status === 'True');
    return (isObject(c) && asString(c.lastTransitionTime)) || timestamp(now);
  };
  return {
    conditions: [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: since('NamesAccepted') },
      {
        type: 'Established',
        status: 'True',
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
        lastTransitionTime: since('Established'),
      },
    ],
    acceptedNames: {
      plural: names.plural ?? '',
      singular: names.singular ?? kind.toLowerCase(),
      kind,
      listKind: names.listKind ?? `${kind}List`,
      ...(Array.isArray(names.shortNames) ? { shortNames: names.shortNames } : {}),
      ...(Array.isArray(names.categories) ? { categories: names.categories } : {}),
    },
    storedVersions: stored,
  };
}

/** The served kind a (valid) CRD defines. */
export function kindFromCrd(crd: KubeObject): KindSpec {
  const spec = asObject(crd.spec);
  const names = asObject(spec.names);
  const group = asString(spec.group) ?? '';
  const kind = asString(names.kind) ?? '';
  const plural = asString(names.plural) ?? '';
  const versions = versionsOf(crd).filter((v) => v.served);
  versions.sort((a, b) => compareVersions(a.name, b.name));
  const byName = new Map(versions.map((v) => [v.name, v]));
  const status = versions.some((v) => v.status);
  return {
    group,
    versions: versions.map((v) => v.name),
    kind,
    listKind: asString(names.listKind) ?? `${kind}List`,
    plural,
    singular: asString(names.singular) ?? kind.toLowerCase(),
    namespaced: spec.scope === 'Namespaced',
    shortNames: asArray(names.shortNames).filter((s): s is string => typeof s === 'string'),
    categories: asArray(names.categories).filter((s): s is string => typeof s === 'string'),
    statusSubresource: status,
    storageKey: `${group}/${plural}`,
    nameRule: 'subdomain',
    dropStatusOnCreate: status,
    columns: (v) => crdColumns(byName.get(v)?.columns ?? []),
    patchMeta: undefined,
    schema: (v) => byName.get(v)?.schema,
    ...relabel(group),
    crdName: crd.metadata.name ?? '',
  };
}

export const CRD_KIND: KindSpec = {
  group: CRD_GROUP,
  versions: ['v1'],
  kind: 'CustomResourceDefinition',
  listKind: 'CustomResourceDefinitionList',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  statusSubresource: true,
  storageKey: `${CRD_GROUP}/customresourcedefinitions`,
  nameRule: 'subdomain',
  dropStatusOnCreate: true,
  columns: () => CRD_COLUMNS,
  patchMeta: { 'metadata.finalizers': 'set' },
  ...relabel(CRD_GROUP),
  admit: ({ obj, old, now }) => {
    const errors = crdProblems(obj, old);
    if (errors.length === 0) obj.status = acceptedStatus(obj, now);
    return errors;
  },
};
