import { HEADER_LENGTH, MESSAGE_TYPE, type KeepaliveMessage } from '../messages.js';
import type { DecodeResult } from './errors.js';

/** KEEPALIVE (RFC 4271 4.4): the header alone. Its exact length is checked with the header. */

export const KEEPALIVE: KeepaliveMessage = { type: 'keepalive' };

/** The whole 19-octet message, the same every time: sessions send it often. */
export const KEEPALIVE_BYTES: Uint8Array = (() => {
  const bytes = new Uint8Array(HEADER_LENGTH).fill(0xff);
  bytes[16] = 0;
  bytes[17] = HEADER_LENGTH;
  bytes[18] = MESSAGE_TYPE.keepalive;
  return bytes;
})();

export function readKeepalive(): DecodeResult {
  return { ok: true, message: KEEPALIVE, treatAsWithdraw: false, issues: [] };
}
