// Reading iproute2's JSON output (`ip -j route`, `ip -j neigh`).

interface IpRouteJson {
  dst?: string;
  gateway?: string;
  nexthops?: Array<{ gateway?: string; weight?: number }>;
  type?: string;
}

function unicastRoutes(json: string): IpRouteJson[] {
  return (JSON.parse(json.trim() === '' ? '[]' : json) as IpRouteJson[]).filter((r) => r.type === undefined || r.type === 'unicast');
}

/** Gateways of the kernel routes in `ip -j route show exact <prefix>` output, sorted. */
export function parseKernelNextHops(json: string): string[] {
  return Object.keys(parseKernelWeights(json)).sort();
}

/** The weight of each gateway in `ip -j route show exact <prefix>` output; a route with one gateway weighs 1. */
export function parseKernelWeights(json: string): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const r of unicastRoutes(json)) {
    const hops = r.nexthops ?? [{ gateway: r.gateway, weight: 1 }];
    for (const h of hops) if (h.gateway !== undefined) weights[h.gateway] = h.weight ?? 1;
  }
  return weights;
}

interface IpNeighJson {
  dst?: string;
  lladdr?: string;
  state?: string[];
}

const UNRESOLVED = new Set(['INCOMPLETE', 'FAILED', 'NOARP', 'NONE']);

/** The MAC the neighbour cache holds for an address, unless resolution is pending or failed. */
export function parseNeighborMac(json: string, address: string): string | undefined {
  const entries = JSON.parse(json.trim() === '' ? '[]' : json) as IpNeighJson[];
  const entry = entries.find((e) => e.dst === address && e.lladdr !== undefined);
  if (!entry || (entry.state ?? []).some((s) => UNRESOLVED.has(s))) return undefined;
  return entry.lladdr?.toLowerCase();
}
