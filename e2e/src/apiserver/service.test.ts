import { expect } from 'chai';
import { admitService } from './service.js';
import type { KubeObject } from './types.js';

function svc(spec: Record<string, unknown>, name = 'web'): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}


function ok(s: KubeObject, old?: KubeObject, others: KubeObject[] = []): Record<string, unknown> {
  const errors = admitService(s, old, () => others);
  expect(errors, JSON.stringify(errors)).to.deep.equal([]);
  return s.spec as Record<string, unknown>;
}

describe('Service rules', () => {
  it('defaults a ClusterIP Service like the real server', () => {
    const spec = ok(svc({ ports: [{ port: 80 }] }));
    expect(spec).to.deep.include({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
    });
    expect(spec.ports).to.deep.equal([{ port: 80, protocol: 'TCP', targetPort: 80 }]);
    expect(spec).not.to.have.property('externalTrafficPolicy');
  });

  it('allocates a cluster IP that no other Service holds', () => {
    const first = svc({ ports: [{ port: 80 }] }, 'a');
    ok(first);
    const spec = ok(svc({ ports: [{ port: 80 }] }, 'b'), undefined, [first]);
    expect(spec.clusterIP).to.equal('10.96.0.11');
  });

  it('allocates node ports in 30000-32767 for NodePort and LoadBalancer Services', () => {
    const spec = ok(svc({ type: 'LoadBalancer', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 443 }] }));
    const ports = spec.ports as { nodePort: number }[];
    expect(ports.map((p) => p.nodePort)).to.deep.equal([30000, 30001]);
    expect(spec).to.deep.include({ externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true });
  });

  it('refuses a node port outside the range or already taken', () => {
    const taken = svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, 'a');
    ok(taken);
    const clash = admitService(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, 'b'), undefined, () => [taken]);
    expect(clash.map((e) => e.detail)).to.deep.equal(['Invalid value: 30080: provided port is already allocated']);
    const outside = admitService(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }), undefined, () => []);
    expect(outside[0]?.field).to.equal('spec.ports[0].nodePort');
  });

  it('allows spec.loadBalancerClass only for type LoadBalancer', () => {
    const errors = admitService(svc({ ports: [{ port: 80 }], loadBalancerClass: 'heraldlb.io/lb' }), undefined, () => []);
    expect(errors.map((e) => e.field)).to.deep.equal(['spec.loadBalancerClass']);
    ok(svc({ type: 'LoadBalancer', ports: [{ port: 80 }], loadBalancerClass: 'heraldlb.io/lb' }));
  });

  it('keeps spec.loadBalancerClass immutable once set', () => {
    const old = svc({ type: 'LoadBalancer', ports: [{ port: 80 }], loadBalancerClass: 'heraldlb.io/lb' });
    ok(old);
    const changed = svc({ ...(old.spec as object), loadBalancerClass: 'other.io/lb' });
    expect(admitService(changed, old, () => []).map((e) => e.detail)).to.deep.equal(['Invalid value: "other.io/lb": may not change once set']);
  });

  it('keeps the allocated cluster IP and node ports when an update leaves them out', () => {
    const old = svc({ type: 'LoadBalancer', ports: [{ port: 80 }] });
    ok(old);
    const spec = ok(svc({ type: 'LoadBalancer', ports: [{ port: 80 }] }), old);
    expect(spec.clusterIP).to.equal((old.spec as Record<string, unknown>).clusterIP);
    expect((spec.ports as { nodePort: number }[])[0]?.nodePort).to.equal(30000);
  });

  it('refuses to change the cluster IP', () => {
    const old = svc({ ports: [{ port: 80 }] });
    ok(old);
    const errors = admitService(svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.99' }), old, () => []);
    expect(errors.map((e) => e.detail)).to.deep.equal(['Invalid value: "10.96.0.99": field is immutable']);
  });

  it('drops node ports when a Service changes to ClusterIP', () => {
    const old = svc({ type: 'NodePort', ports: [{ port: 80 }] });
    ok(old);
    const next = svc(JSON.parse(JSON.stringify({ ...(old.spec as object), type: 'ClusterIP' })) as Record<string, unknown>);
    const spec = ok(next, old);
    expect((spec.ports as Record<string, unknown>[])[0]).not.to.have.property('nodePort');
    expect(spec).not.to.have.property('externalTrafficPolicy');
  });

  it('gives dual-stack Services an address of each family', () => {
    const spec = ok(svc({ ports: [{ port: 80 }], ipFamilyPolicy: 'PreferDualStack' }));
    expect(spec.ipFamilies).to.deep.equal(['IPv4', 'IPv6']);
    expect(spec.clusterIPs).to.deep.equal(['10.96.0.10', 'fd00:10:96::a']);
    const v6 = ok(svc({ ports: [{ port: 80 }], ipFamilies: ['IPv6'] }));
    expect(v6.clusterIPs).to.deep.equal(['fd00:10:96::a']);
  });

  it('refuses two families with SingleStack', () => {
    const errors = admitService(svc({ ports: [{ port: 80 }], ipFamilies: ['IPv4', 'IPv6'] }), undefined, () => []);
    expect(errors.map((e) => e.field)).to.deep.equal(['spec.ipFamilyPolicy']);
  });

  it('keeps headless Services headless', () => {
    const spec = ok(svc({ clusterIP: 'None' }));
    expect(spec.clusterIPs).to.deep.equal(['None']);
  });

  it('requires ports, names them when there are several, and checks port numbers', () => {
    expect(admitService(svc({}), undefined, () => []).map((e) => e.field)).to.deep.equal(['spec.ports']);
    expect(admitService(svc({ ports: [{ port: 80 }, { port: 81 }] }), undefined, () => []).map((e) => e.field)).to.deep.equal([
      'spec.ports[0].name',
      'spec.ports[1].name',
    ]);
    expect(admitService(svc({ ports: [{ port: 70000 }] }), undefined, () => []).map((e) => e.field)).to.deep.equal(['spec.ports[0].port']);
  });

  it('allocates a health check node port for LoadBalancer Services with externalTrafficPolicy Local', () => {
    const spec = ok(svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }));
    expect(spec.healthCheckNodePort).to.equal(30001);
  });
});
