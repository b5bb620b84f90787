import type { HeraldConfig } from '@herald/shared/config/types.js';
import type { IP } from '@herald/shared/net/address.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import type { ServiceEndpoints } from './endpoints.js';
import type { AnnounceInterface, NodeInterface } from './l2-interfaces.js';
import type { NodeInput } from './node-eligibility.js';

export interface L2Input {
  config: HeraldConfig;
  /** This speaker's node. */
  nodeName: string;
  /** Every Node, by name: any of them may own an address. */
  nodes: ReadonlyMap<string, NodeInput>;
  /** Node names the membership reports alive; includes this node while its speaker runs. */
  liveMembers: Iterable<string>;
  /** Only Services Herald serves (the caller filters with classifyService); at most one per namespace/name. */
  services: readonly ServiceInput[];
  /** Ready endpoints per Service; a Service without an entry has none. */
  endpoints: ReadonlyMap<ServiceKey, ServiceEndpoints>;
  /** This node's interfaces. */
  interfaces: readonly NodeInterface[];
}

/** An address this node answers for (ARP or Neighbor Solicitation) and announces when it takes it over. */
export interface OwnedAddress {
  /** Canonical text, as in Service status. */
  readonly address: string;
  readonly ip: IP;
  /** Ascending by name, at least one. */
  readonly interfaces: readonly AnnounceInterface[];
  /** The Services it is announced for, ascending. */
  readonly services: readonly ServiceKey[];
}

export interface L2Decision {
  /** Addresses this node answers for, in address order (IPv4 first), keyed by their text. */
  readonly owned: ReadonlyMap<string, OwnedAddress>;
  /** One entry per input Service, ascending by key. */
  readonly services: ReadonlyMap<ServiceKey, L2Announcement>;
}

/**
 * Why an address of a Service has no owner, the same on every speaker; in check order.
 */
export type NoOwnerReason =
  | 'NoAddress'
  | 'AddressNotInPool'
  | 'NoAdvertisement'
  | 'ServiceNotSelected'
  | 'NoSelectedNode'
  | 'NoReadyEndpoints'
  | 'NoEligibleNode'
  | 'NoLiveNode'
  | 'NoLocalReadyEndpoints'
  | 'SharedAddressConflict';

/**
 * Announced: this node owns the address and answers for it. OwnedByOtherNode: another node does.
 * NoInterface: this node owns it but has no interface to answer on (other speakers believe it
 * answers: interfaces are not part of the election, as only this node knows them).
 */
export type L2Reason = 'Announced' | 'OwnedByOtherNode' | 'NoInterface' | NoOwnerReason;

/** This node's part: it owns the address, could take it over (a candidate), or could not. */
export type L2Role = 'owner' | 'candidate' | 'none';

export interface L2AddressAnnouncement {
  readonly address: string;
  /** The IPAddressPool holding it, when one does. */
  readonly pool?: string;
  /** The node that answers for it for this Service; absent when none does. */
  readonly owner?: string;
  readonly role: L2Role;
  readonly reason: L2Reason;
  /** An English sentence naming the address and the Service. */
  readonly message: string;
  /** Where this node answers for it, ascending; empty unless reason is Announced. */
  readonly interfaces: readonly string[];
}

/** What layer 2 mode does for one Service, seen from this node: for events and its ServiceL2Status. */
export interface L2Announcement {
  readonly key: ServiceKey;
  /** This node. */
  readonly node: string;
  /** This node answers for at least one of its addresses. */
  readonly announced: boolean;
  /** The highest over its addresses: owner, then candidate, then none. */
  readonly role: L2Role;
  /** Announced; else the first problem in status order; else OwnedByOtherNode. */
  readonly reason: L2Reason;
  /** One sentence per address, joined by "; ". */
  readonly message: string;
  /** Interfaces this node answers on for it, ascending: what its ServiceL2Status lists. */
  readonly interfaces: readonly string[];
  /** One per status address, in status order. */
  readonly addresses: readonly L2AddressAnnouncement[];
}

/** What one L2Announcer call changed. Lists are in address order. */
export interface L2Changes {
  /** Addresses this node starts answering for: start answering, send gratuitous ARP / unsolicited NA. */
  readonly started: readonly OwnedAddress[];
  /** Addresses it keeps, with other interfaces or Services (announce on the interfaces that are new). */
  readonly changed: readonly OwnedAddress[];
  /** Addresses it stops answering for, as they were. */
  readonly stopped: readonly OwnedAddress[];
  /** Announcements that changed, ascending by key; undefined for a Service that is gone. */
  readonly services: ReadonlyMap<ServiceKey, L2Announcement | undefined>;
}
