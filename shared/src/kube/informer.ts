import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../log/logger.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { apiErrorMessage } from './errors.js';

export interface InformerOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** What it watches, for log lines: "services", "ipaddresspools". */
  name: string;
  /** The collection's URL path, as for a list: `/api/v1/services`. */
  path: string;
  /** Lists the same collection (a consistent read: no resourceVersion). */
  list: () => Promise<KubernetesListObject<T>>;
  log?: Logger;
  backoff?: BackoffPolicy;
  /**
   * Keeps only what the process reads of each object (like client-go's SetTransform). Applied as
   * each listed or watched object arrives, before ListWatch sees it, so both ListWatch's map and
   * this cache hold the one slim object and the full one is garbage at once.
   */
  transform?: (obj: T) => T;
}

export interface InformerHandlers<T> {
  add?(obj: T): void;
  update?(obj: T, old: T): void;
  delete?(obj: T): void;
}

/** "namespace/name" for namespaced objects, "name" for cluster-scoped ones. */
export function objectKey(obj: KubernetesObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

/**
 * A Watch that can be retired: ListWatch.stop() aborts only a watch whose response has already
 * arrived, so a watch still connecting would otherwise live on (and hold the server open) after
 * its informer moved on.
 */
class RetirableWatch<T> extends Watch {
  private retired = false;
  private readonly open = new Set<AbortController>();

  constructor(
    kubeConfig: KubeConfig,
    private readonly transform: ((obj: T) => T) | undefined,
  ) {
    super(kubeConfig);
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    let ended = false;
    const controller = await super.watch(
      path,
      queryParams,
      (phase, obj, watchObj) => {
        if (this.retired) return;
        // ERROR carries a Status and BOOKMARK only a resourceVersion: neither is an object to slim.
        const object = this.transform !== undefined && isObjectEvent(phase) ? this.transform(obj as T) : obj;
        callback(phase, object, watchObj);
      },
      (err) => {
        ended = true;
        done(err);
      },
    );
    if (this.retired) controller.abort();
    else if (!ended) {
      this.open.add(controller);
      controller.signal.addEventListener('abort', () => this.open.delete(controller), { once: true });
    }
    return controller;
  }

  retire(): void {
    this.retired = true;
    for (const c of this.open) c.abort();
    this.open.clear();
  }
}

function isObjectEvent(phase: string): boolean {
  return phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED';
}

function sameVersion(a: KubernetesObject, b: KubernetesObject): boolean {
  const rv = a.metadata?.resourceVersion;
  return rv !== undefined && rv !== null && rv === b.metadata?.resourceVersion;
}

/**
 * A cache of one collection kept current by client-node's ListWatch, with what ListWatch lacks
 * for a long-running process:
 * - `synced` resolves once the first list is in the cache and its handlers have run;
 * - a failed list or watch (ListWatch stops on any error but 410) starts a new ListWatch after a
 *   backoff, so an API server that goes away does not end the process; the cache stays readable
 *   meanwhile, and the new list is diffed against it, so handlers hear only what changed;
 * - `relist()` forces a fresh consistent list, for a new leader that must not act on a cache that
 *   might lag behind the previous leader's last writes.
 */
export class Informer<T extends KubernetesObject> {
  readonly synced: Promise<void>;
  private resolveSynced!: () => void;
  private isSynced = false;
  private readonly cache = new Map<string, T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private watcher: { lw: ListWatch<T>; watch: RetirableWatch<T> } | undefined;
  /** Bumped whenever a ListWatch is retired, so its late callbacks are recognised and dropped. */
  private generation = 0;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private listedSince = 0;
  private listWaiters: (() => void)[] = [];

  constructor(private readonly o: InformerOptions<T>) {
    this.synced = new Promise((resolve) => (this.resolveSynced = resolve));
  }

  on(handlers: InformerHandlers<T>): void {
    this.handlers.push(handlers);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.launch();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.retire();
  }

  /** Lists again now (a consistent read) and resolves once the cache reflects that list. */
  async relist(): Promise<void> {
    const done = new Promise<void>((resolve) => this.listWaiters.push(resolve));
    clearTimeout(this.timer);
    await this.retire();
    if (!this.stopped) this.launch();
    return done;
  }

  get hasSynced(): boolean {
    return this.isSynced;
  }

  /** When the request of the last successful list was sent (ms since the epoch); 0 before any. */
  get lastListStartedAt(): number {
    return this.listedSince;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  get size(): number {
    return this.cache.size;
  }

  private launch(): void {
    const gen = this.generation;
    const watch = new RetirableWatch(this.o.kubeConfig, this.o.transform);
    const lw = new ListWatch<T>(this.o.path, watch, () => this.listFor(gen), false);
    const live = (): boolean => gen === this.generation && !this.stopped;
    lw.on('add', (obj) => live() && this.upsert(obj));
    lw.on('update', (obj) => live() && this.upsert(obj));
    lw.on('delete', (obj) => live() && this.remove(objectKey(obj), obj));
    lw.on('error', (err) => this.failed(gen, err));
    this.watcher = { lw, watch };
    lw.start().catch((err: unknown) => this.failed(gen, err));
  }

  private async retire(): Promise<void> {
    this.generation++;
    const w = this.watcher;
    this.watcher = undefined;
    w?.watch.retire();
    await w?.lw.stop();
  }

  private async listFor(gen: number): Promise<KubernetesListObject<T>> {
    const startedAt = Date.now();
    const listed = await this.o.list();
    const transform = this.o.transform;
    const list = transform === undefined ? listed : { ...listed, items: listed.items.map((obj) => transform(obj)) };
    if (gen !== this.generation || this.stopped) return list;
    const present = new Set(list.items.map(objectKey));
    for (const [key, obj] of [...this.cache]) if (!present.has(key)) this.remove(key, obj);
    // ListWatch adds the listed items synchronously once this promise settles; setImmediate runs
    // after that, so `synced` means "listed and every handler has seen the items".
    setImmediate(() => {
      if (gen !== this.generation || this.stopped) return;
      this.failures = 0;
      this.listedSince = startedAt;
      if (!this.isSynced) {
        this.isSynced = true;
        this.resolveSynced();
      }
      const waiters = this.listWaiters;
      this.listWaiters = [];
      for (const w of waiters) w();
    });
    return list;
  }

  private failed(gen: number, err: unknown): void {
    if (gen !== this.generation || this.stopped) return;
    this.failures++;
    const delay = backoffDelay(this.failures, this.o.backoff ?? DEFAULT_BACKOFF, Math.random());
    this.o.log?.warn(`watch of ${this.o.name} failed; listing again in ${delay} ms, serving the cached copy meanwhile`, {
      reason: apiErrorMessage(err),
      failures: this.failures,
    });
    void this.retire();
    this.timer = setTimeout(() => {
      if (!this.stopped) this.launch();
    }, delay);
  }

  private upsert(obj: T): void {
    const key = objectKey(obj);
    const old = this.cache.get(key);
    if (old !== undefined && sameVersion(old, obj)) return;
    this.cache.set(key, obj);
    for (const h of this.handlers) this.call(() => (old === undefined ? h.add?.(obj) : h.update?.(obj, old)));
  }

  private remove(key: string, obj: T): void {
    if (!this.cache.delete(key)) return;
    for (const h of this.handlers) this.call(() => h.delete?.(obj));
  }

  /** A handler's bug must not stop the watch that feeds every other handler. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.o.log?.error(`a handler of the ${this.o.name} informer failed`, { reason: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  }
}
