import { expect } from 'chai';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { ServiceKey } from '@herald/shared/service/types.js';
import { collectingLogger } from '../reconcile/test-fixtures.js';
import { L2_STATUS, StatusWriter } from './status-writer.js';

const BACKOFF = { initialMs: 20, maxMs: 80 };

interface Stored {
  labels: Record<string, string>;
  status?: Record<string, unknown>;
}

/**
 * A stand-in for the API's custom objects: keeps the status objects by name, counts the requests,
 * and answers every request with `down` while that is set, or one object's requests with the
 * error in `refused`.
 */
class FakeApi {
  readonly objects = new Map<string, Stored>();
  readonly requests: { at: number; what: string }[] = [];
  down: Error | undefined;
  readonly refused = new Map<string, Error>();

  private answer(what: string, name?: string): void {
    this.requests.push({ at: performance.now(), what });
    if (this.down) throw this.down;
    const refusal = name === undefined ? undefined : this.refused.get(name);
    if (refusal) throw refusal;
  }

  async listNamespacedCustomObject(): Promise<unknown> {
    this.answer('list');
    return { items: [...this.objects].map(([name, o]) => ({ metadata: { name, labels: o.labels }, status: o.status })) };
  }

  async createNamespacedCustomObject(req: { body: { metadata: { name: string; labels: Record<string, string> } } }): Promise<unknown> {
    const name = req.body.metadata.name;
    this.answer('create', name);
    if (this.objects.has(name)) throw httpError(409);
    this.objects.set(name, { labels: req.body.metadata.labels });
    return req.body;
  }

  async patchNamespacedCustomObjectStatus(req: { name: string; body: [{ value: Record<string, unknown> }] }): Promise<unknown> {
    this.answer('patch', req.name);
    const o = this.objects.get(req.name);
    if (o === undefined) throw httpError(404);
    o.status = req.body[0].value;
    return o;
  }

  async deleteNamespacedCustomObject(req: { name: string }): Promise<unknown> {
    this.answer('delete', req.name);
    if (!this.objects.delete(req.name)) throw httpError(404);
    return {};
  }

  interfacesOf(service: string): unknown {
    return (this.objects.get(`l2-node1-shop-${service}`)?.status?.interfaces as { name: string }[] | undefined)?.map((i) => i.name);
  }
}

/** Resolves once `done()` holds, checking every few milliseconds; fails naming `what` after `withinMs`. */
async function waitUntil(what: string, done: () => boolean, withinMs = 5000): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`not within ${withinMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function httpError(code: number): Error {
  return Object.assign(new Error(`HTTP ${code}`), { code });
}

function services(n: number, iface = 'eth0'): Map<ServiceKey, readonly string[]> {
  return new Map(Array.from({ length: n }, (_, i) => [`shop/web-${i}`, [iface]]));
}

/** Writers made by setup(), stopped after each test. */
const writers: StatusWriter<readonly string[]>[] = [];

interface Setup {
  api: FakeApi;
  writer: StatusWriter<readonly string[]>;
  /** The waits before trying again that the writer logged, in ms. */
  waits: () => number[];
}

function setup(): Setup {
  const api = new FakeApi();
  const { log, logs } = collectingLogger();
  // The writer calls four methods of CustomObjectsApi; the stand-in has those and nothing else.
  const writer = new StatusWriter(L2_STATUS, { api: api as unknown as CustomObjectsApi, namespace: 'herald-system', nodeName: 'node1', log, backoff: BACKOFF });
  const waits = (): number[] => logs.filter((l) => typeof l.retryInMs === 'number').map((l) => l.retryInMs as number);
  writers.push(writer);
  return { api, writer, waits };
}

/** A writer that has listed its objects; then the API server goes down with `error`, and the writer is given `n` Services. */
async function downAfterListing(error: Error, n: number): Promise<Setup> {
  const t = setup();
  await t.writer.held();
  t.api.down = error;
  t.writer.set(services(n));
  return t;
}

/** Each wait against the doubling it should be, allowing the jitter's at most a fifth shorter. */
function expectWaits(waits: number[], doubling: number[]): void {
  expect(waits).to.have.length(doubling.length);
  waits.forEach((w, i) => expect(w, `wait ${i + 1} of ${waits.join(', ')}`).to.be.within(Math.floor((doubling[i] ?? 0) * 0.8), doubling[i] ?? 0));
}

describe('status writer: ServiceL2Status and ServiceBGPStatus objects', () => {
  afterEach(() => writers.splice(0).forEach((w) => w.stop()));

  it('writes one status object per Service this node announces, and deletes those it stops announcing', async () => {
    const t = setup();
    t.writer.set(services(3));
    await t.writer.idle();
    expect([...t.api.objects.keys()]).to.deep.equal(['l2-node1-shop-web-0', 'l2-node1-shop-web-1', 'l2-node1-shop-web-2']);
    expect(t.api.interfacesOf('web-1')).to.deep.equal(['eth0']);
    t.writer.set(new Map([['shop/web-1', ['eth0']]]));
    await t.writer.idle();
    expect([...t.api.objects.keys()]).to.deep.equal(['l2-node1-shop-web-1']);
  });

  it('writes only the Services a change names, leaving the others as they are', async () => {
    const t = setup();
    t.writer.set(services(3));
    await t.writer.idle();
    const before = t.api.requests.length;
    t.writer.update(new Map([['shop/web-1', ['eth1']], ['shop/web-2', undefined]]));
    await t.writer.idle();
    expect(t.api.requests.slice(before).map((r) => r.what)).to.deep.equal(['patch', 'delete']);
    expect([...t.api.objects.keys()]).to.deep.equal(['l2-node1-shop-web-0', 'l2-node1-shop-web-1']);
    expect(t.api.interfacesOf('web-0')).to.deep.equal(['eth0']);
    expect(t.api.interfacesOf('web-1')).to.deep.equal(['eth1']);
  });

  it('looks at the object of the one Service that changed, not at those of the other 1,000', async () => {
    const api = new FakeApi();
    let compared = 0;
    const kind = { ...L2_STATUS, same: (a: readonly string[], b: readonly string[]) => (compared++, L2_STATUS.same(a, b)) };
    const writer = new StatusWriter(kind, { api: api as unknown as CustomObjectsApi, namespace: 'herald-system', nodeName: 'node1', log: collectingLogger().log });
    writers.push(writer);
    writer.set(services(1000));
    await writer.idle();
    compared = 0;
    writer.update(new Map([['shop/web-7', ['eth1']]]));
    await writer.idle();
    expect(compared, 'the change against what was wanted, then against what the API holds').to.be.at.most(2);
    expect(api.interfacesOf('web-7')).to.deep.equal(['eth1']);
  });

  it('deletes the objects it held before a restart that it no longer announces', async () => {
    const t = setup();
    t.writer.set(services(3));
    await t.writer.idle();
    const restarted = setup();
    for (const [name, o] of t.api.objects) restarted.api.objects.set(name, o);
    expect([...(await restarted.writer.held())].sort()).to.deep.equal(['shop/web-0', 'shop/web-1', 'shop/web-2']);
    restarted.writer.update(new Map([['shop/web-1', ['eth0']]]));
    await restarted.writer.idle();
    expect([...restarted.api.objects.keys()]).to.deep.equal(['l2-node1-shop-web-1']);
    expect(restarted.api.requests.map((r) => r.what)).to.deep.equal(['list', 'delete', 'delete']);
  });

  it('sends one request, not one per Service, when the API server is down', async () => {
    const t = await downAfterListing(new Error('socket hang up'), 100);
    await t.writer.idle();
    expect(t.api.requests.map((r) => r.what)).to.deep.equal(['list', 'create']);
  });

  it('waits longer after each failure in a row while the API server stays down, up to its longest wait', async () => {
    const t = await downAfterListing(httpError(503), 10);
    await waitUntil('six waits', () => t.waits().length >= 6);
    expectWaits(t.waits().slice(0, 5), [20, 40, 80, 80, 80]);
    const at = t.api.requests.map((r) => r.at);
    // A timer fires no earlier than asked (to the millisecond), so each request after a failure came at least its wait later.
    t.waits().slice(0, 5).forEach((w, i) => expect((at[i + 2] ?? 0) - (at[i + 1] ?? 0)).to.be.at.least(w - 1));
  });

  it('does not call the API server for changes made while it waits, and writes where they ended once it answers again', async () => {
    const t = await downAfterListing(new Error('connect ECONNREFUSED'), 5);
    await t.writer.idle();
    const before = t.api.requests.length;
    for (let n = 6; n <= 50; n++) t.writer.set(services(n));
    await t.writer.idle();
    expect(t.api.requests.length, 'requests during the wait').to.equal(before);
    t.api.down = undefined;
    await waitUntil('50 objects', () => t.api.objects.size === 50);
    await t.writer.idle();
    expect(t.api.requests.filter((r) => r.what === 'create')).to.have.length(before - 1 + 50);
  });

  it('starts again from the shortest wait once a write goes through', async () => {
    const t = await downAfterListing(httpError(500), 1);
    await waitUntil('three waits', () => t.waits().length >= 3);
    t.api.down = undefined;
    await waitUntil('the object', () => t.api.objects.size === 1);
    await t.writer.idle();
    t.api.down = httpError(500);
    t.writer.set(services(1, 'eth1'));
    await waitUntil('a fourth wait', () => t.waits().length >= 4);
    expectWaits(t.waits().slice(0, 4), [20, 40, 80, 20]);
  });

  it('goes on writing the other Services when the API server refuses one object, and tries that one again later', async () => {
    const t = setup();
    t.api.refused.set('l2-node1-shop-web-0', httpError(422));
    t.writer.set(services(3));
    await t.writer.idle();
    expect([...t.api.objects.keys()]).to.deep.equal(['l2-node1-shop-web-1', 'l2-node1-shop-web-2']);
    t.api.refused.clear();
    await waitUntil('the refused object', () => t.api.objects.has('l2-node1-shop-web-0'));
  });

  it('creates a status object again when someone else deleted it', async () => {
    const t = setup();
    t.writer.set(services(1));
    await t.writer.idle();
    t.api.objects.clear();
    t.writer.set(services(1, 'eth1'));
    await waitUntil('the object created again', () => t.api.interfacesOf('web-0') !== undefined);
    expect(t.api.interfacesOf('web-0')).to.deep.equal(['eth1']);
  });
});
