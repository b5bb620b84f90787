import { expect } from 'chai';
import fc from 'fast-check';
import { type SvcOptions, svc } from './test-fixtures.js';
import { type ClassifyOptions, classifyService, readServiceRequest } from './request.js';

describe('which Services Herald serves', () => {
  const cases: Array<{ title: string; o: SvcOptions; options?: ClassifyOptions; want: string }> = [
    { title: 'a LoadBalancer Service without a class, when Herald is the default', o: {}, want: 'handled' },
    { title: 'a LoadBalancer Service with Herald’s class', o: { lbClass: 'heraldlb.io/herald' }, want: 'handled' },
    {
      title: 'a LoadBalancer Service with Herald’s class, when Herald is not the default',
      o: { lbClass: 'heraldlb.io/herald' },
      options: { defaultImplementation: false },
      want: 'handled',
    },
    { title: 'a LoadBalancer Service with a class configured for Herald', o: { lbClass: 'example.com/lb' }, options: { loadBalancerClass: 'example.com/lb' }, want: 'handled' },
    {
      title: 'not a Service without a class when Herald is not the default',
      o: {},
      options: { defaultImplementation: false },
      want: 'NoLoadBalancerClass: The Service has no spec.loadBalancerClass and Herald is not the default load balancer here; set it to heraldlb.io/herald to use Herald.',
    },
    {
      title: 'not a Service of another class',
      o: { lbClass: 'other.io/lb' },
      want: 'OtherLoadBalancerClass: The Service asks for load balancer class other.io/lb; Herald serves heraldlb.io/herald.',
    },
    { title: 'not a ClusterIP Service', o: { type: 'ClusterIP' }, want: 'NotLoadBalancer: The Service is of type ClusterIP, not LoadBalancer, so Herald gives it no address.' },
  ];
  for (const c of cases) {
    it(`serves ${c.title}`.replace('serves not', 'does not serve'), () => {
      const got = classifyService(svc('web', c.o), c.options);
      expect(got.handled ? 'handled' : `${got.reason}: ${got.message}`).to.equal(c.want);
    });
  }
});

describe('reading what a Service asks for', () => {
  const problems: Array<{ title: string; o: SvcOptions; want: string }> = [
    {
      title: 'two spellings of one annotation that disagree are refused, naming both',
      o: { annotations: { 'heraldlb.io/address-pool': 'blue', 'metallb.io/address-pool': 'green' } },
      want: 'annotations heraldlb.io/address-pool and metallb.io/address-pool disagree ("blue" and "green"); keep one of them',
    },
    {
      title: 'a malformed address in loadBalancerIPs names the annotation',
      o: { annotations: { 'heraldlb.io/loadBalancerIPs': '198.51.100.300' } },
      want: 'annotation heraldlb.io/loadBalancerIPs "198.51.100.300" is not a valid IPv4 address',
    },
    {
      title: 'an empty entry in loadBalancerIPs is refused',
      o: { annotations: { 'metallb.io/loadBalancerIPs': '198.51.100.7,' } },
      want: 'annotation metallb.io/loadBalancerIPs entry 2 of "198.51.100.7," is empty',
    },
    {
      title: 'two addresses of one family are refused',
      o: { annotations: { 'heraldlb.io/loadBalancerIPs': '198.51.100.7, 198.51.100.8' } },
      want: 'annotation heraldlb.io/loadBalancerIPs lists two IPv4 addresses (198.51.100.7 and 198.51.100.8); give at most one address per family',
    },
    {
      title: 'spec.loadBalancerIP and the annotation asking for different addresses are refused',
      o: { loadBalancerIP: '198.51.100.7', annotations: { 'heraldlb.io/loadBalancerIPs': '198.51.100.8' } },
      want: 'spec.loadBalancerIP and annotation heraldlb.io/loadBalancerIPs ask for different addresses (198.51.100.7 and 198.51.100.8); use only the annotation',
    },
    {
      title: 'a malformed spec.loadBalancerIP names the field',
      o: { loadBalancerIP: '010.0.0.1' },
      want: 'spec.loadBalancerIP "010.0.0.1" is not a valid IPv4 address (an octet has a leading zero, which could be read as octal)',
    },
    {
      title: 'an IPv6 address on a single-stack IPv4 Service is refused',
      o: { families: ['IPv4'], annotations: { 'heraldlb.io/loadBalancerIPs': '2001:db8::7' } },
      want: 'annotation heraldlb.io/loadBalancerIPs asks for 2001:db8::7 (IPv6), but the Service is single-stack IPv4 (spec.ipFamilies, spec.ipFamilyPolicy SingleStack)',
    },
    {
      title: 'an empty address-pool annotation is refused',
      o: { annotations: { 'heraldlb.io/address-pool': '' } },
      want: 'annotation heraldlb.io/address-pool is empty; name an IPAddressPool or remove the annotation',
    },
    { title: 'an unknown ipFamilyPolicy is refused', o: { policy: 'Dual' }, want: 'spec.ipFamilyPolicy "Dual" is not SingleStack, PreferDualStack or RequireDualStack' },
    { title: 'an unknown IP family is refused', o: { families: ['IPv5'] }, want: 'spec.ipFamilies[0] "IPv5" is neither IPv4 nor IPv6' },
  ];
  for (const c of problems) {
    it(c.title, () => {
      const p = readServiceRequest(svc('web', c.o)).problem;
      expect(p === undefined ? 'no problem' : `${p.field} ${p.message}`).to.equal(c.want);
    });
  }

  it('accepts the same value under two spellings, and warns about the deprecated one', () => {
    const r = readServiceRequest(svc('web', { annotations: { 'heraldlb.io/allow-shared-ip': 'k', 'metallb.universe.tf/allow-shared-ip': 'k' } }));
    expect(r.problem).to.equal(undefined);
    expect(r.sharingKey).to.equal('k');
    expect(r.warnings).to.deep.equal(['Annotation metallb.universe.tf/allow-shared-ip is deprecated; use heraldlb.io/allow-shared-ip.']);
  });

  it('reads the metallb.io spellings as Herald’s own', () => {
    const r = readServiceRequest(
      svc('web', { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack', annotations: { 'metallb.io/loadBalancerIPs': '2001:db8::7,198.51.100.7', 'metallb.io/address-pool': 'blue' } }),
    );
    expect(r.problem).to.equal(undefined);
    expect(r.requested[4]?.value).to.equal(0xc6336407n);
    expect(r.requested[6]?.value).to.equal(0x20010db8000000000000000000000007n);
    expect(r.requestedPool).to.equal('blue');
    expect(r.warnings).to.deep.equal([]);
  });

  it('accepts spec.loadBalancerIP and the annotation when they ask for the same address', () => {
    const r = readServiceRequest(svc('web', { loadBalancerIP: '198.51.100.7', annotations: { 'heraldlb.io/loadBalancerIPs': '198.51.100.7' } }));
    expect(r.problem).to.equal(undefined);
    expect(r.requestedFrom).to.equal('annotation heraldlb.io/loadBalancerIPs');
  });

  const families: Array<{ title: string; o: SvcOptions; want: number[] }> = [
    { title: 'a Service without ipFamilies wants IPv4', o: {}, want: [4] },
    { title: 'a single-stack IPv6 Service wants IPv6', o: { families: ['IPv6'] }, want: [6] },
    { title: 'a RequireDualStack Service wants both, its first family first', o: { families: ['IPv6', 'IPv4'], policy: 'RequireDualStack' }, want: [6, 4] },
    { title: 'a PreferDualStack Service with two cluster families wants both', o: { families: ['IPv4', 'IPv6'], policy: 'PreferDualStack' }, want: [4, 6] },
    {
      title: 'a PreferDualStack Service on a single-stack cluster (one family listed) wants that family only',
      o: { families: ['IPv4'], policy: 'PreferDualStack' },
      want: [4],
    },
    { title: 'a Service without ipFamilies asking for an IPv6 address wants IPv6', o: { loadBalancerIP: '2001:db8::1' }, want: [6] },
  ];
  for (const c of families) {
    it(c.title, () => {
      expect(readServiceRequest(svc('web', c.o)).families).to.deep.equal(c.want);
    });
  }

  it('treats Services with externalTrafficPolicy Local as sharing a backend only when their selectors are equal', () => {
    const a = readServiceRequest(svc('a', { local: true, selector: { app: 'x', tier: 'web' } }));
    const b = readServiceRequest(svc('b', { local: true, selector: { tier: 'web', app: 'x' } }));
    const c = readServiceRequest(svc('c', { local: true, selector: { app: 'y' } }));
    const d = readServiceRequest(svc('d', { selector: { app: 'x', tier: 'web' } }));
    expect(a.backend).to.equal(b.backend);
    expect(a.backend).to.not.equal(c.backend);
    expect(a.backend).to.not.equal(d.backend);
    expect(d.backend).to.equal('Cluster');
  });

  it('reads ports with TCP as the default protocol, and reads creationTimestamp given as a string', () => {
    const s = svc('web');
    const spec = s.spec as NonNullable<typeof s.spec>;
    const r = readServiceRequest({ ...s, metadata: { ...s.metadata, creationTimestamp: '2024-01-01T00:00:00Z' }, spec: { ...spec, ports: [{ port: 443 }, { protocol: 'UDP', port: 53 }] } });
    expect(r.ports).to.deep.equal(['TCP/443', 'UDP/53']);
    expect(r.created).to.equal(Date.UTC(2024, 0, 1));
  });

  it('ignores status entries that are hostnames or not addresses, and keeps one per family', () => {
    const r = readServiceRequest(svc('web', { status: ['lb.example.com', '198.51.100.7', '198.51.100.8', '2001:db8::1'] }));
    expect(r.statusIPs.map((ip) => ip.family)).to.deep.equal([4, 6]);
    expect(r.statusIPs[0]?.value).to.equal(0xc6336407n);
  });

  it('never throws, whatever shape the object has', () => {
    const anyValue = fc.anything({ maxDepth: 3 });
    const shape = fc.record(
      {
        metadata: fc.oneof(anyValue, fc.record({ name: anyValue, namespace: anyValue, annotations: anyValue, labels: anyValue, creationTimestamp: anyValue })),
        spec: fc.oneof(
          anyValue,
          fc.record({ type: fc.constantFrom('LoadBalancer', 7), ports: anyValue, ipFamilies: anyValue, ipFamilyPolicy: anyValue, selector: anyValue, loadBalancerIP: anyValue }),
        ),
        status: fc.oneof(anyValue, fc.record({ loadBalancer: fc.record({ ingress: anyValue }) })),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(shape, (service) => {
        // Shapes the types do not allow, on purpose: this is what a watch could deliver.
        const input = service as Parameters<typeof readServiceRequest>[0];
        classifyService(input);
        readServiceRequest(input);
      }),
      { numRuns: 500 },
    );
  });
});
