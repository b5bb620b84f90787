import { expect } from 'chai';
import fc from 'fast-check';
import type { Prefix } from '../messages.js';
import { ByteWriter } from './byte-writer.js';
import { encodedPrefixSize, readPrefixes, writePrefixes } from './prefixes.js';
import { prefixArb } from './test-arbitraries.js';

function written(prefixes: readonly Prefix[], family: 4 | 6): Uint8Array {
  const w = new ByteWriter();
  writePrefixes(w, prefixes, family, 'test');
  return w.finish();
}

describe('NLRI prefixes', () => {
  for (const family of [4, 6] as const) {
    it(`reads back every IPv${family} prefix list it writes, in the fewest octets`, () => {
      fc.assert(
        fc.property(fc.array(prefixArb(family), { maxLength: 20 }), (prefixes) => {
          const bytes = written(prefixes, family);
          expect(bytes.length).to.equal(prefixes.reduce((n, p) => n + encodedPrefixSize(p), 0));
          const out: Prefix[] = [];
          expect(readPrefixes(bytes, 0, bytes.length, family, out)).to.equal(undefined);
          expect(out).to.deep.equal(prefixes);
        }),
      );
    });
  }

  it('writes 10.1.2.0/23 as 23, 10, 1, 2 and clears host bits the sender left on', () => {
    expect([...written([{ family: 4, network: 0x0a010200n, length: 23 }], 4)]).to.deep.equal([23, 10, 1, 2]);
    const out: Prefix[] = [];
    readPrefixes(Uint8Array.of(23, 10, 1, 3), 0, 4, 4, out);
    expect(out).to.deep.equal([{ family: 4, network: 0x0a010200n, length: 23 }]);
  });

  it('writes the default route as one octet', () => {
    expect([...written([{ family: 6, network: 0n, length: 0 }], 6)]).to.deep.equal([0]);
  });

  it('says why a field is not a list of prefixes', () => {
    expect(readPrefixes(Uint8Array.of(33, 1, 2, 3, 4, 5), 0, 6, 4, [])).to.match(/exceeds 32/);
    expect(readPrefixes(Uint8Array.of(129), 0, 1, 6, [])).to.match(/exceeds 128/);
    expect(readPrefixes(Uint8Array.of(24, 10, 1), 0, 3, 4, [])).to.match(/needs 3 octets but 2 remain/);
  });

  it('refuses to write a prefix length outside its family', () => {
    expect(() => written([{ family: 4, network: 0n, length: 33 }], 4)).to.throw(RangeError);
  });
});
