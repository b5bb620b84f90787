/**
 * Service rules of the real API server that Herald depends on: ClusterIP and NodePort allocation,
 * IP family defaulting, `spec.loadBalancerClass` rules, and keeping allocated values on update.
 * Pure: allocation reads the other Services handed in.
 */
import { isIP } from 'node:net';
import {
  type FieldError,
  fieldDuplicate,
  fieldForbidden,
  fieldInvalid,
  fieldNotSupported,
  fieldRequired,
} from './errors.js';
import { labelKeyProblem } from './selectors.js';
import { asArray, asObject, asString, deepEqual, isObject, type JsonObject, type KubeObject } from './types.js';

export const NODE_PORT_RANGE = { min: 30000, max: 32767 };
/** Service ranges of the lab cluster: 10.96.0.0/12 and fd00:10:96::/112, as kubeadm sets up. */
const V4_BASE = (10 << 24) | (96 << 16);
const V4_SIZE = 1 << 20;
const V6_PREFIX = 'fd00:10:96::';
const V6_SIZE = 1 << 16;
/** The first addresses are left alone, as kubeadm leaves .1 for the `kubernetes` Service. */
const FIRST_OFFSET = 10;

const TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
const POLICIES = ['SingleStack', 'PreferDualStack', 'RequireDualStack'];
const FAMILIES = ['IPv4', 'IPv6'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function intToV4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Expands an IPv6 address to eight 16-bit groups (no embedded IPv4 in service addresses). */
function v6Groups(ip: string): number[] {
  const [head = '', tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

function familyOf(ip: string): 'IPv4' | 'IPv6' | undefined {
  const v = isIP(ip);
  return v === 4 ? 'IPv4' : v === 6 ? 'IPv6' : undefined;
}

function offsetInRange(ip: string): number | undefined {
  if (isIP(ip) === 4) {
    const off = v4ToInt(ip) - V4_BASE;
    return off > 0 && off < V4_SIZE - 1 ? off : undefined;
  }
  if (isIP(ip) === 6) {
    const g = v6Groups(ip);
    const base = v6Groups(V6_PREFIX);
    if (!g.slice(0, 7).every((x, i) => x === base[i])) return undefined;
    const off = g[7] ?? 0;
    return off > 0 ? off : undefined;
  }
  return undefined;
}

function addressAt(family: string, offset: number): string {
  return family === 'IPv4' ? intToV4(V4_BASE + offset) : `${V6_PREFIX}${offset.toString(16)}`;
}

const spec = (o: KubeObject | undefined): JsonObject => asObject(o?.spec);

function usedClusterIPs(others: KubeObject[]): Set<string> {
  const used = new Set<string>();
  for (const o of others) for (const ip of asArray(spec(o).clusterIPs)) if (typeof ip === 'string') used.add(canonicalIP(ip));
  return used;
}

function canonicalIP(ip: string): string {
  return ip.includes(':') ? v6Groups(ip).map((g) => g.toString(16)).join(':') : ip;
}

function usedNodePorts(others: KubeObject[]): Set<number> {
  const used = new Set<number>();
  for (const o of others) {
    for (const p of asArray(spec(o).ports)) if (isObject(p) && typeof p.nodePort === 'number') used.add(p.nodePort);
    if (typeof spec(o).healthCheckNodePort === 'number') used.add(spec(o).healthCheckNodePort as number);
  }
  return used;
}

/**
 * The address after the highest one in use, else the lowest free one: deterministic, as tests
 * want, and without walking past thousands of taken addresses on every create.
 */
function allocateIP(family: string, used: Set<string>): string | undefined {
  const size = family === 'IPv4' ? V4_SIZE - 1 : V6_SIZE;
  let highest = FIRST_OFFSET - 1;
  for (const ip of used) {
    if (ip.includes(':') !== (family === 'IPv6')) continue;
    const off = family === 'IPv4' ? v4ToInt(ip) - V4_BASE : offsetInRange(ip);
    if (off !== undefined && off < size && off > highest) highest = off;
  }
  if (highest + 1 < size) return addressAt(family, highest + 1);
  for (let off = FIRST_OFFSET; off < size; off++) {
    const ip = addressAt(family, off);
    if (!used.has(canonicalIP(ip))) return ip;
  }
  return undefined;
}

function allocatePort(used: Set<number>): number | undefined {
  for (let p = NODE_PORT_RANGE.min; p <= NODE_PORT_RANGE.max; p++) if (!used.has(p)) return p;
  return undefined;
}

const needsNodePorts = (s: JsonObject): boolean =>
  s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);

/**
 * On update the real server keeps what it allocated when the client leaves it out (a PUT of a
 * manifest without clusterIP, kubectl apply), and drops fields that only made sense for the old type.
 */
function carryOver(s: JsonObject, old: JsonObject): void {
  const type = s.type;
  if (type !== 'ExternalName') {
    if (s.clusterIP === undefined || s.clusterIP === '') {
      if (old.clusterIP !== undefined) s.clusterIP = old.clusterIP;
      if (s.clusterIPs === undefined && old.clusterIPs !== undefined) s.clusterIPs = old.clusterIPs;
    }
    if (s.clusterIPs === undefined && old.clusterIPs !== undefined && s.clusterIP === old.clusterIP) s.clusterIPs = old.clusterIPs;
    if (s.ipFamilies === undefined && old.ipFamilies !== undefined) s.ipFamilies = old.ipFamilies;
    if (s.ipFamilyPolicy === undefined && old.ipFamilyPolicy !== undefined) s.ipFamilyPolicy = old.ipFamilyPolicy;
  }
  const oldPorts = asArray(old.ports).filter(isObject);
  for (const p of asArray(s.ports).filter(isObject)) {
    const before = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
    if (!needsNodePorts(s)) {
      if (before && p.nodePort === before.nodePort) delete p.nodePort;
    } else if ((p.nodePort === undefined || p.nodePort === 0) && before && typeof before.nodePort === 'number') {
      p.nodePort = before.nodePort;
    }
  }
  const localLB = type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
  if (!localLB && s.healthCheckNodePort === old.healthCheckNodePort) delete s.healthCheckNodePort;
  if (localLB && (s.healthCheckNodePort === undefined || s.healthCheckNodePort === 0) && old.healthCheckNodePort) {
    s.healthCheckNodePort = old.healthCheckNodePort;
  }
  if (type !== 'LoadBalancer') {
    if (s.loadBalancerClass === old.loadBalancerClass) delete s.loadBalancerClass;
    if (s.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts) delete s.allocateLoadBalancerNodePorts;
  }
  if ((type === 'ClusterIP' || type === 'ExternalName') && s.externalTrafficPolicy === old.externalTrafficPolicy) {
    delete s.externalTrafficPolicy;
  }
}

function validatePorts(s: JsonObject, errors: FieldError[]): void {
  const ports = asArray(s.ports);
  const headless = s.clusterIP === 'None';
  if (ports.length === 0 && s.type !== 'ExternalName' && !headless) errors.push(fieldRequired('spec.ports'));
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (!isObject(p)) {
      errors.push(fieldInvalid(at, p, 'must be an object'));
      return;
    }
    if (p.protocol === undefined) p.protocol = 'TCP';
    if (!PROTOCOLS.includes(String(p.protocol))) errors.push(fieldNotSupported(`${at}.protocol`, p.protocol, PROTOCOLS));
    if (p.port === undefined) errors.push(fieldRequired(`${at}.port`));
    else if (typeof p.port !== 'number' || !Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
      errors.push(fieldInvalid(`${at}.port`, p.port, 'must be between 1 and 65535, inclusive'));
    }
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
    if (ports.length > 1 && (p.name === undefined || p.name === '')) errors.push(fieldRequired(`${at}.name`));
    if (typeof p.name === 'string' && p.name !== '') {
      if (!DNS_LABEL.test(p.name) || p.name.length > 63) errors.push(fieldInvalid(`${at}.name`, p.name, 'must be a DNS label (lowercase alphanumerics and "-")'));
      if (names.has(p.name)) errors.push(fieldDuplicate(`${at}.name`, p.name));
      names.add(p.name);
    }
    const key = `${String(p.port)}/${String(p.protocol)}`;
    if (keys.has(key)) errors.push(fieldDuplicate(at, { port: p.port, protocol: p.protocol }));
    keys.add(key);
    if (p.nodePort !== undefined && p.nodePort !== 0 && !needsNodePorts(s)) {
      errors.push(fieldForbidden(`${at}.nodePort`, `may not be used when \`type\` is '${String(s.type)}'`));
    }
  });
}

function checkLoadBalancerClass(s: JsonObject, old: JsonObject | undefined, errors: FieldError[]): void {
  const cls = s.loadBalancerClass;
  if (cls !== undefined && cls !== null) {
    if (s.type !== 'LoadBalancer') {
      errors.push(fieldForbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
    } else if (typeof cls !== 'string' || labelKeyProblem(cls)) {
      errors.push(fieldInvalid('spec.loadBalancerClass', cls, 'must be a label key, such as example.com/internal-vip'));
    }
  }
  if (old && old.type === 'LoadBalancer' && s.type === 'LoadBalancer' && !deepEqual(old.loadBalancerClass, cls)) {
    errors.push(fieldInvalid('spec.loadBalancerClass', cls ?? null, 'may not change once set'));
  }
}

function resolveFamilies(s: JsonObject, old: JsonObject | undefined, errors: FieldError[]): string[] {
  const policy = (s.ipFamilyPolicy ??= 'SingleStack');
  if (!POLICIES.includes(String(policy))) errors.push(fieldNotSupported('spec.ipFamilyPolicy', policy, POLICIES));
  const given = asArray(s.ipFamilies);
  given.forEach((f, i) => {
    if (!FAMILIES.includes(String(f))) errors.push(fieldNotSupported(`spec.ipFamilies[${i}]`, f, FAMILIES));
  });
  if (given.length === 2 && given[0] === given[1]) errors.push(fieldDuplicate('spec.ipFamilies[1]', given[1]));
  if (given.length > 2) errors.push(fieldInvalid('spec.ipFamilies', given, 'may specify no more than one IP for each IP family'));
  const ips = asArray(s.clusterIPs).filter((x): x is string => typeof x === 'string' && x !== 'None');
  let families = given.map(String);
  if (families.length === 0) {
    families = ips.map((ip) => familyOf(ip)).filter((f): f is 'IPv4' | 'IPv6' => !!f);
    if (families.length === 0) families = ['IPv4'];
  }
  if (policy !== 'SingleStack' && families.length === 1) families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
  if (policy === 'SingleStack' && families.length > 1) {
    errors.push(fieldInvalid('spec.ipFamilyPolicy', policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  }
  const oldFamilies = asArray(old?.ipFamilies);
  if (oldFamilies.length > 0 && oldFamilies[0] !== families[0]) {
    errors.push(fieldInvalid('spec.ipFamilies[0]', families[0], 'may not change once set'));
  }
  s.ipFamilies = families;
  return families;
}

function assignClusterIPs(s: JsonObject, old: JsonObject | undefined, families: string[], others: () => KubeObject[], errors: FieldError[]): void {
  if (s.clusterIP !== undefined && s.clusterIP !== '' && s.clusterIPs === undefined) s.clusterIPs = [s.clusterIP];
  const ips = asArray(s.clusterIPs).map(String);
  if (s.clusterIP !== undefined && s.clusterIP !== '' && ips[0] !== s.clusterIP) {
    errors.push(fieldInvalid('spec.clusterIPs[0]', ips[0] ?? null, 'must be same as `clusterIP`'));
    return;
  }
  if (ips[0] === 'None') {
    s.clusterIP = 'None';
    s.clusterIPs = ['None'];
    return;
  }
  const oldIPs = asArray(old?.clusterIPs);
  // An update that keeps its addresses needs no look at every other Service: that look is what
  // made each status write cost O(n) on a server holding thousands of Services.
  if (families.length > 0 && families.every((_, i) => ips[i] !== undefined && ips[i] !== '' && ips[i] === oldIPs[i])) {
    s.clusterIP = ips[0];
    return;
  }
  const used = usedClusterIPs(others());
  const out: string[] = [];
  for (const [i, family] of families.entries()) {
    const want = ips[i];
    if (want === undefined || want === '') {
      const ip = allocateIP(family, used);
      if (!ip) {
        errors.push(fieldInvalid(`spec.clusterIPs[${i}]`, null, `no ${family} address left in the service range`));
        return;
      }
      used.add(canonicalIP(ip));
      out.push(ip);
      continue;
    }
    const at = `spec.clusterIPs[${i}]`;
    if (familyOf(want) !== family) {
      errors.push(fieldInvalid(at, want, `expected an ${family} address, as spec.ipFamilies[${i}] says`));
    } else if (offsetInRange(want) === undefined) {
      errors.push(fieldInvalid(at, want, `provided IP is not in the valid range. The range of valid IPs is ${family === 'IPv4' ? '10.96.0.0/12' : 'fd00:10:96::/112'}`));
    } else if (used.has(canonicalIP(want))) {
      errors.push(fieldInvalid(at, want, 'provided IP is already allocated'));
    }
    used.add(canonicalIP(want));
    out.push(want);
  }
  if (oldIPs.length > 0 && oldIPs[0] !== out[0]) errors.push(fieldInvalid('spec.clusterIP', out[0] ?? null, 'field is immutable'));
  s.clusterIPs = out;
  s.clusterIP = out[0];
}

function assignNodePorts(s: JsonObject, old: JsonObject | undefined, others: () => KubeObject[], errors: FieldError[]): void {
  const held = new Set<unknown>([...asArray(old?.ports).filter(isObject).map((p) => p.nodePort), old?.healthCheckNodePort].filter((p) => p !== undefined));
  const wanted = [...asArray(s.ports).filter(isObject).map((p) => p.nodePort), s.healthCheckNodePort];
  const needsLook =
    wanted.some((p) => p !== undefined && p !== 0 && !held.has(p)) ||
    (needsNodePorts(s) && asArray(s.ports).filter(isObject).some((p) => p.nodePort === undefined || p.nodePort === 0)) ||
    (s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local' && (s.healthCheckNodePort === undefined || s.healthCheckNodePort === 0));
  const used = needsLook ? usedNodePorts(others()) : new Set<number>();
  const mine = new Map<number, string>();
  const claim = (port: unknown, at: string, proto: string): void => {
    if (typeof port !== 'number' || !Number.isInteger(port) || port < NODE_PORT_RANGE.min || port > NODE_PORT_RANGE.max) {
      errors.push(fieldInvalid(at, port, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`));
    } else if (used.has(port) || (mine.has(port) && mine.get(port) === proto)) {
      errors.push(fieldInvalid(at, port, 'provided port is already allocated'));
    }
    if (typeof port === 'number') mine.set(port, proto);
  };
  const ports = asArray(s.ports).filter(isObject);
  if (needsNodePorts(s)) {
    ports.forEach((p, i) => {
      if (p.nodePort !== undefined && p.nodePort !== 0) claim(p.nodePort, `spec.ports[${i}].nodePort`, String(p.protocol));
    });
    for (const p of ports) {
      if (p.nodePort !== undefined && p.nodePort !== 0) continue;
      const port = allocatePort(new Set([...used, ...mine.keys()]));
      if (port === undefined) errors.push(fieldInvalid('spec.ports', null, 'no node port left in the range'));
      else {
        p.nodePort = port;
        mine.set(port, String(p.protocol));
      }
    }
  }
  if (s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local') {
    if (s.healthCheckNodePort === undefined || s.healthCheckNodePort === 0) {
      s.healthCheckNodePort = allocatePort(new Set([...used, ...mine.keys()]));
    } else if (s.healthCheckNodePort !== old?.healthCheckNodePort) {
      claim(s.healthCheckNodePort, 'spec.healthCheckNodePort', 'health');
    }
  } else if (s.healthCheckNodePort !== undefined) {
    errors.push(fieldForbidden('spec.healthCheckNodePort', 'may only be set when `type` is LoadBalancer and `externalTrafficPolicy` is Local'));
  }
}

/**
 * Defaults and validates a Service being created (`old` undefined) or updated, allocating cluster
 * IPs and node ports against `listOthers()` (every other Service), which it calls only when it must. Mutates `svc`; returns the field errors.
 */
export function admitService(svc: KubeObject, old: KubeObject | undefined, listOthers: () => KubeObject[]): FieldError[] {
  const errors: FieldError[] = [];
  let cached: KubeObject[] | undefined;
  const others = (): KubeObject[] => (cached ??= listOthers());
  if (!isObject(svc.spec)) svc.spec = {};
  const s = svc.spec as JsonObject;
  const before = old ? spec(old) : undefined;
  s.type ??= 'ClusterIP';
  if (!TYPES.includes(String(s.type))) {
    errors.push(fieldNotSupported('spec.type', s.type, TYPES));
    return errors;
  }
  if (before) carryOver(s, before);
  s.sessionAffinity ??= 'None';
  if (!['None', 'ClientIP'].includes(String(s.sessionAffinity))) errors.push(fieldNotSupported('spec.sessionAffinity', s.sessionAffinity, ['ClientIP', 'None']));
  validatePorts(s, errors);
  checkLoadBalancerClass(s, before, errors);
  if (s.type === 'ExternalName') {
    if (!asString(s.externalName)) errors.push(fieldRequired('spec.externalName'));
    if (s.clusterIP !== undefined && s.clusterIP !== '') errors.push(fieldForbidden('spec.clusterIP', 'may not be set for ExternalName services'));
    delete s.clusterIPs;
    delete s.ipFamilies;
    delete s.ipFamilyPolicy;
    return errors;
  }
  s.internalTrafficPolicy ??= 'Cluster';
  if (s.type === 'NodePort' || s.type === 'LoadBalancer') s.externalTrafficPolicy ??= 'Cluster';
  if (s.externalTrafficPolicy !== undefined) {
    if (!['Cluster', 'Local'].includes(String(s.externalTrafficPolicy))) {
      errors.push(fieldNotSupported('spec.externalTrafficPolicy', s.externalTrafficPolicy, ['Cluster', 'Local']));
    } else if (s.type === 'ClusterIP') {
      errors.push(fieldInvalid('spec.externalTrafficPolicy', s.externalTrafficPolicy, 'may only be set for externally-accessible services'));
    }
  }
  if (s.type === 'LoadBalancer') s.allocateLoadBalancerNodePorts ??= true;
  const families = resolveFamilies(s, before, errors);
  if (errors.length > 0) return errors;
  assignClusterIPs(s, before, families, others, errors);
  assignNodePorts(s, before, others, errors);
  if (!isObject(svc.status)) svc.status = {};
  const status = svc.status as JsonObject;
  if (!isObject(status.loadBalancer)) status.loadBalancer = {};
  return errors;
}
