import { HEADER_LENGTH, MAX_MESSAGE_LENGTH, MESSAGE_TYPE, type Message, type SessionCodecOptions } from '../messages.js';
import { ByteWriter } from './byte-writer.js';
import { HEADER_ERROR, headerError, u16Bytes, type DecodeResult } from './errors.js';
import { checkHeader, finishMessage, maxMessageLength, messageLength, writeHeader } from './header.js';
import { KEEPALIVE_BYTES, readKeepalive } from './keepalive.js';
import { readNotification, writeNotificationBody } from './notification.js';
import { readOpen, writeOpenBody } from './open.js';
import { readRouteRefresh, writeRouteRefreshBody } from './route-refresh.js';
import { readUpdate, writeUpdateBody } from './update-message.js';

/**
 * The whole message with its header. Throws RangeError when the message cannot be encoded
 * (a field out of range, or longer than the session allows): the caller built it wrong.
 */
export function encodeMessage(message: Message, options: SessionCodecOptions): Uint8Array {
  if (message.type === 'keepalive') return KEEPALIVE_BYTES.slice();
  const w = new ByteWriter(message.type === 'update' ? 512 : 64);
  switch (message.type) {
    case 'open':
      writeHeader(w, MESSAGE_TYPE.open);
      writeOpenBody(w, message);
      // RFC 8654 4: OPEN stays within 4096 octets even when extended messages are on.
      return finishMessage(w, MAX_MESSAGE_LENGTH, 'OPEN');
    case 'update':
      writeHeader(w, MESSAGE_TYPE.update);
      writeUpdateBody(w, message, options);
      return finishMessage(w, maxMessageLength(options), 'UPDATE');
    case 'notification':
      writeHeader(w, MESSAGE_TYPE.notification);
      writeNotificationBody(w, message);
      return finishMessage(w, maxMessageLength(options), 'NOTIFICATION');
    case 'route-refresh':
      writeHeader(w, MESSAGE_TYPE.routeRefresh);
      writeRouteRefreshBody(w, message);
      return finishMessage(w, maxMessageLength(options), 'ROUTE-REFRESH');
  }
}

/** Smallest whole message of each type (RFC 4271 4.2-4.5, RFC 2918 3); OPEN and KEEPALIVE also have a largest. */
const MIN_LENGTH: Readonly<Record<number, number>> = {
  [MESSAGE_TYPE.open]: 29,
  [MESSAGE_TYPE.update]: 23,
  [MESSAGE_TYPE.notification]: 21,
  [MESSAGE_TYPE.keepalive]: HEADER_LENGTH,
  [MESSAGE_TYPE.routeRefresh]: HEADER_LENGTH,
};

const NAME: Readonly<Record<number, string>> = {
  [MESSAGE_TYPE.open]: 'OPEN',
  [MESSAGE_TYPE.update]: 'UPDATE',
  [MESSAGE_TYPE.notification]: 'NOTIFICATION',
  [MESSAGE_TYPE.keepalive]: 'KEEPALIVE',
  [MESSAGE_TYPE.routeRefresh]: 'ROUTE-REFRESH',
};

/**
 * Decodes one whole message (header included). Never throws: a failure is a BgpError that maps
 * onto the NOTIFICATION to send; path attribute problems that do not end the session come back
 * as `issues` with the RFC 7606 outcome.
 */
export function decodeMessage(frame: Uint8Array, options: SessionCodecOptions): DecodeResult {
  if (frame.length < HEADER_LENGTH) {
    return {
      ok: false,
      error: headerError(HEADER_ERROR.badMessageLength, `message of ${frame.length} octets is shorter than a header`, u16Bytes(frame.length)),
    };
  }
  const headerProblem = checkHeader(frame, 0, maxMessageLength(options));
  if (headerProblem !== undefined) return { ok: false, error: headerProblem };
  const length = messageLength(frame, 0);
  if (length !== frame.length) {
    return {
      ok: false,
      error: headerError(HEADER_ERROR.badMessageLength, `header says ${length} octets but the frame has ${frame.length}`, u16Bytes(length)),
    };
  }
  const type = frame[18]!;
  const min = MIN_LENGTH[type];
  if (min === undefined) {
    return { ok: false, error: headerError(HEADER_ERROR.badMessageType, `message type ${type} is unknown`, Uint8Array.of(type)) };
  }
  const max = type === MESSAGE_TYPE.keepalive ? HEADER_LENGTH : type === MESSAGE_TYPE.open ? MAX_MESSAGE_LENGTH : length;
  if (length < min || length > max) {
    return {
      ok: false,
      error: headerError(
        HEADER_ERROR.badMessageLength,
        `${NAME[type]} of ${length} octets; it must be ${min === max ? min : `${min}..${max}`}`,
        u16Bytes(length),
      ),
    };
  }
  switch (type) {
    case MESSAGE_TYPE.open:
      return readOpen(frame);
    case MESSAGE_TYPE.update:
      return readUpdate(frame, options);
    case MESSAGE_TYPE.notification:
      return readNotification(frame);
    case MESSAGE_TYPE.keepalive:
      return readKeepalive();
    default:
      return readRouteRefresh(frame);
  }
}
