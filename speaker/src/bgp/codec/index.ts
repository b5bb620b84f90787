/** The BGP codec's public surface: everything the session and the speaker use. */
export { encodeMessage, decodeMessage } from './message.js';
export { FrameReader } from './frame-reader.js';
export {
  type AttributeIssue,
  type BgpError,
  type DecodeResult,
  CEASE,
  FSM_ERROR,
  HEADER_ERROR,
  OPEN_ERROR,
  ROUTE_REFRESH_ERROR,
  UPDATE_ERROR,
} from './errors.js';
export { describeNotification, NOTIFICATION_CODES } from './notification-codes.js';
export {
  describeNotificationMessage,
  notificationFromError,
  shutdownCommunication,
  shutdownNotification,
} from './notification.js';
export { encodeUpdates, endOfRib, isEndOfRib, type OutboundRoute } from './updates.js';
export { BLACKHOLE, GRACEFUL_SHUTDOWN, NO_ADVERTISE, NO_EXPORT, NO_EXPORT_SUBCONFED } from './communities.js';
export { myAsField, peerAsOf, PRE_OPEN_CODEC_OPTIONS, sessionCodecOptions } from './open.js';
export { KEEPALIVE, KEEPALIVE_BYTES } from './keepalive.js';
export { ROUTE_REFRESH_SUBTYPE } from './route-refresh.js';
export { ATTRIBUTE, attributeName } from './attribute-types.js';
export { CAPABILITY } from './capabilities.js';
