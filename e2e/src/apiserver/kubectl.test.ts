import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import { KUBECTL, type Lab, type KubectlResult, eventually, startLab } from './testkit.js';

function service(ports: { name: string; port: number }[], extra = ''): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports:
${ports.map((p) => `  - {name: ${p.name}, port: ${p.port}}`).join('\n')}
${extra}`;
}

function widget(spec: string): string {
  return `apiVersion: test.heraldlb.io/v1beta1
kind: Widget
metadata:
  name: w1
spec: ${spec}
`;
}

/** Rows of kubectl's table output, split on runs of spaces. */
function rows(out: string): string[][] {
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}

function ok(r: KubectlResult): string {
  expect(r.code, `kubectl failed: ${r.stderr}`).to.equal(0);
  return r.stdout;
}

describe('lab API server with kubectl @lab', () => {
  let lab: Lab;
  let file: (name: string, text: string) => string;
  beforeEach(async () => {
    lab = await startLab();
    file = (name, text) => {
      const path = join(lab.dir, name);
      writeFileSync(path, text);
      return path;
    };
  });
  afterEach(async () => {
    await lab.close();
  });

  it('runs kubectl from the lab kubeconfig', async () => {
    const r = await lab.kubectl(['version', '--client']);
    expect(r.code, `could not run ${KUBECTL}: ${r.stderr}`).to.equal(0);
  });

  it('gets namespaces with the NAME STATUS AGE columns', async () => {
    const table = rows(ok(await lab.kubectl(['get', 'namespaces'])));
    expect(table[0]).to.deep.equal(['NAME', 'STATUS', 'AGE']);
    expect(table.slice(1).map((r) => r.slice(0, 2))).to.deep.equal([
      ['default', 'Active'],
      ['herald-system', 'Active'],
      ['kube-system', 'Active'],
    ]);
  });

  it('applies a Service, shows it, and applies a change that drops a port', async () => {
    const path = file('svc.yaml', service([{ name: 'http', port: 80 }, { name: 'https', port: 443 }]));
    expect(ok(await lab.kubectl(['apply', '-f', path]))).to.contain('service/web created');
    const table = rows(ok(await lab.kubectl(['get', 'svc'])));
    expect(table[0]).to.deep.equal(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(table[1]?.slice(0, 4)).to.deep.equal(['web', 'LoadBalancer', table[1]?.[2], '<pending>']);
    expect(table[1]?.[4]).to.match(/^80:3\d{4}\/TCP,443:3\d{4}\/TCP$/);
    writeFileSync(path, service([{ name: 'http', port: 80 }], '  externalTrafficPolicy: Local\n'));
    expect(ok(await lab.kubectl(['apply', '-f', path]))).to.contain('service/web configured');
    const svc = await lab.kc.makeApiClient(CoreV1Api).readNamespacedService({ name: 'web', namespace: 'default' });
    expect(svc.spec?.ports?.map((p) => p.port)).to.deep.equal([80]);
    expect(svc.spec?.externalTrafficPolicy).to.equal('Local');
    expect(svc.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).to.contain('"externalTrafficPolicy":"Local"');
    expect(ok(await lab.kubectl(['apply', '-f', path]))).to.contain('service/web unchanged');
  });

  it('prints objects as YAML', async () => {
    ok(await lab.kubectl(['apply', '-f', file('svc.yaml', service([{ name: 'http', port: 80 }]))]));
    const out = ok(await lab.kubectl(['get', 'svc', 'web', '-o', 'yaml']));
    expect(out).to.contain('kind: Service').and.to.contain('clusterIP: 10.').and.to.contain('ipFamilyPolicy: SingleStack');
    const list = ok(await lab.kubectl(['get', 'svc', '-o', 'yaml']));
    expect(list).to.contain('kind: List').and.to.contain('name: web');
  });

  it('creates from a file and reports a duplicate', async () => {
    const path = file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: "1"}\n');
    expect(ok(await lab.kubectl(['create', '-f', path]))).to.contain('configmap/settings created');
    const again = await lab.kubectl(['create', '-f', path]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain('AlreadyExists').and.to.contain('"settings" already exists');
    const table = rows(ok(await lab.kubectl(['get', 'cm', 'settings'])));
    expect(table[1]?.slice(0, 2)).to.deep.equal(['settings', '1']);
  });

  it('patches a Service with merge, JSON and strategic merge patches', async () => {
    ok(await lab.kubectl(['apply', '-f', file('svc.yaml', service([{ name: 'http', port: 80 }, { name: 'https', port: 443 }]))]));
    ok(await lab.kubectl(['patch', 'svc', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"front"}}}']));
    ok(await lab.kubectl(['patch', 'svc', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/sessionAffinity","value":"ClientIP"}]']));
    ok(await lab.kubectl(['patch', 'svc', 'web', '-p', '{"spec":{"ports":[{"port":443,"targetPort":8443}]}}']));
    const svc = await lab.kc.makeApiClient(CoreV1Api).readNamespacedService({ name: 'web', namespace: 'default' });
    expect(svc.metadata?.labels).to.deep.equal({ app: 'web', tier: 'front' });
    expect(svc.spec?.sessionAffinity).to.equal('ClientIP');
    expect(svc.spec?.ports?.map((p) => [p.port, p.targetPort])).to.deep.equal([
      [80, 80],
      [443, 8443],
    ]);
  });

  it('writes status through the status subresource from kubectl', async () => {
    const version = ok(await lab.kubectl(['version', '--client', '-o', 'json']));
    const minor = Number((JSON.parse(version) as { clientVersion: { minor: string } }).clientVersion.minor.replace(/\D/g, ''));
    // `patch --subresource` arrived in kubectl 1.24; Debian's kubernetes-client is 1.20, which
    // reaches the same endpoint with `replace --raw`. Both must land the same status.
    const setStatus = async (resource: string, path: string, status: object): Promise<void> => {
      if (minor >= 24) {
        ok(await lab.kubectl(['patch', ...resource.split(' '), '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]));
        return;
      }
      const current = JSON.parse(ok(await lab.kubectl(['get', ...resource.split(' '), '-o', 'json']))) as Record<string, unknown>;
      ok(await lab.kubectl(['replace', '--raw', `${path}/status`, '-f', file('status.json', JSON.stringify({ ...current, status }))]));
    };
    ok(await lab.kubectl(['apply', '-f', file('svc.yaml', service([{ name: 'http', port: 80 }]))]));
    await setStatus('svc web', '/api/v1/namespaces/default/services/web', { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } });
    const table = rows(ok(await lab.kubectl(['get', 'svc', 'web'])));
    expect(table[1]?.[3]).to.equal('192.0.2.10');
    ok(await lab.kubectl(['apply', '-f', file('w.yaml', widget('{color: red}'))]));
    await setStatus('widget w1', '/apis/test.heraldlb.io/v1beta1/namespaces/default/widgets/w1', { conditions: [{ type: 'Ready', status: 'True' }] });
    expect(rows(ok(await lab.kubectl(['get', 'wd', 'w1'])))[1]?.slice(0, 4)).to.deep.equal(['w1', 'red', '3', 'True']);
  });

  it('applies a custom resource, shows its printer columns, applies a change and refuses an invalid one', async () => {
    const path = file('w.yaml', widget('{color: red}'));
    expect(ok(await lab.kubectl(['apply', '-f', path]))).to.contain('widget.test.heraldlb.io/w1 created');
    let table = rows(ok(await lab.kubectl(['get', 'widgets'])));
    expect(table[0]).to.deep.equal(['NAME', 'COLOR', 'SIZE', 'READY', 'AGE']);
    expect(table[1]?.slice(0, 3)).to.deep.equal(['w1', 'red', '3']);
    writeFileSync(path, widget('{color: blue, size: 7}'));
    expect(ok(await lab.kubectl(['apply', '-f', path]))).to.contain('widget.test.heraldlb.io/w1 configured');
    table = rows(ok(await lab.kubectl(['get', 'wd', 'w1'])));
    expect(table[1]?.slice(0, 3)).to.deep.equal(['w1', 'blue', '7']);
    writeFileSync(path, widget('{color: blue, size: 70}'));
    const bad = await lab.kubectl(['apply', '-f', path]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('spec.size').and.to.contain('should be less than or equal to 10');
    // kubectl 1.25+ asks for strict field validation and gets an error; older ones get a warning.
    const unknown = await lab.kubectl(['apply', '-f', file('u.yaml', widget('{color: blue, size: 7, colour: red}'))]);
    expect(unknown.stderr).to.contain('unknown field "spec.colour"');
    expect(JSON.parse(ok(await lab.kubectl(['get', 'wd', 'w1', '-o', 'jsonpath={.spec}'])))).to.deep.equal({ color: 'blue', size: 7, mode: 'fast' });
  });

  it('deletes objects', async () => {
    ok(await lab.kubectl(['apply', '-f', file('svc.yaml', service([{ name: 'http', port: 80 }]))]));
    ok(await lab.kubectl(['apply', '-f', file('w.yaml', widget('{color: red}'))]));
    expect(ok(await lab.kubectl(['delete', 'svc', 'web']))).to.contain('service "web" deleted');
    expect(ok(await lab.kubectl(['delete', '-f', join(lab.dir, 'w.yaml')]))).to.contain('"w1" deleted');
    const gone = await lab.kubectl(['get', 'svc', 'web']);
    expect(gone.code).to.equal(1);
    expect(gone.stderr).to.contain('NotFound');
    expect(ok(await lab.kubectl(['get', 'widgets']))).to.equal('');
  });

  it('describes a Service with its events, and a custom resource', async () => {
    ok(await lab.kubectl(['apply', '-f', file('svc.yaml', service([{ name: 'http', port: 80 }]))]));
    const core = lab.kc.makeApiClient(CoreV1Api);
    const svc = await core.readNamespacedService({ name: 'web', namespace: 'default' });
    await core.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { name: 'web.alloc' },
        involvedObject: { apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'default', uid: svc.metadata?.uid ?? '' },
        reason: 'IPAllocated',
        message: 'Assigned IP ["192.0.2.10"]',
        type: 'Normal',
        source: { component: 'herald-controller' },
        firstTimestamp: new Date(),
        lastTimestamp: new Date(),
        count: 1,
      },
    });
    const out = ok(await lab.kubectl(['describe', 'svc', 'web']));
    expect(out).to.match(/Type:\s+LoadBalancer/);
    expect(out).to.contain('Events:').and.to.contain('IPAllocated').and.to.contain('Assigned IP ["192.0.2.10"]');
    ok(await lab.kubectl(['apply', '-f', file('w.yaml', widget('{color: red}'))]));
    const w = ok(await lab.kubectl(['describe', 'widget', 'w1']));
    expect(w).to.match(/Color:\s+red/).and.to.match(/Size:\s+3/).and.to.contain('Kind:         Widget');
    const events = rows(ok(await lab.kubectl(['get', 'events'])));
    expect(events[0]).to.deep.equal(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(events[1]?.slice(1)).to.deep.equal(['Normal', 'IPAllocated', 'service/web', 'Assigned IP ["192.0.2.10"]']);
  });

  it('follows changes with get -w', async () => {
    ok(await lab.kubectl(['apply', '-f', file('svc.yaml', service([{ name: 'http', port: 80 }]))]));
    const child = spawn(KUBECTL, ['--kubeconfig', lab.server.kubeconfigPath(), '--cache-dir', join(lab.dir, 'kube-cache'), 'get', 'svc', '-w']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    try {
      await eventually('the listing', () => out.split('\n').length >= 3, 10_000);
      ok(await lab.kubectl(['patch', 'svc', 'web', '--type=merge', '-p', '{"spec":{"type":"NodePort"}}']));
      await eventually('the changed row', () => out.includes('NodePort'), 10_000);
      const lines = out.trim().split('\n');
      expect(lines[0]).to.match(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
      expect(lines.at(-1)).to.match(/^web\s+NodePort\s+10\.\S+\s+<none>\s+80:3\d{4}\/TCP\s/);
    } finally {
      clearTimeout(killer);
      child.kill('SIGTERM');
    }
  });

  it('lists what the server serves with api-resources', async () => {
    const out = ok(await lab.kubectl(['api-resources']));
    expect(out).to.match(/widgets\s+wd\s+test\.heraldlb\.io\/v1beta1\s+true\s+Widget/);
    expect(out).to.match(/services\s+svc\s+v1\s+true\s+Service/);
  });
});
