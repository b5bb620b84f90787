/** The BGP session's public surface: what the speaker program uses. */
export {
  BgpSession,
  type BgpSessionEvents,
  type BgpSessionOptions,
  type SessionDown,
  type StateChange,
} from './session.js';
export type { SessionState } from './fsm-types.js';
export type { NegotiatedSession } from './negotiation.js';
export type { PeerAsn } from './config.js';
export { deriveRouterId, type RouterIdSources } from './router-id.js';
