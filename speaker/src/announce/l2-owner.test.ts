import { createHash } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import { type Contender, type Word64, compareWords, elect, electionKey, mix64, ownerScore } from './l2-owner.js';

const MASK = (1n << 64n) - 1n;

function big(w: Word64): bigint {
  return (BigInt(w.hi) << 32n) | BigInt(w.lo);
}

function word(b: bigint): Word64 {
  return { hi: Number(b >> 32n), lo: Number(b & 0xffffffffn) };
}

/** The SplitMix64 finaliser written the obvious way, with BigInt, to check the 32-bit version against. */
function referenceMix(x: bigint): bigint {
  let z = x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  return z ^ (z >> 31n);
}

/** ownerScore('n1', '198.51.100.10') and ownerScore('worker-2', '2001:db8::1'), in hex. */
const PINNED = ['7fa93793752ba8c1', 'efb52ac217d153dd'];

const word64 = fc.bigInt({ min: 0n, max: MASK });
const nodeName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);

describe('ranking nodes for an address (layer 2 owner election)', () => {
  it('keys a text by the first 8 bytes of its SHA-256, big-endian', () => {
    const digest = createHash('sha256').update('worker-1', 'utf8').digest();
    expect(big(electionKey('worker-1'))).to.equal(digest.readBigUInt64BE(0));
  });

  it('mixes exactly like the 64-bit SplitMix64 finaliser', () => {
    fc.assert(fc.property(word64, (x) => big(mix64(word(x))) === referenceMix(x)), { numRuns: 2000 });
    for (const x of [0n, 1n, MASK, 0xffffffffn, 1n << 32n, 0x8000000080000000n]) expect(big(mix64(word(x)))).to.equal(referenceMix(x));
  });

  it('gives the same score as every other speaker and version: pinned values', () => {
    // If this changes, speakers of two versions elect different owners during a rolling upgrade.
    const score = (n: string, a: string): string => big(ownerScore(electionKey(n), electionKey(a))).toString(16).padStart(16, '0');
    const reference = (n: string, a: string): string =>
      referenceMix(createHash('sha256').update(n).digest().readBigUInt64BE(0) ^ createHash('sha256').update(a).digest().readBigUInt64BE(0))
        .toString(16)
        .padStart(16, '0');
    expect(score('n1', '198.51.100.10')).to.equal(reference('n1', '198.51.100.10'));
    expect([score('n1', '198.51.100.10'), score('worker-2', '2001:db8::1')]).to.deep.equal(PINNED);
  });

  it('picks the same winner whatever order the candidates come in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(nodeName, { minLength: 1, maxLength: 12 }), fc.string(), fc.nat(), (names, address, seed) => {
        const contenders = names.map((name) => ({ name, key: electionKey(name) }));
        const shuffled = [...contenders].sort((a, b) => ((a.key.lo ^ seed) >>> 0) - ((b.key.lo ^ seed) >>> 0));
        const key = electionKey(address);
        return elect(contenders, key)?.winner.name === elect(shuffled, key)?.winner.name;
      }),
    );
  });

  it('moves an address to a node that joins only if it now ranks first, and a node that leaves takes only its own', () => {
    fc.assert(
      fc.property(fc.uniqueArray(nodeName, { minLength: 2, maxLength: 12 }), fc.array(fc.string(), { minLength: 1, maxLength: 20 }), (names, addresses) => {
        const [newcomer, ...before] = names.map((name): Contender => ({ name, key: electionKey(name) })) as [Contender, ...Contender[]];
        for (const a of addresses) {
          const key = electionKey(a);
          const old = elect(before, key)?.winner.name;
          const joined = elect([...before, newcomer], key)?.winner.name;
          if (joined !== old && joined !== newcomer.name) return false;
          const leaver = before[0] as Contender;
          const left = elect(before.slice(1), key)?.winner.name;
          if (old !== leaver.name && left !== old) return false;
        }
        return true;
      }),
    );
  });

  it('has no winner without candidates', () => {
    expect(elect([], electionKey('198.51.100.1'))).to.equal(undefined);
  });

  it('spreads addresses evenly over nodes', () => {
    const contenders = ['n1', 'n2', 'n3', 'n4'].map((name) => ({ name, key: electionKey(name) }));
    const wins = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const winner = elect(contenders, electionKey(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`))?.winner.name as string;
      wins.set(winner, (wins.get(winner) ?? 0) + 1);
    }
    // 1000 expected each; the binomial standard deviation is about 27.
    for (const name of ['n1', 'n2', 'n3', 'n4']) expect(wins.get(name), name).to.be.within(880, 1120);
  });

  it('orders scores as unsigned 64-bit numbers', () => {
    fc.assert(fc.property(word64, word64, (a, b) => Math.sign(compareWords(word(a), word(b))) === (a < b ? -1 : a > b ? 1 : 0)));
  });
});
