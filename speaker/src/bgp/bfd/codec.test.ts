import { expect } from 'chai';
import fc from 'fast-check';
import { decodeControlPacket, encodeControlPacket, type DecodeErrorKind } from './codec.js';
import { SESSION_STATES, type AuthSection, type ControlPacket } from './packet.js';

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.replace(/\s+/g, '').match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** A Down packet as FRR's bfdd sends it before it has heard from us: 1 s, 300 ms, echo 50 ms. */
const DOWN = hex('20 40 03 18  00 00 00 01  00 00 00 00  00 0f 42 40  00 04 93 e0  00 00 c3 50');
const DOWN_PACKET: ControlPacket = {
  diag: 0,
  state: 'Down',
  poll: false,
  final: false,
  controlPlaneIndependent: false,
  demand: false,
  detectMult: 3,
  myDiscriminator: 1,
  yourDiscriminator: 0,
  desiredMinTxUs: 1_000_000,
  requiredMinRxUs: 300_000,
  requiredMinEchoRxUs: 50_000,
};

function withByte(bytes: Uint8Array, index: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = value;
  return copy;
}

function rejection(bytes: Uint8Array): DecodeErrorKind | undefined {
  const result = decodeControlPacket(bytes);
  return result.ok ? undefined : result.error.kind;
}

describe('BFD Control packet codec', () => {
  it('reads a Down packet byte for byte', () => {
    expect(decodeControlPacket(DOWN)).to.deep.equal({ ok: true, packet: DOWN_PACKET });
  });

  it('writes a Down packet byte for byte', () => {
    expect(encodeControlPacket(DOWN_PACKET)).to.deep.equal(DOWN);
  });

  it('reads an Up packet with Poll, a diagnostic and both discriminators', () => {
    const bytes = hex('23 e0 05 18  12 34 56 78  9a bc de f0  00 04 93 e0  00 01 86 a0  00 00 00 00');
    const result = decodeControlPacket(bytes);
    expect(result.ok && result.packet).to.deep.equal({
      diag: 3,
      state: 'Up',
      poll: true,
      final: false,
      controlPlaneIndependent: false,
      demand: false,
      detectMult: 5,
      myDiscriminator: 0x12345678,
      yourDiscriminator: 0x9abcdef0,
      desiredMinTxUs: 300_000,
      requiredMinRxUs: 100_000,
      requiredMinEchoRxUs: 0,
    });
  });

  it('reads the Final, C and D bits', () => {
    const result = decodeControlPacket(withByte(DOWN, 1, 0x40 | 0x10 | 0x08 | 0x02));
    expect(result.ok && [result.packet.final, result.packet.controlPlaneIndependent, result.packet.demand, result.packet.poll]).to.deep.equal([
      true,
      true,
      true,
      false,
    ]);
  });

  it('ignores bytes after the Length field says the packet ends', () => {
    const longer = new Uint8Array([...DOWN, 0xde, 0xad]);
    expect(decodeControlPacket(longer)).to.deep.equal({ ok: true, packet: DOWN_PACKET });
  });

  it('reads a simple password section', () => {
    const bytes = hex('20 44 03 1e  00 00 00 01  00 00 00 00  00 0f 42 40  00 04 93 e0  00 00 00 00  01 06 05 61 62 63');
    const result = decodeControlPacket(bytes);
    expect(result.ok && result.packet.auth).to.deep.equal({ type: 'simple-password', keyId: 5, password: hex('616263') });
  });

  it('reads a keyed MD5 section, ignoring its reserved byte', () => {
    const digest = '00112233445566778899aabbccddeeff';
    const bytes = hex(`20 44 03 30  00 00 00 01  00 00 00 00  00 0f 42 40  00 04 93 e0  00 00 00 00  02 18 07 ff 00 00 01 00 ${digest}`);
    const result = decodeControlPacket(bytes);
    expect(result.ok && result.packet.auth).to.deep.equal({ type: 'keyed-md5', keyId: 7, sequence: 256, digest: hex(digest) });
  });

  it('writes a meticulous keyed SHA1 section with a zero reserved byte', () => {
    const hash = hex('0102030405060708090a0b0c0d0e0f1011121314');
    const bytes = encodeControlPacket({ ...DOWN_PACKET, auth: { type: 'meticulous-keyed-sha1', keyId: 9, sequence: 0xfffffffe, hash } });
    expect(bytes.length).to.equal(52);
    expect(bytes[1]! & 0x04).to.equal(0x04);
    expect(bytes[3]).to.equal(52);
    expect(bytes.subarray(24, 32)).to.deep.equal(hex('05 1c 09 00 ff ff ff fe'));
    expect(bytes.subarray(32)).to.deep.equal(hash);
  });

  describe('reception checks of RFC 5880 section 6.8.6', () => {
    const cases: Array<[string, Uint8Array, DecodeErrorKind]> = [
      ['an empty datagram', new Uint8Array(0), 'truncated'],
      ['three bytes', DOWN.subarray(0, 3), 'truncated'],
      ['version 0', withByte(DOWN, 0, 0x00), 'version'],
      ['version 2', withByte(DOWN, 0, 0x40), 'version'],
      ['Length 23', withByte(DOWN, 3, 23), 'length'],
      ['Length 24 with the A bit set', withByte(DOWN, 1, 0x44), 'length'],
      ['Length beyond the datagram', withByte(DOWN, 3, 25), 'length'],
      ['a datagram cut short of its Length', DOWN.subarray(0, 20), 'length'],
      ['Detect Mult 0', withByte(DOWN, 2, 0), 'detect-mult'],
      ['the Multipoint bit', withByte(DOWN, 1, 0x41), 'multipoint'],
      ['My Discriminator 0', withByte(DOWN, 7, 0), 'my-discriminator'],
      ['Your Discriminator 0 in state Init', withByte(DOWN, 1, 0x80), 'your-discriminator'],
      ['Your Discriminator 0 in state Up', withByte(DOWN, 1, 0xc0), 'your-discriminator'],
    ];
    for (const [what, bytes, kind] of cases) {
      it(`discards ${what}`, () => {
        expect(rejection(bytes)).to.equal(kind);
      });
    }

    it('accepts Your Discriminator 0 in states Down and AdminDown', () => {
      expect(rejection(DOWN)).to.equal(undefined);
      expect(rejection(withByte(DOWN, 1, 0x00))).to.equal(undefined);
    });

    const authCases: Array<[string, string]> = [
      ['Auth Type 0', '00 06 01 61 62 63'],
      ['Auth Type 6', '06 06 01 61 62 63'],
      ['a simple password of no bytes', '01 03 01 00 00 00'],
      ['a simple password longer than 16 bytes', '01 14 01' + ' 61'.repeat(17)],
      ['an Auth Len past the packet', '01 09 01 61 62 63'],
      ['a keyed MD5 section of the wrong length', '02 14 01 00 00 00 00 01' + ' 00'.repeat(12)],
      ['a keyed SHA1 section of the wrong length', '04 18 01 00 00 00 00 01' + ' 00'.repeat(16)],
    ];
    for (const [what, section] of authCases) {
      it(`discards ${what}`, () => {
        const auth = hex(section);
        const bytes = new Uint8Array([...DOWN, ...auth]);
        bytes[1] = 0x44;
        bytes[3] = bytes.length;
        expect(rejection(bytes)).to.equal('auth');
      });
    }

    it('says in words why a packet was discarded', () => {
      const result = decodeControlPacket(withByte(DOWN, 2, 0));
      expect(result.ok ? '' : result.error.reason).to.equal('Detect Mult is 0');
    });
  });

  it('refuses to write Poll and Final together', () => {
    expect(() => encodeControlPacket({ ...DOWN_PACKET, poll: true, final: true })).to.throw(/Poll and Final/);
  });

  it('refuses to write a zero My Discriminator', () => {
    expect(() => encodeControlPacket({ ...DOWN_PACKET, myDiscriminator: 0 })).to.throw(/my discriminator/);
  });

  describe('properties', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    const auth: fc.Arbitrary<AuthSection> = fc.oneof(
      fc.record({ type: fc.constant('simple-password' as const), keyId: fc.integer({ min: 0, max: 255 }), password: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
      fc.record({
        type: fc.constantFrom('keyed-md5' as const, 'meticulous-keyed-md5' as const),
        keyId: fc.integer({ min: 0, max: 255 }),
        sequence: u32,
        digest: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      }),
      fc.record({
        type: fc.constantFrom('keyed-sha1' as const, 'meticulous-keyed-sha1' as const),
        keyId: fc.integer({ min: 0, max: 255 }),
        sequence: u32,
        hash: fc.uint8Array({ minLength: 20, maxLength: 20 }),
      }),
    );
    const packet: fc.Arbitrary<ControlPacket> = fc
      .record(
        {
          diag: fc.integer({ min: 0, max: 31 }),
          state: fc.constantFrom(...SESSION_STATES),
          pollOrFinal: fc.constantFrom('none', 'poll', 'final'),
          controlPlaneIndependent: fc.boolean(),
          demand: fc.boolean(),
          detectMult: fc.integer({ min: 1, max: 255 }),
          myDiscriminator: fc.integer({ min: 1, max: 0xffffffff }),
          yourDiscriminator: u32,
          desiredMinTxUs: u32,
          requiredMinRxUs: u32,
          requiredMinEchoRxUs: u32,
          auth,
        },
        { requiredKeys: ['diag', 'state', 'pollOrFinal', 'controlPlaneIndependent', 'demand', 'detectMult', 'myDiscriminator', 'yourDiscriminator', 'desiredMinTxUs', 'requiredMinRxUs', 'requiredMinEchoRxUs'] },
      )
      .map(({ pollOrFinal, ...rest }) => ({
        ...rest,
        poll: pollOrFinal === 'poll',
        final: pollOrFinal === 'final',
        // Zero Your Discriminator is legal only before the peer is known.
        state: rest.yourDiscriminator === 0 && (rest.state === 'Init' || rest.state === 'Up') ? 'Down' : rest.state,
      }));

    it('reads back every packet it writes', () => {
      fc.assert(
        fc.property(packet, (p) => {
          expect(decodeControlPacket(encodeControlPacket(p))).to.deep.equal({ ok: true, packet: p });
        }),
        { numRuns: 2000 },
      );
    });

    it('never throws on random bytes, and what it accepts it writes back the same', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
          const result = decodeControlPacket(bytes);
          if (result.ok) expect(decodeControlPacket(encodeControlPacket(result.packet))).to.deep.equal(result);
        }),
        { numRuns: 5000 },
      );
    });

    it('never throws on mutated valid packets', () => {
      const mutation = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 });
      fc.assert(
        fc.property(packet, mutation, fc.nat({ max: 60 }), (p, changes, cut) => {
          const bytes = encodeControlPacket(p);
          for (const [at, value] of changes) bytes[at % bytes.length] = value;
          const result = decodeControlPacket(bytes.subarray(0, Math.max(bytes.length - cut, 0)));
          expect(result).to.have.property('ok');
        }),
        { numRuns: 5000 },
      );
    });
  });
});
