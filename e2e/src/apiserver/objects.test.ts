import {
  CoordinationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  EventsV1Api,
  PatchStrategy,
  type V1Service,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Lab, failure, startLab } from './testkit.js';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

function lbService(name: string, extra: Partial<V1Service['spec']> = {}): V1Service {
  return {
    metadata: { name, labels: { app: name } },
    spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...extra },
  };
}

describe('lab API server: built-in kinds @lab', () => {
  let lab: Lab;
  let core: CoreV1Api;
  const ns = 'default';
  beforeEach(async () => {
    lab = await startLab();
    core = lab.kc.makeApiClient(CoreV1Api);
  });
  afterEach(async () => {
    await lab.close();
  });

  it('assigns a cluster IP, node ports and IP families to a new LoadBalancer Service', async () => {
    const svc = await core.createNamespacedService({ namespace: ns, body: lbService('web') });
    expect(svc.spec?.clusterIP).to.match(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect(svc.spec?.clusterIPs).to.deep.equal([svc.spec?.clusterIP]);
    expect(svc.spec?.ipFamilies).to.deep.equal(['IPv4']);
    expect(svc.spec?.ipFamilyPolicy).to.equal('SingleStack');
    const nodePort = svc.spec?.ports?.[0]?.nodePort ?? 0;
    expect(nodePort).to.be.within(30000, 32767);
    expect(svc.metadata?.generation).to.equal(1);
    expect(svc.metadata?.resourceVersion).to.match(/^\d+$/);
    expect(svc.metadata?.uid).to.be.a('string');
    expect(svc.metadata?.creationTimestamp).to.be.instanceOf(Date);
    const other = await core.createNamespacedService({ namespace: ns, body: lbService('other') });
    expect(other.spec?.clusterIP).not.to.equal(svc.spec?.clusterIP);
    expect(other.spec?.ports?.[0]?.nodePort).not.to.equal(nodePort);
  });

  it('only allows spec.loadBalancerClass on LoadBalancer Services, and never changes it', async () => {
    const bad = await failure(core.createNamespacedService({ namespace: ns, body: { metadata: { name: 'c' }, spec: { ports: [{ port: 80 }], loadBalancerClass: 'heraldlb.io/lb' } } }));
    expect(bad.code).to.equal(422);
    expect(bad.reason).to.equal('Invalid');
    expect(bad.details?.causes?.map((c) => c.field)).to.deep.equal(['spec.loadBalancerClass']);
    await core.createNamespacedService({ namespace: ns, body: lbService('lb', { loadBalancerClass: 'heraldlb.io/lb' }) });
    const change = await failure(core.patchNamespacedService({ name: 'lb', namespace: ns, body: { spec: { loadBalancerClass: 'other.io/lb' } } }, merge));
    expect(change.code).to.equal(422);
    expect(change.message).to.contain('spec.loadBalancerClass').and.to.contain('may not change once set');
  });

  it('refuses an update carrying a stale resourceVersion with 409 Conflict', async () => {
    const svc = await core.createNamespacedService({ namespace: ns, body: lbService('web') });
    const stale = structuredClone(svc);
    await core.patchNamespacedService({ name: 'web', namespace: ns, body: { metadata: { labels: { v: '2' } } } }, merge);
    const err = await failure(core.replaceNamespacedService({ name: 'web', namespace: ns, body: stale }));
    expect(err.code).to.equal(409);
    expect(err.reason).to.equal('Conflict');
    expect(err.details).to.deep.include({ name: 'web', kind: 'services' });
  });

  it('refuses a duplicate create with 409 AlreadyExists', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cm' } } });
    const err = await failure(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cm' } } }));
    expect(err.code).to.equal(409);
    expect(err.reason).to.equal('AlreadyExists');
  });

  it('answers a missing object with 404 NotFound and details naming it', async () => {
    const err = await failure(core.readNamespacedService({ name: 'ghost', namespace: ns }));
    expect(err).to.deep.include({ code: 404, reason: 'NotFound', message: 'services "ghost" not found' });
    expect(err.details).to.deep.equal({ name: 'ghost', kind: 'services' });
    const lease = await failure(lab.kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'ghost', namespace: ns }));
    expect(lease.details).to.deep.equal({ name: 'ghost', kind: 'leases', group: 'coordination.k8s.io' });
  });

  it('ignores status on the main resource and everything but status on /status', async () => {
    await core.createNamespacedService({ namespace: ns, body: lbService('web') });
    const ingress = [{ ip: '192.0.2.10' }];
    const viaMain = await core.patchNamespacedService({ name: 'web', namespace: ns, body: { status: { loadBalancer: { ingress } } } }, merge);
    expect(viaMain.status?.loadBalancer?.ingress).to.equal(undefined);
    const viaStatus = await core.patchNamespacedServiceStatus(
      { name: 'web', namespace: ns, body: { spec: { type: 'ClusterIP' }, metadata: { labels: { x: 'y' } }, status: { loadBalancer: { ingress } } } },
      merge,
    );
    expect(viaStatus.status?.loadBalancer?.ingress).to.deep.equal(ingress);
    expect(viaStatus.spec?.type).to.equal('LoadBalancer');
    expect(viaStatus.metadata?.labels).to.deep.equal({ app: 'web' });
    const replaced = await core.replaceNamespacedServiceStatus({ name: 'web', namespace: ns, body: { ...viaStatus, status: { loadBalancer: {} } } });
    expect(replaced.status?.loadBalancer?.ingress).to.equal(undefined);
  });

  it('bumps metadata.generation on spec changes only', async () => {
    await core.createNamespacedService({ namespace: ns, body: lbService('web') });
    const labelled = await core.patchNamespacedService({ name: 'web', namespace: ns, body: { metadata: { labels: { a: 'b' } } } }, merge);
    expect(labelled.metadata?.generation).to.equal(1);
    const status = await core.patchNamespacedServiceStatus({ name: 'web', namespace: ns, body: { status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } } } }, merge);
    expect(status.metadata?.generation).to.equal(1);
    const spec = await core.patchNamespacedService({ name: 'web', namespace: ns, body: { spec: { sessionAffinity: 'ClientIP' } } }, merge);
    expect(spec.metadata?.generation).to.equal(2);
  });

  it('does not write an update that changes nothing', async () => {
    const svc = await core.createNamespacedService({ namespace: ns, body: lbService('web') });
    const same = await core.replaceNamespacedService({ name: 'web', namespace: ns, body: svc });
    expect(same.metadata?.resourceVersion).to.equal(svc.metadata?.resourceVersion);
  });

  it('applies merge, JSON and strategic merge patches to a Service', async () => {
    await core.createNamespacedService({ namespace: ns, body: lbService('web', { ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }) });
    const merged = await core.patchNamespacedService({ name: 'web', namespace: ns, body: { metadata: { annotations: { a: '1' } } } }, merge);
    expect(merged.metadata?.annotations).to.deep.equal({ a: '1' });
    const json = await core.patchNamespacedService({ name: 'web', namespace: ns, body: [{ op: 'replace', path: '/spec/ports/1/targetPort', value: 8443 }] }, jsonPatch);
    expect(json.spec?.ports?.[1]?.targetPort).to.equal(8443);
    const smp = await core.patchNamespacedService({ name: 'web', namespace: ns, body: { spec: { ports: [{ port: 80, targetPort: 9090 }] } } }, strategic);
    expect(smp.spec?.ports?.map((p) => [p.port, p.targetPort])).to.deep.equal([
      [80, 9090],
      [443, 8443],
    ]);
    expect(smp.spec?.ports?.[0]?.nodePort).to.equal(json.spec?.ports?.[0]?.nodePort);
  });

  it('keeps an object with finalizers until an update clears them', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'held', finalizers: ['heraldlb.io/test'] } } });
    await core.deleteNamespacedConfigMap({ name: 'held', namespace: ns });
    const terminating = await core.readNamespacedConfigMap({ name: 'held', namespace: ns });
    expect(terminating.metadata?.deletionTimestamp).to.be.instanceOf(Date);
    await core.patchNamespacedConfigMap({ name: 'held', namespace: ns, body: { metadata: { finalizers: null } } }, merge);
    const gone = await failure(core.readNamespacedConfigMap({ name: 'held', namespace: ns }));
    expect(gone.code).to.equal(404);
  });

  it('honours delete preconditions', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cm' } } });
    const err = await failure(core.deleteNamespacedConfigMap({ name: 'cm', namespace: ns, body: { preconditions: { uid: 'not-the-uid' } } }));
    expect(err.code).to.equal(409);
    await core.deleteNamespacedConfigMap({ name: 'cm', namespace: ns, body: { preconditions: { uid: cm.metadata?.uid ?? '' }, propagationPolicy: 'Foreground' } });
    expect((await failure(core.readNamespacedConfigMap({ name: 'cm', namespace: ns }))).code).to.equal(404);
  });

  it('names objects from generateName', async () => {
    const a = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { generateName: 'gen-' } } });
    const b = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { generateName: 'gen-' } } });
    expect(a.metadata?.name).to.match(/^gen-[a-z0-9]{5}$/);
    expect(a.metadata?.name).not.to.equal(b.metadata?.name);
  });

  it('creates namespaced objects only in existing namespaces', async () => {
    const err = await failure(core.createNamespacedConfigMap({ namespace: 'nowhere', body: { metadata: { name: 'cm' } } }));
    expect(err).to.deep.include({ code: 404, message: 'namespaces "nowhere" not found' });
    await core.createNamespace({ body: { metadata: { name: 'somewhere' } } });
    await core.createNamespacedConfigMap({ namespace: 'somewhere', body: { metadata: { name: 'cm' } } });
  });

  it('deletes a namespace with what it holds, and keeps default and kube-system', async () => {
    await core.createNamespace({ body: { metadata: { name: 'tmp' } } });
    await core.createNamespacedConfigMap({ namespace: 'tmp', body: { metadata: { name: 'cm' } } });
    await core.createNamespacedService({ namespace: 'tmp', body: lbService('web') });
    await core.deleteNamespace({ name: 'tmp' });
    expect((await failure(core.readNamespace({ name: 'tmp' }))).code).to.equal(404);
    expect((await core.listServiceForAllNamespaces()).items).to.have.length(0);
    expect((await failure(core.deleteNamespace({ name: 'default' }))).code).to.equal(403);
  });

  it('validates names, and refuses a URL/body name mismatch', async () => {
    const err = await failure(core.createNamespacedService({ namespace: ns, body: lbService('Bad_Name') }));
    expect(err.code).to.equal(422);
    expect(err.details?.causes?.[0]?.field).to.equal('metadata.name');
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'a' } } });
    const mismatch = await failure(core.replaceNamespacedConfigMap({ name: 'a', namespace: ns, body: { metadata: { name: 'b' } } }));
    expect(mismatch.code).to.equal(400);
  });

  it('lists by label selector, field selector, across namespaces, and with limit', async () => {
    await core.createNamespace({ body: { metadata: { name: 'other' } } });
    await core.createNamespacedService({ namespace: ns, body: lbService('a') });
    await core.createNamespacedService({ namespace: ns, body: { ...lbService('b'), metadata: { name: 'b', labels: { app: 'b', tier: 'db' } } } });
    await core.createNamespacedService({ namespace: 'other', body: lbService('c') });
    const names = (l: { items: { metadata?: { name?: string } }[] }): (string | undefined)[] => l.items.map((s) => s.metadata?.name);
    expect(names(await core.listNamespacedService({ namespace: ns, labelSelector: 'app in (a,b),tier!=db' }))).to.deep.equal(['a']);
    expect(names(await core.listNamespacedService({ namespace: ns, labelSelector: 'tier' }))).to.deep.equal(['b']);
    expect(names(await core.listNamespacedService({ namespace: ns, labelSelector: '!tier' }))).to.deep.equal(['a']);
    expect(names(await core.listServiceForAllNamespaces({ fieldSelector: 'metadata.namespace=other' }))).to.deep.equal(['c']);
    expect(names(await core.listServiceForAllNamespaces({ fieldSelector: 'metadata.name!=a' }))).to.deep.equal(['b', 'c']);
    const limited = await core.listServiceForAllNamespaces({ limit: 1 });
    expect(limited.items.length).to.be.greaterThan(0);
    expect(Number(limited.metadata?.resourceVersion)).to.be.greaterThan(0);
  });

  it('stores Nodes with their status and Pods with status Pending', async () => {
    const node = await core.createNode({
      body: { metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '198.18.0.1' }] } },
    });
    expect(node.status?.addresses?.[0]?.address).to.equal('198.18.0.1');
    const pod = await core.createNamespacedPod({ namespace: ns, body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running' } } });
    expect(pod.status?.phase).to.equal('Pending');
  });

  it('turns Secret stringData into base64 data', async () => {
    const s = await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 's' }, stringData: { password: 'hunter2' } } });
    expect(s.data).to.deep.equal({ password: Buffer.from('hunter2').toString('base64') });
    expect(s.type).to.equal('Opaque');
  });

  it('stores Leases and refuses stale Lease updates', async () => {
    const leases = lab.kc.makeApiClient(CoordinationV1Api);
    const lease = await leases.createNamespacedLease({
      namespace: 'herald-system',
      body: { metadata: { name: 'herald-controller' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15, renewTime: new Date() } },
    });
    await leases.replaceNamespacedLease({ name: 'herald-controller', namespace: 'herald-system', body: { ...lease, spec: { ...lease.spec, holderIdentity: 'b' } } });
    const err = await failure(leases.replaceNamespacedLease({ name: 'herald-controller', namespace: 'herald-system', body: { ...lease, spec: { ...lease.spec, holderIdentity: 'c' } } }));
    expect(err.code).to.equal(409);
    const now = await leases.readNamespacedLease({ name: 'herald-controller', namespace: 'herald-system' });
    expect(now.spec?.holderIdentity).to.equal('b');
  });

  it('stores EndpointSlices and checks their address type', async () => {
    const discovery = lab.kc.makeApiClient(DiscoveryV1Api);
    const slice = await discovery.createNamespacedEndpointSlice({
      namespace: ns,
      body: {
        metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true }, nodeName: 'n1' }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    });
    expect(slice.endpoints[0]?.nodeName).to.equal('n1');
    const listed = await discovery.listNamespacedEndpointSlice({ namespace: ns, labelSelector: 'kubernetes.io/service-name=web' });
    expect(listed.items).to.have.length(1);
    const bad = await failure(discovery.createNamespacedEndpointSlice({ namespace: ns, body: { metadata: { name: 'x' }, addressType: 'IPX', endpoints: [] } }));
    expect(bad.details?.causes?.map((c) => c.field)).to.deep.equal(['addressType']);
  });

  it('serves Events written as events.k8s.io/v1 to core/v1 readers by involvedObject', async () => {
    const svc = await core.createNamespacedService({ namespace: ns, body: lbService('web') });
    const events = lab.kc.makeApiClient(EventsV1Api);
    await events.createNamespacedEvent({
      namespace: ns,
      body: {
        metadata: { name: 'web.1' },
        eventTime: new Date(),
        reportingController: 'heraldlb.io/controller',
        reportingInstance: 'c-1',
        action: 'Allocate',
        reason: 'IPAllocated',
        type: 'Normal',
        note: 'Assigned IP 192.0.2.10',
        regarding: { kind: 'Service', name: 'web', namespace: ns, uid: svc.metadata?.uid ?? '', apiVersion: 'v1' },
      },
    });
    await core.createNamespacedEvent({ namespace: ns, body: { metadata: { name: 'other.1' }, involvedObject: { kind: 'Service', name: 'other', namespace: ns }, reason: 'X', message: 'y' } });
    const selector = `involvedObject.name=web,involvedObject.namespace=${ns},involvedObject.kind=Service,involvedObject.uid=${svc.metadata?.uid ?? ''}`;
    const found = await core.listNamespacedEvent({ namespace: ns, fieldSelector: selector });
    expect(found.items.map((e) => [e.reason, e.message, e.reportingComponent])).to.deep.equal([['IPAllocated', 'Assigned IP 192.0.2.10', 'heraldlb.io/controller']]);
    const byType = await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'type=Normal,reason=IPAllocated' });
    expect(byType.items).to.have.length(1);
    const asV1 = await events.readNamespacedEvent({ name: 'web.1', namespace: ns });
    expect(asV1.note).to.equal('Assigned IP 192.0.2.10');
  });

  it('answers kubectl-style Table requests with the real server columns', async () => {
    await core.createNamespacedService({ namespace: ns, body: lbService('web') });
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const table = (await lab.http('GET', `/api/v1/namespaces/${ns}/services`, { headers: { Accept: accept } })).json as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[];
    };
    expect(table.kind).to.equal('Table');
    expect(table.columnDefinitions.map((c) => c.name)).to.deep.equal(['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
    expect(table.rows[0]?.cells.slice(0, 4)).to.deep.include.members(['web', 'LoadBalancer', '<pending>']);
    expect(table.rows[0]?.object).to.deep.include({ kind: 'PartialObjectMetadata' });
    const nodes = (await lab.http('GET', '/api/v1/nodes', { headers: { Accept: accept } })).json as { columnDefinitions: { name: string; priority: number }[] };
    expect(nodes.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).to.deep.equal(['Name', 'Status', 'Roles', 'Age', 'Version']);
    const namespaces = (await lab.http('GET', '/api/v1/namespaces/default', { headers: { Accept: accept } })).json as { rows: { cells: unknown[] }[] };
    expect(namespaces.rows[0]?.cells.slice(0, 2)).to.deep.equal(['default', 'Active']);
    for (const path of ['/apis/coordination.k8s.io/v1/leases', '/apis/discovery.k8s.io/v1/endpointslices', '/api/v1/events', '/api/v1/secrets', '/api/v1/configmaps', '/api/v1/pods']) {
      const r = await lab.http('GET', path, { headers: { Accept: accept } });
      expect((r.json as { kind: string }).kind, path).to.equal('Table');
    }
  });

  it('answers dry-run writes without storing them', async () => {
    const r = await lab.http('POST', `/api/v1/namespaces/${ns}/configmaps?dryRun=All`, { body: { metadata: { name: 'dry' } } });
    expect(r.status).to.equal(201);
    expect((await failure(core.readNamespacedConfigMap({ name: 'dry', namespace: ns }))).code).to.equal(404);
  });
});
