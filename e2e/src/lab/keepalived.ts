// keepalived (Debian's package) in node namespaces: VRRP moving one virtual IPv4 address between
// nodes, the baseline Herald's layer-2 failover is measured against. Each node runs its own
// keepalived with its own configuration, pid files and log in the lab's run directory, and a
// responder on every address, so whichever node holds the virtual address answers with its name.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderKeepalivedConfig, vrrpStateFromLog, type VrrpState } from './keepalived-config.js';
import type { Lab, LabHost, LabProcess } from './lab.js';
import { isRunning } from './procs.js';
import { startAnyAddressResponder, type Responder } from './responder.js';
import { WaitAborted, waitFor } from './wait.js';

export type { VrrpState } from './keepalived-config.js';

export const KEEPALIVED = '/usr/sbin/keepalived';

export interface KeepalivedOptions {
  /** VRRP advertisement interval (default 1000 ms, keepalived's default). */
  advertIntervalMs?: number;
  /** Per node, in the order of `nodes` (default 150, 100, 50, then 1): the highest live one is master. */
  priorities?: readonly number[];
  /** Default: a fresh one per group started by this process, so two groups in one lab never merge. */
  virtualRouterId?: number;
  /** VRRP version (default 3, which also advertises below a second; v2 only in whole seconds). */
  version?: 2 | 3;
  /** A higher-priority node coming back takes the address back (default true, keepalived's default). */
  preempt?: boolean;
  /** Advertise by unicast to the other nodes instead of to VRRP's multicast group (default false). */
  unicast?: boolean;
  /** More addresses the master holds (IPv4 or IPv6), outside the adverts: for memory measurements. */
  extraAddresses?: readonly string[];
  /** The port of the HTTP responder started on every node on every address; null for none (default 80). */
  responderPort?: number | null;
}

export interface Keepalived {
  address: string;
  nodes: readonly LabHost[];
  advertIntervalMs: number;
  priorities: readonly number[];
  /** The VRRP instance's state on the node, from its keepalived's log; STOPPED once it is killed or stopped. */
  stateOf(node: LabHost): VrrpState;
  /** The one node whose keepalived runs as MASTER; undefined when none (or, briefly, two) do. */
  ownerOf(): LabHost | undefined;
  /**
   * Resolves to the master once the group is steady: every keepalived runs, one is MASTER and
   * (with preempt) it is the one the priorities choose, the others are BACKUP, and only the
   * master holds the address.
   */
  settled(timeoutMs?: number): Promise<LabHost>;
  /** The pid of the node's VRRP process (keepalived's child that holds the group's state). */
  vrrpPid(node: LabHost): number;
  /** Whether the virtual address is on the node's interface now. */
  holdsAddress(node: LabHost): Promise<boolean>;
  /**
   * SIGKILL: keepalived and its VRRP process die at once, as in a crash: nothing is sent and the
   * address stays on the node's interface, where its kernel keeps answering ARP for it. Any
   * other signal goes to keepalived's parent process, which shuts down in order (SIGTERM:
   * advertises priority 0 and removes the address).
   */
  kill(node: LabHost, signal?: NodeJS.Signals): Promise<void>;
  /** Starts the node's keepalived again after a kill; it removes an address left on the interface, then joins as BACKUP. */
  restart(node: LabHost): Promise<void>;
  /** Stops every keepalived in order, the responders, removes any address a killed one left behind and the group's files. */
  stopAll(): Promise<void>;
}

interface Member {
  node: LabHost;
  priority: number;
  config: string;
  pidFile: string;
  vrrpPidFile: string;
  logName: string;
  logFile: string;
  proc?: LabProcess;
  /** Where this start's lines begin in the log, which every start appends to. */
  logFrom: number;
}

let groups = 0;

export async function startKeepalived(lab: Lab, nodes: readonly LabHost[], address: string, opts: KeepalivedOptions = {}): Promise<Keepalived> {
  if (!existsSync(KEEPALIVED)) throw new Error(`keepalived baseline: ${KEEPALIVED} is missing; make setup installs Debian's keepalived`);
  if (nodes.length === 0) throw new Error(`keepalived for ${address}: no nodes given`);
  for (const n of nodes) if (!lab.nodes.some((m) => m.netns === n.netns)) throw new Error(`keepalived for ${address}: ${n.name} (${n.netns}) is not a node of lab ${lab.prefix}`);
  const advertIntervalMs = opts.advertIntervalMs ?? 1000;
  const version = opts.version ?? 3;
  const preempt = opts.preempt ?? true;
  const group = ++groups;
  const virtualRouterId = opts.virtualRouterId ?? 50 + (group % 200);
  if (opts.priorities !== undefined && opts.priorities.length !== nodes.length) {
    throw new Error(`keepalived for ${address}: ${opts.priorities.length} priorities for ${nodes.length} nodes`);
  }
  const priorities = nodes.map((_, i) => opts.priorities?.[i] ?? Math.max(1, 150 - 50 * i));
  const instance = `herald_${virtualRouterId}`;
  const dir = join(lab.runDir, `keepalived-${process.pid}-${group}`);
  mkdirSync(dir, { recursive: true });

  const members: Member[] = nodes.map((node, i) => {
    const config = join(dir, `${node.name}.conf`);
    writeFileSync(
      config,
      renderKeepalivedConfig({
        routerId: `${lab.prefix}-${node.name}`,
        iface: node.iface,
        instance,
        virtualRouterId,
        priority: priorities[i] as number,
        advertIntervalMs,
        version,
        address,
        preempt,
        ...(opts.extraAddresses ? { extraAddresses: opts.extraAddresses } : {}),
        ...(opts.unicast ? { unicastSource: node.ipv4, unicastPeers: nodes.filter((o) => o !== node).map((o) => o.ipv4) } : {}),
      }),
    );
    return {
      node,
      priority: priorities[i] as number,
      config,
      pidFile: join(dir, `${node.name}.pid`),
      vrrpPidFile: join(dir, `${node.name}.vrrp.pid`),
      logName: `keepalived-${group}-${node.name}`,
      logFile: join(lab.runDir, 'logs', `keepalived-${group}-${node.name}.log`),
      logFrom: 0,
    };
  });
  const memberOf = (node: LabHost): Member => {
    const m = members.find((x) => x.node.netns === node.netns);
    if (!m) throw new Error(`keepalived for ${address}: ${node.name} is not in the group (${nodes.map((n) => n.name).join(', ')})`);
    return m;
  };
  const logOf = (m: Member): string => {
    try {
      return readFileSync(m.logFile).subarray(m.logFrom).toString('utf8');
    } catch {
      return '';
    }
  };
  const vrrpPidOf = (m: Member): number => {
    const pid = Number(readFileSync(m.vrrpPidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1) throw new Error(`keepalived on ${m.node.name}: no VRRP process pid in ${m.vrrpPidFile}`);
    return pid;
  };
  const stateOf = (m: Member): VrrpState => (m.proc?.running() ? vrrpStateFromLog(logOf(m), instance) : 'STOPPED');

  const launch = async (m: Member): Promise<void> => {
    m.logFrom = existsSync(m.logFile) ? statSync(m.logFile).size : 0;
    // After a SIGKILL the pid files remain, and a pid in them that is still taken (by a zombie
    // nobody reaped yet, or a reused pid) makes keepalived refuse to start: "daemon is already running".
    for (const f of [m.pidFile, m.vrrpPidFile]) rmSync(f, { force: true });
    // -n: stay in the foreground, so the lab tracks the parent; -P: VRRP only; -l -D -G: detailed log to the console (our log file), not syslog.
    const proc = lab.spawn(m.node, [KEEPALIVED, '-n', '-l', '-D', '-G', '-P', '-f', m.config, '-p', m.pidFile, '-r', m.vrrpPidFile], { name: m.logName });
    m.proc = proc;
    await waitFor(
      () => {
        if (!proc.running()) throw new WaitAborted(`keepalived on ${m.node.name} exited:\n${proc.logTail()}`);
        const s = vrrpStateFromLog(logOf(m), instance);
        return s === 'BACKUP' || s === 'MASTER';
      },
      10000,
      { what: `keepalived on ${m.node.name} to join VRRP group ${virtualRouterId}`, intervalMs: 10 },
    );
  };

  const holdsAddress = async (node: LabHost): Promise<boolean> => {
    const json = await lab.exec(node, ['ip', '-j', '-4', 'addr', 'show', 'dev', node.iface]);
    const links = JSON.parse(json.trim() === '' ? '[]' : json) as Array<{ addr_info?: Array<{ local?: string }> }>;
    return links.some((l) => (l.addr_info ?? []).some((a) => a.local === address));
  };

  const responders: Responder[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(members.map((m) => m.proc?.stop('SIGTERM', 5000)));
    await Promise.all(responders.map((r) => r.stop()));
    // A keepalived killed with SIGKILL and never restarted left the address on its interface.
    for (const m of members) {
      if (await holdsAddress(m.node)) await lab.exec(m.node, ['ip', 'addr', 'del', `${address}/32`, 'dev', m.node.iface]);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    if (opts.responderPort !== null) {
      for (const node of nodes) responders.push(await startAnyAddressResponder(lab, node, opts.responderPort ?? 80));
    }
    await Promise.all(members.map(launch));
  } catch (e) {
    await stopAll().catch(() => undefined);
    throw e;
  }

  const expectedMaster = (): Member | undefined => {
    const live = members.filter((m) => m.proc?.running());
    return live.reduce<Member | undefined>((best, m) => (best === undefined || m.priority > best.priority || (m.priority === best.priority && ipv4Number(m.node.ipv4) > ipv4Number(best.node.ipv4)) ? m : best), undefined);
  };

  return {
    address,
    nodes,
    advertIntervalMs,
    priorities,
    stateOf: (node) => stateOf(memberOf(node)),
    ownerOf() {
      const masters = members.filter((m) => stateOf(m) === 'MASTER');
      return masters.length === 1 ? masters[0]?.node : undefined;
    },
    async settled(timeoutMs = 10 * advertIntervalMs + 5000) {
      return waitFor(
        async () => {
          const states = members.map(stateOf);
          if (states.some((s) => s === 'STOPPED')) throw new WaitAborted(`keepalived for ${address} is not running on ${members.filter((_, i) => states[i] === 'STOPPED').map((m) => m.node.name).join(', ')}`);
          const masters = members.filter((_, i) => states[i] === 'MASTER');
          const master = masters[0];
          const holders = await Promise.all(members.map((m) => holdsAddress(m.node)));
          const steady =
            masters.length === 1 &&
            states.every((s) => s === 'MASTER' || s === 'BACKUP') &&
            (!preempt || master === expectedMaster()) &&
            holders.every((h, i) => h === (members[i] === master));
          if (steady && master) return master.node;
          // Thrown, not returned, so a timeout says what the group looked like last.
          throw new Error(members.map((m, i) => `${m.node.name} ${states[i]}${holders[i] ? ' holding the address' : ''}`).join(', '));
        },
        timeoutMs,
        { what: `keepalived for ${address} to settle on one master`, intervalMs: 20 },
      );
    },
    holdsAddress,
    vrrpPid: (node) => vrrpPidOf(memberOf(node)),
    async kill(node, signal = 'SIGKILL') {
      const m = memberOf(node);
      const proc = m.proc;
      if (!proc?.running()) throw new Error(`keepalived on ${node.name} is not running`);
      if (signal !== 'SIGKILL') {
        await proc.stop(signal, 10000);
        return;
      }
      const vrrp = vrrpPidOf(m);
      // Frozen first, the parent can neither restart its VRRP child nor tell it to shut down in order.
      process.kill(proc.pid, 'SIGSTOP');
      process.kill(vrrp, 'SIGKILL');
      process.kill(proc.pid, 'SIGKILL');
      // Polled rather than awaiting proc.exited: the lab's children do not keep Node's event loop alive.
      await waitFor(() => !proc.running() && !isRunning(vrrp), 5000, { what: `keepalived (${proc.pid}) and its VRRP process (${vrrp}) on ${node.name} to die`, intervalMs: 5 });
    },
    async restart(node) {
      const m = memberOf(node);
      if (m.proc?.running()) throw new Error(`keepalived on ${node.name} is still running`);
      await launch(m);
    },
    stopAll,
  };
}

/** "Keepalived v2.2.7 (01/16,2022)": what `keepalived --version` prints first (on stderr). */
export function keepalivedVersion(): string {
  const r = spawnSync(KEEPALIVED, ['--version'], { encoding: 'utf8' });
  const line = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n').find((l) => /keepalived v/i.test(l));
  if (line === undefined) throw new Error(`${KEEPALIVED} --version printed no version: ${r.error?.message ?? r.stderr}`);
  return line.trim();
}

function ipv4Number(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
