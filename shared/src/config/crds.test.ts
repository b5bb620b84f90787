import { expect } from 'chai';
import yaml from 'js-yaml';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION } from '../api/constants.js';
import { buildConfig } from './build.js';
import { DURATION_PATTERN } from './duration.js';
import { formatConfigError } from './errors.js';
import { RESOURCE_LIST } from './resource-lists.js';
import { everyField } from './test-fixtures.js';
import type { ConfigResources } from './types.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Every document of every YAML file in a folder of the repository, with the file it came from. */
function load(folder: string): Array<{ file: string; doc: Record<string, unknown> }> {
  const dir = `${ROOT}${folder}/`;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      yaml
        .loadAll(readFileSync(dir + file, 'utf8'))
        .filter((doc) => doc !== null && doc !== undefined)
        .map((doc) => ({ file, doc: doc as Record<string, unknown> })),
    );
}

type Schema = Record<string, unknown>;

/** The only keywords the lab API server implements; anything else would silently mean nothing there. */
const KEYWORDS = new Set([
  'type',
  'properties',
  'items',
  'required',
  'enum',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'pattern',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'additionalProperties',
  'nullable',
  'format',
  'description',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
]);

/** Calls visit on every schema node with its path. */
function walk(schema: Schema, path: string, visit: (s: Schema, path: string) => void): void {
  visit(schema, path);
  for (const [name, child] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) walk(child, `${path}.${name}`, visit);
  if (schema.items !== undefined) walk(schema.items as Schema, `${path}[]`, visit);
  if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties as Schema, `${path}{}`, visit);
}

/** A small structural validator for what the CRDs use, so the examples are checked against the schemas. */
function validate(schema: Schema, value: unknown, path: string, problems: string[]): void {
  const type = schema.type as string | undefined;
  const is: Record<string, (v: unknown) => boolean> = {
    object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    array: Array.isArray,
    string: (v) => typeof v === 'string',
    integer: (v) => Number.isInteger(v),
    boolean: (v) => typeof v === 'boolean',
  };
  if (type !== undefined && !(is[type]?.(value) ?? false)) {
    problems.push(`${path}: expected ${type}`);
    return;
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).includes(value)) problems.push(`${path}: not in enum`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < (schema.minimum as number)) problems.push(`${path}: below minimum`);
    if (schema.maximum !== undefined && value > (schema.maximum as number)) problems.push(`${path}: above maximum`);
  }
  if (typeof value === 'string') {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern as string, 'u').test(value)) problems.push(`${path}: does not match pattern`);
    if (schema.minLength !== undefined && value.length < (schema.minLength as number)) problems.push(`${path}: too short`);
    if (schema.maxLength !== undefined && value.length > (schema.maxLength as number)) problems.push(`${path}: too long`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < (schema.minItems as number)) problems.push(`${path}: too few items`);
    value.forEach((v, i) => validate(schema.items as Schema, v, `${path}[${i}]`, problems));
  }
  if (type === 'object' && path !== '.metadata') {
    const obj = value as Record<string, unknown>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in obj)) problems.push(`${path}.${key}: required`);
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [key, v] of Object.entries(obj)) {
      const child = props[key] ?? (typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as Schema) : undefined);
      if (child === undefined) problems.push(`${path}.${key}: unknown field (the API server would drop it)`);
      else validate(child, v, `${path}.${key}`, problems);
    }
  }
}

const crds = load('crds');
const byKind = new Map(crds.map(({ file, doc }) => [((doc.spec as Schema).names as Schema).kind as string, { file, doc }]));

function versionOf(doc: Record<string, unknown>): Schema {
  return ((doc.spec as Schema).versions as Schema[])[0] as Schema;
}

function schemaOf(kind: string): Schema {
  const crd = byKind.get(kind);
  if (crd === undefined) throw new Error(`no CRD for ${kind}`);
  return (versionOf(crd.doc).schema as Schema).openAPIV3Schema as Schema;
}

/** Short names kubectl already gives core and common built-in resources. */
const BUILT_IN_SHORT_NAMES = ['cs', 'cm', 'ep', 'ev', 'limits', 'ns', 'no', 'pvc', 'pv', 'po', 'rc', 'quota', 'sa', 'svc', 'crd', 'crds', 'ds', 'deploy', 'rs', 'sts', 'hpa', 'cj', 'pdb', 'ing', 'netpol', 'csr', 'pc', 'sc', 'psp', 'ingclass', 'ipa'];

const WITH_STATUS = [KIND.IPAddressPool, KIND.ServiceL2Status, KIND.ServiceBGPStatus];

const COLUMNS: Record<string, string[]> = {
  IPAddressPool: ['Addresses', 'Auto Assign', 'Assigned IPv4', 'Available IPv4', 'Assigned IPv6', 'Available IPv6', 'Age'],
  L2Advertisement: ['IPAddressPools', 'Interfaces', 'Node Selectors', 'Age'],
  BGPAdvertisement: ['IPAddressPools', 'Peers', 'Aggregation', 'Local Pref', 'Age'],
  BGPPeer: ['Address', 'ASN', 'My ASN', 'BFD Profile', 'Multi Hops', 'Age'],
  BFDProfile: ['Passive', 'Transmit', 'Receive', 'Multiplier', 'Age'],
  Community: ['Age'],
  ServiceL2Status: ['Node', 'Service', 'Namespace', 'Interfaces', 'Age'],
  ServiceBGPStatus: ['Node', 'Service', 'Namespace', 'Peers', 'Age'],
};

describe('CRD manifests in crds/', () => {
  it('define every Herald kind, one file each', () => {
    expect([...byKind.keys()].sort()).to.deep.equal(Object.values(KIND).sort());
    expect(crds).to.have.length(Object.values(KIND).length);
  });

  for (const { file, doc } of crds) {
    const spec = doc.spec as Schema;
    const names = spec.names as Schema;
    const kind = names.kind as keyof typeof PLURAL;
    describe(`${file} (${kind})`, () => {
      it('is a namespaced apiextensions.k8s.io/v1 CRD in heraldlb.io, version v1beta1 served and stored', () => {
        expect(doc.apiVersion).to.equal('apiextensions.k8s.io/v1');
        expect(doc.kind).to.equal('CustomResourceDefinition');
        expect(spec.group).to.equal(GROUP);
        expect(spec.scope).to.equal('Namespaced');
        expect(names.plural).to.equal(PLURAL[kind]);
        expect((doc.metadata as Schema).name).to.equal(`${PLURAL[kind]}.${GROUP}`);
        expect(names.categories).to.deep.equal(['herald']);
        const versions = spec.versions as Schema[];
        expect(versions.map((v) => [v.name, v.served, v.storage])).to.deep.equal([[VERSION, true, true]]);
      });

      it('has a status subresource exactly when Herald writes status', () => {
        const version = versionOf(doc);
        const writesStatus = (WITH_STATUS as string[]).includes(kind);
        expect(version.subresources !== undefined && (version.subresources as Schema).status !== undefined).to.equal(writesStatus);
        expect(((schemaOf(kind).properties as Schema).status !== undefined)).to.equal(writesStatus);
      });

      it('has a structural schema: every property has a type, and only keywords the lab API server knows', () => {
        walk(schemaOf(kind), '', (s, path) => {
          for (const key of Object.keys(s)) expect(KEYWORDS.has(key), `${path}: keyword ${key}`).to.equal(true);
          if (s['x-kubernetes-int-or-string'] !== true && s['x-kubernetes-preserve-unknown-fields'] !== true) {
            expect(s.type, `${path}: type`).to.be.oneOf(['object', 'array', 'string', 'integer', 'number', 'boolean']);
          }
          if (s.type === 'array') expect(s.items, `${path}: items`).to.be.an('object');
          if (s.format !== undefined) expect(s.format, `${path}: format`).to.be.oneOf(['int32', 'int64']);
          if (s.default !== undefined) {
            const problems: string[] = [];
            validate(s, s.default, path, problems);
            expect(problems, `${path}: default`).to.deep.equal([]);
          }
        });
      });

      it('prints the columns an operator wants, each pointing at a field of the schema', () => {
        const columns = versionOf(doc).additionalPrinterColumns as Schema[];
        expect(columns.map((c) => c.name)).to.deep.equal(COLUMNS[kind]);
        for (const c of columns) {
          const path = c.jsonPath as string;
          if (path.startsWith('.metadata.')) continue;
          let node: Schema | undefined = schemaOf(kind);
          for (const part of path.replace(/\[\*\]/g, '').split('.').slice(1)) {
            // A list is transparent in the path: `.status.interfaces[*].name` looks inside the items.
            const holder: Schema | undefined = node?.type === 'array' ? (node.items as Schema) : node;
            node = ((holder?.properties ?? {}) as Record<string, Schema>)[part];
          }
          expect(node, `${String(c.name)}: ${path}`).to.be.an('object');
        }
      });

      it('uses short names no built-in resource uses', () => {
        for (const short of names.shortNames as string[]) expect(BUILT_IN_SHORT_NAMES).not.to.include(short);
      });
    });
  }

  it('gives every short name to one kind only', () => {
    const all = crds.flatMap(({ doc }) => ((doc.spec as Schema).names as Schema).shortNames as string[]);
    expect(new Set(all).size).to.equal(all.length);
  });

  it('checks BGPPeer durations with the pattern the validator documents', () => {
    const props = ((schemaOf(KIND.BGPPeer).properties as Schema).spec as Schema).properties as Record<string, Schema>;
    for (const field of ['holdTime', 'keepaliveTime', 'connectTime']) expect(props[field]?.pattern, field).to.equal(DURATION_PATTERN);
  });

  it('has every field buildConfig reads: an object of each kind with every field set matches its schema', () => {
    const resources = everyField();
    const result = buildConfig(resources);
    expect(result.ok ? [] : result.errors.map(formatConfigError)).to.deep.equal([]);
    const objects = Object.entries(resources).filter(([key]) => key !== 'secrets').flatMap(([, list]) => list as Array<{ kind: string }>);
    expect(new Set(objects.map((o) => o.kind)).size).to.equal(6);
    for (const o of objects) {
      const problems: string[] = [];
      validate(schemaOf(o.kind), o, '', problems);
      expect(problems, o.kind).to.deep.equal([]);
    }
  });

  it('lets the schema checker used here catch wrong types, ranges, patterns and unknown fields', () => {
    const problems: string[] = [];
    const bad = { apiVersion: API_VERSION, kind: 'BGPPeer', metadata: {}, spec: { myASN: 0, peerPort: '179', holdTime: '90', dynamicASN: 'any', surprise: true } };
    validate(schemaOf(KIND.BGPPeer), bad, '', problems);
    expect(problems).to.deep.equal([
      '.spec.myASN: below minimum',
      '.spec.peerPort: expected integer',
      '.spec.holdTime: does not match pattern',
      '.spec.dynamicASN: not in enum',
      '.spec.surprise: unknown field (the API server would drop it)',
    ]);
  });

  it('stores IPv4 counts as integers and IPv6 counts as decimal strings', () => {
    const status = (schemaOf(KIND.IPAddressPool).properties as Schema).status as Schema;
    const props = status.properties as Record<string, Schema>;
    expect([props.assignedIPv4?.type, props.availableIPv4?.type]).to.deep.equal(['integer', 'integer']);
    expect([props.assignedIPv6?.type, props.availableIPv6?.type]).to.deep.equal(['string', 'string']);
    const pattern = new RegExp(props.availableIPv6?.pattern as string);
    expect(pattern.test((2n ** 64n).toString())).to.equal(true);
    expect(pattern.test('-1')).to.equal(false);
  });
});

const RESOURCE_KEY: Partial<Record<string, keyof ConfigResources>> = RESOURCE_LIST;

describe('examples in examples/', () => {
  const examples = load('examples');
  const herald = examples.filter(({ doc }) => doc.apiVersion === API_VERSION);

  it('hold a pool, an L2 advertisement, a BGP peer and advertisement, and a LoadBalancer Service', () => {
    expect(herald.map(({ file, doc }) => `${file}: ${String(doc.kind)}`)).to.have.members([
      'bgp.yaml: BGPPeer',
      'bgp.yaml: BGPAdvertisement',
      'pool.yaml: IPAddressPool',
      'pool.yaml: L2Advertisement',
    ]);
    const service = examples.find(({ doc }) => doc.kind === 'Service')?.doc as { metadata: Schema; spec: Schema } | undefined;
    expect(service?.metadata).to.deep.include({ name: 'web', namespace: 'default' });
    expect(service?.spec.type).to.equal('LoadBalancer');
    expect((service?.spec.ports as Schema[])[0]?.port).to.equal(80);
  });

  it('match the CRD schemas', () => {
    for (const { file, doc } of herald) {
      const problems: string[] = [];
      validate(schemaOf(doc.kind as string), doc, '', problems);
      expect(problems, file).to.deep.equal([]);
    }
  });

  it('pass buildConfig together', () => {
    const resources: Record<string, unknown[]> = {};
    for (const { doc } of herald) {
      const key = RESOURCE_KEY[doc.kind as string];
      if (key !== undefined) (resources[key] ??= []).push(doc);
    }
    const result = buildConfig(resources as ConfigResources);
    expect(result.ok ? [] : result.errors.map(formatConfigError)).to.deep.equal([]);
  });
});
