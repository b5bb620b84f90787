// Processes and namespaces as /proc and /run/netns show them, read in-process: cleanup runs on the
// exit path and must not depend on spawning anything to find what to kill.

import { readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';

const NETNS_DIR = '/run/netns';

export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks since boot (/proc/PID/stat field 22): tells a reused pid apart. */
  startTime: number;
}

function statFields(pid: number): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may contain spaces; fields after it are plain.
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

export function processIdentity(pid: number): ProcessIdentity | undefined {
  const f = statFields(pid);
  const start = f?.[19];
  return start === undefined ? undefined : { pid, startTime: Number(start) };
}

/** Running (not gone, not a zombie), and the same process that was recorded. */
export function isAlive(who: ProcessIdentity): boolean {
  const f = statFields(who.pid);
  if (!f || f[0] === 'Z') return false;
  return Number(f[19]) === who.startTime;
}

export function isRunning(pid: number): boolean {
  const f = statFields(pid);
  return f !== undefined && f[0] !== 'Z';
}

export function listNetns(): string[] {
  try {
    return readdirSync(NETNS_DIR);
  } catch {
    return [];
  }
}

/** Links in the root namespace (this process's), as sysfs lists them. */
export function listRootLinks(): string[] {
  return readdirSync('/sys/class/net');
}

/** Pids of the processes inside each named namespace, as `ip netns pids` would find them. */
export function pidsInNetns(names: readonly string[]): Map<string, number[]> {
  const byInode = new Map<number, string>();
  for (const name of names) {
    try {
      byInode.set(statSync(`${NETNS_DIR}/${name}`).ino, name);
    } catch {
      // Already gone: nothing inside it can be found by name any more.
    }
  }
  const found = new Map<string, number[]>(names.map((n) => [n, []]));
  if (byInode.size === 0) return found;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let link: string;
    try {
      link = readlinkSync(`/proc/${entry}/ns/net`);
    } catch {
      continue;
    }
    const inode = Number(/^net:\[(\d+)\]$/.exec(link)?.[1]);
    const name = byInode.get(inode);
    if (name !== undefined) found.get(name)?.push(Number(entry));
  }
  return found;
}

/** Blocks the thread: only for the exit path, where nothing else can run anyway. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** TCP ports listening in the network namespace of a process (from /proc/PID/net/tcp and tcp6). */
export function listeningTcpPorts(pid: number): Set<number> {
  const ports = new Set<number>();
  for (const file of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      // State 0A is LISTEN; the local address ends in the port as hex.
      if (state === '0A' && local) ports.add(parseInt(local.slice(local.lastIndexOf(':') + 1), 16));
    }
  }
  return ports;
}

/** The most resident memory the process has had so far (VmHWM in /proc/PID/status), in bytes; undefined once it is gone. */
export function peakRssBytes(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(text)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

/** Starts the process's peak resident memory afresh from its current size (Linux: 5 into /proc/PID/clear_refs). */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}
