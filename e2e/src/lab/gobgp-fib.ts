// Carrying gobgpd's forwarding decision into the kernel, the job zebra does for FRR. gobgpd 3.10
// cannot use FRR 8.4's zebra (its ZAPI decoder panics on FRR 8.4's interface messages), so the
// lab's agent (gobgp-fib-agent.ts) reads gobgpd's own best-path stream instead: with
// use-multiple-paths on, each event carries, per changed prefix, the complete set of paths gobgpd
// chose for forwarding, the same set its zebra client would send. Nothing here decides anything.

/** The kernel's protocol tag and metric for the routes, as zebra installs BGP routes. */
export const FIB_PROTO = 'bgp';
export const FIB_METRIC = 20;

interface MonitorPath {
  nlri?: { prefix?: string };
  withdrawal?: boolean;
  attrs?: Array<{ type?: number; nexthop?: string }>;
}

/**
 * One line of `gobgp monitor global rib -j`: for each prefix it mentions, the next hops of the
 * paths gobgpd now forwards over, sorted; an empty list when it has none left (withdrawn).
 */
export function parseMonitorLine(line: string): Map<string, string[]> {
  const text = line.trim();
  const changes = new Map<string, Set<string>>();
  if (text === '') return new Map();
  let paths: MonitorPath[];
  try {
    paths = JSON.parse(text) as MonitorPath[];
  } catch (e) {
    throw new Error(`gobgp monitor: a line is not JSON (${(e as Error).message}): ${text.slice(0, 200)}`);
  }
  if (!Array.isArray(paths)) throw new Error(`gobgp monitor: expected a list of paths, got ${text.slice(0, 200)}`);
  for (const p of paths) {
    const prefix = p.nlri?.prefix;
    if (prefix === undefined) continue;
    const set = changes.get(prefix) ?? new Set<string>();
    changes.set(prefix, set);
    if (p.withdrawal) continue;
    const nextHop = p.attrs?.find((a) => typeof a.nexthop === 'string')?.nexthop;
    if (nextHop !== undefined && !isUnspecified(nextHop)) set.add(nextHop);
  }
  return new Map([...changes].map(([prefix, hops]) => [prefix, [...hops].sort()]));
}

/** A locally originated path has no next hop to forward to. */
function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/** `ip -batch` lines that make the kernel's routes match the changes (multipath when several next hops). */
export function kernelRouteCommands(changes: ReadonlyMap<string, readonly string[]>, dev: string): string[] {
  const tag = `proto ${FIB_PROTO} metric ${FIB_METRIC}`;
  return [...changes].map(([prefix, hops]) => {
    if (hops.length === 0) return `route del ${prefix} ${tag}`;
    const via = hops.length === 1 ? `via ${hops[0]} dev ${dev}` : hops.map((h) => `nexthop via ${h} dev ${dev}`).join(' ');
    return `route replace ${prefix} ${tag} ${via}`;
  });
}

/** The routes the agent has installed: its view after each batch of changes, for cleaning up on exit. */
export function applyChanges(installed: Map<string, readonly string[]>, changes: ReadonlyMap<string, readonly string[]>): void {
  for (const [prefix, hops] of changes) {
    if (hops.length === 0) installed.delete(prefix);
    else installed.set(prefix, hops);
  }
}
