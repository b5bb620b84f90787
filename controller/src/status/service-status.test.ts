import { expect } from 'chai';
import type { Decision } from '../allocator/index.js';
import { CONDITION_TYPE, desiredServiceStatus, ingressIPs, type ServiceStatusView } from './service-status.js';

const NOW = new Date('2026-11-24T10:00:00.123Z');
const EARLIER = '2026-11-20T08:00:00Z';
const ref = { namespace: 'shop', name: 'web' };

function allocated(ips: string[], previous: string[] = [], reason: 'Allocated' | 'Kept' | 'Reallocated' = 'Allocated'): Decision {
  return { outcome: 'allocated', reason, service: ref, key: 'shop/web', ips, previous, pool: 'blue', message: 'whatever the allocator says', warnings: [] };
}

function failed(reason: 'PoolExhausted' | 'AddressInUse', previous: string[] = []): Decision {
  return { outcome: 'failed', reason, service: ref, key: 'shop/web', ips: [], previous, message: `no luck: ${reason}`, warnings: [], details: [] };
}

function notHandled(previous: string[]): Decision {
  return { outcome: 'notHandled', reason: 'OtherLoadBalancerClass', service: ref, key: 'shop/web', ips: [], previous, message: 'other class', warnings: [] };
}

const served = (ips: string[], extra: Partial<ServiceStatusView> = {}): ServiceStatusView => ({
  loadBalancer: { ingress: ips.map((ip) => ({ ip, ipMode: 'VIP' })) },
  conditions: [
    {
      type: CONDITION_TYPE,
      status: 'True',
      reason: 'Allocated',
      message: `Serving ${ips.join(' and ')} from IPAddressPool blue.`,
      observedGeneration: 1,
      lastTransitionTime: EARLIER,
    },
  ],
  ...extra,
});

describe('desired Service status', () => {
  it('lists each address with ipMode VIP and a True condition naming the pool', () => {
    expect(desiredServiceStatus(allocated(['10.0.0.1', 'fd00::1']), undefined, 1, NOW)).to.deep.equal({
      loadBalancer: { ingress: [{ ip: '10.0.0.1', ipMode: 'VIP' }, { ip: 'fd00::1', ipMode: 'VIP' }] },
      conditions: [
        {
          type: CONDITION_TYPE,
          status: 'True',
          reason: 'Allocated',
          message: 'Serving 10.0.0.1 and fd00::1 from IPAddressPool blue.',
          observedGeneration: 1,
          lastTransitionTime: '2026-11-24T10:00:00Z',
        },
      ],
    });
  });

  it('asks for no write when a kept address is already in status with the same condition', () => {
    expect(desiredServiceStatus(allocated(['10.0.0.1'], ['10.0.0.1'], 'Kept'), served(['10.0.0.1']), 1, NOW)).to.equal(undefined);
  });

  it('treats an ingress entry without ipMode as VIP, as API servers before 1.30 store it', () => {
    const status = served(['10.0.0.1']);
    status.loadBalancer = { ingress: [{ ip: '10.0.0.1' }] };
    expect(desiredServiceStatus(allocated(['10.0.0.1'], ['10.0.0.1'], 'Kept'), status, 1, NOW)).to.equal(undefined);
  });

  it('updates observedGeneration after a spec change but keeps the transition time', () => {
    const next = desiredServiceStatus(allocated(['10.0.0.1'], ['10.0.0.1'], 'Kept'), served(['10.0.0.1']), 2, NOW);
    expect(next?.conditions?.[0]).to.include({ observedGeneration: 2, lastTransitionTime: EARLIER });
  });

  it('writes a False condition with the failure reason and message and no ingress', () => {
    const next = desiredServiceStatus(failed('PoolExhausted', ['10.0.0.1']), served(['10.0.0.1']), 1, NOW);
    expect(next?.loadBalancer).to.deep.equal({});
    expect(next?.conditions).to.deep.equal([
      {
        type: CONDITION_TYPE,
        status: 'False',
        reason: 'PoolExhausted',
        message: 'no luck: PoolExhausted',
        observedGeneration: 1,
        lastTransitionTime: '2026-11-24T10:00:00Z',
      },
    ]);
  });

  it('keeps the transition time when a failure changes only its message', () => {
    const before = desiredServiceStatus(failed('PoolExhausted'), undefined, 1, new Date(EARLIER)) as ServiceStatusView;
    const d = { ...failed('PoolExhausted'), message: 'still no luck' };
    expect(desiredServiceStatus(d, before, 1, NOW)?.conditions?.[0]).to.include({ message: 'still no luck', lastTransitionTime: EARLIER });
  });

  it('moves the transition time when the reason changes', () => {
    const before = desiredServiceStatus(failed('PoolExhausted'), undefined, 1, new Date(EARLIER)) as ServiceStatusView;
    expect(desiredServiceStatus(failed('AddressInUse'), before, 1, NOW)?.conditions?.[0]).to.include({ lastTransitionTime: '2026-11-24T10:00:00Z' });
  });

  it('leaves other controllers\' conditions where they are', () => {
    const other = { type: 'example.com/Ready', status: 'True', reason: 'Fine', message: '', lastTransitionTime: EARLIER };
    const status = served(['10.0.0.1']);
    status.conditions = [other, ...(status.conditions ?? [])];
    const next = desiredServiceStatus(allocated(['10.0.0.2'], ['10.0.0.1'], 'Reallocated'), status, 1, NOW);
    expect(next?.conditions?.map((c) => c.type)).to.deep.equal(['example.com/Ready', CONDITION_TYPE]);
    expect(next?.conditions?.[0]).to.equal(other);
    expect(ingressIPs(next)).to.deep.equal(['10.0.0.2']);
  });

  it('removes Herald\'s addresses and condition from a Service it no longer serves', () => {
    const next = desiredServiceStatus(notHandled(['10.0.0.1']), served(['10.0.0.1']), 1, NOW);
    expect(next).to.deep.equal({ loadBalancer: {} });
  });

  it('leaves a Service it never served alone, even with addresses in status', () => {
    const other: ServiceStatusView = { loadBalancer: { ingress: [{ ip: '192.0.2.7' }] } };
    expect(desiredServiceStatus(notHandled(['192.0.2.7']), other, 1, NOW)).to.equal(undefined);
  });

  it('replaces a Service\'s ingress entries with ports by plain ones', () => {
    const status = served(['10.0.0.1']);
    status.loadBalancer = { ingress: [{ ip: '10.0.0.1', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }] }] };
    expect(desiredServiceStatus(allocated(['10.0.0.1'], ['10.0.0.1'], 'Kept'), status, 1, NOW)?.loadBalancer).to.deep.equal({
      ingress: [{ ip: '10.0.0.1', ipMode: 'VIP' }],
    });
  });
});
