/** The built-in kinds the lab serves, with the rules of the real API server that matter here. */
import {
  CONFIGMAP_COLUMNS,
  ENDPOINTS_COLUMNS,
  ENDPOINTSLICE_COLUMNS,
  EVENT_COLUMNS,
  LEASE_COLUMNS,
  NAMESPACE_COLUMNS,
  NODE_COLUMNS,
  POD_COLUMNS,
  SECRET_COLUMNS,
  SERVICE_COLUMNS,
} from './columns.js';
import { CRD_KIND } from './crd.js';
import { type FieldError, fieldInvalid, fieldNotSupported, fieldRequired } from './errors.js';
import { coreEventFromEventsV1, eventsV1FromCoreEvent } from './events.js';
import { type KindSpec, relabel } from './kind.js';
import type { PatchMeta } from './patch.js';
import { admitService } from './service.js';
import type { Column } from './table.js';
import { asArray, isObject, type JsonObject } from './types.js';

const METADATA_PATCH: PatchMeta = {
  'metadata.finalizers': 'set',
  'metadata.ownerReferences': { mergeKey: 'uid' },
};

function containerPatch(prefix: string): PatchMeta {
  return {
    [prefix]: { mergeKey: 'name' },
    [`${prefix}.ports`]: { mergeKey: 'containerPort' },
    [`${prefix}.env`]: { mergeKey: 'name' },
    [`${prefix}.volumeMounts`]: { mergeKey: 'mountPath' },
  };
}

interface BuiltinOptions {
  group?: string;
  version?: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  statusSubresource?: boolean;
  columns: Column[];
  patch?: PatchMeta;
  nameRule?: KindSpec['nameRule'];
  dropStatusOnCreate?: boolean;
  admit?: KindSpec['admit'];
  deleteForbidden?: KindSpec['deleteForbidden'];
}

function builtin(o: BuiltinOptions): KindSpec {
  const group = o.group ?? '';
  const spec: KindSpec = {
    group,
    versions: [o.version ?? 'v1'],
    kind: o.kind,
    listKind: `${o.kind}List`,
    plural: o.plural,
    singular: o.kind.toLowerCase(),
    namespaced: o.namespaced,
    shortNames: o.shortNames ?? [],
    categories: o.categories ?? [],
    statusSubresource: o.statusSubresource ?? false,
    storageKey: group ? `${group}/${o.plural}` : o.plural,
    nameRule: o.nameRule ?? 'subdomain',
    dropStatusOnCreate: o.dropStatusOnCreate ?? false,
    columns: () => o.columns,
    patchMeta: { ...METADATA_PATCH, ...(o.patch ?? {}) },
    ...relabel(group),
  };
  if (o.admit) spec.admit = o.admit;
  if (o.deleteForbidden) spec.deleteForbidden = o.deleteForbidden;
  return spec;
}

/** Namespaces the lab starts with; the first two may not be deleted, as in a real cluster. */
export const INITIAL_NAMESPACES = ['default', 'kube-system', 'herald-system'];

function admitNamespace({ obj }: { obj: JsonObject }): FieldError[] {
  const spec = isObject(obj.spec) ? obj.spec : (obj.spec = {});
  spec.finalizers ??= ['kubernetes'];
  const status = isObject(obj.status) ? obj.status : (obj.status = {});
  status.phase ??= 'Active';
  return [];
}

function admitSecret({ obj }: { obj: JsonObject }): FieldError[] {
  const errors: FieldError[] = [];
  obj.type ??= 'Opaque';
  if (isObject(obj.stringData)) {
    const data = isObject(obj.data) ? obj.data : (obj.data = {});
    for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  }
  delete obj.stringData;
  if (obj.data !== undefined && obj.data !== null) {
    if (!isObject(obj.data)) errors.push(fieldInvalid('data', obj.data, 'must be a map of keys to base64-encoded values'));
    else {
      for (const [k, v] of Object.entries(obj.data)) {
        if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) errors.push(fieldInvalid(`data[${k}]`, '<value omitted>', 'must be base64-encoded'));
      }
    }
  }
  return errors;
}

function admitConfigMap({ obj }: { obj: JsonObject }): FieldError[] {
  const errors: FieldError[] = [];
  if (obj.data !== undefined && obj.data !== null) {
    if (!isObject(obj.data)) errors.push(fieldInvalid('data', obj.data, 'must be a map of strings'));
    else for (const [k, v] of Object.entries(obj.data)) if (typeof v !== 'string') errors.push(fieldInvalid(`data[${k}]`, v, 'must be a string'));
  }
  return errors;
}

function admitEndpointSlice({ obj }: { obj: JsonObject }): FieldError[] {
  const errors: FieldError[] = [];
  const types = ['IPv4', 'IPv6', 'FQDN'];
  if (obj.addressType === undefined) errors.push(fieldRequired('addressType'));
  else if (!types.includes(String(obj.addressType))) errors.push(fieldNotSupported('addressType', obj.addressType, types));
  if (obj.endpoints === undefined || obj.endpoints === null) errors.push(fieldRequired('endpoints'));
  else if (!Array.isArray(obj.endpoints)) errors.push(fieldInvalid('endpoints', obj.endpoints, 'must be a list'));
  else {
    obj.endpoints.forEach((e, i) => {
      const addrs = isObject(e) ? asArray(e.addresses) : [];
      if (addrs.length === 0) errors.push(fieldRequired(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
    });
  }
  return errors;
}

function admitPod({ obj }: { obj: JsonObject }): FieldError[] {
  const status = isObject(obj.status) ? obj.status : (obj.status = {});
  status.phase ??= 'Pending';
  return [];
}

const coreEvents = builtin({ kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'], columns: EVENT_COLUMNS });

export function builtinKinds(): KindSpec[] {
  return [
    builtin({
      kind: 'Namespace',
      plural: 'namespaces',
      namespaced: false,
      shortNames: ['ns'],
      statusSubresource: true,
      columns: NAMESPACE_COLUMNS,
      patch: { 'status.conditions': { mergeKey: 'type' } },
      nameRule: 'label',
      dropStatusOnCreate: true,
      admit: admitNamespace,
      deleteForbidden: (name) => (name === 'default' || name === 'kube-system' ? 'this namespace may not be deleted' : undefined),
    }),
    builtin({
      kind: 'Service',
      plural: 'services',
      namespaced: true,
      shortNames: ['svc'],
      categories: ['all'],
      statusSubresource: true,
      columns: SERVICE_COLUMNS,
      patch: { 'spec.ports': { mergeKey: 'port' }, 'status.conditions': { mergeKey: 'type' } },
      nameRule: 'label1035',
      dropStatusOnCreate: true,
      admit: ({ obj, old, view }) =>
        admitService(
          obj,
          old,
          () => view.scan('services').filter((s) => !(s.metadata.namespace === obj.metadata.namespace && s.metadata.name === obj.metadata.name)),
        ),
    }),
    builtin({
      kind: 'Node',
      plural: 'nodes',
      namespaced: false,
      shortNames: ['no'],
      statusSubresource: true,
      columns: NODE_COLUMNS,
      patch: { 'status.conditions': { mergeKey: 'type' }, 'status.addresses': { mergeKey: 'type' }, 'spec.podCIDRs': 'set' },
    }),
    coreEvents,
    builtin({ kind: 'Secret', plural: 'secrets', namespaced: true, columns: SECRET_COLUMNS, admit: admitSecret }),
    builtin({ kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'], columns: CONFIGMAP_COLUMNS, admit: admitConfigMap }),
    builtin({
      kind: 'Pod',
      plural: 'pods',
      namespaced: true,
      shortNames: ['po'],
      categories: ['all'],
      statusSubresource: true,
      columns: POD_COLUMNS,
      patch: {
        ...containerPatch('spec.containers'),
        ...containerPatch('spec.initContainers'),
        'spec.volumes': { mergeKey: 'name' },
        'spec.imagePullSecrets': { mergeKey: 'name' },
        'status.conditions': { mergeKey: 'type' },
        'status.podIPs': { mergeKey: 'ip' },
      },
      dropStatusOnCreate: true,
      admit: admitPod,
    }),
    builtin({ kind: 'Endpoints', plural: 'endpoints', namespaced: true, shortNames: ['ep'], columns: ENDPOINTS_COLUMNS }),
    builtin({
      group: 'discovery.k8s.io',
      kind: 'EndpointSlice',
      plural: 'endpointslices',
      namespaced: true,
      columns: ENDPOINTSLICE_COLUMNS,
      admit: admitEndpointSlice,
    }),
    {
      ...coreEvents,
      group: 'events.k8s.io',
      storageKey: coreEvents.storageKey,
      toVersion: (obj) => eventsV1FromCoreEvent(obj),
      fromVersion: (obj) => coreEventFromEventsV1(obj),
      // Cells read core/v1 field names; this kind serves events.k8s.io/v1 shapes.
      columns: () => EVENT_COLUMNS.map((c) => ({ ...c, cell: (o, now) => c.cell(coreEventFromEventsV1(o), now) })),
    },
    builtin({ group: 'coordination.k8s.io', kind: 'Lease', plural: 'leases', namespaced: true, columns: LEASE_COLUMNS }),
    CRD_KIND,
  ];
}
