import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Lab, failure, startLab } from './testkit.js';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const group = 'test.heraldlb.io';
const version = 'v1beta1';
const plural = 'widgets';
const namespace = 'default';

type Widget = { metadata: { name: string; generation?: number; resourceVersion?: string }; spec: Record<string, unknown>; status?: Record<string, unknown> };

function widget(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: `${group}/${version}`, kind: 'Widget', metadata: { name }, spec };
}

describe('lab API server: custom resources @lab', () => {
  let lab: Lab;
  let api: CustomObjectsApi;
  const create = (body: Record<string, unknown>): Promise<Widget> => api.createNamespacedCustomObject({ group, version, namespace, plural, body }) as Promise<Widget>;
  const get = (name: string): Promise<Widget> => api.getNamespacedCustomObject({ group, version, namespace, plural, name }) as Promise<Widget>;

  beforeEach(async () => {
    lab = await startLab();
    api = lab.kc.makeApiClient(CustomObjectsApi);
  });
  afterEach(async () => {
    await lab.close();
  });

  it('registers every CRD in the folder, with its CRD object readable', async () => {
    const crd = (await lab.http('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.test.heraldlb.io')).json as {
      status: { conditions: { type: string; status: string }[]; acceptedNames: { kind: string } };
    };
    expect(crd.status.conditions.map((c) => `${c.type}=${c.status}`)).to.deep.equal(['NamesAccepted=True', 'Established=True']);
    expect(crd.status.acceptedNames.kind).to.equal('Widget');
    const gadget = (await api.createClusterCustomObject({ group, version, plural: 'gadgets', body: { apiVersion: `${group}/${version}`, kind: 'Gadget', metadata: { name: 'g' }, anything: { goes: 1 } } })) as Record<string, unknown>;
    expect(gadget.anything).to.deep.equal({ goes: 1 });
  });

  it('applies schema defaults on create and again on update', async () => {
    const w = await create(widget('w', { color: 'red' }));
    expect(w.spec).to.deep.equal({ color: 'red', size: 3, mode: 'fast' });
    const replaced = (await api.replaceNamespacedCustomObject({ group, version, namespace, plural, name: 'w', body: { ...w, spec: { color: 'blue' } } })) as Widget;
    expect(replaced.spec).to.deep.equal({ color: 'blue', size: 3, mode: 'fast' });
  });

  it('refuses invalid objects with 422 Invalid naming each field', async () => {
    const err = await failure(create(widget('bad', { color: 'RED', size: 11, mode: 'warp', ratio: 'x', tags: ['a', 'b', 'c', 'd'] })));
    expect(err.code).to.equal(422);
    expect(err.reason).to.equal('Invalid');
    expect(err.details?.group).to.equal(group);
    expect(err.details?.kind).to.equal('Widget');
    expect(err.details?.causes?.map((c) => c.field).sort()).to.deep.equal(['spec.color', 'spec.mode', 'spec.ratio', 'spec.size', 'spec.tags']);
    expect(err.message).to.contain('Widget.test.heraldlb.io "bad" is invalid');
    const missing = await failure(create(widget('bad', {})));
    expect(missing.details?.causes).to.deep.equal([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.color' }]);
    const low = await failure(create(widget('bad', { color: 'red', size: 0 })));
    expect(low.details?.causes?.[0]?.message).to.contain('should be greater than or equal to 1');
  });

  it('validates patches against the schema too', async () => {
    await create(widget('w', { color: 'red' }));
    const err = await failure(api.patchNamespacedCustomObject({ group, version, namespace, plural, name: 'w', body: { spec: { size: 50 } } }, merge));
    expect(err.code).to.equal(422);
    expect((await get('w')).spec.size).to.equal(3);
  });

  it('prunes unknown fields, keeps preserve-unknown-fields subtrees, and refuses unknown fields under fieldValidation=Strict', async () => {
    const w = await create(widget('w', { color: 'red', bogus: true, extra: { free: { form: 1 } } }));
    expect(w.spec).not.to.have.property('bogus');
    expect(w.spec.extra).to.deep.equal({ free: { form: 1 } });
    const warned = await lab.http('POST', `/apis/${group}/${version}/namespaces/${namespace}/${plural}`, { body: widget('w2', { color: 'red', bogus: 1 }) });
    expect(warned.headers.warning).to.contain('unknown field \\"spec.bogus\\"');
    const strict = await lab.http('POST', `/apis/${group}/${version}/namespaces/${namespace}/${plural}?fieldValidation=Strict`, { body: widget('w3', { color: 'red', bogus: 1 }) });
    expect(strict.status).to.equal(400);
    expect((strict.json as { message: string }).message).to.contain('unknown field "spec.bogus"');
  });

  it('keeps status out of spec writes and spec out of status writes, bumping generation on spec only', async () => {
    await create({ ...widget('w', { color: 'red' }), status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    const created = await get('w');
    expect(created.status).to.equal(undefined);
    const status = (await api.patchNamespacedCustomObjectStatus(
      { group, version, namespace, plural, name: 'w', body: { spec: { color: 'blue' }, status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] } } },
      merge,
    )) as Widget;
    expect(status.spec.color).to.equal('red');
    expect(status.status).to.deep.equal({ observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] });
    expect(status.metadata.generation).to.equal(1);
    const badStatus = await failure(api.patchNamespacedCustomObjectStatus({ group, version, namespace, plural, name: 'w', body: { status: { conditions: [{ type: 'Ready', status: 'Maybe' }] } } }, merge));
    expect(badStatus.details?.causes?.[0]?.field).to.equal('status.conditions[0].status');
    const spec = (await api.patchNamespacedCustomObject({ group, version, namespace, plural, name: 'w', body: { spec: { size: 4 }, status: { conditions: [] } } }, merge)) as Widget;
    expect(spec.metadata.generation).to.equal(2);
    expect(spec.status?.conditions).to.have.length(1);
  });

  it('answers a missing custom object with 404 naming group and resource', async () => {
    const err = await failure(get('ghost'));
    expect(err).to.deep.include({ code: 404, reason: 'NotFound', message: 'widgets.test.heraldlb.io "ghost" not found' });
    expect(err.details).to.deep.equal({ name: 'ghost', kind: 'widgets', group });
  });

  it('refuses strategic merge patches on custom resources with 415, as the real server does', async () => {
    await create(widget('w', { color: 'red' }));
    const err = await failure(api.patchNamespacedCustomObject({ group, version, namespace, plural, name: 'w', body: { spec: { size: 4 } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch)));
    expect(err.code).to.equal(415);
  });

  it('shows printer columns in Tables', async () => {
    await create(widget('w', { color: 'red', size: 5 }));
    await api.patchNamespacedCustomObjectStatus({ group, version, namespace, plural, name: 'w', body: { status: { conditions: [{ type: 'Ready', status: 'True' }] } } }, merge);
    const table = (await lab.http('GET', `/apis/${group}/${version}/namespaces/${namespace}/${plural}`, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } })).json as {
      columnDefinitions: { name: string; type: string }[];
      rows: { cells: unknown[] }[];
    };
    expect(table.columnDefinitions.map((c) => c.name)).to.deep.equal(['Name', 'Color', 'Size', 'Ready', 'Age']);
    expect(table.rows[0]?.cells.slice(0, 4)).to.deep.equal(['w', 'red', 5, 'True']);
  });

  it('registers a CRD posted at run time, and drops its objects when it is deleted', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'sprockets.test.heraldlb.io' },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'sprockets', kind: 'Sprocket' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { teeth: { type: 'integer', default: 12 } } } } } } }],
      },
    };
    const posted = await lab.http('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd });
    expect(posted.status).to.equal(201);
    const s = (await api.createNamespacedCustomObject({ group, version: 'v1', namespace, plural: 'sprockets', body: { apiVersion: `${group}/v1`, kind: 'Sprocket', metadata: { name: 's' }, spec: {} } })) as Widget;
    expect(s.spec.teeth).to.equal(12);
    const versions = (await lab.http('GET', '/apis/test.heraldlb.io')).json as { versions: { version: string }[]; preferredVersion: { version: string } };
    expect(versions.versions.map((v) => v.version)).to.include.members(['v1', 'v1beta1']);
    const invalid = await lab.http('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: { ...crd, metadata: { name: 'wrong' } } });
    expect(invalid.status).to.equal(422);
    const duplicate = await lab.http('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd });
    expect(duplicate.status).to.equal(409);
    const builtin = await lab.http('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: { ...crd, metadata: { name: 'leases.coordination.k8s.io' }, spec: { ...crd.spec, group: 'coordination.k8s.io', names: { plural: 'leases', kind: 'Lease' } } },
    });
    expect(builtin.status).to.equal(422);
    expect((builtin.json as { message: string }).message).to.contain('already served by Lease');
    expect((await lab.http('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/sprockets.test.heraldlb.io')).status).to.equal(200);
    expect((await lab.http('GET', `/apis/${group}/v1/namespaces/${namespace}/sprockets`)).status).to.equal(404);
    expect((await lab.http('GET', `/apis/${group}/v1`)).status).to.equal(404);
  });
});
