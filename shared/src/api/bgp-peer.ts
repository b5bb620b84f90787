import type { API_VERSION } from './constants.js';
import type { LabelSelector, ObjectMeta, SecretReference } from './meta.js';

export interface BGPPeer {
  apiVersion: typeof API_VERSION;
  kind: 'BGPPeer';
  metadata: ObjectMeta;
  spec: BGPPeerSpec;
}

export type DynamicASN = 'internal' | 'external';

/** MetalLB's v1beta2 BGPPeer shape. Durations are Go duration strings ("90s", "1m30s"). */
export interface BGPPeerSpec {
  myASN: number;
  /** Exactly one of peerASN and dynamicASN. */
  peerASN?: number;
  dynamicASN?: DynamicASN;
  /** Exactly one of peerAddress and interface. */
  peerAddress?: string;
  /** Unnumbered peering over this interface's IPv6 link-local address. */
  interface?: string;
  sourceAddress?: string;
  /** Default 179. */
  peerPort?: number;
  holdTime?: string;
  keepaliveTime?: string;
  connectTime?: string;
  /** An IPv4 address used as the BGP identifier. */
  routerID?: string;
  /** Nodes that open this session; empty means every node. */
  nodeSelectors?: LabelSelector[];
  /** TCP-MD5 key; exclusive with passwordSecret. */
  password?: string;
  /** A Secret in Herald's namespace whose `password` key holds the TCP-MD5 key. */
  passwordSecret?: SecretReference;
  bfdProfile?: string;
  ebgpMultiHop?: boolean;
  enableGracefulRestart?: boolean;
  vrf?: string;
}
