/** Table columns of the built-in kinds, named and filled the way the real API server does. Pure. */
import { AGE_COLUMN, NAME_COLUMN, since, type Column } from './table.js';
import { asArray, asObject, asString, isObject, type KubeObject } from './types.js';

function col(name: string, cell: Column['cell'], opts: { priority?: number; type?: string; description?: string } = {}): Column {
  return { name, type: opts.type ?? 'string', description: opts.description ?? name, priority: opts.priority ?? 0, cell };
}

const spec = (o: KubeObject): Record<string, unknown> => asObject(o.spec);
const status = (o: KubeObject): Record<string, unknown> => asObject(o.status);

function serviceExternalIP(o: KubeObject, wide: boolean): string {
  const type = asString(spec(o).type) ?? 'ClusterIP';
  const external = asArray(spec(o).externalIPs).filter((x): x is string => typeof x === 'string');
  switch (type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'ExternalName':
      return asString(spec(o).externalName) ?? '<none>';
    case 'LoadBalancer': {
      const ingress = asArray(asObject(status(o).loadBalancer).ingress)
        .map((i) => (isObject(i) ? (asString(i.ip) ?? asString(i.hostname)) : undefined))
        .filter((x): x is string => !!x);
      let lb = ingress.join(',');
      if (!wide && lb.length > 16) lb = `${lb.slice(0, 13)}...`;
      const all = [lb, ...external].filter((x) => x !== '');
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    default:
      return '<unknown>';
  }
}

function servicePorts(o: KubeObject): string {
  const ports = asArray(spec(o).ports).filter(isObject);
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) => {
      const proto = asString(p.protocol) ?? 'TCP';
      return p.nodePort ? `${String(p.port)}:${String(p.nodePort)}/${proto}` : `${String(p.port)}/${proto}`;
    })
    .join(',');
}

function selectorText(sel: unknown): string {
  const entries = Object.entries(asObject(sel));
  return entries.length > 0 ? entries.map(([k, v]) => `${k}=${String(v)}`).join(',') : '<none>';
}

export const SERVICE_COLUMNS: Column[] = [
  NAME_COLUMN,
  col('Type', (o) => asString(spec(o).type) ?? 'ClusterIP', { description: 'The type of the service' }),
  col('Cluster-IP', (o) => asString(spec(o).clusterIP) || '<none>', { description: 'The cluster IP of the service' }),
  col('External-IP', (o) => serviceExternalIP(o, false), { description: 'The external IP of the service' }),
  col('Port(s)', servicePorts, { description: 'The ports of the service' }),
  AGE_COLUMN,
  col('Selector', (o) => selectorText(spec(o).selector), { priority: 1, description: 'The selector of the service' }),
];

function nodeStatus(o: KubeObject): string {
  const ready = asArray(status(o).conditions).find((c) => isObject(c) && c.type === 'Ready');
  let s = 'Unknown';
  if (isObject(ready)) s = ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown';
  if (spec(o).unschedulable === true) s += ',SchedulingDisabled';
  return s;
}

function nodeRoles(o: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  const list = [...roles].filter((r) => r !== '').sort();
  return list.length > 0 ? list.join(',') : '<none>';
}

function nodeAddress(o: KubeObject, type: string): string {
  const a = asArray(status(o).addresses).find((x) => isObject(x) && x.type === type);
  return isObject(a) ? (asString(a.address) ?? '<none>') : '<none>';
}

const nodeInfo = (o: KubeObject, key: string): string => asString(asObject(status(o).nodeInfo)[key]) ?? '<unknown>';

export const NODE_COLUMNS: Column[] = [
  NAME_COLUMN,
  col('Status', nodeStatus, { description: 'The status of the node' }),
  col('Roles', nodeRoles, { description: 'The roles of the node' }),
  AGE_COLUMN,
  col('Version', (o) => nodeInfo(o, 'kubeletVersion'), { description: 'Kubelet Version reported by the node.' }),
  col('Internal-IP', (o) => nodeAddress(o, 'InternalIP'), { priority: 1 }),
  col('External-IP', (o) => nodeAddress(o, 'ExternalIP'), { priority: 1 }),
  col('OS-Image', (o) => nodeInfo(o, 'osImage'), { priority: 1 }),
  col('Kernel-Version', (o) => nodeInfo(o, 'kernelVersion'), { priority: 1 }),
  col('Container-Runtime', (o) => nodeInfo(o, 'containerRuntimeVersion'), { priority: 1 }),
];

export const NAMESPACE_COLUMNS: Column[] = [
  NAME_COLUMN,
  col('Status', (o) => asString(status(o).phase) ?? '', { description: 'The status of the namespace' }),
  AGE_COLUMN,
];

export const LEASE_COLUMNS: Column[] = [
  NAME_COLUMN,
  col('Holder', (o) => asString(spec(o).holderIdentity) ?? '', { description: 'The holder of the lease' }),
  AGE_COLUMN,
];

function slicePorts(o: KubeObject): string {
  const ports = asArray(o.ports).filter(isObject);
  if (ports.length === 0) return '<unset>';
  return ports.map((p) => (p.port === undefined ? '<unset>' : String(p.port))).join(',');
}

function addressList(addrs: string[]): string {
  if (addrs.length === 0) return '<none>';
  const shown = addrs.slice(0, 3).join(',');
  return addrs.length > 3 ? `${shown} + ${addrs.length - 3} more...` : shown;
}

function sliceEndpoints(o: KubeObject): string {
  const addrs = asArray(o.endpoints)
    .filter(isObject)
    .flatMap((e) => asArray(e.addresses).filter((a): a is string => typeof a === 'string'));
  return addrs.length === 0 ? '<unset>' : addressList(addrs);
}

export const ENDPOINTSLICE_COLUMNS: Column[] = [
  NAME_COLUMN,
  col('AddressType', (o) => asString(o.addressType) ?? '', { description: 'The IP protocol family of this slice' }),
  col('Ports', slicePorts, { description: 'The ports of this slice' }),
  col('Endpoints', sliceEndpoints, { description: 'The addresses of this slice' }),
  AGE_COLUMN,
];

function endpointsText(o: KubeObject): string {
  const out: string[] = [];
  for (const subset of asArray(o.subsets).filter(isObject)) {
    const ports = asArray(subset.ports).filter(isObject);
    for (const a of asArray(subset.addresses).filter(isObject)) {
      const ip = asString(a.ip) ?? '';
      if (ports.length === 0) out.push(ip);
      for (const p of ports) out.push(`${ip}:${String(p.port)}`);
    }
  }
  return addressList(out);
}

export const ENDPOINTS_COLUMNS: Column[] = [NAME_COLUMN, col('Endpoints', endpointsText), AGE_COLUMN];

function eventLastSeen(o: KubeObject, now: Date): string {
  const series = asObject(o.series);
  const ts = asString(series.lastObservedTime) || asString(o.lastTimestamp) || asString(o.eventTime) || asString(o.firstTimestamp) || o.metadata.creationTimestamp;
  return since(ts, now);
}

const involved = (o: KubeObject): Record<string, unknown> => asObject(o.involvedObject);

export const EVENT_COLUMNS: Column[] = [
  col('Last Seen', eventLastSeen, { description: 'Time since the event was last seen' }),
  col('Type', (o) => asString(o.type) ?? '', { description: 'Type of this event (Normal, Warning)' }),
  col('Reason', (o) => asString(o.reason) ?? '', { description: 'Short, machine understandable string that gives the reason' }),
  col('Object', (o) => `${(asString(involved(o).kind) ?? '').toLowerCase()}/${asString(involved(o).name) ?? ''}`, {
    description: 'The object this event is about',
  }),
  col('Message', (o) => (asString(o.message) ?? '').trim(), { description: 'A human-readable description of the status of this operation' }),
  col('Subobject', (o) => asString(involved(o).fieldPath) ?? '', { priority: 1 }),
  col('Source', (o) => {
    const src = asObject(o.source);
    const parts = [asString(src.component) || asString(o.reportingComponent) || '', asString(src.host) ?? ''].filter((x) => x);
    return parts.join(', ');
  }, { priority: 1 }),
  col('First Seen', (o, now) => since(asString(o.firstTimestamp) || asString(o.eventTime) || o.metadata.creationTimestamp, now), { priority: 1 }),
  col('Count', (o) => (typeof o.count === 'number' ? o.count : 1), { priority: 1, type: 'integer' }),
  col('Name', (o) => o.metadata.name ?? '', { priority: 1 }),
];

const countKeys = (...maps: unknown[]): number => maps.reduce<number>((n, m) => n + Object.keys(asObject(m)).length, 0);

export const SECRET_COLUMNS: Column[] = [
  NAME_COLUMN,
  col('Type', (o) => asString(o.type) ?? 'Opaque', { description: 'The type of the secret' }),
  col('Data', (o) => countKeys(o.data), { type: 'string', description: 'The number of entries in the data' }),
  AGE_COLUMN,
];

export const CONFIGMAP_COLUMNS: Column[] = [
  NAME_COLUMN,
  col('Data', (o) => countKeys(o.data, o.binaryData), { type: 'string', description: 'The number of entries in the data' }),
  AGE_COLUMN,
];

function podReady(o: KubeObject): string {
  const containers = asArray(spec(o).containers).length;
  const ready = asArray(status(o).containerStatuses).filter((c) => isObject(c) && c.ready === true).length;
  return `${ready}/${containers}`;
}

function podRestarts(o: KubeObject): number {
  return asArray(status(o).containerStatuses).reduce<number>((n, c) => n + (isObject(c) && typeof c.restartCount === 'number' ? c.restartCount : 0), 0);
}

function podStatus(o: KubeObject): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  return asString(status(o).reason) || asString(status(o).phase) || 'Pending';
}

export const POD_COLUMNS: Column[] = [
  NAME_COLUMN,
  col('Ready', podReady, { description: 'The aggregate readiness state of this pod for accepting traffic.' }),
  col('Status', podStatus, { description: 'The aggregate status of the containers in this pod.' }),
  col('Restarts', podRestarts, { type: 'string', description: 'The number of times the containers in this pod have been restarted.' }),
  AGE_COLUMN,
  col('IP', (o) => asString(status(o).podIP) || '<none>', { priority: 1 }),
  col('Node', (o) => asString(spec(o).nodeName) || '<none>', { priority: 1 }),
  col('Nominated Node', (o) => asString(status(o).nominatedNodeName) || '<none>', { priority: 1 }),
  col('Readiness Gates', (o) => (asArray(spec(o).readinessGates).length > 0 ? String(asArray(spec(o).readinessGates).length) : '<none>'), { priority: 1 }),
];

export const CRD_COLUMNS: Column[] = [
  NAME_COLUMN,
  col('Created At', (o) => o.metadata.creationTimestamp ?? '', { type: 'date', description: 'When the definition was created' }),
];

export const DEFAULT_COLUMNS: Column[] = [NAME_COLUMN, AGE_COLUMN];
