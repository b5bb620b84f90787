// Carrying out a topology plan with ip(8), and taking a lab's namespaces and links down again.

import { writeFileSync } from 'node:fs';
import { inNetns, run, runSync } from './run.js';
import { isRunning, listNetns, listRootLinks, pidsInNetns, sleepSync } from './procs.js';
import type { TopologyPlan } from './topology.js';

export async function applyTopology(plan: TopologyPlan): Promise<void> {
  await run(['ip', '-batch', '-'], { input: plan.create.join('\n') + '\n' });
  for (const assignment of plan.hostLinkSysctls) writeRootSysctl(assignment);
  await Promise.all([
    ...plan.perNamespace.map((ns) =>
      run(
        inNetns(ns.netns, [
          'sh',
          '-c',
          ns.sysctls.length > 0 ? 'sysctl -q -w "$@" >/dev/null && exec ip -batch -' : 'exec ip -batch -',
          'sh',
          ...ns.sysctls,
        ]),
        { input: ns.ipBatch.join('\n') + '\n' },
      ),
    ),
    run(['ip', '-batch', '-'], { input: plan.hostLinkBatch.join('\n') + '\n' }),
  ]);
}

function writeRootSysctl(assignment: string): void {
  const [key = '', value = ''] = assignment.split('=');
  try {
    writeFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, value);
  } catch (e) {
    throw new Error(`root namespace sysctl ${assignment}: ${(e as Error).message}`);
  }
}

export interface TeardownTarget {
  namespaces: readonly string[];
  hostLink?: string;
}

export interface TeardownReport {
  killed: number[];
  namespaces: string[];
  links: string[];
}

/**
 * Kills every process inside the namespaces, deletes the root link and the namespaces that
 * exist. Synchronous because it also runs from the process 'exit' handler.
 */
export function teardownSync(target: TeardownTarget): TeardownReport {
  const existing = new Set(listNetns());
  const namespaces = target.namespaces.filter((n) => existing.has(n));
  const killed: number[] = [];
  for (const pids of pidsInNetns(namespaces).values()) {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      } catch {
        // It exited between the listing and the kill.
      }
    }
  }
  const links = target.hostLink && listRootLinks().includes(target.hostLink) ? [target.hostLink] : [];
  const batch = [...links.map((l) => `link del ${l}`), ...namespaces.map((n) => `netns del ${n}`)];
  if (batch.length > 0) runSync(['ip', '-force', '-batch', '-'], { input: batch.join('\n') + '\n' });
  waitGone(killed, 2000);
  return { killed, namespaces, links };
}

function waitGone(pids: number[], timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isRunning) && Date.now() < deadline) sleepSync(10);
}
