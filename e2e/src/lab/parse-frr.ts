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
    if (p.locPrf !== undefined) path.localPref = p.locPrf;
    if (p.metric !== undefined) path.med = p.metric;
    return path;
  });
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text.trim() === '' ? '{}' : text);
  } catch (e) {
    throw new Error(`FRR ${what}: not JSON (${(e as Error).message}): ${text.slice(0, 200)}`);
  }
}
