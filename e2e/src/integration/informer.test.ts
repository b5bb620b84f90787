import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { CoreV1Api, KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { Informer } from '@herald/shared/kube/informer.js';
import { createLogger } from '@herald/shared/log/logger.js';
import { startApiServer, type LabApiServer } from '../apiserver/server.js';
import { CRDS_DIR, runSuffix } from '../harness/cluster.js';
import { waitFor } from '../lab/wait.js';

/*
 * The informer against the lab API server, which this suite starts itself because it must stop
 * and restart it (same port, same saved state) under the informer's feet.
 */
describe('informer over list and watch @lab', function () {
  this.timeout(30000);
  let dir: string;
  let stateDir: string;
  let server: LabApiServer;
  let informer: Informer<V1ConfigMap> | undefined;
  const namespace = `herald-test-${runSuffix()}`;

  async function start(port = 0): Promise<LabApiServer> {
    return startApiServer({ listen: ['127.0.0.1'], port, crdsDir: CRDS_DIR, workDir: dir, stateDir });
  }

  function core(): CoreV1Api {
    const kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfigPath());
    return kc.makeApiClient(CoreV1Api);
  }

  function makeInformer(events: string[], logLines: string[]): Informer<V1ConfigMap> {
    const kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfigPath());
    const api = kc.makeApiClient(CoreV1Api);
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n').filter(Boolean)));
    const inf = new Informer<V1ConfigMap>({
      kubeConfig: kc,
      name: 'configmaps',
      path: `/api/v1/namespaces/${namespace}/configmaps`,
      list: () => api.listNamespacedConfigMap({ namespace }),
      log: createLogger({ component: 'informer-test', stream }),
      backoff: { initialMs: 100, maxMs: 400 },
    });
    inf.on({
      add: (o) => events.push(`add ${o.metadata?.name}`),
      update: (o) => events.push(`update ${o.metadata?.name} ${JSON.stringify(o.data)}`),
      delete: (o) => events.push(`delete ${o.metadata?.name}`),
    });
    return inf;
  }

  const names = (inf: Informer<V1ConfigMap>): string[] => inf.list().map((o) => o.metadata?.name ?? '').sort();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-informer-'));
    stateDir = join(dir, 'state');
    server = await start();
    await core().createNamespace({ body: { metadata: { name: namespace } } });
    for (const name of ['a', 'b', 'c']) {
      await core().createNamespacedConfigMap({ namespace, body: { metadata: { name }, data: { v: '1' } } });
    }
  });

  afterEach(async () => {
    await informer?.stop();
    informer = undefined;
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves synced once the first list is in the cache and every handler has seen it', async () => {
    const events: string[] = [];
    informer = makeInformer(events, []);
    informer.start();
    await informer.synced;
    expect(names(informer)).to.deep.equal(['a', 'b', 'c']);
    expect(events.sort()).to.deep.equal(['add a', 'add b', 'add c']);
    expect(informer.get(namespace, 'b')?.data).to.deep.equal({ v: '1' });
  });

  it('follows creations, changes and deletions', async () => {
    const events: string[] = [];
    informer = makeInformer(events, []);
    informer.start();
    await informer.synced;
    events.length = 0;
    await core().createNamespacedConfigMap({ namespace, body: { metadata: { name: 'd' } } });
    await core().replaceNamespacedConfigMap({ name: 'a', namespace, body: { metadata: { name: 'a' }, data: { v: '2' } } });
    await core().deleteNamespacedConfigMap({ name: 'b', namespace });
    await waitFor(() => events.length >= 3, 5000, { what: 'three events' });
    expect(events).to.deep.equal(['add d', 'update a {"v":"2"}', 'delete b']);
    expect(names(informer)).to.deep.equal(['a', 'c', 'd']);
  });

  it('keeps serving its cache while the API server is down and catches up when it is back, reporting only what changed', async () => {
    const events: string[] = [];
    const logLines: string[] = [];
    informer = makeInformer(events, logLines);
    informer.start();
    await informer.synced;
    events.length = 0;
    const port = server.port;
    await server.close();
    await waitFor(() => logLines.some((l) => l.includes('watch of configmaps failed')), 5000, { what: 'the informer noticing' });
    expect(names(informer)).to.deep.equal(['a', 'b', 'c']);

    server = await start(port);
    await core().deleteNamespacedConfigMap({ name: 'a', namespace });
    await core().createNamespacedConfigMap({ namespace, body: { metadata: { name: 'e' } } });
    await waitFor(() => names(informer!).join() === 'b,c,e', 10000, { what: 'the cache catching up' });
    expect(events.sort()).to.deep.equal(['add e', 'delete a']);

    // And it watches again, not only lists.
    await core().deleteNamespacedConfigMap({ name: 'c', namespace });
    await waitFor(() => events.includes('delete c'), 5000, { what: 'a deletion after the restart' });
  });

  it('lists afresh on demand and reports the list as newer than the request', async () => {
    informer = makeInformer([], []);
    informer.start();
    await informer.synced;
    const before = Date.now();
    await informer.relist();
    expect(informer.lastListStartedAt).to.be.at.least(before);
    expect(names(informer)).to.deep.equal(['a', 'b', 'c']);
  });
});
