// keepalived's configuration for one node of a VRRP group moving one virtual IPv4 address, and
// reading its state back from its log. Pure.

import { isIP, isIPv4 } from 'node:net';

export interface KeepalivedNodeConfig {
  /** Names the node in keepalived's log and its VRRP instance's router_id. */
  routerId: string;
  iface: string;
  /** VRRP instance name, as it appears in the log: `(<instance>) Entering MASTER STATE`. */
  instance: string;
  /** 1-255, the same on every node of the group. */
  virtualRouterId: number;
  /** 1-254: the highest live priority is the master. */
  priority: number;
  /** VRRP v2 counts in whole seconds, v3 in hundredths. */
  advertIntervalMs: number;
  version: 2 | 3;
  address: string;
  /** A higher-priority node coming back takes the address back (keepalived's default). */
  preempt: boolean;
  /**
   * More addresses the master holds, IPv4 or IPv6, as `virtual_ipaddress_excluded`: kept out of
   * the adverts (which carry at most 20) but added and announced like the main one.
   */
  extraAddresses?: readonly string[];
  /** Unicast to these peers instead of VRRP's multicast group 224.0.0.18. */
  unicastPeers?: readonly string[];
  /** The node's own address on the segment, the source of unicast adverts. */
  unicastSource?: string;
}

export function checkKeepalivedConfig(c: KeepalivedNodeConfig): void {
  const where = `keepalived on ${c.routerId}`;
  if (!Number.isInteger(c.virtualRouterId) || c.virtualRouterId < 1 || c.virtualRouterId > 255) throw new Error(`${where}: virtual router id ${c.virtualRouterId} is not from 1 to 255`);
  // 255 would claim to own the address outright (RFC 5798 section 5.2.4), which no node here does.
  if (!Number.isInteger(c.priority) || c.priority < 1 || c.priority > 254) throw new Error(`${where}: priority ${c.priority} is not from 1 to 254`);
  if (c.version === 2 && (c.advertIntervalMs % 1000 !== 0 || c.advertIntervalMs < 1000 || c.advertIntervalMs > 255_000)) {
    throw new Error(`${where}: VRRP v2 advertises in whole seconds from 1 to 255, not every ${c.advertIntervalMs} ms (use version 3)`);
  }
  if (c.version === 3 && (c.advertIntervalMs % 10 !== 0 || c.advertIntervalMs < 10 || c.advertIntervalMs > 40_950)) {
    throw new Error(`${where}: VRRP v3 advertises in hundredths of a second from 0.01 to 40.95 s, not every ${c.advertIntervalMs} ms`);
  }
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(c.address)) throw new Error(`${where}: virtual address ${JSON.stringify(c.address)} is not an IPv4 address`);
  if (!/^[\w.-]+$/.test(c.instance) || !/^[\w.-]+$/.test(c.routerId) || !/^[\w.-]+$/.test(c.iface)) {
    throw new Error(`${where}: instance ${JSON.stringify(c.instance)}, router id and interface must be plain names`);
  }
  const bad = (c.extraAddresses ?? []).find((a) => !isIP(a));
  if (bad !== undefined) throw new Error(`${where}: extra address ${JSON.stringify(bad)} is not an IPv4 or IPv6 address`);
  if (c.unicastPeers !== undefined && c.unicastSource === undefined) throw new Error(`${where}: unicast peers need the node's own source address`);
}

export function renderKeepalivedConfig(c: KeepalivedNodeConfig): string {
  checkKeepalivedConfig(c);
  const unicast =
    c.unicastPeers === undefined
      ? []
      : [`  unicast_src_ip ${c.unicastSource}`, '  unicast_peer {', ...c.unicastPeers.map((p) => `    ${p}`), '  }'];
  return [
    'global_defs {',
    `  router_id ${c.routerId}`,
    `  vrrp_version ${c.version}`,
    // No scripts run, and none may: keepalived warns about script security unless this is said.
    '  enable_script_security',
    '}',
    `vrrp_instance ${c.instance} {`,
    // Every node starts as a backup and the election decides; nopreempt requires BACKUP.
    '  state BACKUP',
    `  interface ${c.iface}`,
    `  virtual_router_id ${c.virtualRouterId}`,
    `  priority ${c.priority}`,
    `  advert_int ${formatSeconds(c.advertIntervalMs)}`,
    ...(c.preempt ? [] : ['  nopreempt']),
    ...unicast,
    '  virtual_ipaddress {',
    `    ${c.address}/32 dev ${c.iface}`,
    '  }',
    ...(c.extraAddresses?.length
      ? ['  virtual_ipaddress_excluded {', ...c.extraAddresses.map((a) => `    ${a}/${isIPv4(a) ? 32 : 128} dev ${c.iface}`), '  }']
      : []),
    '}',
    '',
  ].join('\n');
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(2).replace(/0$/, '');
}

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOPPED';

/**
 * The instance's state from keepalived's log (`-l`): the last of its "Entering ... STATE" lines,
 * STOPPED once keepalived says it stopped, INIT before any.
 */
export function vrrpStateFromLog(log: string, instance: string): VrrpState {
  let state: VrrpState = 'INIT';
  const entering = `(${instance}) Entering `;
  for (const line of log.split('\n')) {
    const i = line.indexOf(entering);
    if (i >= 0) {
      const word = line.slice(i + entering.length).split(' ')[0];
      if (word === 'MASTER' || word === 'BACKUP' || word === 'FAULT') state = word;
    } else if (/Stopped Keepalived v/.test(line)) state = 'STOPPED';
  }
  return state;
}
