import { expect } from 'chai';
import fc from 'fast-check';
import type { Message, SessionCodecOptions } from '../messages.js';
import { NOTIFICATION_CODES, describeNotification } from './notification-codes.js';
import { HEADER_ERROR, type DecodeResult } from './errors.js';
import { decodeMessage, encodeMessage } from './message.js';
import { fixHeaderLength, mutate, seededRandom } from './mutations.js';
import { notificationFromError } from './notification.js';
import { fromHex, seedMessages } from './seeds.js';
import {
  expectedAfterRoundTrip,
  messageArb,
  notificationArb,
  openArb,
  optionsArb,
  routeRefreshArb,
  updateArb,
} from './test-arbitraries.js';

const EBGP: SessionCodecOptions = { fourOctetAs: true, extendedMessage: false, ibgp: false };

function decoded(result: DecodeResult): Message {
  if (!result.ok) throw new Error(`expected a message, got ${result.error.reason}`);
  return result.message;
}

/** A typed error whose code and subcode are in the registry, and whose NOTIFICATION can be sent. */
function expectWellFormedOutcome(result: DecodeResult, options: SessionCodecOptions): void {
  if (result.ok) return;
  const { code, subcode, reason } = result.error;
  expect(NOTIFICATION_CODES.has(code), `code ${code}`).to.equal(true);
  expect(describeNotification(code, subcode)).not.to.contain('unknown');
  expect(reason).to.be.a('string').and.not.equal('');
  expect(encodeMessage(notificationFromError(result.error), options).length).to.be.at.most(4096);
}

describe('decodeMessage: the header', () => {
  it('rejects a frame shorter than a header as Bad Message Length', () => {
    const result = decodeMessage(new Uint8Array(5).fill(0xff), EBGP);
    expect(result).to.deep.include({ ok: false });
    if (!result.ok) expect(result.error).to.include({ code: 1, subcode: HEADER_ERROR.badMessageLength });
  });

  it('rejects a length field that disagrees with the frame', () => {
    const result = decodeMessage(fromHex('ffffffffffffffffffffffffffffffff 0014 04 00'), EBGP);
    expect(!result.ok && result.error.subcode).to.equal(HEADER_ERROR.badMessageLength);
  });

  it('rejects an unknown message type as Bad Message Type with the type as data', () => {
    const result = decodeMessage(fromHex('ffffffffffffffffffffffffffffffff 0013 09'), EBGP);
    expect(result.ok).to.equal(false);
    if (!result.ok) {
      expect(result.error).to.include({ code: 1, subcode: HEADER_ERROR.badMessageType });
      expect([...result.error.data]).to.deep.equal([9]);
    }
  });

  it('rejects a KEEPALIVE with a body, an UPDATE under 23 octets and an OPEN under 29', () => {
    for (const hex of ['0014 04 00', '0016 02 000000', '001c 01 04fde900b40a000001']) {
      const result = decodeMessage(fromHex(`ffffffffffffffffffffffffffffffff ${hex}`), EBGP);
      expect(!result.ok && [result.error.code, result.error.subcode], hex).to.deep.equal([1, HEADER_ERROR.badMessageLength]);
    }
  });

  it('rejects a message over 4096 octets unless extended messages were negotiated', () => {
    const big = new Uint8Array(4200);
    big.fill(0xff, 0, 16);
    big[16] = 4200 >> 8;
    big[17] = 4200 & 0xff;
    big[18] = 3;
    expect(decodeMessage(big, EBGP).ok).to.equal(false);
    expect(decodeMessage(big, { ...EBGP, extendedMessage: true }).ok).to.equal(true);
  });
});

describe('encodeMessage and decodeMessage round trips', () => {
  it('reads back every UPDATE it writes, as the session would see it, without issues', () => {
    fc.assert(
      fc.property(updateArb, optionsArb, (m, o) => {
        const result = decodeMessage(encodeMessage(m, o), o);
        expect(result.ok && result.issues).to.deep.equal([]);
        expect(decoded(result)).to.deep.equal(expectedAfterRoundTrip(m, o));
      }),
    );
  });

  for (const [name, arb] of [
    ['OPEN', openArb],
    ['NOTIFICATION', notificationArb],
    ['ROUTE-REFRESH', routeRefreshArb],
  ] as const) {
    it(`reads back every ${name} it writes`, () => {
      fc.assert(
        fc.property(arb as fc.Arbitrary<Message>, optionsArb, (m, o) => {
          expect(decoded(decodeMessage(encodeMessage(m, o), o))).to.deep.equal(m);
        }),
      );
    });
  }

  it('reads back a KEEPALIVE, 19 octets', () => {
    const bytes = encodeMessage({ type: 'keepalive' }, EBGP);
    expect(Buffer.from(bytes).toString('hex')).to.equal('ffffffffffffffffffffffffffffffff001304');
    expect(decoded(decodeMessage(bytes, EBGP))).to.deep.equal({ type: 'keepalive' });
  });

  it('writes a header whose length is the message length', () => {
    fc.assert(
      fc.property(messageArb, optionsArb, (m, o) => {
        const bytes = encodeMessage(m, o);
        expect((bytes[16]! << 8) | bytes[17]!).to.equal(bytes.length);
        expect([...bytes.subarray(0, 16)].every((b) => b === 0xff)).to.equal(true);
      }),
    );
  });
});

describe('decodeMessage on hostile input', () => {
  it('never throws on random bytes behind a valid header, and every error is a registered NOTIFICATION', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.uint8Array({ maxLength: 300 }), optionsArb, (type, body, options) => {
        const frame = new Uint8Array(19 + body.length);
        frame.fill(0xff, 0, 16);
        frame[16] = frame.length >> 8;
        frame[17] = frame.length & 0xff;
        frame[18] = type;
        frame.set(body, 19);
        expectWellFormedOutcome(decodeMessage(frame, options), options);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on entirely random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), optionsArb, (bytes, o) => expectWellFormedOutcome(decodeMessage(bytes, o), o)));
  });

  it('never throws on mutations of valid messages (bit flips, inserts, deletes, length tampering, truncation, splices)', () => {
    const seeds = seedMessages();
    const corpus = seeds.map((s) => s.bytes);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), fc.boolean(), (seed, repair) => {
        const random = seededRandom(seed);
        const start = seeds[seed % seeds.length]!;
        const mutated = mutate(start.bytes, random, corpus).bytes;
        const input = repair ? fixHeaderLength(mutated) : mutated;
        expectWellFormedOutcome(decodeMessage(input, start.options), start.options);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on mutated valid messages built by fast-check', () => {
    fc.assert(
      fc.property(messageArb, optionsArb, fc.integer({ min: 0, max: 0x7fffffff }), (m, o, seed) => {
        const bytes = fixHeaderLength(mutate(encodeMessage(m, o), seededRandom(seed), []).bytes);
        expectWellFormedOutcome(decodeMessage(bytes, o), o);
      }),
      { numRuns: 1000 },
    );
  });
});
