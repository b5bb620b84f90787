// The client's view of the segment: which MAC it sends to for an address.

import type { Lab } from './lab.js';
import { parseNeighborMac } from './parse-ip.js';
import { CommandError } from './run.js';

export interface NeighborMacOptions {
  /**
   * Send one ping first so the kernel resolves (or re-validates) the address, as a real client's
   * traffic would (default true). A probe does not force a fresh ARP/NDP exchange: an entry the
   * client holds stays in use until the kernel's own timers or an announcement change it.
   */
  probe?: boolean;
  /** How long the probe waits for an echo reply; resolution itself takes well under a millisecond. */
  probeWaitSec?: number;
}

/** The MAC the client's neighbour cache holds for an address on the segment, undefined if unresolved. */
export async function neighborMac(lab: Lab, address: string, opts: NeighborMacOptions = {}): Promise<string | undefined> {
  const iface = lab.client.iface;
  if (opts.probe ?? true) {
    await lab
      .exec(lab.client, ['ping', '-n', '-q', '-c', '1', '-W', String(opts.probeWaitSec ?? 0.3), '-I', iface, address])
      .catch((e: unknown) => {
        // No echo reply is fine: what matters is whether the address resolved.
        if (!(e instanceof CommandError)) throw e;
      });
  }
  const json = await lab.exec(lab.client, ['ip', '-j', 'neigh', 'show', 'to', address, 'dev', iface]);
  return parseNeighborMac(json, address);
}

/**
 * Every MAC that answers one ARP request for the address from the client (arping, which waits a
 * second and prints each reply): more than one means two nodes claim the address.
 */
export async function arpAnswers(lab: Lab, address: string): Promise<string[]> {
  let out: string;
  try {
    out = await lab.exec(lab.client, ['arping', '-c', '1', '-i', lab.client.iface, address], { timeoutMs: 10000 });
  } catch (e) {
    // arping exits 1 when nothing answered; its output still says so.
    if (!(e instanceof CommandError && e.exit === 'exit 1')) throw e;
    out = e.stdout;
  }
  const macs = [...out.matchAll(/bytes from ([0-9a-f:]{17}) \(/gi)].map((m) => (m[1] as string).toLowerCase());
  return [...new Set(macs)].sort();
}
