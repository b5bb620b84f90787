// What FRR says about one neighbour or BFD peer beyond the lab's router views, and kernel TCP
// counters of a lab namespace: for tests that look at why a session went down.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab, LabHost } from '../lab/index.js';
import { frrVty } from '../lab/frr-vty.js';

/** The fields of `show bgp neighbors <address> json` these tests read (FRR 8.4 names). */
export interface FrrNeighborDetail {
  bgpState?: string;
  /** e.g. "Hold Timer Expired", "BFD down received", "Notification received (Cease/Administrative Shutdown)". */
  lastResetDueTo?: string;
  /** e.g. "Hold Timer Expired/Unspecific" for the last NOTIFICATION sent or received. */
  lastNotificationReason?: string;
  lastErrorCodeSubcode?: string;
  connectionsEstablished?: number;
  connectionsDropped?: number;
  [field: string]: unknown;
}

function frrControl(lab: Lab): { vtySocketDir: string } {
  const c = lab.routerControl;
  if (c.kind !== 'frr') throw new Error(`lab ${lab.prefix} runs ${c.kind}; this view needs router 'frr'`);
  return c;
}

export async function frrNeighborDetail(lab: Lab, address: string): Promise<FrrNeighborDetail> {
  const text = await frrVty(frrControl(lab).vtySocketDir, 'bgpd', `show bgp neighbors ${address} json`);
  const data = JSON.parse(text) as Record<string, FrrNeighborDetail>;
  const detail = data[address];
  if (detail === undefined) throw new Error(`FRR has no neighbour ${address}: ${text.slice(0, 300)}`);
  return detail;
}

/** One entry of bfdd's `show bfd peers json`. */
export interface FrrBfdPeer {
  peer: string;
  status: string;
  [field: string]: unknown;
}

/** bfdd's session with the address; through vtysh, because bfdd offers its show commands only to enabled vtys. */
export async function frrBfdPeer(lab: Lab, address: string): Promise<FrrBfdPeer | undefined> {
  frrControl(lab);
  const text = await lab.routerCli('show bfd peers json');
  return (JSON.parse(text) as FrrBfdPeer[]).find((p) => p.peer === address);
}

/** Kernel SNMP/netstat counters of a namespace by name (`nstat -asz`: absolute, zeros kept, history untouched). */
export async function kernelCounters(lab: Lab, host: LabHost, names: readonly string[]): Promise<Record<string, number>> {
  const text = await lab.exec(host, ['nstat', '-asz', '--json', ...names]);
  const data = JSON.parse(text) as { kernel?: Record<string, number> };
  const out: Record<string, number> = {};
  for (const name of names) out[name] = data.kernel?.[name] ?? 0;
  return out;
}

/** What bgpd's JSON says of each path of a prefix beyond the lab's route view: which are stale (kept for a restarting peer). */
export async function frrStalePaths(lab: Lab, prefix: string): Promise<string[]> {
  const family = prefix.includes(':') ? 'ipv6' : 'ipv4';
  const text = await frrVty(frrControl(lab).vtySocketDir, 'bgpd', `show bgp ${family} unicast ${prefix} json`);
  const data = JSON.parse(text) as { paths?: Array<{ stale?: boolean; nexthops?: Array<{ ip?: string }> }> };
  return (data.paths ?? []).filter((p) => p.stale === true).map((p) => p.nexthops?.[0]?.ip ?? '');
}

/** A line of bgpd's log with its time (the lab sets `log timestamp precision 3`). */
export interface FrrLogLine {
  /** Milliseconds since the epoch; bgpd writes local time. */
  at: number;
  text: string;
}

/** Lines of the lab's bgpd log that match, oldest first. */
export function frrLogLines(lab: Lab, match: RegExp): FrrLogLine[] {
  frrControl(lab);
  const text = readFileSync(join(lab.runDir, 'logs', 'bgpd.log'), 'utf8');
  const out: FrrLogLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3}) (.*)$/.exec(line);
    if (m === null || !match.test(line)) continue;
    const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
    out.push({ at: new Date(y, mo - 1, d, h, mi, s, ms).getTime(), text: m[8] ?? '' });
  }
  return out;
}
