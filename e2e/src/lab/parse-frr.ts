// Reading FRR's JSON output (`show bgp neighbors json`, `show bgp <afi> unicast <prefix> json`).

import { familyOf, type BgpNeighbor, type BgpPath } from './router-state.js';

interface FrrNeighborJson {
  remoteAs?: number;
  bgpState?: string;
  addressFamilyInfo?: Record<string, { acceptedPrefixCounter?: number }>;
}

export function parseFrrNeighbors(json: string): BgpNeighbor[] {
  const data = parseJson(json, 'show bgp neighbors json') as Record<string, FrrNeighborJson>;
  return Object.entries(data)
    .filter(([, n]) => typeof n === 'object' && n !== null && typeof n.bgpState === 'string')
    .map(([address, n]) => ({
      address,
      family: familyOf(address),
      state: n.bgpState ?? 'unknown',
      remoteAs: n.remoteAs ?? 0,
      prefixesReceived: Object.values(n.addressFamilyInfo ?? {}).reduce((sum, af) => sum + (af.acceptedPrefixCounter ?? 0), 0),
    }))
    .sort((a, b) => a.address.localeCompare(b.address));
}

interface FrrPathJson {
  aspath?: { string?: string; segments?: Array<{ list?: number[] }> };
  origin?: string;
  metric?: number;
  locPrf?: number;
  bestpath?: { overall?: boolean };
  multipath?: boolean;
  community?: { list?: string[]; string?: string };
  largeCommunity?: { list?: string[]; string?: string };
  extendedCommunity?: { string?: string };
  nexthops?: Array<{ ip?: string; scope?: string }>;
  peer?: { peerId?: string };
}

/** Paths of one prefix; none when FRR does not hold it (it then answers `{}`). */
export function parseFrrRoute(json: string): BgpPath[] {
  const data = parseJson(json, 'show bgp unicast <prefix> json') as { paths?: FrrPathJson[] };
  return (data.paths ?? []).map((p) => {
    const best = p.bestpath?.overall === true;
    const multipath = p.multipath === true;
    const global = p.nexthops?.find((n) => n.scope !== 'link-local') ?? p.nexthops?.[0];
    const path: BgpPath = {
      nextHop: global?.ip ?? '',
      asPath: (p.aspath?.segments ?? []).flatMap((s) => s.list ?? []),
      best,
      multipath,
      bestOrMultipath: best || multipath,
    };
    if (p.peer?.peerId !== undefined) path.peer = p.peer.peerId;
    if (p.origin !== undefined) path.origin = p.origin;
    const communities = p.community?.list ?? p.community?.string?.split(' ');
    if (communities) path.communities = communities;
    const large = p.largeCommunity?.list ?? p.largeCommunity?.string?.split(' ');
    if (large) path.largeCommunities = large;
    const extended = parseFrrExtCommunities(p.extendedCommunity?.string);
    if (extended) {
      path.extendedCommunities = extended;
      const lb = linkBandwidthOf(extended);
      if (lb !== undefined) path.linkBandwidth = lb;
    }
    if (p.locPrf !== undefined) path.localPref = p.locPrf;
    if (p.metric !== undefined) path.med = p.metric;
    return path;
  });
}

/** "LB:64512:125000 (1.000 Mbps) RT:64512:7" → ["LB:64512:125000", "RT:64512:7"]: FRR's words, its unit notes left out. */
export function parseFrrExtCommunities(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text
    .replace(/\s*\([^)]*\)/g, '')
    .split(/\s+/)
    .filter((w) => w !== '');
}

/** The value of the first "LB:<asn>:<bytes per second>" among extended communities. */
export function linkBandwidthOf(extended: readonly string[]): number | undefined {
  const value = extended.map((e) => /^LB:\d+:(\d+)$/.exec(e)?.[1]).find((v) => v !== undefined);
  return value === undefined ? undefined : Number(value);
}

interface FrrRibEntryJson {
  selected?: boolean;
  nexthops?: Array<{ ip?: string; weight?: number; active?: boolean }>;
}

/**
 * Weights per next hop of the route zebra selected for the prefix (`show ip route <prefix> json`,
 * `show ipv6 route <prefix> json`); empty when zebra has none.
 */
export function parseFrrRibWeights(json: string): Record<string, number> {
  const data = parseJson(json, 'show ip route <prefix> json') as Record<string, FrrRibEntryJson[]>;
  const selected = Object.values(data)
    .flat()
    .find((e) => e.selected === true);
  const weights: Record<string, number> = {};
  for (const nh of selected?.nexthops ?? []) {
    if (nh.ip !== undefined && nh.active !== false) weights[nh.ip] = nh.weight ?? 1;
  }
  return weights;
}

/** Each neighbour's state and prefixes received, from `show bgp <afi> unicast summary json`. */
export function parseFrrSummary(json: string): Map<string, { state: string; prefixesReceived: number }> {
  const data = parseJson(json, 'show bgp unicast summary json') as { peers?: Record<string, { pfxRcd?: number; state?: string }> };
  return new Map(Object.entries(data.peers ?? {}).map(([address, p]) => [address, { state: p.state ?? 'unknown', prefixesReceived: p.pfxRcd ?? 0 }]));
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text.trim() === '' ? '{}' : text);
  } catch (e) {
    throw new Error(`FRR ${what}: not JSON (${(e as Error).message}): ${text.slice(0, 200)}`);
  }
}
