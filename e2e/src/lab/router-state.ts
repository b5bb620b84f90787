// The router's state as tests look at it, the same shape whichever daemon produced it.

export interface BgpNeighbor {
  address: string;
  family: 'ipv4' | 'ipv6';
  /** Established, Active, Connect, Idle, OpenSent, OpenConfirm, as the daemon says it. */
  state: string;
  remoteAs: number;
  /** Prefixes received and accepted from this neighbour, over all its address families. */
  prefixesReceived: number;
}

export interface BgpPath {
  nextHop: string;
  /** The neighbour the path came from. */
  peer?: string;
  asPath: number[];
  /** IGP, EGP or incomplete. */
  origin?: string;
  /** Standard communities as "asn:value". */
  communities?: string[];
  /** Large communities as "global:local1:local2". */
  largeCommunities?: string[];
  localPref?: number;
  med?: number;
  best: boolean;
  /**
   * Installed for forwarding beside the best path (ECMP). FRR says so itself; BIRD merges paths
   * only on export to the kernel, so for BIRD this is read from the kernel route's next hops.
   */
  multipath: boolean;
  bestOrMultipath: boolean;
}

export interface RouteView {
  prefix: string;
  /** Every path the router holds for exactly this prefix. */
  bgpPaths: BgpPath[];
  /** Gateways of the router's kernel route for exactly this prefix, sorted; empty when none is installed. */
  fibNextHops: string[];
}

export function familyOf(address: string): 'ipv4' | 'ipv6' {
  return address.includes(':') ? 'ipv6' : 'ipv4';
}
