import { expect } from 'chai';
import { normalizeOwned, planOwned } from './owned.js';

describe('owned addresses', () => {
  it('writes every address in canonical form, as frames carry them', () => {
    const owned = normalizeOwned(
      new Map([
        ['2001:DB8:0:0::7', { interfaces: ['eth0'], services: ['default/web'] }],
        ['198.51.100.7', { interfaces: ['eth1'], services: ['default/api'] }],
      ]),
    );
    expect([...owned]).to.deep.equal([
      ['2001:db8::7', { family: 6, interfaces: ['eth0'], services: ['default/web'] }],
      ['198.51.100.7', { family: 4, interfaces: ['eth1'], services: ['default/api'] }],
    ]);
  });

  it('merges two spellings of one address', () => {
    const owned = normalizeOwned(
      new Map([
        ['2001:db8::7', { interfaces: ['eth0'], services: ['a/x'] }],
        ['2001:DB8::7', { interfaces: ['eth1', 'eth0'], services: ['b/y'] }],
      ]),
    );
    expect(owned.get('2001:db8::7')).to.deep.equal({ family: 6, interfaces: ['eth0', 'eth1'], services: ['a/x', 'b/y'] });
  });

  it('refuses what is not an address, naming it', () => {
    expect(() => normalizeOwned(new Map([['198.51.100.7/32', { interfaces: ['eth0'], services: [] }]]))).to.throw(
      'owned address "198.51.100.7/32": "198.51.100.7/32" has a prefix length',
    );
  });

  it('refuses an address with no interface to answer on', () => {
    expect(() => normalizeOwned(new Map([['198.51.100.7', { interfaces: [], services: [] }]]))).to.throw(
      'owned address 198.51.100.7: interfaces: empty',
    );
  });

  it('starts the new (address, interface) pairs, stops the gone ones and leaves the others alone', () => {
    const wanted = normalizeOwned(
      new Map([
        ['198.51.100.7', { interfaces: ['eth0', 'eth1'], services: [] }],
        ['198.51.100.8', { interfaces: ['eth1'], services: [] }],
      ]),
    );
    const plan = planOwned(['eth0 198.51.100.7', 'eth0 198.51.100.8', 'eth2 198.51.100.9'], wanted);
    expect(plan.stop).to.deep.equal(['eth0 198.51.100.8', 'eth2 198.51.100.9']);
    expect(plan.start).to.deep.equal([
      { key: 'eth1 198.51.100.7', address: '198.51.100.7', family: 4, interface: 'eth1' },
      { key: 'eth1 198.51.100.8', address: '198.51.100.8', family: 4, interface: 'eth1' },
    ]);
    expect([...plan.interfaces]).to.deep.equal(['eth0', 'eth1']);
  });
});
