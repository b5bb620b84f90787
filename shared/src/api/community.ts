import type { API_VERSION } from './constants.js';
import type { ObjectMeta } from './meta.js';

export interface Community {
  apiVersion: typeof API_VERSION;
  kind: 'Community';
  metadata: ObjectMeta;
  spec?: CommunitySpec;
}

export interface CommunitySpec {
  communities?: CommunityAlias[];
}

/** A name BGPAdvertisements can use instead of the value. Names are unique across all Community objects. */
export interface CommunityAlias {
  name: string;
  /** `a:b` (16-bit each) or `large:a:b:c` (32-bit each). */
  value: string;
}
