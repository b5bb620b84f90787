/** Test support (not a test): UPDATE bytes built by hand from their parts, and a decoder that insists on success. */
import type { SessionCodecOptions, UpdateMessage } from '../messages.js';
import type { AttributeIssue, DecodeResult } from './errors.js';
import { fromHex } from './seeds.js';

export const EBGP4: SessionCodecOptions = { fourOctetAs: true, extendedMessage: false, ibgp: false };
export const IBGP4: SessionCodecOptions = { fourOctetAs: true, extendedMessage: false, ibgp: true };
export const EBGP2: SessionCodecOptions = { fourOctetAs: false, extendedMessage: false, ibgp: false };

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function u16(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** A whole UPDATE from hex parts: withdrawn routes, path attributes, NLRI; lengths filled in. */
export function rawUpdate(parts: { withdrawn?: string; attributes?: string; nlri?: string }): Uint8Array {
  const withdrawn = fromHex(parts.withdrawn ?? '');
  const attributes = fromHex(parts.attributes ?? '');
  const nlri = fromHex(parts.nlri ?? '');
  const length = 23 + withdrawn.length + attributes.length + nlri.length;
  return fromHex(
    `ffffffffffffffffffffffffffffffff ${u16(length)} 02 ${u16(withdrawn.length)} ${hex(withdrawn)} ${u16(attributes.length)} ${hex(attributes)} ${hex(nlri)}`,
  );
}

export function updateOf(result: DecodeResult): { message: UpdateMessage; treatAsWithdraw: boolean; issues: readonly AttributeIssue[] } {
  if (!result.ok || result.message.type !== 'update') throw new Error(`expected an UPDATE: ${JSON.stringify(result, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  return { message: result.message, treatAsWithdraw: result.treatAsWithdraw, issues: result.issues };
}

/** ORIGIN IGP and AS_PATH [65001] on a 4-octet session, NEXT_HOP 192.0.2.1. */
export const MANDATORY_4 = '40 01 01 00  40 02 06 02 01 0000fde9  40 03 04 c0000201';
export const ONE_PREFIX = '18 c63364';
