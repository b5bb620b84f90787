import type { BGPAdvertisement, L2Advertisement } from '../api/advertisements.js';
import type { BFDProfile } from '../api/bfd.js';
import type { BGPPeer, DynamicASN } from '../api/bgp-peer.js';
import type { Community } from '../api/community.js';
import type { LabelSelector, Secret } from '../api/meta.js';
import type { IPAddressPool } from '../api/pool.js';
import type { IP } from '../net/address.js';
import type { CIDR, IPRange } from '../net/range.js';
import type { CommunityValue } from './community.js';

/**
 * What buildConfig reads: the Herald objects as the API serves them, plus the Secrets a BGPPeer's
 * passwordSecret may name. Namespaces and Nodes are not inputs: selectors on them stay selectors in
 * the result and are evaluated where they are used, so the configuration does not change when a
 * node joins or a namespace is relabelled. Every list is optional; the shapes are not trusted.
 */
export interface ConfigResources {
  ipAddressPools?: readonly IPAddressPool[];
  l2Advertisements?: readonly L2Advertisement[];
  bgpAdvertisements?: readonly BGPAdvertisement[];
  bgpPeers?: readonly BGPPeer[];
  bfdProfiles?: readonly BFDProfile[];
  communities?: readonly Community[];
  /** Secrets outside Herald's namespace are ignored. */
  secrets?: readonly Secret[];
}

export interface BuildOptions {
  /** Herald's namespace; objects elsewhere are errors. Default herald-system. */
  namespace?: string;
}

/** Per address family, keyed by the family number so `x[ip.family]` reads naturally. */
export interface ByFamily<T> {
  readonly 4: readonly T[];
  readonly 6: readonly T[];
}

/** The validated, normalised configuration. Every list is sorted by name. */
export interface HeraldConfig {
  readonly namespace: string;
  readonly pools: readonly PoolConfig[];
  readonly l2Advertisements: readonly L2AdvertisementConfig[];
  readonly bgpAdvertisements: readonly BGPAdvertisementConfig[];
  readonly peers: readonly PeerConfig[];
  readonly bfdProfiles: readonly BFDProfileConfig[];
  /** Community aliases, sorted by alias name. */
  readonly communities: readonly CommunityAliasConfig[];
}

export interface PoolEntryConfig {
  /** As written in spec.addresses, for messages and status. */
  readonly text: string;
  /** Its index in spec.addresses. */
  readonly index: number;
  readonly range: IPRange;
  /** The entry itself when written as a CIDR, else the fewest CIDRs that cover the range exactly. */
  readonly cidrs: readonly CIDR[];
}

export interface ServiceAllocationConfig {
  /** Lower is preferred; 0 means no priority and sorts after every set one. */
  readonly priority: number;
  /** Sorted. */
  readonly namespaces: readonly string[];
  readonly namespaceSelectors: readonly LabelSelector[];
  readonly serviceSelectors: readonly LabelSelector[];
}

export interface PoolConfig {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** In spec order. */
  readonly entries: readonly PoolEntryConfig[];
  /** Disjoint, sorted by first address. */
  readonly ranges: ByFamily<IPRange>;
  /** Every entry's CIDRs, sorted by network: what aggregation lengths are checked against. */
  readonly cidrs: ByFamily<CIDR>;
  readonly autoAssign: boolean;
  readonly avoidBuggyIPs: boolean;
  /** Absent when the pool serves every Service. */
  readonly serviceAllocation?: ServiceAllocationConfig;
}

export interface L2AdvertisementConfig {
  readonly name: string;
  /** Pool names this advertisement covers, resolved from names, selectors, or all pools; sorted. */
  readonly pools: readonly string[];
  /** Empty means every node. */
  readonly nodeSelectors: readonly LabelSelector[];
  /** Sorted; empty means every interface. */
  readonly interfaces: readonly string[];
  /** Empty means every Service. */
  readonly serviceSelectors: readonly LabelSelector[];
}

export interface BGPAdvertisementConfig {
  readonly name: string;
  /** Resolved pool names, sorted. */
  readonly pools: readonly string[];
  /** 0..32, default 32. */
  readonly aggregationLength: number;
  /** 0..128, default 128. */
  readonly aggregationLengthV6: number;
  /** Absent when not set. */
  readonly localPref?: number;
  /** Aliases resolved to values; deduplicated and sorted. */
  readonly communities: readonly CommunityValue[];
  /** Resolved BGPPeer names (every peer when spec.peers is empty), sorted. */
  readonly peers: readonly string[];
  /** Empty means every node. */
  readonly nodeSelectors: readonly LabelSelector[];
  /** Empty means every Service. */
  readonly serviceSelectors: readonly LabelSelector[];
}

export interface PeerConfig {
  readonly name: string;
  readonly myASN: number;
  /** Set unless dynamicASN is. */
  readonly peerASN?: number;
  readonly dynamicASN?: DynamicASN;
  /** peerASN equals myASN, or dynamicASN is internal. */
  readonly ibgp: boolean;
  /** Exactly one of address and interface is set. */
  readonly address?: IP;
  readonly interface?: string;
  readonly sourceAddress?: IP;
  readonly port: number;
  /** 0 (no keepalives, no hold timer) or 3..65535. */
  readonly holdTimeSeconds: number;
  /** At most holdTimeSeconds. */
  readonly keepaliveTimeSeconds: number;
  /** ConnectRetry timer, RFC 4271: 1..65535, default 120. */
  readonly connectTimeSeconds: number;
  /** An IPv4 address used as the BGP identifier. */
  readonly routerID?: IP;
  /** Empty means every node. */
  readonly nodeSelectors: readonly LabelSelector[];
  /** TCP-MD5 key, from spec.password or resolved from the passwordSecret. */
  readonly password?: string;
  readonly bfdProfile?: BFDProfileConfig;
  readonly ebgpMultiHop: boolean;
  readonly gracefulRestart: boolean;
  /** '' for the default VRF. */
  readonly vrf: string;
}

export interface BFDProfileConfig {
  readonly name: string;
  /** Milliseconds. */
  readonly receiveInterval: number;
  readonly transmitInterval: number;
  readonly detectMultiplier: number;
  readonly echoInterval: number;
  readonly echoMode: boolean;
  readonly passiveMode: boolean;
  readonly minimumTtl: number;
}

export interface CommunityAliasConfig {
  /** The alias. */
  readonly name: string;
  readonly value: CommunityValue;
  /** The Community object that defines it. */
  readonly definedBy: string;
}
