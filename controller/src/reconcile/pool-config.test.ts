import { expect } from 'chai';
import { buildPoolConfig, errorsByPool, poolFingerprint } from './pool-config.js';

const pool = (name: string, addresses: string[], status?: unknown) => ({
  metadata: { name, namespace: 'herald-system', resourceVersion: String(Math.random()) },
  spec: { addresses },
  ...(status === undefined ? {} : { status }),
});

describe('controller configuration from IPAddressPools', () => {
  it('does not see a status write or a new resourceVersion as a configuration change', () => {
    const before = poolFingerprint([pool('blue', ['10.0.0.0/24']), pool('green', ['10.0.1.0/24'])]);
    const after = poolFingerprint([pool('green', ['10.0.1.0/24'], { assignedIPv4: 3 }), pool('blue', ['10.0.0.0/24'])]);
    expect(after).to.equal(before);
  });

  it('sees an address change as a configuration change', () => {
    expect(poolFingerprint([pool('blue', ['10.0.0.0/24'])])).not.to.equal(poolFingerprint([pool('blue', ['10.0.0.0/25'])]));
  });

  it('builds the pools it is given', () => {
    const r = buildPoolConfig([pool('blue', ['10.0.0.0/24'])], 'herald-system');
    expect(r.ok).to.equal(true);
    if (r.ok) expect(r.config.pools.map((p) => p.name)).to.deep.equal(['blue']);
  });

  it('groups errors by the pool they name, for one Warning event per pool', () => {
    const r = buildPoolConfig([pool('blue', ['10.0.0.0/24']), pool('red', ['10.0.0.128/25']), pool('bad', ['nonsense'])], 'herald-system');
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    const grouped = errorsByPool(r.errors);
    expect(grouped.map((g) => g.pool)).to.include.members(['bad']);
    for (const g of grouped) for (const m of g.messages) expect(m).to.match(/^IPAddressPool herald-system\//);
    expect(grouped.find((g) => g.pool === 'bad')?.messages.join('\n')).to.match(/nonsense/);
  });
});
