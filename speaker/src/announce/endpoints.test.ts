import { expect } from 'chai';
import fc from 'fast-check';
import { type EndpointInput, type EndpointSliceInput, EndpointSliceIndex, readEndpoints, readServiceEndpoints, sliceServiceKey } from './endpoints.js';

function slice(name: string, service: string | undefined, endpoints: EndpointInput[], o: { namespace?: string; family?: 'IPv4' | 'IPv6' } = {}): EndpointSliceInput {
  return {
    metadata: { name, namespace: o.namespace ?? 'default', labels: service === undefined ? {} : { 'kubernetes.io/service-name': service } },
    addressType: o.family ?? 'IPv4',
    endpoints,
  };
}

function pod(uid: string, nodeName: string | undefined, address: string, conditions: EndpointInput['conditions'] = { ready: true }): EndpointInput {
  const e: EndpointInput = { addresses: [address], conditions, targetRef: { kind: 'Pod', namespace: 'default', name: `pod-${uid}`, uid } };
  if (nodeName !== undefined) e.nodeName = nodeName;
  return e;
}

function counts(slices: EndpointSliceInput[]): { byNode: Record<string, number>; total: number } {
  const e = readServiceEndpoints(slices);
  return { byNode: Object.fromEntries([...e.readyByNode].sort()), total: e.readyTotal };
}

describe('ready endpoints from EndpointSlices', () => {
  const rows: Array<{ title: string; conditions: EndpointInput['conditions']; ready: boolean }> = [
    { title: 'counts an endpoint whose ready condition is true', conditions: { ready: true }, ready: true },
    { title: 'counts an endpoint whose ready condition is unset (the API says: treat as ready)', conditions: {}, ready: true },
    { title: 'counts an endpoint without conditions at all', conditions: undefined, ready: true },
    { title: 'counts an endpoint whose ready condition is null', conditions: { ready: null }, ready: true },
    { title: 'does not count an endpoint whose ready condition is false', conditions: { ready: false, serving: false }, ready: false },
    { title: 'does not count a terminating endpoint even while it still serves', conditions: { ready: false, serving: true, terminating: true }, ready: false },
  ];
  for (const row of rows) {
    it(row.title, () => {
      const e: EndpointInput = { addresses: ['10.1.0.1'], nodeName: 'n1' };
      if (row.conditions !== undefined) e.conditions = row.conditions;
      expect(counts([slice('web-a', 'web', [e])])).to.deep.equal(row.ready ? { byNode: { n1: 1 }, total: 1 } : { byNode: {}, total: 0 });
    });
  }

  it('counts per node and in total', () => {
    const got = counts([slice('web-a', 'web', [pod('a', 'n1', '10.1.0.1'), pod('b', 'n1', '10.1.0.2'), pod('c', 'n2', '10.1.0.3'), pod('d', 'n2', '10.1.0.4', { ready: false })])]);
    expect(got).to.deep.equal({ byNode: { n1: 2, n2: 1 }, total: 3 });
  });

  it('counts an endpoint without a node in the total only', () => {
    expect(counts([slice('web-a', 'web', [pod('a', undefined, '10.1.0.1')])])).to.deep.equal({ byNode: {}, total: 1 });
  });

  it('counts a dual-stack pod once although it is in the IPv4 and the IPv6 slice', () => {
    const got = counts([
      slice('web-v4', 'web', [pod('a', 'n1', '10.1.0.1'), pod('b', 'n2', '10.1.0.2')]),
      slice('web-v6', 'web', [pod('a', 'n1', 'fd00::1'), pod('b', 'n2', 'fd00::2')], { family: 'IPv6' }),
    ]);
    expect(got).to.deep.equal({ byNode: { n1: 1, n2: 1 }, total: 2 });
  });

  it('counts a pod as ready while either of its slices says so (they are updated one at a time)', () => {
    const got = counts([slice('web-v4', 'web', [pod('a', 'n1', '10.1.0.1', { ready: false })]), slice('web-v6', 'web', [pod('a', 'n1', 'fd00::1')], { family: 'IPv6' })]);
    expect(got).to.deep.equal({ byNode: { n1: 1 }, total: 1 });
  });

  it('names an endpoint without a targetRef by its node and addresses, so a copy in a second slice counts once', () => {
    const e: EndpointInput = { addresses: ['10.1.0.1'], nodeName: 'n1', conditions: { ready: true } };
    expect(counts([slice('web-a', 'web', [e]), slice('web-b', 'web', [{ ...e }])])).to.deep.equal({ byNode: { n1: 1 }, total: 1 });
  });

  it('falls back to the targetRef name when the uid is missing', () => {
    const e = (address: string): EndpointInput => ({ addresses: [address], nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0' } });
    expect(counts([slice('web-v4', 'web', [e('10.1.0.1')]), slice('web-v6', 'web', [e('fd00::1')], { family: 'IPv6' })])).to.deep.equal({ byNode: { n1: 1 }, total: 1 });
  });

  it('groups slices by the Service named in their label and namespace, and ignores slices without it', () => {
    const all = readEndpoints([
      slice('web-a', 'web', [pod('a', 'n1', '10.1.0.1')]),
      slice('web-b', 'web', [pod('b', 'n2', '10.1.0.2')]),
      slice('web-c', 'web', [pod('c', 'n2', '10.1.0.3')], { namespace: 'shop' }),
      slice('stray', undefined, [pod('d', 'n1', '10.1.0.4')]),
    ]);
    expect([...all.keys()].sort()).to.deep.equal(['default/web', 'shop/web']);
    expect(all.get('default/web')?.readyTotal).to.equal(2);
    expect(all.get('shop/web')?.readyTotal).to.equal(1);
  });

  it('reads a slice with null or odd fields without throwing', () => {
    const odd = { metadata: { name: 'x', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } }, endpoints: [null, { conditions: null, addresses: null }] };
    expect(readServiceEndpoints([odd as unknown as EndpointSliceInput]).readyTotal).to.equal(1);
    expect(sliceServiceKey({ metadata: { labels: null } } as unknown as EndpointSliceInput)).to.equal(undefined);
  });

  it('gives the same counts whatever the order of slices and endpoints', () => {
    const endpoint = fc.record({
      uid: fc.constantFrom('a', 'b', 'c', 'd', ''),
      node: fc.constantFrom('n1', 'n2', undefined),
      address: fc.constantFrom('10.1.0.1', '10.1.0.2', 'fd00::1'),
      ready: fc.constantFrom(true, false, undefined),
    });
    const slices = fc.array(fc.array(endpoint, { maxLength: 5 }), { maxLength: 4 });
    fc.assert(
      fc.property(slices, fc.nat(), (lists, seed) => {
        const build = (l: typeof lists): EndpointSliceInput[] =>
          l.map((eps, i) =>
            slice(
              `s${i}`,
              'web',
              eps.map((e) => {
                const out: EndpointInput = { addresses: [e.address], conditions: e.ready === undefined ? {} : { ready: e.ready } };
                if (e.node !== undefined) out.nodeName = e.node;
                if (e.uid !== '') out.targetRef = { kind: 'Pod', uid: e.uid };
                return out;
              }),
            ),
          );
        const shuffled = [...lists].map((eps) => rotate(eps, seed)).reverse();
        expect(counts(build(shuffled))).to.deep.equal(counts(build(lists)));
      }),
    );
  });
});

function rotate<T>(list: T[], by: number): T[] {
  if (list.length === 0) return list;
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)].reverse();
}

describe('the EndpointSlice index', () => {
  it('recounts a Service from all its slices as they come and go', () => {
    const index = new EndpointSliceIndex();
    expect(index.upsert(slice('web-a', 'web', [pod('a', 'n1', '10.1.0.1')]))).to.deep.equal(['default/web']);
    index.upsert(slice('web-b', 'web', [pod('b', 'n2', '10.1.0.2')]));
    expect(index.endpoints('default/web').readyTotal).to.equal(2);
    expect(index.remove('default', 'web-a')).to.deep.equal(['default/web']);
    expect([...index.endpoints('default/web').readyByNode]).to.deep.equal([['n2', 1]]);
    index.remove('default', 'web-b');
    expect(index.endpoints('default/web').readyTotal).to.equal(0);
  });

  it('reports both Services when a slice moves from one to another', () => {
    const index = new EndpointSliceIndex();
    index.upsert(slice('s', 'web', [pod('a', 'n1', '10.1.0.1')]));
    expect(index.upsert(slice('s', 'api', [pod('a', 'n1', '10.1.0.1')]))).to.deep.equal(['default/web', 'default/api']);
    expect(index.endpoints('default/web').readyTotal).to.equal(0);
    expect(index.endpoints('default/api').readyTotal).to.equal(1);
  });

  it('forgets a slice that loses its service-name label', () => {
    const index = new EndpointSliceIndex();
    index.upsert(slice('s', 'web', [pod('a', 'n1', '10.1.0.1')]));
    expect(index.upsert(slice('s', undefined, [pod('a', 'n1', '10.1.0.1')]))).to.deep.equal(['default/web']);
    expect(index.endpoints('default/web').readyTotal).to.equal(0);
    expect(index.remove('default', 's')).to.deep.equal([]);
  });
});
