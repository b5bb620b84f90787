// FRR configuration for the lab router, one file per daemon so that no daemon logs the others'
// commands as unknown.

import { bfdTimers, checkAsn, checkPassword, peerTimers, type RouterPeer, type RouterSetup } from './router-config.js';

export interface FrrConfigs {
  zebra: string;
  bgpd: string;
  bfdd: string;
}

/** Delay before FRR sends its first UPDATEs to a new peer: FRR's default adds about a second. */
export const FRR_COALESCE_MS = 20;
/** Seconds between the router's attempts to connect to a node that is not listening yet. */
export const FRR_CONNECT_RETRY_SEC = 1;
/** Route map that keeps the router from sending its table back to the nodes (like BIRD's export none). */
export const FRR_EXPORT_NONE = 'LAB-EXPORT-NONE';

export function frrConfigs(setup: RouterSetup): FrrConfigs {
  checkAsn(setup.asn, 'router');
  const head = [`hostname ${setup.hostname}`, 'log timestamp precision 3', '!'];
  return {
    zebra: lines([...head]),
    bgpd: lines([...head, ...bgpdBody(setup)]),
    bfdd: lines([...head, ...bfddBody(setup.peers)]),
  };
}

function bgpdBody(setup: RouterSetup): string[] {
  const out = [
    `route-map ${FRR_EXPORT_NONE} deny 10`,
    'exit',
    '!',
    `router bgp ${setup.asn}`,
    ` bgp router-id ${setup.routerId}`,
    ' no bgp ebgp-requires-policy',
    ' no bgp default ipv4-unicast',
    ' no bgp network import-check',
    ' bgp log-neighbor-changes',
    // Keep a restarting node's routes (stale, still forwarding) until it re-announces them.
    ' bgp graceful-restart',
    ` coalesce-time ${FRR_COALESCE_MS}`,
  ];
  for (const peer of setup.peers) out.push(...neighborLines(peer));
  for (const family of ['ipv4', 'ipv6'] as const) {
    const peers = setup.peers.filter((p) => p.family === family);
    if (peers.length === 0) continue;
    out.push(` address-family ${family} unicast`, '  maximum-paths 32', '  maximum-paths ibgp 32');
    for (const p of peers) {
      out.push(`  neighbor ${p.address} activate`, `  neighbor ${p.address} route-map ${FRR_EXPORT_NONE} out`);
    }
    out.push(' exit-address-family');
  }
  out.push('exit', '!');
  return out;
}

function neighborLines(peer: RouterPeer): string[] {
  const who = `${peer.node} ${peer.address}`;
  const n = ` neighbor ${peer.address}`;
  const o = peer.options;
  const out = [
    `${n} remote-as ${checkAsn(peer.asn, `router peer ${who}`)}`,
    `${n} description ${peer.node}`,
    `${n} timers connect ${FRR_CONNECT_RETRY_SEC}`,
  ];
  const timers = peerTimers(o, who);
  if (timers) out.push(`${n} timers ${timers.keepalive} ${timers.hold}`);
  if (o.password !== undefined) out.push(`${n} password ${checkPassword(o.password, who)}`);
  if (o.passive) out.push(`${n} passive`);
  const bfd = bfdTimers(o.bfd);
  if (bfd) out.push(Object.keys(bfd).length > 0 ? `${n} bfd profile ${bfdProfile(peer.node)}` : `${n} bfd`);
  return out;
}

function bfdProfile(node: string): string {
  return `lab-${node}`;
}

function bfddBody(peers: RouterPeer[]): string[] {
  const profiles = new Map<string, string[]>();
  for (const peer of peers) {
    const t = bfdTimers(peer.options.bfd);
    if (!t || Object.keys(t).length === 0 || profiles.has(peer.node)) continue;
    const body: string[] = [];
    if (t.multiplier !== undefined) body.push(`  detect-multiplier ${t.multiplier}`);
    if (t.receiveMs !== undefined) body.push(`  receive-interval ${t.receiveMs}`);
    if (t.transmitMs !== undefined) body.push(`  transmit-interval ${t.transmitMs}`);
    profiles.set(peer.node, body);
  }
  if (profiles.size === 0) return [];
  const out = ['bfd'];
  for (const [node, body] of profiles) out.push(` profile ${bfdProfile(node)}`, ...body, ' exit', ' !');
  out.push('exit', '!');
  return out;
}

function lines(ls: string[]): string {
  return ls.join('\n') + '\n';
}
