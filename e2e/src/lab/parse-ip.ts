// Reading iproute2's JSON output (`ip -j route`, `ip -j neigh`).

interface IpRouteJson {
  dst?: string;
  gateway?: string;
  nexthops?: Array<{ gateway?: string }>;
  type?: string;
}

/** Gateways of the kernel routes in `ip -j route show exact <prefix>` output, sorted. */
export function parseKernelNextHops(json: string): string[] {
  const routes = (JSON.parse(json.trim() === '' ? '[]' : json) as IpRouteJson[]).filter(
    (r) => r.type === undefined || r.type === 'unicast',
  );
  const gateways = routes.flatMap((r) => (r.nexthops ? r.nexthops.map((n) => n.gateway) : [r.gateway]));
  return [...new Set(gateways.filter((g): g is string => g !== undefined))].sort();
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
