// Reading birdc's text output (`show protocols all`, `show route <prefix> all`).

import { familyOf, type BgpNeighbor, type BgpPath } from './router-state.js';

/** Splits birdc output into blocks, each a line starting in column 0 and the indented lines under it. */
function blocks(text: string, isHead: (line: string) => boolean): string[][] {
  const out: string[][] = [];
  for (const line of text.split('\n')) {
    if (isHead(line)) out.push([line]);
    else if (line.trim() !== '') out[out.length - 1]?.push(line);
  }
  return out;
}

function field(lines: string[], name: string): string | undefined {
  const prefix = `${name}:`;
  for (const l of lines) {
    const t = l.trim();
    if (t.startsWith(prefix)) return t.slice(prefix.length).trim();
  }
  return undefined;
}

export function parseBirdProtocols(text: string): BgpNeighbor[] {
  const protocolBlocks = blocks(text, (l) => /^\S/.test(l) && !/^(BIRD |Name\s)/.test(l));
  const neighbors: BgpNeighbor[] = [];
  for (const block of protocolBlocks) {
    const [head = '', ...rest] = block;
    if (head.split(/\s+/)[1] !== 'BGP') continue;
    const address = field(rest, 'Neighbor address');
    if (address === undefined) continue;
    const prefixesReceived = rest
      .map((l) => /^\s*Routes:\s+(\d+) imported/.exec(l)?.[1])
      .reduce((sum, n) => sum + (n === undefined ? 0 : Number(n)), 0);
    neighbors.push({
      address,
      family: familyOf(address),
      state: field(rest, 'BGP state') ?? 'unknown',
      remoteAs: Number(field(rest, 'Neighbor AS') ?? 0),
      prefixesReceived,
    });
  }
  return neighbors.sort((a, b) => a.address.localeCompare(b.address));
}

// "198.51.100.7/32      unicast [node1_v4 19:24:57.112] * (100) [AS64512i]", the prefix left out
// on the second and later routes of the same network.
const ROUTE_HEAD = /^(\S+)?\s+(?:unicast|blackhole|unreachable|prohibit)\s+\[(\S+)[^\]]*\]\s*(\*)?\s*\(\d+/;

/**
 * Every route BIRD holds for exactly one prefix; none when it answers "Network not found".
 * BIRD names the protocol a route came from, not the neighbour: `peerOf` maps one to the other.
 */
export function parseBirdRoute(text: string, peerOf: (protocol: string) => string | undefined = () => undefined): BgpPath[] {
  const routeBlocks = blocks(text, (l) => ROUTE_HEAD.test(l));
  return routeBlocks
    .filter((b) => field(b, 'Type')?.startsWith('BGP'))
    .map((b) => {
      const head = ROUTE_HEAD.exec(b[0] ?? '');
      const via = b.map((l) => /^\s+via (\S+)/.exec(l)?.[1]).find((v) => v !== undefined);
      const best = head?.[3] === '*';
      const path: BgpPath = {
        nextHop: field(b, 'BGP.next_hop')?.split(/\s+/)[0] ?? via ?? '',
        asPath: (field(b, 'BGP.as_path') ?? '').split(/\s+/).filter((s) => /^\d+$/.test(s)).map(Number),
        best,
        multipath: false,
        bestOrMultipath: best,
      };
      const peer = head?.[2] === undefined ? undefined : peerOf(head[2]);
      if (peer !== undefined) path.peer = peer;
      const origin = field(b, 'BGP.origin');
      if (origin !== undefined) path.origin = origin;
      const communities = field(b, 'BGP.community');
      if (communities !== undefined) path.communities = tuples(communities).map((t) => t.join(':'));
      const large = field(b, 'BGP.large_community');
      if (large !== undefined) path.largeCommunities = tuples(large).map((t) => t.join(':'));
      const extended = field(b, 'BGP.ext_community');
      if (extended !== undefined) {
        path.extendedCommunities = tuples(extended).map(birdExtCommunity);
        const lb = path.extendedCommunities.map((e) => /^LB:\d+:(\d+)$/.exec(e)?.[1]).find((v) => v !== undefined);
        if (lb !== undefined) path.linkBandwidth = Number(lb);
      }
      const localPref = field(b, 'BGP.local_pref');
      if (localPref !== undefined) path.localPref = Number(localPref);
      const med = field(b, 'BGP.med');
      if (med !== undefined) path.med = Number(med);
      return path;
    });
}

/**
 * One of BIRD's extended community tuples in FRR's words: ["rt", "64512", "7"] → "RT:64512:7";
 * BIRD has no name for link bandwidth (type 0x40, sub-type 0x04) and shows ["unknown 0x4004",
 * asn, the IEEE float's bits], which becomes "LB:<asn>:<bytes per second>".
 */
function birdExtCommunity(t: string[]): string {
  const [kind = '', a = '', b = ''] = t;
  if (kind === 'unknown 0x4004') {
    const bits = new DataView(new ArrayBuffer(4));
    bits.setUint32(0, Number(b));
    return `LB:${a}:${Math.round(bits.getFloat32(0))}`;
  }
  const names: Record<string, string> = { rt: 'RT', ro: 'SoO' };
  return [names[kind] ?? kind, a, b].join(':');
}

/** "(64500,100) (64500, 1, 2)" → [["64500","100"], ["64500","1","2"]] */
function tuples(text: string): string[][] {
  return [...text.matchAll(/\(([^)]*)\)/g)].map((m) => (m[1] ?? '').split(',').map((s) => s.trim()));
}
