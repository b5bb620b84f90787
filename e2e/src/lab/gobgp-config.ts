// gobgpd's TOML configuration: for a node that peers with the lab router, and for the lab router
// itself when it is GoBGP.

import { checkAsn, checkPassword, peerTimers, type RouterSetup } from './router-config.js';

export interface GoBgpNeighbor {
  address: string;
  family: 'ipv4' | 'ipv6';
  asn: number;
  description?: string;
  password?: string;
  holdSec?: number;
  keepaliveSec?: number;
  passive?: boolean;
  /** Configured but not started: `gobgp neighbor <address> enable` starts it. */
  adminDown?: boolean;
  /**
   * Graceful restart (RFC 4724). `helperOnly` keeps a restarting peer's routes without claiming
   * the ability to restart; otherwise this side advertises `restartTimeSec` for its own restarts.
   */
  gracefulRestart?: { restartTimeSec?: number; helperOnly?: boolean };
}

export interface GoBgpConfig {
  asn: number;
  routerId: string;
  neighbors: GoBgpNeighbor[];
  /** Keep every path as good as the best one, so the best set holds one path per ECMP next hop. */
  multipath?: boolean;
  /** Send no routes to any neighbour (like BIRD's `export none`). */
  exportNone?: boolean;
  /** TOML appended as it is. */
  extraConfig?: string;
}

/** Seconds between gobgpd's attempts to connect to its peer. */
export const GOBGP_CONNECT_RETRY_SEC = 1;
/**
 * Seconds gobgpd stays idle after a session error before it accepts or opens the session again:
 * its default of 30 would stall every test that restarts the other side.
 */
export const GOBGP_IDLE_HOLD_SEC = 1;
/** gRPC port gobgpd answers on, on the loopback of its own namespace. */
export const GOBGP_API_PORT = 50051;

export function goBgpToml(config: GoBgpConfig): string {
  const out = ['[global.config]', `  as = ${config.asn}`, `  router-id = ${str(config.routerId)}`, ''];
  if (config.multipath) out.push('[global.use-multiple-paths.config]', '  enabled = true', '');
  if (config.exportNone) out.push('[global.apply-policy.config]', '  default-export-policy = "reject-route"', '');
  for (const n of config.neighbors) {
    out.push('[[neighbors]]', '  [neighbors.config]', `    neighbor-address = ${str(n.address)}`, `    peer-as = ${n.asn}`);
    if (n.description !== undefined) out.push(`    description = ${str(n.description)}`);
    if (n.password !== undefined) out.push(`    auth-password = ${str(n.password)}`);
    if (n.adminDown) out.push('    admin-down = true');
    out.push(
      '  [neighbors.timers.config]',
      `    connect-retry = ${GOBGP_CONNECT_RETRY_SEC}`,
      `    idle-hold-time-after-reset = ${GOBGP_IDLE_HOLD_SEC}`,
    );
    if (n.holdSec !== undefined) out.push(`    hold-time = ${n.holdSec}`);
    if (n.keepaliveSec !== undefined) out.push(`    keepalive-interval = ${n.keepaliveSec}`);
    if (n.passive) out.push('  [neighbors.transport.config]', '    passive-mode = true');
    const gr = n.gracefulRestart;
    if (gr) {
      out.push('  [neighbors.graceful-restart.config]', '    enabled = true');
      if (gr.restartTimeSec !== undefined) out.push(`    restart-time = ${gr.restartTimeSec}`);
      if (gr.helperOnly) out.push('    helper-only = true');
    }
    out.push(
      '  [[neighbors.afi-safis]]',
      '    [neighbors.afi-safis.config]',
      `      afi-safi-name = ${str(n.family === 'ipv4' ? 'ipv4-unicast' : 'ipv6-unicast')}`,
    );
    if (gr) out.push('    [neighbors.afi-safis.mp-graceful-restart.config]', '      enabled = true');
    out.push('');
  }
  if (config.extraConfig) out.push('# extra configuration given to the lab', config.extraConfig, '');
  return out.join('\n');
}

/**
 * The lab router as gobgpd: a session per node and family, everything imported, nothing sent
 * back, ECMP over equally good paths, a helper for nodes that restart gracefully.
 */
export function goBgpRouterConfig(setup: RouterSetup, extraConfig?: string): GoBgpConfig {
  checkAsn(setup.asn, 'router');
  return {
    asn: setup.asn,
    routerId: setup.routerId,
    multipath: true,
    exportNone: true,
    ...(extraConfig ? { extraConfig } : {}),
    neighbors: setup.peers.map((peer) => {
      const who = `${peer.node} ${peer.address}`;
      const o = peer.options;
      const timers = peerTimers(o, who);
      return {
        address: peer.address,
        family: peer.family,
        asn: checkAsn(peer.asn, `router peer ${who}`),
        description: peer.node,
        ...(o.password !== undefined ? { password: checkPassword(o.password, who) } : {}),
        ...(timers ? { holdSec: timers.hold, keepaliveSec: timers.keepalive } : {}),
        ...(o.passive ? { passive: true } : {}),
        gracefulRestart: { helperOnly: true },
      };
    }),
  };
}

function str(s: string): string {
  return JSON.stringify(s);
}
