import type { HeraldConfig, PeerConfig } from '@herald/shared/config/types.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import type { LargeCommunity, Prefix } from '../bgp/messages.js';
import type { ServiceEndpoints } from './endpoints.js';
import type { NodeIneligibleReason, NodeInput } from './node-eligibility.js';

export interface BgpInput {
  config: HeraldConfig;
  /** This speaker's node. */
  nodeName: string;
  /** name -> Node; only this node's entry is read. */
  nodes: ReadonlyMap<string, NodeInput>;
  /** Only Services Herald serves (the caller filters with classifyService); at most one per namespace/name. */
  services: readonly ServiceInput[];
  /** Ready endpoints per Service; a Service without an entry has none. */
  endpoints: ReadonlyMap<ServiceKey, ServiceEndpoints>;
}

/** What to send one peer for one prefix. The shell adds ORIGIN, AS_PATH and the next hop. */
export interface RouteIntent {
  readonly prefix: Prefix;
  /** RFC 1997 values (high << 16 | low), unique, ascending. */
  readonly communities: readonly number[];
  /** Unique, ascending by global administrator, then local data 1, then 2. */
  readonly largeCommunities: readonly LargeCommunity[];
  /** Set only for iBGP peers, and only when an advertisement sets it. */
  readonly localPref?: number;
  /** Bytes per second, for the link-bandwidth extended community; set only when every Service on the prefix has externalTrafficPolicy Local. */
  readonly linkBandwidth?: number;
  /** The Services this route announces, ascending. */
  readonly services: readonly ServiceKey[];
}

/** peer name -> prefix text (e.g. "10.0.0.0/24", "2001:db8::1/128") -> route. */
export type RouteTable = ReadonlyMap<string, ReadonlyMap<string, RouteIntent>>;

export interface BgpDecision {
  /** The sessions this node opens (BGPPeer nodeSelectors), by name. */
  readonly peers: readonly PeerConfig[];
  /** Peers with no route have no entry. Peers ascending by name, prefixes in address order. */
  readonly routes: RouteTable;
  /** One entry per input Service, ascending by key. */
  readonly services: ReadonlyMap<ServiceKey, ServiceAnnouncement>;
}

/** Why an address, or a whole Service, is not announced from this node. */
export type NotAnnouncedReason =
  | 'NodeUnknown'
  | NodeIneligibleReason
  | 'NoPeers'
  | 'NoAddress'
  | 'AddressNotInPool'
  | 'NoAdvertisement'
  | 'ServiceNotSelected'
  | 'NodeNotSelected'
  | 'NoPeerForAddress'
  | 'NoReadyEndpoints'
  | 'NoLocalReadyEndpoints';

export type AnnouncementReason = 'Announced' | NotAnnouncedReason;

export interface AddressAnnouncement {
  /** Canonical text of a status.loadBalancer.ingress address. */
  readonly address: string;
  /** The IPAddressPool holding it, when one does. */
  readonly pool?: string;
  readonly reason: AnnouncementReason;
  /** An English sentence naming the node, the Service and the address. */
  readonly message: string;
  /** Peers it is announced to, ascending; empty when not announced. */
  readonly peers: readonly string[];
  /** Prefix texts it is announced as (one per aggregation length in use), in address order. */
  readonly prefixes: readonly string[];
}

/** Announced, but not quite as configured. */
export interface AnnouncementWarning {
  readonly reason: 'LocalPrefConflict';
  readonly message: string;
}

/** What this node does for one Service: for events and its ServiceBGPStatus. Depends on that Service alone (with the configuration, this node and its endpoints). */
export interface ServiceAnnouncement {
  readonly key: ServiceKey;
  readonly node: string;
  /** At least one route to at least one peer. */
  readonly announced: boolean;
  /** 'Announced', or the reason nothing is. */
  readonly reason: AnnouncementReason;
  /** One English sentence or a few joined by "; ". */
  readonly message: string;
  /** Peers that get at least one of its routes, ascending: what ServiceBGPStatus lists. */
  readonly peers: readonly string[];
  /** Every prefix it is announced as, in address order. */
  readonly prefixes: readonly string[];
  /** One per status address, in status order. */
  readonly addresses: readonly AddressAnnouncement[];
  readonly warnings: readonly AnnouncementWarning[];
}

/** What to tell one peer. */
export interface PeerRouteChanges {
  /** Prefixes the peer did not have, in address order. */
  readonly added: readonly RouteIntent[];
  /** Prefixes the peer had with other attributes or other Services, in address order. */
  readonly changed: readonly RouteIntent[];
  /** The routes last announced for prefixes to withdraw (send their `prefix`; `services` is for logs), in address order. */
  readonly withdrawn: readonly RouteIntent[];
}

/** peer name -> its changes; peers with none have no entry. */
export type RouteChanges = ReadonlyMap<string, PeerRouteChanges>;
