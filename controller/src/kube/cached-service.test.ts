import { expect } from 'chai';
import type { V1Service } from '@kubernetes/client-node';
import { readServiceRequest } from '@herald/shared/service/request.js';
import { cachedService } from './cached-service.js';

const full: V1Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: 'u1',
    resourceVersion: '7',
    generation: 2,
    labels: { app: 'web' },
    annotations: { 'heraldlb.io/address-pool': 'blue' },
    finalizers: ['example.com/keep'],
    ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'o1' }],
    managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: {} }],
  },
  spec: {
    type: 'LoadBalancer',
    loadBalancerClass: 'heraldlb.io/herald',
    loadBalancerIP: '192.0.2.10',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    selector: { app: 'web' },
    externalTrafficPolicy: 'Local',
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }],
    clusterIP: '10.0.0.5',
    clusterIPs: ['10.0.0.5'],
    sessionAffinity: 'None',
  },
  status: { loadBalancer: { ingress: [{ ip: '192.0.2.10', ipMode: 'VIP' }] }, conditions: [] },
};

describe('the cached copy of a Service', () => {
  it('keeps every spec field the allocator reads, and reads the same request as the full object', () => {
    const slim = cachedService(full);
    expect(slim.spec).to.deep.equal({
      type: 'LoadBalancer',
      loadBalancerClass: 'heraldlb.io/herald',
      loadBalancerIP: '192.0.2.10',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      selector: { app: 'web' },
      externalTrafficPolicy: 'Local',
      ports: [{ protocol: 'TCP', port: 80 }],
    });
    expect(readServiceRequest(slim)).to.deep.equal(readServiceRequest(full));
  });

  it('keeps all of metadata but managedFields, so a status write cannot drop labels, finalizers or owners', () => {
    const { managedFields: _m, ...rest } = full.metadata ?? {};
    expect(cachedService(full).metadata).to.deep.equal(rest);
  });

  it('keeps the whole status', () => {
    expect(cachedService(full).status).to.deep.equal(full.status);
  });

  it('does not change the object it was given', () => {
    const copy = structuredClone(full);
    cachedService(full);
    expect(full).to.deep.equal(copy);
  });
});
