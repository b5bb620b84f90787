import { expect } from 'chai';
import { type Change, ObjectStore } from './store.js';
import type { KubeObject } from './types.js';

function obj(name: string, namespace = 'default', extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, ...extra };
}

describe('object store', () => {
  it('gives every write the next resourceVersion, across kinds', () => {
    const store = new ObjectStore(100);
    const a = store.put('configmaps', obj('a'));
    const b = store.put('secrets', obj('b'));
    expect([a.metadata.resourceVersion, b.metadata.resourceVersion]).to.deep.equal(['1', '2']);
    expect(store.resourceVersion).to.equal(2);
  });

  it('lists by namespace or across namespaces, ordered by namespace then name', () => {
    const store = new ObjectStore(100);
    store.put('configmaps', obj('b', 'x'));
    store.put('configmaps', obj('a', 'y'));
    store.put('configmaps', obj('a', 'x'));
    expect(store.list('configmaps').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).to.deep.equal(['x/a', 'x/b', 'y/a']);
    expect(store.list('configmaps', 'y')).to.have.length(1);
  });

  it('replays changes after a resourceVersion, then follows live ones, with no gap', () => {
    const store = new ObjectStore(100);
    store.put('configmaps', obj('a'));
    const listedAt = store.resourceVersion;
    store.put('configmaps', obj('b'));
    store.put('configmaps', obj('a', 'default', { data: { k: 'v' } }));
    const seen: string[] = [];
    const started = store.watch('configmaps', undefined, listedAt, (c) => seen.push(`${c.type} ${c.object.metadata.name} ${c.rv}`));
    expect(started.ok).to.equal(true);
    store.remove('configmaps', 'default', 'b');
    expect(seen).to.deep.equal(['ADDED b 2', 'MODIFIED a 3', 'DELETED b 4']);
  });

  it('carries the previous state on MODIFIED and DELETED changes', () => {
    const store = new ObjectStore(100);
    store.put('configmaps', obj('a', 'default', { data: { v: '1' } }));
    const changes: Change[] = [];
    store.watch('configmaps', 'default', store.resourceVersion, (c) => changes.push(c));
    store.put('configmaps', obj('a', 'default', { data: { v: '2' } }));
    expect(changes[0]?.previous?.data).to.deep.equal({ v: '1' });
  });

  it('only tells watchers of the same key and namespace', () => {
    const store = new ObjectStore(100);
    const seen: string[] = [];
    store.watch('configmaps', 'one', 0, (c) => seen.push(c.object.metadata.name ?? ''));
    store.put('configmaps', obj('x', 'two'));
    store.put('secrets', obj('y', 'one'));
    store.put('configmaps', obj('z', 'one'));
    expect(seen).to.deep.equal(['z']);
  });

  it('refuses a watch from a version older than the history window', () => {
    const store = new ObjectStore(5);
    for (let i = 0; i < 20; i++) store.put('configmaps', obj(`o${i}`));
    const started = store.watch('configmaps', undefined, 2, () => {});
    expect(started.ok).to.equal(false);
    const recent = store.watch('configmaps', undefined, 18, () => {});
    expect(recent.ok).to.equal(true);
  });

  it('stops telling a cancelled watcher', () => {
    const store = new ObjectStore(10);
    let n = 0;
    const started = store.watch('configmaps', undefined, 0, () => n++);
    if (started.ok) started.cancel();
    store.put('configmaps', obj('a'));
    expect(n).to.equal(0);
  });

  it('restores a snapshot with its resourceVersion; older watches then get refused', () => {
    const store = new ObjectStore(10);
    store.put('configmaps', obj('a'));
    store.put('widgets', obj('w'));
    const snap = store.snapshot();
    const again = new ObjectStore(10);
    const dropped = again.restore(snap, (k) => k !== 'widgets');
    expect(dropped).to.deep.equal(['widgets']);
    expect(again.get('configmaps', 'default', 'a')?.metadata.resourceVersion).to.equal('1');
    expect(again.resourceVersion).to.equal(2);
    expect(again.watch('configmaps', undefined, 1, () => {}).ok).to.equal(false);
    expect(again.watch('configmaps', undefined, 2, () => {}).ok).to.equal(true);
    expect(again.put('configmaps', obj('b')).metadata.resourceVersion).to.equal('3');
  });

  it('calls the change hook on every write', () => {
    let n = 0;
    const store = new ObjectStore(10, () => n++);
    store.put('configmaps', obj('a'));
    store.remove('configmaps', 'default', 'a');
    expect(n).to.equal(2);
  });
});

describe('object store, failing watchers', () => {
  it('still stores the object and tells the others when one watcher throws', () => {
    const errors: unknown[] = [];
    const store = new ObjectStore(10, () => {}, (e) => errors.push(e));
    const seen: string[] = [];
    store.watch('configmaps', undefined, 0, () => {
      throw new Error('broken watcher');
    });
    store.watch('configmaps', undefined, 0, (c) => seen.push(c.object.metadata.name ?? ''));
    store.put('configmaps', obj('a'));
    expect(store.get('configmaps', 'default', 'a')).to.not.equal(undefined);
    expect(seen).to.deep.equal(['a']);
    expect(errors).to.have.length(1);
  });
});
