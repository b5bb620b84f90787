// Reading the gobgp CLI's JSON output (`gobgp -j neighbor`, `gobgp -j global rib -a <afi> <prefix>`).

import { familyOf, type BgpNeighbor, type BgpPath } from './router-state.js';

interface GoBgpNeighborJson {
  conf?: { neighbor_address?: string; peer_asn?: number };
  state?: { neighbor_address?: string; peer_asn?: number; session_state?: number | string };
  afi_safis?: Array<{ state?: { accepted?: number } }>;
}

/** The FSM states as FRR and BIRD name them, by gobgp's gRPC enum value. */
const STATES = ['Unknown', 'Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'];

/** gobgp prints the state as the gRPC enum's number in JSON, or in some releases as its name. */
export function goBgpStateName(state: number | string | undefined): string {
  if (typeof state === 'number') return STATES[state] ?? `state ${state}`;
  const bare = (state ?? 'unknown').toLowerCase().replace(/^session_state_/, '');
  return STATES.find((s) => s.toLowerCase() === bare) ?? bare;
}

export function parseGoBgpNeighbors(json: string): BgpNeighbor[] {
  const data = parseJson(json, 'neighbor', '[]') as GoBgpNeighborJson[];
  return data
    .map((n) => {
      const address = n.state?.neighbor_address ?? n.conf?.neighbor_address ?? '';
      return {
        address,
        family: familyOf(address),
        state: goBgpStateName(n.state?.session_state),
        remoteAs: n.state?.peer_asn ?? n.conf?.peer_asn ?? 0,
        prefixesReceived: (n.afi_safis ?? []).reduce((sum, af) => sum + (af.state?.accepted ?? 0), 0),
      };
    })
    .sort((a, b) => a.address.localeCompare(b.address));
}

interface GoBgpAttrJson {
  type?: number;
  value?: unknown;
  nexthop?: string;
  metric?: number;
  as_paths?: Array<{ asns?: number[] }>;
  communities?: number[];
}

interface GoBgpPathJson {
  best?: boolean;
  attrs?: GoBgpAttrJson[];
  'neighbor-ip'?: string;
}

// Path attribute type codes (RFC 4271, 1997, 4360, 4760, 8092).
const ORIGIN = 1;
const AS_PATH = 2;
const NEXT_HOP = 3;
const MED = 4;
const LOCAL_PREF = 5;
const COMMUNITIES = 8;
const MP_REACH = 14;
const EXTENDED_COMMUNITIES = 16;
const LARGE_COMMUNITIES = 32;

const ORIGINS = ['IGP', 'EGP', 'incomplete'];

/**
 * Every path gobgpd holds for exactly one prefix; none when it answers `{}`. `multipath` is left
 * false: gobgpd names only the best path in its table (router-view reads the rest from the kernel).
 */
export function parseGoBgpRoute(json: string): BgpPath[] {
  const data = parseJson(json, 'global rib <prefix>', '{}') as Record<string, GoBgpPathJson[]>;
  return Object.values(data)
    .flat()
    .map((p) => {
      const attr = (type: number): GoBgpAttrJson | undefined => p.attrs?.find((a) => a.type === type);
      const best = p.best === true;
      const path: BgpPath = {
        nextHop: (attr(NEXT_HOP) ?? attr(MP_REACH))?.nexthop ?? '',
        asPath: (attr(AS_PATH)?.as_paths ?? []).flatMap((s) => s.asns ?? []),
        best,
        multipath: false,
        bestOrMultipath: best,
      };
      if (p['neighbor-ip'] !== undefined) path.peer = p['neighbor-ip'];
      const origin = attr(ORIGIN)?.value;
      if (typeof origin === 'number') path.origin = ORIGINS[origin] ?? String(origin);
      const communities = attr(COMMUNITIES)?.communities;
      if (communities) path.communities = communities.map((c) => `${c >>> 16}:${c & 0xffff}`);
      const large = attr(LARGE_COMMUNITIES)?.value as Array<{ ASN?: number; LocalData1?: number; LocalData2?: number }> | undefined;
      if (large) path.largeCommunities = large.map((l) => `${l.ASN ?? 0}:${l.LocalData1 ?? 0}:${l.LocalData2 ?? 0}`);
      const extended = attr(EXTENDED_COMMUNITIES)?.value as GoBgpExtCommunity[] | undefined;
      if (extended) {
        path.extendedCommunities = extended.map(extCommunityText);
        const lb = extended.find(isLinkBandwidth);
        if (lb?.bandwidth !== undefined) path.linkBandwidth = lb.bandwidth;
      }
      const localPref = attr(LOCAL_PREF)?.value;
      if (typeof localPref === 'number') path.localPref = localPref;
      const med = attr(MED)?.metric;
      if (med !== undefined) path.med = med;
      return path;
    });
}

interface GoBgpExtCommunity {
  type?: number;
  subtype?: number;
  asn?: number;
  bandwidth?: number;
  value?: string;
}

/** Type 0x40 (non-transitive two-octet AS specific), sub-type 0x04: link bandwidth. */
function isLinkBandwidth(e: GoBgpExtCommunity): boolean {
  return e.type === 0x40 && e.subtype === 0x04;
}

/** In FRR's words where there is one: "LB:<asn>:<bytes per second>", "RT:<value>". */
function extCommunityText(e: GoBgpExtCommunity): string {
  if (isLinkBandwidth(e)) return `LB:${e.asn ?? 0}:${e.bandwidth ?? 0}`;
  if (e.subtype === 0x02 && e.value !== undefined) return `RT:${e.value}`;
  if (e.subtype === 0x03 && e.value !== undefined) return `SoO:${e.value}`;
  return JSON.stringify(e);
}

function parseJson(text: string, what: string, empty: string): unknown {
  try {
    return JSON.parse(text.trim() === '' ? empty : text);
  } catch (e) {
    throw new Error(`gobgp ${what}: not JSON (${(e as Error).message}): ${text.slice(0, 200)}`);
  }
}
