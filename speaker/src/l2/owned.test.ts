import { expect } from 'chai';
import { parseIPResult } from '@herald/shared/net/address.js';
import { type OwnedAddress, OwnedTable } from './owned.js';

function owned(...entries: [string, string[], string[]?][]): Map<string, OwnedAddress> {
  return new Map(entries.map(([address, interfaces, services]) => [address, { interfaces, services: services ?? [] }]));
}

/** A table whose address reads are counted, as `reads()`. */
function counting(): { table: OwnedTable; reads: () => number } {
  let reads = 0;
  const table = new OwnedTable((text) => {
    reads++;
    return parseIPResult(text);
  });
  return { table, reads: () => reads };
}

/** `n` IPv4 addresses of 10.0.0.0/16, each on eth1 for its own Service. */
function many(n: number): Map<string, OwnedAddress> {
  return new Map(Array.from({ length: n }, (_, i) => [`10.0.${i >> 8}.${i & 255}`, { interfaces: ['eth1'], services: [`default/s${i}`] }]));
}

describe('owned addresses', () => {
  it('writes every address in canonical form, as frames carry them', () => {
    const table = new OwnedTable();
    table.update({
      set: owned(['2001:DB8:0:0::7', ['eth0'], ['default/web']], ['198.51.100.7', ['eth1'], ['default/api']]),
    });
    expect([...table.entries]).to.deep.equal([
      ['2001:db8::7', { family: 6, interfaces: ['eth0'], services: ['default/web'] }],
      ['198.51.100.7', { family: 4, interfaces: ['eth1'], services: ['default/api'] }],
    ]);
  });

  it('merges two spellings of one address, and keeps what the other says when one goes', () => {
    const table = new OwnedTable();
    table.update({ set: owned(['2001:db8::7', ['eth0'], ['a/x']], ['2001:DB8::7', ['eth1', 'eth0'], ['b/y']]) });
    expect(table.entries.get('2001:db8::7')).to.deep.equal({ family: 6, interfaces: ['eth0', 'eth1'], services: ['a/x', 'b/y'] });
    const plan = table.update({ removed: ['2001:db8::7'] });
    expect(table.entries.get('2001:db8::7')).to.deep.equal({ family: 6, interfaces: ['eth1', 'eth0'], services: ['b/y'] });
    expect(plan).to.deep.equal({ stop: [], start: [] });
  });

  it('refuses what is not an address, naming it, and changes nothing', () => {
    const table = new OwnedTable();
    table.update({ set: owned(['198.51.100.8', ['eth0']]) });
    expect(() => table.update({ set: owned(['198.51.100.9', ['eth1']], ['198.51.100.7/32', ['eth0']]), removed: ['198.51.100.8'] })).to.throw(
      'owned address "198.51.100.7/32": "198.51.100.7/32" has a prefix length',
    );
    expect([...table.entries.keys()]).to.deep.equal(['198.51.100.8']);
    expect([...table.interfaces()]).to.deep.equal(['eth0']);
  });

  it('refuses an address with no interface to answer on', () => {
    expect(() => new OwnedTable().update({ set: owned(['198.51.100.7', []]) })).to.throw('owned address 198.51.100.7: interfaces: empty');
  });

  it('starts the new (address, interface) pairs, stops the gone ones and leaves the others alone', () => {
    const table = new OwnedTable();
    table.update({ set: owned(['198.51.100.7', ['eth0']], ['198.51.100.8', ['eth0']], ['198.51.100.9', ['eth2']]) });
    const plan = table.update({ set: owned(['198.51.100.7', ['eth0', 'eth1']], ['198.51.100.8', ['eth1']]), removed: ['198.51.100.9'] });
    expect(plan.stop).to.deep.equal(['eth2 198.51.100.9', 'eth0 198.51.100.8']);
    expect(plan.start).to.deep.equal([
      { key: 'eth1 198.51.100.7', address: '198.51.100.7', family: 4, interface: 'eth1' },
      { key: 'eth1 198.51.100.8', address: '198.51.100.8', family: 4, interface: 'eth1' },
    ]);
    expect([...table.interfaces()]).to.deep.equal(['eth0', 'eth1']);
    expect([...table.pairsOn('eth1')].map((p) => p.address)).to.deep.equal(['198.51.100.7', '198.51.100.8']);
  });

  it("answers a new Service's address without reading the other 10,000 again", () => {
    const { table, reads } = counting();
    table.update({ set: many(10_000) });
    expect(reads()).to.equal(10_000);
    const plan = table.update({ set: owned(['10.1.0.1', ['eth1'], ['default/new']]) });
    expect(reads()).to.equal(10_001);
    expect(plan).to.deep.equal({ stop: [], start: [{ key: 'eth1 10.1.0.1', address: '10.1.0.1', family: 4, interface: 'eth1' }] });
    expect(table.entries.size).to.equal(10_001);
  });

  it('reads no address again when the whole set is given again, and starts or stops nothing', () => {
    const { table, reads } = counting();
    const all = many(1000);
    table.update({ set: all });
    const same = table.changeTo(many(1000));
    expect([...(same.set ?? [])]).to.deep.equal([]);
    expect([...(same.removed ?? [])]).to.deep.equal([]);
    const grown = new Map(all).set('10.1.0.1', { interfaces: ['eth1'], services: [] });
    grown.delete('10.0.0.0');
    const change = table.changeTo(grown);
    expect([...(change.set?.keys() ?? [])]).to.deep.equal(['10.1.0.1']);
    expect(change.removed).to.deep.equal(['10.0.0.0']);
    expect(table.update(change).stop).to.deep.equal(['eth1 10.0.0.0']);
    expect(reads()).to.equal(1001);
  });

  it('keeps the entries of addresses a change does not name, the very same objects', () => {
    const table = new OwnedTable();
    table.update({ set: many(100) });
    const before = table.entries.get('10.0.0.5');
    table.update({ set: owned(['10.0.0.6', ['eth2'], ['default/s6']]), removed: ['10.0.0.7'] });
    expect(table.entries.get('10.0.0.5')).to.equal(before);
    expect(table.entries.get('10.0.0.6')?.interfaces).to.deep.equal(['eth2']);
    expect(table.entries.has('10.0.0.7')).to.equal(false);
  });

  it('forgets an address once it is released, and reads it again if it comes back', () => {
    const { table, reads } = counting();
    table.update({ set: owned(['198.51.100.7', ['eth0']]) });
    table.update({ removed: ['198.51.100.7', '198.51.100.99'] });
    expect([...table.interfaces()]).to.deep.equal([]);
    table.update({ set: owned(['198.51.100.7', ['eth0']]) });
    expect(reads()).to.equal(2);
  });
});
