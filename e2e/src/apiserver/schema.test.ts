import { expect } from 'chai';
import { type Schema, applyDefaults, prune, validate } from './schema.js';

const widget: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['color'],
      properties: {
        color: { type: 'string', pattern: '^[a-z]+$', minLength: 2, maxLength: 10 },
        size: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
        ratio: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true },
        mode: { type: 'string', enum: ['fast', 'slow'], default: 'fast' },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2 },
        limits: { type: 'object', additionalProperties: { type: 'integer', format: 'int32' } },
        port: { 'x-kubernetes-int-or-string': true },
        note: { type: 'string', nullable: true },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        nested: {
          type: 'object',
          default: {},
          properties: { depth: { type: 'integer', default: 7 } },
        },
        peers: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        },
      },
    },
  },
};

function fields(obj: unknown): string[] {
  return validate(obj, widget).map((e) => `${e.field}: ${e.detail}`);
}

const valid = { apiVersion: 'x/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { color: 'red' } };

describe('structural schema defaulting', () => {
  it('fills missing fields, and defaults inside a defaulted object', () => {
    const out = applyDefaults(valid, widget) as { spec: Record<string, unknown> };
    expect(out.spec).to.deep.include({ color: 'red', size: 3, mode: 'fast', nested: { depth: 7 } });
  });

  it('keeps values that are present', () => {
    const out = applyDefaults({ spec: { color: 'red', size: 5, nested: { depth: 1 } } }, widget) as { spec: Record<string, unknown> };
    expect(out.spec).to.deep.include({ size: 5, nested: { depth: 1 } });
  });

  it('replaces a null in a non-nullable field by its default, and keeps null where nullable', () => {
    const out = applyDefaults({ spec: { color: 'red', size: null, note: null } }, widget) as { spec: Record<string, unknown> };
    expect(out.spec.size).to.equal(3);
    expect(out.spec.note).to.equal(null);
  });
});

describe('structural schema pruning', () => {
  it('removes undeclared fields and reports their paths', () => {
    const { value, pruned } = prune({ ...valid, spec: { color: 'red', bogus: 1, peers: [{ name: 'a', junk: true }] }, top: 1 }, widget);
    expect(pruned).to.deep.equal(['spec.bogus', 'spec.peers[0].junk', 'top']);
    expect(value).to.deep.equal({ ...valid, spec: { color: 'red', peers: [{ name: 'a' }] } });
  });

  it('keeps apiVersion, kind and metadata at the root, and anything under preserve-unknown-fields', () => {
    const { value, pruned } = prune({ ...valid, spec: { color: 'red', extra: { anything: { goes: 1 } } } }, widget);
    expect(pruned).to.deep.equal([]);
    expect(value).to.deep.equal({ ...valid, spec: { color: 'red', extra: { anything: { goes: 1 } } } });
  });
});

describe('structural schema validation', () => {
  it('accepts a valid object', () => {
    expect(fields(valid)).to.deep.equal([]);
  });

  it('reports a missing required field by its path', () => {
    expect(fields({ spec: {} })).to.deep.equal(['spec.color: Required value']);
  });

  it('tells integer from number', () => {
    expect(fields({ spec: { color: 'red', size: 2.5 } })).to.deep.equal([
      'spec.size: Invalid value: "number": spec.size in body must be of type integer: "number"',
    ]);
    expect(fields({ spec: { color: 'red', ratio: 0.5 } })).to.deep.equal([]);
  });

  it('checks enum, minimum, maximum and their exclusive forms', () => {
    expect(fields({ spec: { color: 'red', mode: 'warp' } })).to.deep.equal(['spec.mode: Unsupported value: "warp": supported values: "fast", "slow"']);
    expect(fields({ spec: { color: 'red', size: 0 } })).to.deep.equal(['spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1']);
    expect(fields({ spec: { color: 'red', size: 11 } })).to.deep.equal(['spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10']);
    expect(fields({ spec: { color: 'red', ratio: 0 } })).to.deep.equal(['spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0']);
    expect(fields({ spec: { color: 'red', ratio: 1 } })).to.deep.equal(['spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1']);
  });

  it('checks pattern, minLength and maxLength', () => {
    expect(fields({ spec: { color: 'Red' } })).to.deep.equal([`spec.color: Invalid value: "Red": spec.color in body should match '^[a-z]+$'`]);
    expect(fields({ spec: { color: 'r' } })).to.deep.equal(['spec.color: Invalid value: "r": spec.color in body should be at least 2 chars long']);
    expect(fields({ spec: { color: 'abcdefghijk' } })).to.deep.equal(['spec.color: Too long: may not be longer than 10']);
  });

  it('checks minItems, maxItems and item types with indexed paths', () => {
    expect(fields({ spec: { color: 'red', tags: [] } })).to.deep.equal(['spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items']);
    expect(fields({ spec: { color: 'red', tags: ['a', 'b', 'c'] } })).to.deep.equal(['spec.tags: Too many: 3: must have at most 2 items']);
    expect(fields({ spec: { color: 'red', tags: ['a', 1] } })).to.deep.equal([
      'spec.tags[1]: Invalid value: "integer": spec.tags[1] in body must be of type string: "integer"',
    ]);
  });

  it('checks additionalProperties values and format int32', () => {
    expect(fields({ spec: { color: 'red', limits: { cpu: 2 ** 31 } } })).to.deep.equal([
      `spec.limits[cpu]: Invalid value: ${2 ** 31}: spec.limits[cpu] in body must be a 32-bit signed integer (format int32)`,
    ]);
  });

  it('accepts an integer or a string for x-kubernetes-int-or-string, nothing else', () => {
    expect(fields({ spec: { color: 'red', port: 80 } })).to.deep.equal([]);
    expect(fields({ spec: { color: 'red', port: 'http' } })).to.deep.equal([]);
    expect(fields({ spec: { color: 'red', port: true } })).to.have.length(1);
  });

  it('accepts null only where nullable', () => {
    expect(fields({ spec: { color: 'red', note: null } })).to.deep.equal([]);
    expect(fields({ spec: { color: null } })[0]).to.contain('must be of type string');
  });

  it('refuses duplicate keys in a map-type list', () => {
    expect(fields({ spec: { color: 'red', peers: [{ name: 'a' }, { name: 'a' }] } })).to.deep.equal(['spec.peers[1]: Duplicate value: {"name":"a"}']);
  });

  it('reports every problem, not just the first', () => {
    expect(fields({ spec: { color: 'RED', size: 20, mode: 'x' } })).to.have.length(3);
  });
});
