import { createHash } from 'node:crypto';

/**
 * An unsigned 64-bit number as two unsigned 32-bit halves, so that hashing and comparing stay in
 * small integers: a BigInt multiplication costs about as much as the whole score below.
 */
export interface Word64 {
  readonly hi: number;
  readonly lo: number;
}

/**
 * The first 8 bytes of SHA-256 over the UTF-8 text, big-endian. Computed once per node name and
 * once per address; the per-pair score only mixes two of these.
 */
export function electionKey(text: string): Word64 {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  return { hi: digest.readUInt32BE(0), lo: digest.readUInt32BE(4) };
}

/** The high 32 bits of the 64-bit product of two unsigned 32-bit numbers, from 16-bit pieces (each partial product is exact in a double). */
function mulHigh32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const low = a0 * b0;
  const mid1 = a1 * b0;
  const mid2 = a0 * b1;
  const carry = ((low >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16) + carry) >>> 0;
}

const C1_HI = 0xbf58476d;
const C1_LO = 0x1ce4e5b9;
const C2_HI = 0x94d049bb;
const C2_LO = 0x133111eb;

/**
 * The SplitMix64 finaliser (Steele, Lea and Flood 2014, constants from Vigna's variant 13): a
 * bijection on 64-bit numbers in which every input bit flips about half the output bits.
 * Written out on the two halves, with one allocation, because the election calls it once per
 * candidate per address: z ^= z >>> 30; z *= C1; z ^= z >>> 27; z *= C2; z ^= z >>> 31.
 */
export function mix64(x: Word64): Word64 {
  return mixHalves(x.hi, x.lo);
}

function mixHalves(inHi: number, inLo: number): Word64 {
  let lo = (inLo ^ ((inLo >>> 30) | (inHi << 2))) >>> 0;
  let hi = (inHi ^ (inHi >>> 30)) >>> 0;
  let ph = (mulHigh32(lo, C1_LO) + Math.imul(hi, C1_LO) + Math.imul(lo, C1_HI)) >>> 0;
  let pl = Math.imul(lo, C1_LO) >>> 0;
  lo = (pl ^ ((pl >>> 27) | (ph << 5))) >>> 0;
  hi = (ph ^ (ph >>> 27)) >>> 0;
  ph = (mulHigh32(lo, C2_LO) + Math.imul(hi, C2_LO) + Math.imul(lo, C2_HI)) >>> 0;
  pl = Math.imul(lo, C2_LO) >>> 0;
  return { hi: (ph ^ (ph >>> 31)) >>> 0, lo: (pl ^ ((pl >>> 31) | (ph << 1))) >>> 0 };
}

/**
 * The rank of a node for an address: lower wins. score = mix64(key(node) XOR key(address)),
 * with key = the first 8 bytes of SHA-256 of the node name and of the address's canonical text.
 * Every speaker must compute exactly this, so changing it is a breaking change between
 * versions (a rolling upgrade would elect two owners): it is pinned by a test vector.
 */
export function ownerScore(nodeKey: Word64, addressKey: Word64): Word64 {
  return mixHalves((nodeKey.hi ^ addressKey.hi) >>> 0, (nodeKey.lo ^ addressKey.lo) >>> 0);
}

export function compareWords(a: Word64, b: Word64): number {
  return a.hi !== b.hi ? a.hi - b.hi : a.lo - b.lo;
}

/** A node that may own an address, with its precomputed key. */
export interface Contender {
  readonly name: string;
  readonly key: Word64;
}

/** Whether a goes before b for the address: lower score, then (on a 64-bit collision of the keys) lower name. */
export function precedes(a: Contender, aScore: Word64, b: Contender, bScore: Word64): boolean {
  const c = compareWords(aScore, bScore);
  return c !== 0 ? c < 0 : a.name < b.name;
}

export interface Election<T extends Contender> {
  readonly winner: T;
  readonly score: Word64;
}

/**
 * Rendezvous (highest random weight) hashing: the contender that ranks first for the address
 * wins. Each contender's rank depends only on itself and the address, so adding a contender
 * moves the address only if the newcomer ranks first, and removing one moves only the addresses
 * it held. Undefined when there are none. Order of the input does not matter.
 */
export function elect<T extends Contender>(contenders: Iterable<T>, addressKey: Word64): Election<T> | undefined {
  let best: Election<T> | undefined;
  for (const c of contenders) {
    const score = ownerScore(c.key, addressKey);
    if (best === undefined || precedes(c, score, best.winner, best.score)) best = { winner: c, score };
  }
  return best;
}
