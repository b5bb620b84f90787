import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, type V1Service, Watch, makeInformer, setHeaderOptions } from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Lab, eventually, startLab } from './testkit.js';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface Seen {
  type: string;
  name: string | undefined;
  rv: string | undefined;
  object: Record<string, unknown>;
}

/** A client-node watch that records events; `stop` aborts it, `ended` resolves when the stream ends. */
async function watchAll(lab: Lab, path: string, query: Record<string, string | number | boolean | undefined>): Promise<{ seen: Seen[]; stop: () => void; ended: Promise<unknown> }> {
  const seen: Seen[] = [];
  let finish: (e: unknown) => void = () => {};
  const ended = new Promise((r) => (finish = r));
  const controller = await new Watch(lab.kc).watch(
    path,
    query,
    (type, obj: { metadata?: { name?: string; resourceVersion?: string } }) =>
      seen.push({ type, name: obj.metadata?.name, rv: obj.metadata?.resourceVersion, object: obj as Record<string, unknown> }),
    (err) => finish(err ?? 'ended'),
  );
  return { seen, stop: () => controller.abort(), ended };
}

describe('lab API server: watches @lab', () => {
  let lab: Lab;
  let core: CoreV1Api;
  beforeEach(async () => {
    lab = await startLab({ historyLimit: 50, bookmarkIntervalMs: 100 });
    core = lab.kc.makeApiClient(CoreV1Api);
  });
  afterEach(async () => {
    await lab.close();
  });

  it('continues a list with no gap: changes after the list arrive in order', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'b' } } });
    const w = await watchAll(lab, '/api/v1/namespaces/default/configmaps', { resourceVersion: list.metadata?.resourceVersion });
    await core.patchNamespacedConfigMap({ name: 'a', namespace: 'default', body: { data: { k: 'v' } } }, merge);
    await core.deleteNamespacedConfigMap({ name: 'b', namespace: 'default' });
    await eventually('three events', () => w.seen.length >= 3);
    w.stop();
    expect(w.seen.map((e) => `${e.type} ${e.name}`)).to.deep.equal(['ADDED b', 'MODIFIED a', 'DELETED b']);
    const rvs = w.seen.map((e) => Number(e.rv));
    expect(rvs).to.deep.equal([...rvs].sort((x, y) => x - y));
  });

  it('starts with ADDED events for what exists when no resourceVersion is given', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    const w = await watchAll(lab, '/api/v1/namespaces/default/configmaps', {});
    await eventually('the initial event', () => w.seen.length >= 1);
    w.stop();
    expect(w.seen.map((e) => `${e.type} ${e.name}`)).to.deep.equal(['ADDED a']);
  });

  it('sends 410 Gone (Expired) for a resourceVersion older than the history window', async () => {
    for (let i = 0; i < 80; i++) await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `cm${i}` } } });
    const w = await watchAll(lab, '/api/v1/namespaces/default/configmaps', { resourceVersion: '2' });
    await w.ended;
    expect(w.seen).to.have.length(1);
    expect(w.seen[0]?.type).to.equal('ERROR');
    expect(w.seen[0]?.object).to.deep.include({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('sends BOOKMARK events when asked, at the configured interval', async () => {
    const w = await watchAll(lab, '/api/v1/namespaces/default/services', { allowWatchBookmarks: true, resourceVersion: '1' });
    await eventually('two bookmarks', () => w.seen.filter((e) => e.type === 'BOOKMARK').length >= 2);
    w.stop();
    const bookmark = w.seen.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).to.deep.include({ kind: 'Service', apiVersion: 'v1' });
    expect(Number(bookmark?.rv)).to.be.greaterThan(0);
  });

  it('sends no bookmarks unless asked', async () => {
    const w = await watchAll(lab, '/api/v1/namespaces/default/services', { resourceVersion: '1' });
    await new Promise((r) => setTimeout(r, 300));
    w.stop();
    expect(w.seen).to.deep.equal([]);
  });

  it('ends the stream after timeoutSeconds', async () => {
    const started = Date.now();
    const w = await watchAll(lab, '/api/v1/namespaces/default/services', { timeoutSeconds: 1 });
    await w.ended;
    expect(Date.now() - started).to.be.within(900, 3000);
  });

  it('watches across namespaces or within one', async () => {
    await core.createNamespace({ body: { metadata: { name: 'other' } } });
    const rv = (await core.listServiceForAllNamespaces()).metadata?.resourceVersion;
    const all = await watchAll(lab, '/api/v1/services', { resourceVersion: rv });
    const one = await watchAll(lab, '/api/v1/namespaces/other/services', { resourceVersion: rv });
    for (const namespace of ['default', 'other']) {
      await core.createNamespacedService({ namespace, body: { metadata: { name: `s-${namespace}` }, spec: { ports: [{ port: 80 }] } } });
    }
    await eventually('both creations on the all-namespace watch', () => all.seen.length >= 2);
    await eventually('one creation on the namespaced watch', () => one.seen.length >= 1);
    all.stop();
    one.stop();
    expect(all.seen.map((e) => e.name)).to.deep.equal(['s-default', 's-other']);
    expect(one.seen.map((e) => e.name)).to.deep.equal(['s-other']);
  });

  it('shows objects entering and leaving a label selector as ADDED and DELETED', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a', labels: { pick: 'no' } } } });
    const rv = (await core.listNamespacedConfigMap({ namespace: 'default' })).metadata?.resourceVersion;
    const w = await watchAll(lab, '/api/v1/namespaces/default/configmaps', { resourceVersion: rv, labelSelector: 'pick=yes' });
    await core.patchNamespacedConfigMap({ name: 'a', namespace: 'default', body: { metadata: { labels: { pick: 'yes' } } } }, merge);
    await core.patchNamespacedConfigMap({ name: 'a', namespace: 'default', body: { data: { x: '1' } } }, merge);
    await core.patchNamespacedConfigMap({ name: 'a', namespace: 'default', body: { metadata: { labels: { pick: 'no' } } } }, merge);
    await eventually('three events', () => w.seen.length >= 3);
    w.stop();
    expect(w.seen.map((e) => e.type)).to.deep.equal(['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('reports a finalizer-held deletion as MODIFIED, then DELETED once the finalizer goes', async () => {
    const api = lab.kc.makeApiClient(CustomObjectsApi);
    const ref = { group: 'test.heraldlb.io', version: 'v1beta1', namespace: 'default', plural: 'widgets' };
    await api.createNamespacedCustomObject({ ...ref, body: { apiVersion: 'test.heraldlb.io/v1beta1', kind: 'Widget', metadata: { name: 'w', finalizers: ['heraldlb.io/x'] }, spec: { color: 'red' } } });
    const w = await watchAll(lab, '/apis/test.heraldlb.io/v1beta1/namespaces/default/widgets', { resourceVersion: String((await api.getNamespacedCustomObject({ ...ref, name: 'w' })).metadata.resourceVersion) });
    await api.deleteNamespacedCustomObject({ ...ref, name: 'w' });
    await api.patchNamespacedCustomObject({ ...ref, name: 'w', body: { metadata: { finalizers: [] } } }, merge);
    await eventually('two events', () => w.seen.length >= 2);
    w.stop();
    expect(w.seen.map((e) => e.type)).to.deep.equal(['MODIFIED', 'DELETED']);
    expect((w.seen[0]?.object.metadata as { deletionTimestamp?: string }).deletionTimestamp).to.be.a('string');
  });

  it('sends initial events and an initial-events-end bookmark for sendInitialEvents=true', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    const w = await watchAll(lab, '/api/v1/namespaces/default/configmaps', { sendInitialEvents: true, allowWatchBookmarks: true, resourceVersionMatch: 'NotOlderThan' });
    await eventually('initial events', () => w.seen.length >= 2);
    w.stop();
    expect(w.seen[0]?.type).to.equal('ADDED');
    expect(w.seen[1]?.type).to.equal('BOOKMARK');
    expect((w.seen[1]?.object.metadata as { annotations: Record<string, string> }).annotations).to.deep.equal({ 'k8s.io/initial-events-end': 'true' });
  });

  it('streams single-row Tables when the client asks for Tables, as kubectl get -w does', async () => {
    const rv = (await core.listNamespacedService({ namespace: 'default' })).metadata?.resourceVersion ?? '';
    const lines: string[] = [];
    const req = request(
      new URL(`/api/v1/namespaces/default/services?watch=1&resourceVersion=${rv}`, lab.server.url()),
      { headers: { Authorization: `Bearer ${lab.server.token}`, Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' }, ca: readFileSync(lab.server.caPath) },
      (res) => {
        let buf = '';
        res.on('data', (d: Buffer) => {
          buf += d.toString();
          const parts = buf.split('\n');
          buf = parts.pop() ?? '';
          lines.push(...parts);
        });
      },
    );
    req.end();
    try {
      await new Promise((r) => setTimeout(r, 100));
      await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'web' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } } });
      await eventually('a table event', () => lines.length >= 1);
      const event = JSON.parse(lines[0] ?? '{}') as { type: string; object: { kind: string; rows: { cells: unknown[] }[] } };
      expect(event.type).to.equal('ADDED');
      expect(event.object.kind).to.equal('Table');
      expect(event.object.rows).to.have.length(1);
      expect(event.object.rows[0]?.cells.slice(0, 2)).to.deep.equal(['web', 'NodePort']);
    } finally {
      req.destroy();
    }
  });

  it('feeds a client-node informer: list, then adds, updates and deletes', async () => {
    await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'before' }, spec: { ports: [{ port: 80 }] } } });
    const informer = makeInformer<V1Service>(lab.kc, '/api/v1/services', () => core.listServiceForAllNamespaces());
    const seen: string[] = [];
    informer.on('add', (s) => seen.push(`add ${s.metadata?.name}`));
    informer.on('update', (s) => seen.push(`update ${s.metadata?.name} ${s.status?.loadBalancer?.ingress?.[0]?.ip}`));
    informer.on('delete', (s) => seen.push(`delete ${s.metadata?.name}`));
    await informer.start();
    try {
      await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'web' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } } });
      await core.patchNamespacedServiceStatus({ name: 'web', namespace: 'default', body: { status: { loadBalancer: { ingress: [{ ip: '192.0.2.5' }] } } } }, merge);
      await core.deleteNamespacedService({ name: 'before', namespace: 'default' });
      await eventually('four informer events', () => seen.length >= 4);
      expect(seen).to.deep.equal(['add before', 'add web', 'update web 192.0.2.5', 'delete before']);
      expect(informer.list().map((s) => s.metadata?.name)).to.deep.equal(['web']);
    } finally {
      await informer.stop();
    }
  });

  it('ends open watches when the server closes', async () => {
    const w = await watchAll(lab, '/api/v1/namespaces/default/services', {});
    await lab.server.close();
    await w.ended;
  });
});
