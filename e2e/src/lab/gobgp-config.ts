// gobgpd's TOML configuration for a node that peers with the lab router.

export interface GoBgpNeighbor {
  address: string;
  family: 'ipv4' | 'ipv6';
  asn: number;
  password?: string;
  holdSec?: number;
  keepaliveSec?: number;
  passive?: boolean;
}

export interface GoBgpConfig {
  asn: number;
  routerId: string;
  neighbors: GoBgpNeighbor[];
}

/** Seconds between gobgpd's attempts to connect to the router. */
export const GOBGP_CONNECT_RETRY_SEC = 1;

export function goBgpToml(config: GoBgpConfig): string {
  const out = ['[global.config]', `  as = ${config.asn}`, `  router-id = ${str(config.routerId)}`, ''];
  for (const n of config.neighbors) {
    out.push('[[neighbors]]', '  [neighbors.config]', `    neighbor-address = ${str(n.address)}`, `    peer-as = ${n.asn}`);
    if (n.password !== undefined) out.push(`    auth-password = ${str(n.password)}`);
    out.push('  [neighbors.timers.config]', `    connect-retry = ${GOBGP_CONNECT_RETRY_SEC}`);
    if (n.holdSec !== undefined) out.push(`    hold-time = ${n.holdSec}`);
    if (n.keepaliveSec !== undefined) out.push(`    keepalive-interval = ${n.keepaliveSec}`);
    if (n.passive) out.push('  [neighbors.transport.config]', '    passive-mode = true');
    out.push(
      '  [[neighbors.afi-safis]]',
      '    [neighbors.afi-safis.config]',
      `      afi-safi-name = ${str(n.family === 'ipv4' ? 'ipv4-unicast' : 'ipv6-unicast')}`,
      '',
    );
  }
  return out.join('\n');
}

function str(s: string): string {
  return JSON.stringify(s);
}
