// The speakers' membership: who is alive, for layer-2 ownership. See README.md.

export { Membership, type DownReason, type MemberInfo, type MembershipCounters, type MembershipEvents, type MembershipOptions } from './membership.js';
export { DEFAULT_PROTOCOL_CONFIG, protocolConfig, suspicionTimeoutMs, retransmitLimit, type ProtocolConfig } from './config.js';
export { DEFAULT_PORT, parseSeed, type MemberAddress } from './address.js';
export { DROP_REASONS, type DropReason } from './codec.js';
export type { MemberStatus } from './messages.js';
