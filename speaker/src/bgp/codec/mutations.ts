/**
 * Mutations of valid messages for the fuzz runner and the hostile-input tests, driven by a small
 * seeded generator so a failing run can be repeated from its seed.
 */

export { type Random, seededRandom } from '@herald/shared/bench/random.js';
import type { Random } from '@herald/shared/bench/random.js';

function below(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** Values that sit on the edges parsers get wrong. */
const INTERESTING_8 = [0, 1, 2, 3, 4, 5, 6, 0x0f, 0x10, 0x1f, 0x20, 0x40, 0x50, 0x7f, 0x80, 0x90, 0xc0, 0xd0, 0xfe, 0xff];
const INTERESTING_16 = [0, 1, 18, 19, 20, 21, 22, 23, 29, 255, 256, 4095, 4096, 4097, 0x7fff, 0x8000, 0xfffe, 0xffff];

export const MUTATION_KINDS = [
  'bit flip',
  'byte set',
  'interesting byte',
  'interesting 16-bit value',
  'insert bytes',
  'delete bytes',
  'header length',
  'truncate',
  'splice',
  'duplicate range',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** Applies one mutation; `corpus` supplies the other half of a splice. */
export function mutateOnce(bytes: Uint8Array, kind: MutationKind, random: Random, corpus: readonly Uint8Array[]): Uint8Array {
  const n = bytes.length;
  const at = n === 0 ? 0 : below(random, n);
  switch (kind) {
    case 'bit flip': {
      if (n === 0) return bytes;
      const out = bytes.slice();
      out[at]! ^= 1 << below(random, 8);
      return out;
    }
    case 'byte set': {
      if (n === 0) return bytes;
      const out = bytes.slice();
      out[at] = below(random, 256);
      return out;
    }
    case 'interesting byte': {
      if (n === 0) return bytes;
      const out = bytes.slice();
      out[at] = INTERESTING_8[below(random, INTERESTING_8.length)]!;
      return out;
    }
    case 'interesting 16-bit value': {
      if (n < 2) return bytes;
      const out = bytes.slice();
      const where = Math.min(at, n - 2);
      const value = INTERESTING_16[below(random, INTERESTING_16.length)]!;
      out[where] = value >>> 8;
      out[where + 1] = value & 0xff;
      return out;
    }
    case 'insert bytes': {
      const count = 1 + below(random, 16);
      const out = new Uint8Array(n + count);
      out.set(bytes.subarray(0, at));
      for (let i = 0; i < count; i++) out[at + i] = below(random, 256);
      out.set(bytes.subarray(at), at + count);
      return out;
    }
    case 'delete bytes': {
      const count = Math.min(n - at, 1 + below(random, 16));
      const out = new Uint8Array(n - count);
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(at + count), at);
      return out;
    }
    case 'header length': {
      if (n < 18) return bytes;
      const out = bytes.slice();
      const value = random() < 0.5 ? INTERESTING_16[below(random, INTERESTING_16.length)]! : Math.max(0, n + below(random, 9) - 4);
      out[16] = (value >>> 8) & 0xff;
      out[17] = value & 0xff;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'splice': {
      const other = corpus[below(random, corpus.length)] ?? bytes;
      const from = below(random, other.length + 1);
      const out = new Uint8Array(at + other.length - from);
      out.set(bytes.subarray(0, at));
      out.set(other.subarray(from), at);
      return out;
    }
    case 'duplicate range': {
      const count = Math.min(n - at, 1 + below(random, 32));
      const out = new Uint8Array(n + count);
      out.set(bytes.subarray(0, at + count));
      out.set(bytes.subarray(at), at + count);
      return out;
    }
  }
}

/** One to four mutations in a row; returns the bytes and what was done. */
export function mutate(bytes: Uint8Array, random: Random, corpus: readonly Uint8Array[]): { bytes: Uint8Array; kinds: MutationKind[] } {
  const kinds: MutationKind[] = [];
  let out = bytes;
  const rounds = 1 + below(random, 4);
  for (let i = 0; i < rounds; i++) {
    const kind = MUTATION_KINDS[below(random, MUTATION_KINDS.length)]!;
    kinds.push(kind);
    out = mutateOnce(out, kind, random, corpus);
  }
  return { bytes: out, kinds };
}

/**
 * Makes the header's length field agree with the bytes again (when it can), so the mutation
 * reaches the body parsers instead of stopping at the header check.
 */
export function fixHeaderLength(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 19 || bytes.length > 0xffff) return bytes;
  const out = bytes.slice();
  out[16] = bytes.length >>> 8;
  out[17] = bytes.length & 0xff;
  return out;
}
