import { expect } from 'chai';
import { parseIP } from '@herald/shared/net/address.js';
import { diffRoutes, sameAttributes } from './diff.js';
import { prefixOf, prefixText } from './prefix.js';
import type { RouteIntent, RouteTable } from './types.js';

function route(text: string, o: Partial<Omit<RouteIntent, 'prefix'>> = {}): RouteIntent {
  const [address, length] = text.split('/');
  const ip = parseIP(address ?? '');
  if (ip === undefined) expect.fail(`not an address: ${text}`);
  return { prefix: prefixOf(ip, Number(length)), communities: [], largeCommunities: [], services: ['default/web'], ...o };
}

function table(entries: Record<string, RouteIntent[]>): RouteTable {
  return new Map(Object.entries(entries).map(([peer, routes]) => [peer, new Map(routes.map((r) => [prefixText(r.prefix), r]))]));
}

function texts(routes: readonly RouteIntent[]): string[] {
  return routes.map((r) => prefixText(r.prefix));
}

describe('route differences per peer', () => {
  it('reports nothing between equal tables', () => {
    const t = table({ r1: [route('10.0.0.1/32', { communities: [1] })] });
    const same = table({ r1: [route('10.0.0.1/32', { communities: [1] })] });
    expect(diffRoutes(t, same).size).to.equal(0);
  });

  it('sorts new, changed and withdrawn prefixes in address order', () => {
    const before = table({ r1: [route('10.0.0.9/32'), route('10.0.0.2/32'), route('2001:db8::1/128'), route('10.0.0.5/32')] });
    const after = table({
      r1: [route('2001:db8::1/128', { localPref: 100 }), route('10.0.0.1/32'), route('10.0.0.3/32'), route('10.0.0.5/32', { linkBandwidth: 125000 }), route('10.0.0.9/32')],
    });
    const changes = diffRoutes(before, after).get('r1');
    expect(changes && texts(changes.added)).to.deep.equal(['10.0.0.1/32', '10.0.0.3/32']);
    expect(changes && texts(changes.changed)).to.deep.equal(['10.0.0.5/32', '2001:db8::1/128']);
    expect(changes && texts(changes.withdrawn)).to.deep.equal(['10.0.0.2/32']);
  });

  it('withdraws everything from a peer that is gone, and announces everything to a new one', () => {
    const changes = diffRoutes(table({ old: [route('10.0.0.1/32')] }), table({ new: [route('10.0.0.1/32')] }));
    expect([...changes.keys()]).to.deep.equal(['new', 'old']);
    expect(changes.get('old')?.withdrawn.map((r) => r.services)).to.deep.equal([['default/web']]);
    expect(changes.get('new')?.added).to.have.length(1);
  });

  it('reports a route whose Services changed as changed, with the same attributes', () => {
    const before = route('10.0.0.0/24', { services: ['default/web'] });
    const after = route('10.0.0.0/24', { services: ['default/api', 'default/web'] });
    const changes = diffRoutes(table({ r1: [before] }), table({ r1: [after] }));
    expect(changes.get('r1')?.changed).to.deep.equal([after]);
    expect(sameAttributes(before, after)).to.equal(true);
  });

  it('tells attribute changes apart: communities, large communities, LOCAL_PREF, link bandwidth', () => {
    const base = route('10.0.0.1/32');
    expect(sameAttributes(base, route('10.0.0.1/32', { communities: [1] }))).to.equal(false);
    expect(sameAttributes(base, route('10.0.0.1/32', { largeCommunities: [{ globalAdministrator: 1, localData1: 2, localData2: 3 }] }))).to.equal(false);
    expect(sameAttributes(base, route('10.0.0.1/32', { localPref: 0 }))).to.equal(false);
    expect(sameAttributes(base, route('10.0.0.1/32', { linkBandwidth: 125000 }))).to.equal(false);
    expect(sameAttributes(base, route('10.0.0.0/24'))).to.equal(false);
  });
});
