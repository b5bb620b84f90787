import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import yaml from 'js-yaml';
import { type Lab, WIDGET_CRD, eventually, startLab } from './testkit.js';

describe('lab API server: connection and discovery @lab', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab.close();
  });

  it('refuses requests without the bearer token with a 401 Status', async () => {
    for (const token of [null, 'wrong']) {
      const r = await lab.http('GET', '/api/v1/namespaces', { token });
      expect(r.status).to.equal(401);
      expect(r.json).to.deep.include({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    }
  });

  it('answers health checks without a token', async () => {
    const r = await lab.http('GET', '/readyz', { token: null });
    expect([r.status, r.text]).to.deep.equal([200, 'ok']);
  });

  it('writes a kubeconfig with context herald-lab that client-node loads and uses', async () => {
    const doc = yaml.load(readFileSync(lab.server.kubeconfigPath(), 'utf8')) as Record<string, unknown>;
    expect(doc['current-context']).to.equal('herald-lab');
    const list = await lab.kc.makeApiClient(CoreV1Api).listNamespace();
    expect(list.items.map((n) => n.metadata?.name)).to.deep.equal(['default', 'herald-system', 'kube-system']);
  });

  it('serves /version and the core and group discovery lists', async () => {
    const version = await lab.http('GET', '/version');
    expect(version.json).to.deep.include({ major: '1', minor: '32' });
    const api = await lab.http('GET', '/api');
    expect(api.json).to.deep.include({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await lab.http('GET', '/apis')).json as { groups: { name: string; preferredVersion: { version: string } }[] };
    expect(groups.groups.map((g) => g.name)).to.include.members([
      'discovery.k8s.io',
      'events.k8s.io',
      'coordination.k8s.io',
      'apiextensions.k8s.io',
      'test.heraldlb.io',
    ]);
    const group = await lab.http('GET', '/apis/test.heraldlb.io');
    expect(group.json).to.deep.include({ kind: 'APIGroup', name: 'test.heraldlb.io' });
  });

  it('describes each resource with scope, kind, verbs, short names and subresources', async () => {
    type Res = { name: string; namespaced: boolean; kind: string; verbs: string[]; shortNames?: string[]; singularName: string; categories?: string[] };
    const core = ((await lab.http('GET', '/api/v1')).json as { resources: Res[] }).resources;
    const byName = (list: Res[], n: string): Res | undefined => list.find((r) => r.name === n);
    expect(byName(core, 'services')).to.deep.include({ namespaced: true, kind: 'Service', shortNames: ['svc'], singularName: 'service', categories: ['all'] });
    expect(byName(core, 'services')?.verbs).to.include.members(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
    expect(byName(core, 'services/status')).to.deep.include({ kind: 'Service', verbs: ['get', 'patch', 'update'] });
    expect(byName(core, 'namespaces')).to.deep.include({ namespaced: false, kind: 'Namespace' });
    expect(byName(core, 'nodes')).to.deep.include({ namespaced: false, kind: 'Node' });
    for (const r of ['events', 'secrets', 'configmaps', 'pods']) expect(byName(core, r), r).to.have.property('namespaced', true);
    const custom = ((await lab.http('GET', '/apis/test.heraldlb.io/v1beta1')).json as { resources: Res[] }).resources;
    expect(byName(custom, 'widgets')).to.deep.include({ namespaced: true, kind: 'Widget', singularName: 'widget', shortNames: ['wd'], categories: ['herald'] });
    expect(byName(custom, 'widgets/status')).to.deep.include({ kind: 'Widget' });
    expect(byName(custom, 'gadgets')).to.deep.include({ namespaced: false, kind: 'Gadget' });
    expect(byName(custom, 'gadgets/status')).to.equal(undefined);
    for (const [path, name, kind] of [
      ['/apis/discovery.k8s.io/v1', 'endpointslices', 'EndpointSlice'],
      ['/apis/coordination.k8s.io/v1', 'leases', 'Lease'],
      ['/apis/events.k8s.io/v1', 'events', 'Event'],
    ] as const) {
      const list = ((await lab.http('GET', path)).json as { resources: Res[] }).resources;
      expect(byName(list, name)).to.deep.include({ namespaced: true, kind });
    }
  });

  it('answers aggregated discovery requests with plain lists so clients fall back', async () => {
    const r = await lab.http('GET', '/api', {
      headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' },
    });
    expect(r.headers['content-type']).to.equal('application/json');
    expect(r.json).to.have.property('kind', 'APIVersions');
  });

  it('publishes OpenAPI v3 PATCH operations with the fieldValidation parameter', async () => {
    const root = (await lab.http('GET', '/openapi/v3')).json as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(root.paths)).to.include.members(['api/v1', 'apis/test.heraldlb.io/v1beta1']);
    const url = root.paths['apis/test.heraldlb.io/v1beta1']?.serverRelativeURL ?? '';
    const doc = (await lab.http('GET', url)).json as { paths: Record<string, { patch?: Record<string, unknown> }> };
    const patch = doc.paths['/apis/test.heraldlb.io/v1beta1/namespaces/{namespace}/widgets/{name}']?.patch;
    expect(patch?.['x-kubernetes-group-version-kind']).to.deep.equal({ group: 'test.heraldlb.io', version: 'v1beta1', kind: 'Widget' });
    expect((patch?.parameters as { name: string }[]).map((p) => p.name)).to.include('fieldValidation');
  });

  it('answers unknown paths and kinds with 404 Status bodies', async () => {
    for (const path of ['/apis/nope.io/v1', '/api/v1/namespaces/default/gizmos', '/api/v1/namespaces/default/nodes', '/metrics']) {
      const r = await lab.http('GET', path);
      expect(r.status, path).to.equal(404);
      expect(r.json, path).to.deep.include({ kind: 'Status', reason: 'NotFound' });
    }
  });

  it('answers malformed bodies with 400 and a clear message, and keeps serving', async () => {
    const r = await lab.http('POST', '/api/v1/namespaces/default/configmaps', { raw: '{"metadata": ', headers: { 'Content-Type': 'application/json' } });
    expect(r.status).to.equal(400);
    expect((r.json as { message: string }).message).to.contain('not valid JSON');
    const notObject = await lab.http('POST', '/api/v1/namespaces/default/configmaps', { body: [1, 2] });
    expect(notObject.status).to.equal(400);
    const wrongKind = await lab.http('POST', '/api/v1/namespaces/default/configmaps', { body: { kind: 'Secret', metadata: { name: 'x' } } });
    expect(wrongKind.status).to.equal(400);
    expect((wrongKind.json as { message: string }).message).to.contain('does not match the expected kind');
    const badSelector = await lab.http('GET', '/api/v1/services?labelSelector=a%3D(');
    expect(badSelector.status).to.equal(400);
    const badPatchType = await lab.http('PATCH', '/api/v1/namespaces/default', { body: {}, headers: { 'Content-Type': 'application/json' } });
    expect(badPatchType.status).to.equal(415);
    const apply = await lab.http('PATCH', '/api/v1/namespaces/default', { raw: 'metadata: {}', headers: { 'Content-Type': 'application/apply-patch+yaml' } });
    expect(apply.status).to.equal(415);
    const protobuf = await lab.http('POST', '/api/v1/namespaces', { raw: 'k8s\u0000', headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' } });
    expect(protobuf.status).to.equal(415);
    expect((protobuf.json as { message: string }).message).to.contain('kubectl create -f');
    const badRv = await lab.http('GET', '/api/v1/services?watch=1&resourceVersion=abc');
    expect(badRv.status).to.equal(400);
    expect((await lab.http('GET', '/api/v1/namespaces/default')).status).to.equal(200);
  });

  it('accepts YAML bodies on create', async () => {
    const r = await lab.http('POST', '/api/v1/namespaces/default/configmaps', {
      raw: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: b\n',
      headers: { 'Content-Type': 'application/yaml' },
    });
    expect(r.status).to.equal(201);
    expect(r.json).to.deep.include({ data: { a: 'b' } });
  });
});

describe('lab API server: addresses and certificates @lab', () => {
  it('listens on every address with one port, each in the certificate and its own kubeconfig', async () => {
    const lab = await startLab({ listen: ['127.0.0.1', '127.0.0.2'] });
    try {
      const { server } = lab;
      expect(server.url('127.0.0.2')).to.equal(`https://127.0.0.2:${server.port}`);
      for (const host of server.hosts) {
        const kc = new KubeConfig();
        kc.loadFromFile(server.kubeconfigPath(host));
        expect(kc.getCurrentCluster()?.server).to.equal(server.url(host));
        const ns = await kc.makeApiClient(CoreV1Api).readNamespace({ name: 'default' });
        expect(ns.metadata?.name).to.equal('default');
      }
      const san = await new Promise<string>((resolve, reject) => {
        const sock = connect({ host: '127.0.0.2', port: server.port, ca: readFileSync(server.caPath) }, () => {
          resolve(sock.getPeerCertificate().subjectaltname ?? '');
          sock.end();
        });
        sock.on('error', reject);
      });
      expect(san).to.contain('IP Address:127.0.0.1').and.to.contain('IP Address:127.0.0.2');
      expect(() => server.kubeconfigPath('10.0.0.1')).to.throw(/does not listen on 10.0.0.1/);
    } finally {
      await lab.close();
    }
  });

  it('keeps its CA and token across restarts in the same work folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-apiserver-'));
    try {
      const first = await startLab({}, { dir });
      const ca = readFileSync(first.server.caPath, 'utf8');
      const token = first.server.token;
      await first.close();
      const second = await startLab({}, { dir });
      expect(readFileSync(second.server.caPath, 'utf8')).to.equal(ca);
      expect(second.server.token).to.equal(token);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs from the command line, prints its URL and kubeconfig, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-apiserver-cli-'));
    const crds = join(dir, 'crds');
    mkdirSync(crds);
    writeFileSync(join(crds, 'w.yaml'), WIDGET_CRD);
    const cli = fileURLToPath(new URL('./cli.js', import.meta.url));
    let out = '';
    const child = execFile(process.execPath, [cli, '--listen', '127.0.0.1', '--port', '0', '--crds', crds, '--dir', join(dir, 'work')]);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      await eventually('the CLI to print its JSON line', () => out.includes('\n'), 15_000);
      const info = JSON.parse(out) as { url: string; kubeconfig: string };
      expect(info.url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
      const kc = new KubeConfig();
      kc.loadFromFile(info.kubeconfig);
      const ns = await kc.makeApiClient(CoreV1Api).readNamespace({ name: 'herald-system' });
      expect(ns.status?.phase).to.equal('Active');
    } finally {
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a CRD manifest it cannot serve, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-apiserver-'));
    try {
      const crds = join(dir, 'crds');
      mkdirSync(crds);
      writeFileSync(join(crds, 'broken.yaml'), WIDGET_CRD.replace('name: widgets.test.heraldlb.io', 'name: wrong.test.heraldlb.io'));
      const { startApiServer } = await import('./server.js');
      let message = '';
      try {
        const s = await startApiServer({ listen: ['127.0.0.1'], crdsDir: crds, workDir: join(dir, 'work') });
        await s.close();
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).to.contain('broken.yaml').and.to.contain('metadata.name');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
