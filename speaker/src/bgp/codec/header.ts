import { HEADER_LENGTH, MAX_EXTENDED_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH, type SessionCodecOptions } from '../messages.js';
import type { ByteWriter } from './byte-writer.js';
import { HEADER_ERROR, headerError, u16Bytes, type BgpError } from './errors.js';

/** The 19-octet header (RFC 4271 4.1): 16 octets of ones, length, type. */

const MARKER_LENGTH = 16;

export function maxMessageLength(options: SessionCodecOptions): number {
  return options.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
}

export function writeHeader(w: ByteWriter, type: number): void {
  for (let i = 0; i < MARKER_LENGTH; i++) w.u8(0xff);
  w.u16(0);
  w.u8(type);
}

/** Fills in the header's length once the body is written; refuses a message over `max`. */
export function finishMessage(w: ByteWriter, max: number, what: string): Uint8Array {
  const length = w.offset;
  if (length > max) throw new RangeError(`${what} of ${length} octets exceeds this session's maximum of ${max}`);
  w.patchU16(MARKER_LENGTH, length, 'message length');
  return w.finish();
}

export function messageLength(bytes: Uint8Array, at: number): number {
  return (bytes[at + MARKER_LENGTH]! << 8) | bytes[at + MARKER_LENGTH + 1]!;
}

/**
 * Checks the marker and length of the header at `at` (at least 19 octets must be there):
 * RFC 4271 6.1 Connection Not Synchronized or Bad Message Length (data: the length field).
 */
export function checkHeader(bytes: Uint8Array, at: number, max: number): BgpError | undefined {
  for (let i = 0; i < MARKER_LENGTH; i++) {
    if (bytes[at + i] !== 0xff) {
      return headerError(HEADER_ERROR.connectionNotSynchronized, `message header marker octet ${i} is ${bytes[at + i]}, not 255`);
    }
  }
  const length = messageLength(bytes, at);
  if (length < HEADER_LENGTH || length > max) {
    return headerError(
      HEADER_ERROR.badMessageLength,
      `message length ${length} is outside ${HEADER_LENGTH}..${max}`,
      u16Bytes(length),
    );
  }
  return undefined;
}
