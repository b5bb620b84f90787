// Faults that move a layer-2 address, for Herald's speakers and for keepalived alike: the
// owner's process killed, or its link cut. Each reports when it struck, on the clock the gap
// probe stamps its records with.

import { wallClockMs } from './gap-probe.js';
import type { Lab, LabHost } from './lab.js';

/** Whatever decides who owns an address on the nodes: Herald's speakers, keepalived. */
export interface OwnerKillable {
  ownerOf(address: string): LabHost | undefined | Promise<LabHost | undefined>;
  /** Kills what makes the node the owner (Herald: its speaker; keepalived: keepalived and its VRRP process). */
  kill(node: LabHost, signal: NodeJS.Signals): Promise<void>;
}

export interface Struck {
  node: LabHost;
  /** Just before the fault was set off. */
  at: number;
  /** When the command that caused it returned: the fault struck in between. */
  done: number;
}

/** Kills the address's owner (SIGKILL by default); fails when no node owns it. */
export async function killOwner(target: OwnerKillable, address: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<Struck> {
  const node = await target.ownerOf(address);
  if (!node) throw new Error(`kill the owner of ${address}: no node owns it`);
  const at = wallClockMs();
  await target.kill(node, signal);
  return { node, at, done: wallClockMs() };
}

/**
 * 'switch' (default): the node's port on the lab bridge goes down, as a pulled cable or a dead
 * switch port; the node's eth0 loses its carrier but keeps its addresses and routes. 'node': the
 * node's own eth0 is set down, which also drops its routes (restoreLink puts the default routes back).
 */
export type LinkSide = 'switch' | 'node';

export async function cutLink(lab: Lab, node: LabHost, side: LinkSide = 'switch'): Promise<Struck> {
  const at = wallClockMs();
  if (side === 'switch') await lab.exec(lab.switchNetns, ['ip', 'link', 'set', node.switchPort, 'down']);
  else await lab.exec(node, ['ip', 'link', 'set', node.iface, 'down']);
  return { node, at, done: wallClockMs() };
}

export async function restoreLink(lab: Lab, node: LabHost, side: LinkSide = 'switch'): Promise<void> {
  if (side === 'switch') {
    await lab.exec(lab.switchNetns, ['ip', 'link', 'set', node.switchPort, 'up']);
    return;
  }
  await lab.exec(node, ['ip', 'link', 'set', node.iface, 'up']);
  await lab.exec(node, ['ip', 'route', 'replace', 'default', 'via', lab.router.ipv4]);
  await lab.exec(node, ['ip', '-6', 'route', 'replace', 'default', 'via', lab.router.ipv6]);
}
