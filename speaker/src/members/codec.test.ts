import { expect } from 'chai';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { canonicalIP, type MemberAddress } from './address.js';
import { datagramSize, decodeDatagram, encodeDatagram, MAX_DATAGRAM_BYTES, MIN_DATAGRAM_BYTES, type Decoded } from './codec.js';
import type { Body, Datagram, Message, Update } from './messages.js';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);

function sign(unsigned: Buffer, key = KEY): Buffer {
  return Buffer.concat([unsigned, createHmac('sha256', key).update(unsigned).digest()]);
}

function reason<T>(d: Decoded<T>): string {
  return d.ok ? 'ok' : d.reason;
}

const nameArb = fc.stringMatching(/^[\x21-\x7e]{1,40}$/);
const addressArb: fc.Arbitrary<MemberAddress> = fc.record({
  ip: fc.oneof(fc.ipV4(), fc.ipV6()).map((ip) => {
    const c = canonicalIP(ip);
    if (!c.ok) throw new Error(`fast-check gave ${ip}, which is not an address`);
    return c.value;
  }),
  port: fc.integer({ min: 1, max: 65535 }),
});
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const updateArb: fc.Arbitrary<Update> = fc.oneof(
  fc.record({ kind: fc.constant('alive' as const), name: nameArb, incarnation: u32, address: addressArb }),
  fc.record({ kind: fc.constant('suspect' as const), name: nameArb, incarnation: u32, from: nameArb }),
  fc.record({ kind: fc.constant('dead' as const), name: nameArb, incarnation: u32, from: nameArb }),
  fc.record({ kind: fc.constant('left' as const), name: nameArb, incarnation: u32 }),
);
const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  fc.record({ type: fc.constant('ping' as const), seq: u32, target: nameArb }),
  fc.record({ type: fc.constant('ack' as const), seq: u32 }),
  fc.record({ type: fc.constant('nack' as const), seq: u32 }),
  fc.record({ type: fc.constant('ping-req' as const), seq: u32, target: nameArb, targetAddress: addressArb }),
  fc.record({ type: fc.constant('gossip' as const) }),
  fc.record({ type: fc.constant('sync' as const), replyWanted: fc.boolean() }),
);
const messageArb: fc.Arbitrary<Message> = fc
  .record({ sender: nameArb, incarnation: u32, body: bodyArb, updates: fc.array(updateArb, { maxLength: 30 }) })
  .filter((m) => datagramSize(m) <= MAX_DATAGRAM_BYTES);
const stampArb = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

describe('membership wire format', () => {
  it('lays a ping out field by field, HMAC-SHA256 last', () => {
    const bytes = encodeDatagram(
      { sender: 'n1', incarnation: 5, body: { type: 'ping', seq: 0x01020304, target: 'n2' }, updates: [{ kind: 'alive', name: 'n3', incarnation: 9, address: { ip: '10.0.0.3', port: 7946 } }] },
      0x0001_0000_0002,
      KEY,
    );
    const unsigned = Buffer.from([
      1, 1, // version, ping
      2, 0x6e, 0x31, // sender "n1"
      0, 0, 0, 5, // incarnation
      0, 0, 0, 1, 0, 0, 0, 2, // stamp
      1, 2, 3, 4, 2, 0x6e, 0x32, // seq, target "n2"
      1, // one update
      1, 2, 0x6e, 0x33, 0, 0, 0, 9, 4, 10, 0, 0, 3, 0x1f, 0x0a, // alive n3 9 10.0.0.3:7946
    ]);
    expect(bytes.toString('hex')).to.equal(sign(unsigned).toString('hex'));
  });

  it('lays out a ping-req to an IPv6 member and a suspect update', () => {
    const bytes = encodeDatagram(
      { sender: 'a', incarnation: 0, body: { type: 'ping-req', seq: 1, target: 'b', targetAddress: { ip: '2001:db8::1', port: 1 } }, updates: [{ kind: 'suspect', name: 'b', incarnation: 2, from: 'a' }] },
      0,
      KEY,
    );
    const v6 = [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1];
    const unsigned = Buffer.from([1, 3, 1, 0x61, 0, 0, 0, 0, ...Array(8).fill(0), 0, 0, 0, 1, 1, 0x62, 6, ...v6, 0, 1, 1, 2, 1, 0x62, 0, 0, 0, 2, 1, 0x61]);
    expect(bytes.toString('hex')).to.equal(sign(unsigned).toString('hex'));
  });

  it('reads back every message it writes, and sizes it exactly', () => {
    fc.assert(
      fc.property(messageArb, stampArb, (message, stamp) => {
        const bytes = encodeDatagram(message, stamp, KEY);
        expect(bytes.length).to.equal(datagramSize(message));
        const decoded = decodeDatagram(bytes, [KEY]);
        const expected: Datagram = { ...message, stamp };
        expect(decoded).to.deep.equal({ ok: true, value: expected });
      }),
    );
  });

  it('drops a datagram signed with another key, and accepts the previous key during a rotation', () => {
    const bytes = encodeDatagram({ sender: 'a', incarnation: 0, body: { type: 'gossip' }, updates: [] }, 1, OTHER_KEY);
    expect(reason(decodeDatagram(bytes, [KEY]))).to.equal('auth');
    expect(reason(decodeDatagram(bytes, [KEY, OTHER_KEY]))).to.equal('ok');
  });

  it('drops a datagram with any single byte changed', () => {
    fc.assert(
      fc.property(messageArb, stampArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (message, stamp, where, xor) => {
        const bytes = encodeDatagram(message, stamp, KEY);
        const i = where % bytes.length;
        bytes[i] = (bytes[i] ?? 0) ^ xor;
        expect(['auth', 'version']).to.include(reason(decodeDatagram(bytes, [KEY])));
      }),
    );
  });

  it('never throws on random bytes, cut or stretched datagrams', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1400 }), (raw) => {
        expect(reason(decodeDatagram(Buffer.from(raw), [KEY]))).to.not.equal('ok');
      }),
    );
    fc.assert(
      fc.property(messageArb, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 40 }), (message, cut, extra) => {
        const bytes = encodeDatagram(message, 1, KEY);
        expect(reason(decodeDatagram(bytes.subarray(0, cut % bytes.length), [KEY]))).to.not.equal('ok');
        expect(reason(decodeDatagram(Buffer.concat([bytes, Buffer.from(extra)]), [KEY]))).to.not.equal('ok');
      }),
    );
  });

  it('never throws on signed garbage: what the key vouches for is still checked', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: MIN_DATAGRAM_BYTES - 32, maxLength: 300 }), (raw) => {
        const unsigned = Buffer.from(raw);
        unsigned[0] = 1;
        const d = decodeDatagram(sign(unsigned), [KEY]);
        if (d.ok) expect(datagramSize(d.value)).to.equal(unsigned.length + 32);
        else expect(d.reason).to.equal('malformed');
      }),
    );
  });

  describe('drops, by reason', () => {
    const gossip = (): Buffer => Buffer.from([1, 5, 1, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    const cases: Array<[string, Buffer, string]> = [
      ['shorter than the smallest datagram', Buffer.alloc(MIN_DATAGRAM_BYTES - 1, 1), 'too-short'],
      ['longer than 1232 bytes', Buffer.alloc(MAX_DATAGRAM_BYTES + 1, 1), 'too-long'],
      ['version 2', sign(Buffer.from([2, ...gossip().subarray(1)])), 'version'],
      ['unsigned', Buffer.concat([gossip(), Buffer.alloc(32)]), 'auth'],
      ['the smallest well-formed datagram', sign(gossip()), 'ok'],
      ['an unknown message type', sign(Buffer.from([1, 9, ...gossip().subarray(2)])), 'malformed'],
      ['an empty sender name', sign(Buffer.from([1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0])), 'malformed'],
      ['a sender name with a space', sign(Buffer.from([1, 5, 2, 0x61, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0])), 'malformed'],
      ['a stamp beyond 2^53 microseconds', sign(Buffer.from([1, 5, 1, 0x61, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 1, 0])), 'malformed'],
      ['a byte after the last update', sign(Buffer.concat([gossip(), Buffer.from([0])])), 'malformed'],
      ['more updates than it holds', sign(Buffer.from([...gossip().subarray(0, 16), 1])), 'malformed'],
      ['an unknown update kind', sign(Buffer.from([...gossip().subarray(0, 16), 1, 9, 1, 0x62, 0, 0, 0, 0])), 'malformed'],
      ['an address family 5', sign(Buffer.from([...gossip().subarray(0, 16), 1, 1, 1, 0x62, 0, 0, 0, 0, 5, 1, 2, 3, 4, 0, 1])), 'malformed'],
      ['port 0', sign(Buffer.from([...gossip().subarray(0, 16), 1, 1, 1, 0x62, 0, 0, 0, 0, 4, 1, 2, 3, 4, 0, 0])), 'malformed'],
      ['sync flags with unknown bits', sign(Buffer.from([1, 6, 1, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0])), 'malformed'],
    ];
    for (const [title, bytes, expected] of cases) {
      it(`${title}: ${expected}`, () => {
        expect(reason(decodeDatagram(bytes, [KEY]))).to.equal(expected);
      });
    }
  });

  it('refuses to write what the protocol cannot carry, naming it', () => {
    const base: Message = { sender: 'a', incarnation: 0, body: { type: 'gossip' }, updates: [] };
    expect(() => encodeDatagram({ ...base, sender: 'has space' }, 0, KEY)).to.throw(RangeError, /sender "has space"/);
    expect(() => encodeDatagram({ ...base, incarnation: 2 ** 32 }, 0, KEY)).to.throw(RangeError, /incarnation of a/);
    const many: Update[] = Array.from({ length: 200 }, (_, i) => ({ kind: 'left', name: `member-${i}`, incarnation: 0 }));
    expect(() => encodeDatagram({ ...base, updates: many }, 0, KEY)).to.throw(RangeError, /over 1232/);
  });
});
