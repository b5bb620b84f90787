import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, Watch } from '@kubernetes/client-node';
import { expect } from 'chai';
import { startLab } from './testkit.js';

describe('lab API server: persistence @lab', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'herald-apiserver-state-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps objects, CRDs posted at run time and the resourceVersion counter across a restart', async () => {
    const stateDir = join(dir, 'state');
    const first = await startLab({ stateDir }, { dir });
    const core = first.kc.makeApiClient(CoreV1Api);
    const svc = await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'web' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } } });
    await first.kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'test.heraldlb.io',
      version: 'v1beta1',
      namespace: 'default',
      plural: 'widgets',
      body: { apiVersion: 'test.heraldlb.io/v1beta1', kind: 'Widget', metadata: { name: 'w' }, spec: { color: 'red' } },
    });
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'sprockets.test.heraldlb.io' },
      spec: {
        group: 'test.heraldlb.io',
        scope: 'Cluster',
        names: { plural: 'sprockets', kind: 'Sprocket' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    expect((await first.http('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd })).status).to.equal(201);
    expect((await first.http('POST', '/apis/test.heraldlb.io/v1/sprockets', { body: { metadata: { name: 's' }, teeth: 9 } })).status).to.equal(201);
    const lastRv = Number((await core.listNamespace()).metadata?.resourceVersion);
    await first.close();

    const second = await startLab({ stateDir }, { dir });
    try {
      const core2 = second.kc.makeApiClient(CoreV1Api);
      const again = await core2.readNamespacedService({ name: 'web', namespace: 'default' });
      expect(again.spec?.clusterIP).to.equal(svc.spec?.clusterIP);
      expect(again.metadata?.resourceVersion).to.equal(svc.metadata?.resourceVersion);
      expect(again.metadata?.uid).to.equal(svc.metadata?.uid);
      const w = (await second.kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
        group: 'test.heraldlb.io',
        version: 'v1beta1',
        namespace: 'default',
        plural: 'widgets',
        name: 'w',
      })) as { spec: { size: number } };
      expect(w.spec.size).to.equal(3);
      const sprocket = await second.http('GET', '/apis/test.heraldlb.io/v1/sprockets/s');
      expect(sprocket.json).to.deep.include({ teeth: 9 });
      expect(Number((await core2.listNamespace()).metadata?.resourceVersion)).to.be.at.least(lastRv);
      const next = await core2.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after' } } });
      expect(Number(next.metadata?.resourceVersion)).to.be.greaterThan(lastRv);

      const events: string[] = [];
      await new Promise<void>((resolve) => {
        void new Watch(second.kc).watch(
          '/api/v1/namespaces/default/services',
          { resourceVersion: String(lastRv - 2) },
          (type, obj: { code?: number }) => events.push(`${type} ${obj.code ?? ''}`),
          () => resolve(),
        );
      });
      expect(events).to.deep.equal(['ERROR 410']);
    } finally {
      await second.close();
    }
  });

  it('starts empty but for the initial namespaces when the state folder is new', async () => {
    const lab = await startLab({ stateDir: join(dir, 'fresh') }, { dir });
    try {
      const names = (await lab.kc.makeApiClient(CoreV1Api).listNamespace()).items.map((n) => n.metadata?.name);
      expect(names).to.deep.equal(['default', 'herald-system', 'kube-system']);
    } finally {
      await lab.close();
    }
  });
});
