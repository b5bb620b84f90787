import { expect } from 'chai';
import fc from 'fast-check';
import type { OutboundRoute } from '../codec/index.js';
import { AdjRibOut, sameRoute } from './adj-rib-out.js';
import { BOTH_UNICAST_FAMILIES, IPV4_UNICAST } from './config.js';

function route(host: number, communities: number[] = [], family: 4 | 6 = 4): [string, OutboundRoute] {
  const key = family === 4 ? `192.0.2.${host}/32` : `2001:db8::${host.toString(16)}/128`;
  const network = family === 4 ? 0xc0000200n + BigInt(host) : 0x20010db8000000000000000000000000n + BigInt(host);
  return [
    key,
    {
      prefix: { family, network, length: family === 4 ? 32 : 128 },
      attributes: { communities },
      nextHop: family === 4 ? 0x0a000001n : 0xfd000000000000000000000000000001n,
    },
  ];
}

/** Sends a whole change, as the session does; with `keys`, comparing only those prefixes. */
function apply(rib: AdjRibOut, desired: Map<string, OutboundRoute>, families = BOTH_UNICAST_FAMILIES, keys?: Iterable<string>) {
  const change = rib.changes(desired, families, keys);
  for (const [key, r] of change.announce) rib.recordAnnounced(key, r, change.generations);
  for (const [key] of change.withdraw) rib.recordWithdrawn(key);
  return { announce: change.announce.map(([k]) => k), withdraw: change.withdraw.map(([k]) => k) };
}

describe('Adj-RIB-Out', () => {
  it('announces every route to a peer that holds nothing', () => {
    const rib = new AdjRibOut();
    expect(apply(rib, new Map([route(1), route(2)]))).to.deep.equal({ announce: ['192.0.2.1/32', '192.0.2.2/32'], withdraw: [] });
    expect(rib.size).to.equal(2);
  });

  it('sends nothing when the desired routes did not change', () => {
    const rib = new AdjRibOut();
    const desired = new Map([route(1), route(2)]);
    apply(rib, desired);
    expect(apply(rib, desired)).to.deep.equal({ announce: [], withdraw: [] });
  });

  it('treats an equal route built anew as unchanged', () => {
    const rib = new AdjRibOut();
    apply(rib, new Map([route(1, [100])]));
    expect(apply(rib, new Map([route(1, [100])]))).to.deep.equal({ announce: [], withdraw: [] });
  });

  it('re-announces a route whose attributes changed and withdraws one no longer wanted', () => {
    const rib = new AdjRibOut();
    apply(rib, new Map([route(1), route(2), route(3)]));
    expect(apply(rib, new Map([route(1), route(2, [65000 * 65536 + 1])]))).to.deep.equal({
      announce: ['192.0.2.2/32'],
      withdraw: ['192.0.2.3/32'],
    });
    expect(rib.size).to.equal(2);
  });

  it('holds back routes of a family the session did not negotiate', () => {
    const rib = new AdjRibOut();
    const desired = new Map([route(1), route(1, [], 6)]);
    expect(apply(rib, desired, [IPV4_UNICAST])).to.deep.equal({ announce: ['192.0.2.1/32'], withdraw: [] });
  });

  it('resends every route of a family on request, withdrawing nothing', () => {
    const rib = new AdjRibOut();
    const desired = new Map([route(1), route(2), route(7, [], 6)]);
    apply(rib, desired);
    rib.resend(4);
    expect(apply(rib, desired)).to.deep.equal({ announce: ['192.0.2.1/32', '192.0.2.2/32'], withdraw: [] });
    expect(apply(rib, desired)).to.deep.equal({ announce: [], withdraw: [] });
  });

  it('still withdraws a route that went away after a resend was requested', () => {
    const rib = new AdjRibOut();
    apply(rib, new Map([route(1), route(2)]));
    rib.resend(4);
    expect(apply(rib, new Map([route(1)]))).to.deep.equal({ announce: ['192.0.2.1/32'], withdraw: ['192.0.2.2/32'] });
  });

  it('keeps a route marked for resending when the resend was asked while it was on its way', () => {
    const rib = new AdjRibOut();
    const desired = new Map([route(1)]);
    const change = rib.changes(desired, BOTH_UNICAST_FAMILIES);
    rib.resend(4);
    for (const [key, r] of change.announce) rib.recordAnnounced(key, r, change.generations);
    expect(apply(rib, desired).announce).to.deep.equal(['192.0.2.1/32']);
  });

  it('with the changed prefixes named, sends the same difference as comparing everything', () => {
    // Each step sets (with one of three community lists) or deletes some hosts of either family.
    const step = fc.array(fc.record({ host: fc.integer({ min: 1, max: 12 }), family: fc.constantFrom<4 | 6>(4, 6), set: fc.option(fc.integer({ min: 0, max: 2 })) }), { maxLength: 6 });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 8 }), fc.constantFrom(BOTH_UNICAST_FAMILIES, [IPV4_UNICAST]), (steps, families) => {
        const full = new AdjRibOut();
        const incremental = new AdjRibOut();
        const desired = new Map<string, OutboundRoute>();
        for (const changes of steps) {
          const keys: string[] = [];
          for (const c of changes) {
            const [key, r] = route(c.host, c.set === null ? [] : [c.set], c.family);
            if (c.set === null) desired.delete(key);
            else desired.set(key, r);
            keys.push(key);
          }
          const sorted = (x: { announce: string[]; withdraw: string[] }) => ({ announce: [...x.announce].sort(), withdraw: [...x.withdraw].sort() });
          expect(sorted(apply(incremental, desired, families, keys))).to.deep.equal(sorted(apply(full, desired, families)));
          expect(incremental.size).to.equal(full.size);
        }
      }),
    );
  });

  it('compares only the prefixes named', () => {
    const rib = new AdjRibOut();
    const desired = new Map([route(1), route(2)]);
    apply(rib, desired);
    desired.set(...route(1, [7]));
    desired.set(...route(3));
    expect(apply(rib, desired, BOTH_UNICAST_FAMILIES, ['192.0.2.3/32'])).to.deep.equal({ announce: ['192.0.2.3/32'], withdraw: [] });
    expect(apply(rib, desired, BOTH_UNICAST_FAMILIES, ['192.0.2.2/32'])).to.deep.equal({ announce: [], withdraw: [] });
    expect(apply(rib, desired)).to.deep.equal({ announce: ['192.0.2.1/32'], withdraw: [] });
  });

  it('compares routes by value, byte arrays included', () => {
    const [, a] = route(1);
    const raw = (bytes: number[]): OutboundRoute => ({
      ...a,
      attributes: { extendedCommunities: [{ kind: 'raw', bytes: Uint8Array.from(bytes) }] },
    });
    expect(sameRoute(raw([1, 2, 3]), raw([1, 2, 3]))).to.equal(true);
    expect(sameRoute(raw([1, 2, 3]), raw([1, 2, 4]))).to.equal(false);
    expect(sameRoute(a, { ...a, nextHop: 0x0a000002n })).to.equal(false);
    expect(sameRoute(a, { ...a, attributes: { communities: [] , med: undefined } })).to.equal(true);
  });
});
