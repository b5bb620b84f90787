import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import type { CoreV1Api, V1Service } from '@kubernetes/client-node';
import { createLogger } from '@herald/shared/log/logger.js';
import type { Decision } from '../allocator/index.js';
import { ControllerMetrics } from '../metrics/metrics.js';
import { ServiceStatusWriter } from './service-status-writer.js';

const ref = { namespace: 'shop', name: 'web' };

function allocated(ip: string, previous: string[] = []): Decision {
  return { outcome: 'allocated', reason: previous.length ? 'Kept' : 'Allocated', service: ref, key: 'shop/web', ips: [ip], previous, pool: 'blue', message: '', warnings: [] };
}

function service(resourceVersion: string, status: V1Service['status'] = {}): V1Service {
  return { metadata: { name: 'web', namespace: 'shop', uid: 'u1', resourceVersion, generation: 1 }, spec: { type: 'LoadBalancer' }, status };
}

/** A stand-in for the API: records status writes, answers with the next resourceVersion, or with the errors queued. */
class FakeApi {
  writes: V1Service[] = [];
  reads = 0;
  failures: { code: number }[] = [];
  stored: V1Service = service('1');

  async replaceNamespacedServiceStatus(req: { body: V1Service }): Promise<V1Service> {
    const failure = this.failures.shift();
    if (failure) throw Object.assign(new Error(`HTTP ${failure.code}`), failure);
    if (req.body.metadata?.resourceVersion !== this.stored.metadata?.resourceVersion) throw Object.assign(new Error('conflict'), { code: 409 });
    this.writes.push(req.body);
    this.stored = { ...req.body, metadata: { ...req.body.metadata, resourceVersion: String(Number(this.stored.metadata?.resourceVersion) + 1) } };
    return this.stored;
  }

  async readNamespacedServiceStatus(): Promise<V1Service> {
    this.reads++;
    return this.stored;
  }
}

function writer(api: FakeApi, cached: () => V1Service | undefined, written: string[] = []): ServiceStatusWriter {
  return new ServiceStatusWriter({
    api: api as unknown as CoreV1Api,
    cached,
    log: createLogger({ component: 'test', stream: new PassThrough() }),
    metrics: new ControllerMetrics({ processMetrics: false }),
    onWritten: (d) => written.push(d.ips.join()),
    now: () => new Date('2026-11-24T10:00:00Z'),
  });
}

describe('Service status writer', () => {
  it('writes a new address once, and not again when the decision is repeated before the watch shows the write', async () => {
    const api = new FakeApi();
    let cache: V1Service | undefined = api.stored;
    const w = writer(api, () => cache);
    w.submit(allocated('10.0.0.1'));
    await w.idle();
    w.submit(allocated('10.0.0.1', ['10.0.0.1']));
    await w.idle();
    expect(api.writes).to.have.length(1);
    expect(api.writes[0]?.status?.loadBalancer?.ingress).to.deep.equal([{ ip: '10.0.0.1', ipMode: 'VIP' }]);
    // The watch catches up; the same decision again still writes nothing.
    cache = api.stored;
    w.observed(api.stored);
    w.submit(allocated('10.0.0.1', ['10.0.0.1']));
    await w.idle();
    expect(api.writes).to.have.length(1);
  });

  it('re-reads the Service after a conflict and writes on top of the fresh copy', async () => {
    const api = new FakeApi();
    const stale = api.stored;
    api.stored = service('5', { conditions: [{ type: 'example.com/Ready', status: 'True', reason: 'Fine', message: '', lastTransitionTime: new Date(0) }] });
    const w = writer(api, () => stale);
    w.submit(allocated('10.0.0.1'));
    await w.idle();
    expect(api.reads).to.equal(1);
    expect(api.writes).to.have.length(1);
    expect(api.writes[0]?.metadata?.resourceVersion).to.equal('5');
    expect(api.writes[0]?.status?.conditions?.map((c) => c.type)).to.deep.equal(['example.com/Ready', 'heraldlb.io/AddressAllocated']);
  });

  it('replaces a decision not yet written by a newer one, writing only the newer', async () => {
    const api = new FakeApi();
    const written: string[] = [];
    const w = writer(api, () => api.stored, written);
    api.failures.push({ code: 500 });
    w.submit(allocated('10.0.0.1'));
    w.submit(allocated('10.0.0.2'));
    await w.idle();
    expect(written).to.deep.equal(['10.0.0.2']);
  });

  it('gives up on a Service that was deleted meanwhile', async () => {
    const api = new FakeApi();
    api.failures.push({ code: 404 });
    const w = writer(api, () => api.stored);
    w.submit(allocated('10.0.0.1'));
    await w.idle();
    expect(api.writes).to.deep.equal([]);
  });

  it('writes nothing for a Service that is no longer in the cache', async () => {
    const api = new FakeApi();
    const w = writer(api, () => undefined);
    w.submit(allocated('10.0.0.1'));
    await w.idle();
    expect(api.writes).to.deep.equal([]);
  });
});
