import type { API_VERSION } from './constants.js';
import type { LabelSelector, ObjectMeta } from './meta.js';

/** Pool selection shared by both advertisement kinds: by name, by label, or (both empty) every pool. */
export interface PoolSelection {
  ipAddressPools?: string[];
  ipAddressPoolSelectors?: LabelSelector[];
}

export interface L2Advertisement {
  apiVersion: typeof API_VERSION;
  kind: 'L2Advertisement';
  metadata: ObjectMeta;
  spec?: L2AdvertisementSpec;
}

export interface L2AdvertisementSpec extends PoolSelection {
  /** Nodes that may announce; empty means every node. */
  nodeSelectors?: LabelSelector[];
  /** Interfaces to answer ARP / NDP on; empty means every interface. */
  interfaces?: string[];
  /** Services this advertisement covers; empty means every Service. */
  serviceSelectors?: LabelSelector[];
}

export interface BGPAdvertisement {
  apiVersion: typeof API_VERSION;
  kind: 'BGPAdvertisement';
  metadata: ObjectMeta;
  spec?: BGPAdvertisementSpec;
}

export interface BGPAdvertisementSpec extends PoolSelection {
  /** Prefix length each IPv4 address is announced with. Default 32. */
  aggregationLength?: number;
  /** Prefix length each IPv6 address is announced with. Default 128. */
  aggregationLengthV6?: number;
  /** LOCAL_PREF, sent to iBGP peers only. */
  localPref?: number;
  /** `a:b` (16-bit each), `large:a:b:c` (32-bit each), or the name of a Community alias. */
  communities?: string[];
  /** BGPPeer names to announce to; empty means every peer. */
  peers?: string[];
  /** Nodes that announce (the next hops); empty means every node. */
  nodeSelectors?: LabelSelector[];
  /** Services this advertisement covers; empty means every Service. */
  serviceSelectors?: LabelSelector[];
}
