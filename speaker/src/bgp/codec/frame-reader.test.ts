import { expect } from 'chai';
import fc from 'fast-check';
import { FrameReader } from './frame-reader.js';
import { HEADER_ERROR } from './errors.js';
import { FRR_END_OF_RIB_V6, FRR_OPEN, fromHex } from './seeds.js';
import { KEEPALIVE_BYTES } from './keepalive.js';

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function cut(stream: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= stream.length) break;
    chunks.push(stream.subarray(at, at + size));
    at += size;
  }
  if (at < stream.length) chunks.push(stream.subarray(at));
  return chunks;
}

const MESSAGES = [FRR_OPEN, KEEPALIVE_BYTES, FRR_END_OF_RIB_V6, KEEPALIVE_BYTES];

describe('FrameReader', () => {
  it('returns each whole message of a stream however TCP cuts it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 40 }), (sizes) => {
        const reader = new FrameReader();
        const frames: Uint8Array[] = [];
        for (const chunk of cut(concat(MESSAGES), sizes)) {
          const result = reader.push(chunk);
          expect(result.error).to.equal(undefined);
          frames.push(...result.frames);
        }
        expect(frames.map((f) => Buffer.from(f).toString('hex'))).to.deep.equal(MESSAGES.map((m) => Buffer.from(m).toString('hex')));
      }),
    );
  });

  it('returns a message fed one octet at a time only when its last octet arrives', () => {
    const reader = new FrameReader();
    for (let i = 0; i < FRR_OPEN.length - 1; i++) expect(reader.push(FRR_OPEN.subarray(i, i + 1)).frames).to.have.length(0);
    expect(reader.push(FRR_OPEN.subarray(FRR_OPEN.length - 1)).frames).to.have.length(1);
  });

  it('reports a broken marker as Connection Not Synchronized and stays broken', () => {
    const reader = new FrameReader();
    const bad = KEEPALIVE_BYTES.slice();
    bad[3] = 0;
    const first = reader.push(concat([KEEPALIVE_BYTES, bad]));
    expect(first.frames).to.have.length(1);
    expect(first.error).to.include({ code: 1, subcode: HEADER_ERROR.connectionNotSynchronized });
    expect(reader.push(KEEPALIVE_BYTES)).to.deep.include({ frames: [] }).and.have.property('error');
  });

  it('reports a length below 19 or above the maximum as Bad Message Length with the length as data', () => {
    for (const length of [18, 4097]) {
      const header = fromHex(`ffffffffffffffffffffffffffffffff ${length.toString(16).padStart(4, '0')} 02`);
      const { error } = new FrameReader().push(header);
      expect(error).to.include({ code: 1, subcode: HEADER_ERROR.badMessageLength });
      expect([...error!.data]).to.deep.equal([length >> 8, length & 0xff]);
    }
  });

  it('accepts messages up to 65535 octets once extended messages are negotiated', () => {
    const reader = new FrameReader();
    reader.setMaxLength(65535);
    const big = new Uint8Array(5000).fill(0);
    big.fill(0xff, 0, 16);
    big[16] = 5000 >> 8;
    big[17] = 5000 & 0xff;
    big[18] = 3;
    expect(reader.push(big).frames).to.have.length(1);
  });

  it('refuses a maximum outside 19..65535', () => {
    expect(() => new FrameReader().setMaxLength(70000)).to.throw(RangeError);
    expect(() => new FrameReader(10)).to.throw(RangeError);
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 10 }), (chunks) => {
        const reader = new FrameReader();
        for (const c of chunks) reader.push(c);
      }),
    );
  });
});
