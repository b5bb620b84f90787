import { ERROR_CODE, HEADER_LENGTH, MAX_MESSAGE_LENGTH, type NotificationMessage } from '../messages.js';
import type { ByteWriter } from './byte-writer.js';
import { CEASE, type BgpError, type DecodeResult } from './errors.js';
import { describeNotification } from './notification-codes.js';

/** NOTIFICATION (RFC 4271 4.5) and the shutdown communication of RFC 8203 / RFC 9003. */

export function writeNotificationBody(w: ByteWriter, n: NotificationMessage): void {
  w.u8(n.code, 'NOTIFICATION error code');
  w.u8(n.subcode, 'NOTIFICATION error subcode');
  w.bytes(n.data);
}

/** `frame` is a whole NOTIFICATION of at least 21 octets whose header was checked. */
export function readNotification(frame: Uint8Array): DecodeResult {
  const message: NotificationMessage = {
    type: 'notification',
    code: frame[HEADER_LENGTH]!,
    subcode: frame[HEADER_LENGTH + 1]!,
    data: frame.slice(HEADER_LENGTH + 2),
  };
  return { ok: true, message, treatAsWithdraw: false, issues: [] };
}

/** Data beyond this would push the NOTIFICATION past 4096 octets, the size every session accepts. */
const MAX_DATA = MAX_MESSAGE_LENGTH - HEADER_LENGTH - 2;

/**
 * The NOTIFICATION that answers a decoding error. Its data (the offending attribute or message)
 * is cut to fit a 4096-octet message, so it can be sent before or without extended messages.
 */
export function notificationFromError(error: BgpError): NotificationMessage {
  const data = error.data.length > MAX_DATA ? error.data.slice(0, MAX_DATA) : error.data;
  return { type: 'notification', code: error.code, subcode: error.subcode, data };
}

/** RFC 9003: at most 255 octets of UTF-8. */
const MAX_COMMUNICATION = 255;

/**
 * Cease / Administrative Shutdown (or Reset) carrying a message for the peer's operator; the
 * text is cut to 255 octets of UTF-8 at a character boundary.
 */
export function shutdownNotification(
  communication: string,
  subcode: typeof CEASE.administrativeShutdown | typeof CEASE.administrativeReset = CEASE.administrativeShutdown,
): NotificationMessage {
  const text = new Uint8Array(MAX_COMMUNICATION);
  const { written } = new TextEncoder().encodeInto(communication, text);
  const data = new Uint8Array(1 + written);
  data[0] = written;
  data.set(text.subarray(0, written), 1);
  return { type: 'notification', code: ERROR_CODE.cease, subcode, data };
}

/**
 * The operator's message in a Cease / Administrative Shutdown or Reset, or undefined when there
 * is none or its length octet overruns the data (RFC 9003 4: then it is ignored). Invalid UTF-8
 * is shown with replacement characters rather than refused: the text is only ever logged.
 */
export function shutdownCommunication(n: NotificationMessage): string | undefined {
  if (n.code !== ERROR_CODE.cease) return undefined;
  if (n.subcode !== CEASE.administrativeShutdown && n.subcode !== CEASE.administrativeReset) return undefined;
  const length = n.data[0];
  if (length === undefined || length === 0 || length > n.data.length - 1) return undefined;
  return new TextDecoder('utf-8').decode(n.data.subarray(1, 1 + length));
}

/** `Cease / Administrative Shutdown: "moving to new hardware"`, or the name with the data in hex. */
export function describeNotificationMessage(n: NotificationMessage): string {
  const name = describeNotification(n.code, n.subcode);
  const communication = shutdownCommunication(n);
  if (communication !== undefined) return `${name}: ${JSON.stringify(communication)}`;
  if (n.data.length === 0) return name;
  const shown = n.data.subarray(0, 64);
  const hex = Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${name} (data ${hex}${n.data.length > shown.length ? '…' : ''})`;
}
