import type { API_VERSION } from './constants.js';
import type { LabelSelector, ObjectMeta } from './meta.js';

export interface IPAddressPool {
  apiVersion: typeof API_VERSION;
  kind: 'IPAddressPool';
  metadata: ObjectMeta;
  spec: IPAddressPoolSpec;
  status?: IPAddressPoolStatus;
}

export interface IPAddressPoolSpec {
  /** CIDRs (`198.51.100.0/24`, `2001:db8::/64`) and ranges (`198.51.100.10-198.51.100.20`); v4 and v6 may mix. */
  addresses: string[];
  /** When false the pool serves only Services that ask for it by annotation or by address. Default true. */
  autoAssign?: boolean;
  /** Never hand out IPv4 addresses ending in .0 or .255. Default false. */
  avoidBuggyIPs?: boolean;
  serviceAllocation?: ServiceAllocation;
}

/** Restricts a pool to some Services and orders pools; restrictions on namespace and on service are ANDed. */
export interface ServiceAllocation {
  /** Lower is preferred; 0 (the default) sorts after every set priority. */
  priority?: number;
  namespaces?: string[];
  namespaceSelectors?: LabelSelector[];
  serviceSelectors?: LabelSelector[];
}

/**
 * Counts Herald keeps up to date. IPv4 counts are integers (they never exceed 2^32); IPv6 counts are
 * decimal strings because a single /64 holds 2^64 addresses, more than an int64 or a JavaScript number
 * can hold exactly, and Herald reports the true count rather than a saturated one.
 */
export interface IPAddressPoolStatus {
  assignedIPv4?: number;
  availableIPv4?: number;
  assignedIPv6?: string;
  availableIPv6?: string;
}
