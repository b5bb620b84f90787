import { expect } from 'chai';
import { SERVICE_COLUMNS, NODE_COLUMNS } from './columns.js';
import { buildTable, crdColumns, evalJsonPath, humanDuration } from './table.js';
import type { KubeObject } from './types.js';

const now = new Date('2024-05-01T12:00:00Z');

describe('table rendering', () => {
  it('prints durations the way kubectl does', () => {
    const s = 1000;
    expect(humanDuration(45 * s)).to.equal('45s');
    expect(humanDuration(119 * s)).to.equal('119s');
    expect(humanDuration(5 * 60 * s + 3 * s)).to.equal('5m3s');
    expect(humanDuration(30 * 60 * s)).to.equal('30m');
    expect(humanDuration(3 * 3600 * s + 12 * 60 * s)).to.equal('3h12m');
    expect(humanDuration(20 * 3600 * s)).to.equal('20h');
    expect(humanDuration((4 * 24 + 2) * 3600 * s)).to.equal('4d2h');
    expect(humanDuration(400 * 24 * 3600 * s)).to.equal('400d');
    expect(humanDuration(-5 * s)).to.equal('<invalid>');
  });

  it('evaluates Kubernetes JSONPath, filters included', () => {
    const obj = { status: { conditions: [{ type: 'A', status: 'False' }, { type: 'Ready', status: 'True' }] } };
    expect(evalJsonPath(obj, '.status.conditions[?(@.type=="Ready")].status')).to.deep.equal(['True']);
    expect(evalJsonPath(obj, '.spec.missing')).to.deep.equal([]);
  });

  it('builds CRD columns: Name, the printer columns, and Age when no column shows it', () => {
    const cols = crdColumns([
      { name: 'Addresses', type: 'string', jsonPath: '.spec.addresses' },
      { name: 'Count', type: 'integer', jsonPath: '.status.count' },
    ]);
    expect(cols.map((c) => c.name)).to.deep.equal(['Name', 'Addresses', 'Count', 'Age']);
    const obj: KubeObject = {
      apiVersion: 'x/v1',
      kind: 'Pool',
      metadata: { name: 'p', creationTimestamp: '2024-05-01T11:55:00Z' },
      spec: { addresses: ['192.0.2.0/24'] },
    };
    const table = buildTable(cols, [obj], { now, include: 'Metadata' });
    expect(table.rows[0]?.cells).to.deep.equal(['p', '["192.0.2.0/24"]', null, '5m']);
    expect(table.rows[0]?.object).to.deep.equal({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata });
    const withAge = crdColumns([{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }]);
    expect(withAge.map((c) => c.name)).to.deep.equal(['Name', 'Age']);
    expect(buildTable(withAge, [obj], { now, include: 'None' }).rows[0]).to.deep.equal({ cells: ['p', '5m'] });
  });

  it('shows Service columns like the real server', () => {
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', creationTimestamp: '2024-05-01T11:59:00Z' },
      spec: { type: 'LoadBalancer', clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }], selector: { app: 'web' } },
      status: { loadBalancer: {} },
    };
    const table = buildTable(SERVICE_COLUMNS, [svc], { now, include: 'None' });
    expect(table.columnDefinitions.map((c) => c.name)).to.deep.equal(['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
    expect(table.rows[0]?.cells).to.deep.equal(['web', 'LoadBalancer', '10.96.0.10', '<pending>', '80:30080/TCP', '60s', 'app=web']);
    const lb = { ...svc, status: { loadBalancer: { ingress: [{ ip: '192.0.2.7' }] } } };
    expect(buildTable(SERVICE_COLUMNS, [lb], { now, include: 'None' }).rows[0]?.cells[3]).to.equal('192.0.2.7');
  });

  it('shows Node status and roles', () => {
    const node: KubeObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', labels: { 'node-role.kubernetes.io/control-plane': '' } },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.0' } },
    };
    const cells = buildTable(NODE_COLUMNS, [node], { now, include: 'None' }).rows[0]?.cells;
    expect(cells?.slice(0, 3)).to.deep.equal(['n1', 'Ready,SchedulingDisabled', 'control-plane']);
    expect(cells?.[4]).to.equal('v1.32.0');
  });
});
