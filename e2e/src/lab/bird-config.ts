// BIRD 2 configuration for the lab router: one BGP protocol per node and family, routes into the
// kernel with ECMP merged, nothing sent back to the nodes.

import { bfdTimers, checkAsn, checkPassword, peerTimers, type RouterPeer, type RouterSetup } from './router-config.js';

/** Seconds before the first connection attempt and between attempts. */
export const BIRD_CONNECT_SEC = 1;
/**
 * After a session error BIRD waits this long (doubling up to the second figure) before it talks
 * to the peer again, and refuses its connections meanwhile; the default 60-300 s would stall
 * every test that restarts a speaker.
 */
export const BIRD_ERROR_WAIT = '1, 5';

export interface BirdConfigInput extends RouterSetup {
  extraConfig?: string;
}

export function birdConfig(input: BirdConfigInput): string {
  checkAsn(input.asn, 'router');
  const out = [
    // BIRD runs in the foreground; the lab logs its output to <run dir>/logs/bird.log.
    'log stderr all;',
    `router id ${input.routerId};`,
    '',
    'protocol device {}',
    '',
    // merge paths: several equally good BGP routes become one multipath kernel route (ECMP).
    'protocol kernel kernel4 {',
    '  ipv4 { import none; export all; };',
    '  merge paths on limit 32;',
    '}',
    'protocol kernel kernel6 {',
    '  ipv6 { import none; export all; };',
    '  merge paths on limit 32;',
    '}',
    '',
  ];
  if (input.peers.some((p) => bfdTimers(p.options.bfd))) out.push('protocol bfd lab_bfd {}', '');
  out.push(
    'template bgp lab_node {',
    `  local as ${input.asn};`,
    // Every node is on the router's segment: iBGP sessions too are direct, not multihop.
    '  direct;',
    `  connect delay time ${BIRD_CONNECT_SEC};`,
    `  connect retry time ${BIRD_CONNECT_SEC};`,
    `  error wait time ${BIRD_ERROR_WAIT};`,
    // Keep a restarting node's routes (stale, still forwarding) until it re-announces them.
    '  graceful restart on;',
    '}',
    '',
  );
  for (const peer of input.peers) out.push(...protocolLines(peer), '');
  if (input.extraConfig) out.push('# extra configuration given to the lab', input.extraConfig, '');
  return out.join('\n');
}

/** BIRD's protocol name for a node's session in one family, e.g. node2_v6. */
export function birdProtocolName(node: string, family: 'ipv4' | 'ipv6'): string {
  return `${node}_${family === 'ipv4' ? 'v4' : 'v6'}`;
}

function protocolLines(peer: RouterPeer): string[] {
  const who = `${peer.node} ${peer.address}`;
  const o = peer.options;
  const out = [
    `protocol bgp ${birdProtocolName(peer.node, peer.family)} from lab_node {`,
    `  description "${peer.node}";`,
    `  neighbor ${peer.address} as ${checkAsn(peer.asn, `router peer ${who}`)};`,
  ];
  const timers = peerTimers(o, who);
  if (timers) out.push(`  hold time ${timers.hold};`, `  keepalive time ${timers.keepalive};`);
  if (o.password !== undefined) out.push(`  password "${checkPassword(o.password, who)}";`);
  if (o.passive) out.push('  passive on;');
  const bfd = bfdTimers(o.bfd);
  if (bfd) {
    const settings: string[] = [];
    if (bfd.receiveMs !== undefined) settings.push(`min rx interval ${bfd.receiveMs} ms;`);
    if (bfd.transmitMs !== undefined) settings.push(`min tx interval ${bfd.transmitMs} ms;`);
    if (bfd.multiplier !== undefined) settings.push(`multiplier ${bfd.multiplier};`);
    out.push(settings.length > 0 ? `  bfd { ${settings.join(' ')} };` : '  bfd on;');
  }
  // Next hops are on the segment, even on iBGP sessions, which BIRD would otherwise resolve recursively.
  out.push(`  ${peer.family} { import all; export none; gateway direct; };`, '}');
  return out;
}
