import { expect } from 'chai';
import fc from 'fast-check';
import type { PathAttributes, Prefix, SessionCodecOptions, UpdateMessage } from '../messages.js';
import { decodeMessage } from './message.js';
import { encodedPrefixSize } from './prefixes.js';
import { attributesArb, expectedAfterRoundTrip, optionsArb, prefixArb, v4Address, v6Address } from './test-arbitraries.js';
import { EBGP4, IBGP4, updateOf } from './test-updates.js';
import { encodeUpdates, type OutboundRoute } from './updates.js';

function prefixKey(p: Prefix): string {
  return `${p.family}/${p.network}/${p.length}`;
}

interface Seen {
  attributes: PathAttributes;
  nextHop: bigint | undefined;
  linkLocalNextHop: bigint | undefined;
}

/** Decodes packed messages back into what they announce and withdraw, checking each on the way. */
function unpack(messages: readonly Uint8Array[], options: SessionCodecOptions): { announced: Map<string, Seen>; withdrawn: string[]; updates: UpdateMessage[] } {
  const max = options.extendedMessage ? 65535 : 4096;
  const announced = new Map<string, Seen>();
  const withdrawn: string[] = [];
  const updates: UpdateMessage[] = [];
  for (const bytes of messages) {
    expect(bytes.length).to.be.at.most(max);
    const { message, issues } = updateOf(decodeMessage(bytes, options));
    expect(issues).to.deep.equal([]);
    updates.push(message);
    const withdraws = message.withdrawn.length > 0 || message.mpUnreach !== undefined;
    const announces = message.nlri.length > 0 || message.mpReach !== undefined;
    expect(withdraws !== announces, 'a message either announces or withdraws (RFC 7606 5.1)').to.equal(true);
    for (const p of message.withdrawn) withdrawn.push(prefixKey(p));
    for (const p of message.mpUnreach?.prefixes ?? []) withdrawn.push(prefixKey(p));
    const { nextHop, ...rest } = message.attributes;
    for (const p of message.nlri) announced.set(prefixKey(p), { attributes: rest, nextHop, linkLocalNextHop: undefined });
    for (const p of message.mpReach?.prefixes ?? []) {
      announced.set(prefixKey(p), { attributes: rest, nextHop: message.mpReach!.nextHops[0], linkLocalNextHop: message.mpReach!.nextHops[1] });
    }
  }
  return { announced, withdrawn, updates };
}

function expected(routes: readonly OutboundRoute[], options: SessionCodecOptions): Map<string, Seen> {
  const out = new Map<string, Seen>();
  for (const r of routes) {
    const normal = expectedAfterRoundTrip({ type: 'update', withdrawn: [], nlri: [], attributes: r.attributes }, options).attributes;
    out.set(prefixKey(r.prefix), {
      attributes: normal,
      nextHop: r.nextHop,
      linkLocalNextHop: r.prefix.family === 6 ? r.linkLocalNextHop : undefined,
    });
  }
  return out;
}

/** Everything about an UPDATE but its prefixes: messages of one kind come from one group. */
function kindOf(u: UpdateMessage): string {
  const shape = {
    withdrawnV4: u.withdrawn.length > 0,
    unreach: u.mpUnreach?.family,
    announcedV4: u.nlri.length > 0,
    attributes: u.attributes,
    reach: u.mpReach && { family: u.mpReach.family, nextHops: u.mpReach.nextHops },
  };
  return JSON.stringify(shape, (_, v: unknown) => (typeof v === 'bigint' ? `${v}` : v));
}

const anyPrefix = fc.oneof(prefixArb(4), prefixArb(6));

/** Routes drawn from a few attribute sets and next hops, so that many share a message. */
const tableArb = fc
  .record({
    attributes: fc.array(attributesArb(false), { minLength: 1, maxLength: 3 }),
    hops4: fc.array(v4Address, { minLength: 1, maxLength: 2 }),
    hops6: fc.array(fc.tuple(v6Address, fc.option(v6Address, { nil: undefined })), { minLength: 1, maxLength: 2 }),
    prefixes: fc.uniqueArray(anyPrefix, { selector: prefixKey, maxLength: 600, size: 'max' }),
    picks: fc.array(fc.nat(), { minLength: 600, maxLength: 600 }),
    withdraw: fc.uniqueArray(anyPrefix, { selector: prefixKey, maxLength: 600, size: 'max' }),
  })
  .map(({ attributes, hops4, hops6, prefixes, picks, withdraw }) => {
    const announce = prefixes.map((prefix, i): OutboundRoute => {
      const pick = picks[i]!;
      const attrs = attributes[pick % attributes.length]!;
      if (prefix.family === 4) return { prefix, attributes: attrs, nextHop: hops4[pick % hops4.length]! };
      const [global, link] = hops6[pick % hops6.length]!;
      return { prefix, attributes: attrs, nextHop: global, ...(link === undefined ? {} : { linkLocalNextHop: link }) };
    });
    return { announce, withdraw };
  });

function slash32s(count: number, attributes: (i: number) => PathAttributes): OutboundRoute[] {
  return Array.from({ length: count }, (_, i) => ({
    prefix: { family: 4 as const, network: BigInt(0x0a000000 + i), length: 32 },
    attributes: attributes(i),
    nextHop: 0xc0000201n,
  }));
}

describe('encodeUpdates (packing)', () => {
  it('sends exactly the routes and withdrawals it was given, each message within the maximum size', () => {
    fc.assert(
      fc.property(tableArb, optionsArb, ({ announce, withdraw }, options) => {
        const { announced, withdrawn } = unpack(encodeUpdates(announce, withdraw, options), options);
        expect(announced).to.deep.equal(expected(announce, options));
        expect(withdrawn.sort()).to.deep.equal(withdraw.map(prefixKey).sort());
      }),
      { numRuns: 60 },
    );
  });

  it('fills every message but the last of its kind: the next prefix would not have fitted', () => {
    fc.assert(
      fc.property(tableArb, optionsArb, ({ announce, withdraw }, options) => {
        const max = options.extendedMessage ? 65535 : 4096;
        const messages = encodeUpdates(announce, withdraw, options);
        const { updates } = unpack(messages, options);
        for (let i = 0; i + 1 < updates.length; i++) {
          const [a, b] = [updates[i]!, updates[i + 1]!];
          const sameKind = kindOf(a) === kindOf(b);
          if (!sameKind) continue;
          const next = [...b.withdrawn, ...b.nlri, ...(b.mpReach?.prefixes ?? []), ...(b.mpUnreach?.prefixes ?? [])][0]!;
          expect(messages[i]!.length + encodedPrefixSize(next)).to.be.above(max);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('packs 100,000 /32 routes that share attributes into full 4096-octet UPDATEs, in order', () => {
    const shared: PathAttributes = { origin: 0, asPath: [{ type: 2, asns: [65001] }], communities: [0xfde90064] };
    const routes = slash32s(100_000, () => shared);
    const messages = encodeUpdates(routes, [], EBGP4);
    // 23 fixed octets, attributes ORIGIN 4 + AS_PATH 9 + NEXT_HOP 7 + COMMUNITIES 7, then 5 octets per /32.
    const perMessage = Math.floor((4096 - 23 - 27) / 5);
    expect(messages).to.have.length(Math.ceil(100_000 / perMessage));
    const { updates } = unpack(messages, EBGP4);
    const all = updates.flatMap((u) => u.nlri);
    expect(all).to.have.length(100_000);
    expect(all.every((p, i) => p.network === BigInt(0x0a000000 + i))).to.equal(true);
  });

  it('puts routes with equal but separately built attributes in the same messages', () => {
    const one = encodeUpdates(slash32s(5000, () => ({ origin: 0, asPath: [{ type: 2, asns: [65001] }] })), [], EBGP4);
    const shared = { origin: 0 as const, asPath: [{ type: 2 as const, asns: [65001] }] };
    expect(one.map((m) => m.length)).to.deep.equal(encodeUpdates(slash32s(5000, () => shared), [], EBGP4).map((m) => m.length));
  });

  it('keeps routes with different next hops or attributes apart', () => {
    const routes = slash32s(10, (i) => ({ origin: 0, asPath: [], med: i % 2 }));
    const messages = encodeUpdates(routes.map((r, i) => ({ ...r, nextHop: i < 5 ? 0xc0000201n : 0xc0000202n })), [], IBGP4);
    expect(messages).to.have.length(4);
  });

  it('uses up to 65535 octets per message with extended messages', () => {
    const routes = slash32s(100_000, () => ({ origin: 0, asPath: [] }));
    const messages = encodeUpdates(routes, routes.map((r) => r.prefix), { ...EBGP4, extendedMessage: true });
    expect(Math.max(...messages.map((m) => m.length))).to.be.above(60000).and.at.most(65535);
    expect(messages.length).to.be.below(20);
  });

  it('packs IPv6 withdrawals into MP_UNREACH_NLRI with the Extended Length flag once they pass 255 octets', () => {
    const prefixes = Array.from({ length: 300 }, (_, i): Prefix => ({ family: 6, network: (0x20010db8n << 96n) + BigInt(i), length: 128 }));
    const messages = encodeUpdates([], prefixes, EBGP4);
    expect(messages).to.have.length(2);
    expect(messages[0]![23]).to.equal(0x90);
    expect(messages[0]![24]).to.equal(15);
    const { withdrawn } = unpack(messages, EBGP4);
    expect(withdrawn).to.have.length(300);
    const few = encodeUpdates([], prefixes.slice(0, 3), EBGP4);
    expect(few[0]![23]).to.equal(0x80);
  });

  it('returns nothing for nothing', () => {
    expect(encodeUpdates([], [], EBGP4)).to.deep.equal([]);
  });

  it('refuses attributes that leave no room for a prefix', () => {
    const huge: PathAttributes = { origin: 0, asPath: [], communities: Array.from({ length: 1100 }, (_, i) => i) };
    expect(() => encodeUpdates(slash32s(1, () => huge), [], EBGP4)).to.throw(RangeError, /room/);
  });
});
