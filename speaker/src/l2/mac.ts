// Ethernet (EUI-48) addresses as text: six lowercase two-digit hex groups joined by colons, the
// form `ip link` prints and Linux's /sys/class/net/<if>/address holds.

import { type ParseResult, fail, ok } from '@herald/shared/net/result.js';

export type Mac = string;

export const MAC_LENGTH = 6;
export const BROADCAST_MAC: Mac = 'ff:ff:ff:ff:ff:ff';
export const ZERO_MAC: Mac = '00:00:00:00:00:00';

const MAC_TEXT = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Reads "aa:bb:cc:dd:ee:ff" (either case) into canonical lowercase text. */
export function parseMac(text: string): ParseResult<Mac> {
  if (typeof text !== 'string' || !MAC_TEXT.test(text)) {
    return fail(`${JSON.stringify(text)} is not a MAC address (six hex pairs joined by colons)`);
  }
  return ok(text.toLowerCase());
}

/** The six bytes at `offset` as canonical text. */
export function formatMac(bytes: Uint8Array, offset = 0): Mac {
  const groups: string[] = [];
  for (let i = offset; i < offset + MAC_LENGTH; i++) groups.push((bytes[i] ?? 0).toString(16).padStart(2, '0'));
  return groups.join(':');
}

/** The six bytes of a MAC; throws a RangeError naming the text when it is not one. */
export function macBytes(mac: Mac): Buffer {
  const parsed = parseMac(mac);
  if (!parsed.ok) throw new RangeError(parsed.error);
  return Buffer.from(parsed.value.replaceAll(':', ''), 'hex');
}

/** Group addresses (the I/G bit, least significant bit of the first byte, set), broadcast included. */
export function isGroupMac(bytes: Uint8Array, offset = 0): boolean {
  return ((bytes[offset] ?? 0) & 1) === 1;
}
