import { expect } from 'chai';
import { compareVersions, crdProblems, kindFromCrd } from './crd.js';
import type { KubeObject } from './types.js';

function crd(spec: Record<string, unknown>, name = 'widgets.test.heraldlb.io'): KubeObject {
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name }, spec };
}

const schema = { openAPIV3Schema: { type: 'object' } };
const good = {
  group: 'test.heraldlb.io',
  scope: 'Namespaced',
  names: { plural: 'widgets', kind: 'Widget', shortNames: ['wd'] },
  versions: [
    { name: 'v1alpha1', served: true, storage: false, schema },
    { name: 'v1beta1', served: true, storage: true, schema, subresources: { status: {} }, additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }] },
    { name: 'v1beta2', served: false, storage: false, schema },
  ],
};

describe('CustomResourceDefinitions', () => {
  it('orders versions GA, then beta, then alpha, newest first', () => {
    expect(['v1alpha1', 'v2', 'v1beta2', 'v1', 'foo', 'v1beta1'].sort(compareVersions)).to.deep.equal(['v2', 'v1', 'v1beta2', 'v1beta1', 'v1alpha1', 'foo']);
  });

  it('serves the kind a CRD defines, preferred version first, unserved versions left out', () => {
    const kind = kindFromCrd(crd(good));
    expect(kind).to.deep.include({
      group: 'test.heraldlb.io',
      kind: 'Widget',
      listKind: 'WidgetList',
      plural: 'widgets',
      singular: 'widget',
      namespaced: true,
      shortNames: ['wd'],
      statusSubresource: true,
      storageKey: 'test.heraldlb.io/widgets',
    });
    expect(kind.versions).to.deep.equal(['v1beta1', 'v1alpha1']);
    expect(kind.columns('v1beta1').map((c) => c.name)).to.deep.equal(['Name', 'Size', 'Age']);
    expect(kind.patchMeta).to.equal(undefined);
  });

  it('accepts a well-formed CRD', () => {
    expect(crdProblems(crd(good))).to.deep.equal([]);
  });

  it('requires the name to be <plural>.<group>, one storage version and a schema', () => {
    const errors = crdProblems(
      crd({ ...good, versions: [{ name: 'v1', served: true, storage: false }] }, 'wrong.name.io'),
    ).map((e) => e.field);
    expect(errors).to.deep.equal(['metadata.name', 'spec.versions', 'spec.versions[0].schema.openAPIV3Schema']);
  });

  it('refuses a group without a dot and an unknown scope', () => {
    const errors = crdProblems(crd({ ...good, group: 'local', scope: 'Galaxy' }, 'widgets.local')).map((e) => e.field);
    expect(errors).to.deep.equal(['spec.group', 'spec.scope']);
  });
});
