import { expect } from 'chai';
import { ApiError } from './errors.js';
import { type PatchMeta, applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch.js';

describe('JSON merge patch (RFC 7386)', () => {
  it('merges objects, replaces lists and removes keys set to null', () => {
    const target = { a: { b: 1, c: 2 }, list: [1, 2], gone: true };
    const out = applyMergePatch(target, { a: { b: 9 }, list: [3], gone: null, added: 'x' });
    expect(out).to.deep.equal({ a: { b: 9, c: 2 }, list: [3], added: 'x' });
    expect(target.a.b).to.equal(1);
  });

  it('replaces a non-object target with the patch object', () => {
    expect(applyMergePatch('text', { a: 1 })).to.deep.equal({ a: 1 });
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies add, replace, remove and test operations', () => {
    const out = applyJsonPatch({ a: 1, list: ['x'] }, [
      { op: 'test', path: '/a', value: 1 },
      { op: 'replace', path: '/a', value: 2 },
      { op: 'add', path: '/list/-', value: 'y' },
      { op: 'remove', path: '/list/0' },
    ]);
    expect(out).to.deep.equal({ a: 2, list: ['y'] });
  });

  it('refuses an operation that cannot apply with a 422 naming the operation', () => {
    try {
      applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '/missing/x', value: 1 }]);
      expect.fail('the patch applied');
    } catch (e) {
      expect(e).to.be.instanceOf(ApiError);
      expect((e as ApiError).code).to.equal(422);
      expect((e as ApiError).message).to.contain('operation 0 (replace /missing/x)');
    }
  });

  it('refuses a body that is not a list of operations with a 400', () => {
    expect(() => applyJsonPatch({}, { op: 'add' })).to.throw(ApiError).with.property('code', 400);
    expect(() => applyJsonPatch({}, [{ op: 'jump', path: '/a' }])).to.throw(ApiError).with.property('code', 400);
  });
});

describe('strategic merge patch', () => {
  const meta: PatchMeta = {
    'spec.ports': { mergeKey: 'port' },
    'metadata.finalizers': 'set',
    'status.conditions': { mergeKey: 'type' },
  };
  const svc = {
    metadata: { name: 'web', finalizers: ['a'] },
    spec: {
      ports: [
        { name: 'http', port: 80, targetPort: 8080 },
        { name: 'https', port: 443 },
      ],
      externalIPs: ['192.0.2.1'],
    },
    status: { conditions: [{ type: 'Ready', status: 'False' }] },
  };

  it('merges Service ports by port number', () => {
    const out = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 8443, name: 'alt' }] } }, meta) as typeof svc;
    expect(out.spec.ports).to.deep.equal([
      { name: 'http', port: 80, targetPort: 9090 },
      { name: 'https', port: 443 },
      { port: 8443, name: 'alt' },
    ]);
  });

  it('replaces lists that have no merge strategy', () => {
    const out = applyStrategicMergePatch(svc, { spec: { externalIPs: ['192.0.2.2'] } }, meta) as typeof svc;
    expect(out.spec.externalIPs).to.deep.equal(['192.0.2.2']);
  });

  it('unions primitive lists with a merge strategy, such as finalizers', () => {
    const out = applyStrategicMergePatch(svc, { metadata: { finalizers: ['b', 'a'] } }, meta) as typeof svc;
    expect(out.metadata.finalizers).to.deep.equal(['a', 'b']);
  });

  it('merges conditions by type', () => {
    const out = applyStrategicMergePatch(svc, { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, meta) as typeof svc;
    expect(out.status.conditions).to.deep.equal([{ type: 'Ready', status: 'True' }]);
  });

  it('deletes a list element with $patch: delete', () => {
    const out = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 443, $patch: 'delete' }] } }, meta) as typeof svc;
    expect(out.spec.ports.map((p) => p.port)).to.deep.equal([80]);
  });

  it('replaces a whole list with a $patch: replace element', () => {
    const out = applyStrategicMergePatch(svc, { spec: { ports: [{ $patch: 'replace' }, { port: 53, name: 'dns' }] } }, meta) as typeof svc;
    expect(out.spec.ports).to.deep.equal([{ port: 53, name: 'dns' }]);
  });

  it('replaces a map with $patch: replace and removes one with $patch: delete', () => {
    const replaced = applyStrategicMergePatch(svc, { spec: { $patch: 'replace', type: 'ClusterIP' } }, meta) as { spec: unknown };
    expect(replaced.spec).to.deep.equal({ type: 'ClusterIP' });
    const deleted = applyStrategicMergePatch(svc, { status: { $patch: 'delete' } }, meta) as Record<string, unknown>;
    expect(deleted).not.to.have.property('status');
  });

  it('tolerates and follows the $setElementOrder and $deleteFromPrimitiveList directives kubectl apply sends', () => {
    const out = applyStrategicMergePatch(
      svc,
      {
        metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
        spec: { '$setElementOrder/ports': [{ port: 443 }, { port: 80 }], ports: [{ port: 80, targetPort: 81 }] },
      },
      meta,
    ) as typeof svc;
    expect(out.metadata.finalizers).to.deep.equal([]);
    expect(out.spec.ports.map((p) => p.port)).to.deep.equal([443, 80]);
    expect(out.spec.ports[1]).to.deep.equal({ name: 'http', port: 80, targetPort: 81 });
  });

  it('keeps only the listed keys under $retainKeys', () => {
    const out = applyStrategicMergePatch({ spec: { a: 1, b: 2 } }, { spec: { $retainKeys: ['b', 'c'], c: 3 } }, {}) as { spec: unknown };
    expect(out.spec).to.deep.equal({ b: 2, c: 3 });
  });

  it('removes keys set to null', () => {
    const out = applyStrategicMergePatch(svc, { spec: { externalIPs: null } }, meta) as typeof svc;
    expect(out.spec).not.to.have.property('externalIPs');
  });
});
