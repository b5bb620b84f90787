import { type ParseResult, fail, ok } from '../net/result.js';

/** A BGP community in canonical form; `text` is how Herald writes it back (no leading zeros). */
export type CommunityValue =
  | {
      kind: 'standard';
      /** RFC 1997: the high 16 bits (usually an AS) and the low 16 bits. */
      high: number;
      low: number;
      text: string;
    }
  | {
      kind: 'large';
      /** RFC 8092: three 32-bit numbers. */
      globalAdministrator: number;
      localData1: number;
      localData2: number;
      text: string;
    };

const DIGITS = /^[0-9]+$/;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;

function parsePart(part: string, max: number, what: string, text: string): ParseResult<number> {
  if (!DIGITS.test(part)) return fail(`${JSON.stringify(text)}: ${what} ${JSON.stringify(part)} is not a decimal number`);
  // Strip leading zeros before converting so a long run of them cannot lose precision.
  const n = Number(part.replace(/^0+(?=.)/, ''));
  if (part.replace(/^0+(?=.)/, '').length > 10 || n > max) {
    return fail(`${JSON.stringify(text)}: ${what} ${part} does not fit in ${max === MAX16 ? 16 : 32} bits (at most ${max})`);
  }
  return ok(n);
}

/**
 * Parses a community literal: `a:b` (standard, 16 bits each) or `large:a:b:c` (large, 32 bits
 * each). Anything else is not a literal; callers treat text without ':' as a Community alias name.
 */
export function parseCommunity(text: string): ParseResult<CommunityValue> {
  const parts = text.split(':');
  if (parts[0] === 'large') {
    if (parts.length !== 4) return fail(`${JSON.stringify(text)} is not a large community: write large:a:b:c with three 32-bit numbers`);
    const g = parsePart(parts[1] ?? '', MAX32, 'global administrator', text);
    if (!g.ok) return g;
    const l1 = parsePart(parts[2] ?? '', MAX32, 'first local data part', text);
    if (!l1.ok) return l1;
    const l2 = parsePart(parts[3] ?? '', MAX32, 'second local data part', text);
    if (!l2.ok) return l2;
    return ok({
      kind: 'large',
      globalAdministrator: g.value,
      localData1: l1.value,
      localData2: l2.value,
      text: `large:${g.value}:${l1.value}:${l2.value}`,
    });
  }
  if (parts.length !== 2) {
    return fail(`${JSON.stringify(text)} is not a community: write a:b (16-bit numbers) or large:a:b:c (32-bit numbers)`);
  }
  const high = parsePart(parts[0] ?? '', MAX16, 'first part', text);
  if (!high.ok) return high;
  const low = parsePart(parts[1] ?? '', MAX16, 'second part', text);
  if (!low.ok) return low;
  return ok({ kind: 'standard', high: high.value, low: low.value, text: `${high.value}:${low.value}` });
}

/** Whether a string in a BGPAdvertisement is meant as a literal (it has a ':') rather than an alias name. */
export function isCommunityLiteral(text: string): boolean {
  return text.includes(':');
}

/** Standard before large, then numerically: the order advertisements list their communities in. */
export function compareCommunities(a: CommunityValue, b: CommunityValue): number {
  if (a.kind !== b.kind) return a.kind === 'standard' ? -1 : 1;
  const ka = a.kind === 'standard' ? [a.high, a.low] : [a.globalAdministrator, a.localData1, a.localData2];
  const kb = b.kind === 'standard' ? [b.high, b.low] : [b.globalAdministrator, b.localData1, b.localData2];
  for (let i = 0; i < ka.length; i++) {
    const d = (ka[i] ?? 0) - (kb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
