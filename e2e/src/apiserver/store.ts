/**
 * The object store: every object by storage key (`heraldlb.io/ipaddresspools`), namespace and name;
 * one resourceVersion counter across all of them; and a bounded history of changes that watches
 * replay from. No I/O and no timers: persistence and HTTP sit outside.
 */
import type { KubeObject } from './types.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  rv: number;
  type: ChangeType;
  key: string;
  object: KubeObject;
  /** The state before a MODIFIED or DELETED change; watches with selectors need it. */
  previous?: KubeObject;
}

export type ChangeListener = (change: Change) => void;

export interface Snapshot {
  resourceVersion: string;
  objects: Record<string, KubeObject[]>;
}

export type WatchStart = { ok: true; cancel: () => void } | { ok: false; oldest: number };

function itemKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

export class ObjectStore {
  private rv = 0;
  /** Changes with rv greater than this are all in `history`; older ones are gone. */
  private compactedThrough = 0;
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  private history: Change[] = [];
  private readonly listeners = new Set<{ key: string; namespace: string | undefined; fn: ChangeListener }>();

  constructor(
    private readonly historyLimit: number,
    private readonly onChange: () => void = () => {},
    private readonly onListenerError: (e: unknown) => void = () => {},
  ) {}

  get resourceVersion(): number {
    return this.rv;
  }

  get(key: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.buckets.get(key)?.get(itemKey(namespace, name));
  }

  /** Objects under `key`, in one namespace or all, ordered by namespace then name as etcd keys sort. */
  list(key: string, namespace?: string): KubeObject[] {
    return this.scan(key, namespace).sort((a, b) =>
      itemKey(a.metadata.namespace, a.metadata.name) < itemKey(b.metadata.namespace, b.metadata.name) ? -1 : 1,
    );
  }

  /** Objects under `key`, in one namespace or all, in no particular order. */
  scan(key: string, namespace?: string): KubeObject[] {
    const bucket = this.buckets.get(key);
    if (!bucket) return [];
    const out: KubeObject[] = [];
    for (const obj of bucket.values()) {
      if (namespace === undefined || obj.metadata.namespace === namespace) out.push(obj);
    }
    return out;
  }

  /** Storage keys that hold at least one object. */
  keys(): string[] {
    return [...this.buckets.entries()].filter(([, b]) => b.size > 0).map(([k]) => k);
  }

  /** Stores `obj` (a fresh object the caller gives up) under a new resourceVersion and tells watchers. */
  put(key: string, obj: KubeObject): KubeObject {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(key, bucket);
    }
    const id = itemKey(obj.metadata.namespace, obj.metadata.name);
    const previous = bucket.get(id);
    obj.metadata.resourceVersion = String(++this.rv);
    bucket.set(id, obj);
    this.record({ rv: this.rv, type: previous ? 'MODIFIED' : 'ADDED', key, object: obj, ...(previous ? { previous } : {}) });
    return obj;
  }

  /**
   * Removes an object; the DELETED change carries it (or `last`, its final state when an update
   * cleared the last finalizer) with the deletion's resourceVersion.
   */
  remove(key: string, namespace: string | undefined, name: string, last?: KubeObject): KubeObject | undefined {
    const bucket = this.buckets.get(key);
    const id = itemKey(namespace, name);
    const previous = bucket?.get(id);
    if (!bucket || !previous) return undefined;
    bucket.delete(id);
    const final = last ?? previous;
    const gone: KubeObject = { ...final, metadata: { ...final.metadata, resourceVersion: String(++this.rv) } };
    this.record({ rv: this.rv, type: 'DELETED', key, object: gone, previous });
    return gone;
  }

  /**
   * Replays changes after `since` for `key` (optionally one namespace), then follows live ones.
   * Refuses when changes after `since` have left the history window: the caller must relist.
   */
  watch(key: string, namespace: string | undefined, since: number, fn: ChangeListener): WatchStart {
    if (since < this.compactedThrough) return { ok: false, oldest: this.compactedThrough };
    const matches = (c: Change): boolean =>
      c.key === key && (namespace === undefined || c.object.metadata.namespace === namespace);
    for (const c of this.history) if (c.rv > since && matches(c)) fn(c);
    const entry = { key, namespace, fn };
    this.listeners.add(entry);
    return { ok: true, cancel: () => this.listeners.delete(entry) };
  }

  snapshot(): Snapshot {
    const objects: Record<string, KubeObject[]> = {};
    for (const key of this.keys()) objects[key] = this.list(key);
    return { resourceVersion: String(this.rv), objects };
  }

  /** Loads a snapshot into an empty store; history starts empty, so older watches get 410 Gone. */
  restore(snapshot: Snapshot, keep: (key: string) => boolean): string[] {
    const dropped: string[] = [];
    this.rv = Math.max(this.rv, Number(snapshot.resourceVersion) || 0);
    this.compactedThrough = this.rv;
    for (const [key, objs] of Object.entries(snapshot.objects)) {
      if (!keep(key)) {
        dropped.push(key);
        continue;
      }
      const bucket = new Map<string, KubeObject>();
      for (const o of objs) bucket.set(itemKey(o.metadata.namespace, o.metadata.name), o);
      this.buckets.set(key, bucket);
    }
    return dropped;
  }

  private record(change: Change): void {
    this.history.push(change);
    if (this.history.length > this.historyLimit) {
      // Trim in chunks so a steady stream of writes does not shift the array on every change.
      const drop = this.history.length - this.historyLimit + Math.ceil(this.historyLimit / 10);
      const cut = Math.min(drop, this.history.length - 1);
      this.compactedThrough = this.history[cut - 1]?.rv ?? this.compactedThrough;
      this.history = this.history.slice(cut);
    }
    for (const l of [...this.listeners]) {
      if (l.key === change.key && (l.namespace === undefined || change.object.metadata.namespace === l.namespace)) {
        this.safely(() => l.fn(change));
      }
    }
    this.safely(this.onChange);
  }

  /** A failing watcher or hook must not fail the write that told it: the write already happened. */
  private safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.onListenerError(e);
    }
  }
}
