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
  /** Extended communities in FRR's words: "LB:<asn>:<bytes per second>", "RT:<asn>:<value>", ... */
  extendedCommunities?: string[];
  /** The link bandwidth extended community's value, in bytes per second (1 Mbit/s is 125000). */
  linkBandwidth?: number;
  localPref?: number;
  med?: number;
  best: boolean;
  /**
   * Installed for forwarding beside the best path (ECMP). FRR says so itself; BIRD merges paths
   * only on export to the kernel, and gobgpd names only its best path, so for BIRD and GoBGP this
   * is read from the kernel route's next hops.
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
  /** The kernel route's weight per gateway (1 each for plain ECMP; weighted ECMP from link bandwidth differs). */
  fibWeights: Record<string, number>;
  /**
   * FRR only: the weight per next hop of the route zebra selected, as `show ip route <prefix> json`
   * shows it (from 1 to 100, in proportion to the paths' link bandwidth); empty when it has none.
   */
  frrWeights?: Record<string, number>;
}

export function familyOf(address: string): 'ipv4' | 'ipv6' {
  return address.includes(':') ? 'ipv6' : 'ipv4';
}
