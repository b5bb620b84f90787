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
