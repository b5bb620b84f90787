// Never leave a lab behind: labs this process owns are torn down on exit and on SIGINT, SIGTERM
// and SIGHUP; labs whose owner died (SIGKILL, a crash of the machine's session) are found by name.

import { teardownSync, type TeardownReport } from './netns.js';
import { LEFTOVER_LINK, LEFTOVER_NAMESPACE, labPrefixOf } from './names.js';
import { listNetns, listRootLinks } from './procs.js';
import { listRunDirs, listSegmentClaims, ownerAlive, removeClaim, removeRunDir, runDirOf } from './rundir.js';

type SyncTeardown = () => void;

const live = new Map<string, SyncTeardown>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

export function tearDownOnExit(prefix: string, teardown: SyncTeardown): void {
  live.set(prefix, teardown);
  if (installed) return;
  installed = true;
  // 'exit' also runs after an uncaught exception or rejection has ended the process. Listening for
  // 'uncaughtException' instead would keep a broken process alive (and, under mocha, destroy a
  // lab that later tests still use after mocha has reported the error against one test).
  process.on('exit', tearDownAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

export function forget(prefix: string): void {
  live.delete(prefix);
}

function tearDownAll(): void {
  for (const [prefix, teardown] of [...live]) {
    live.delete(prefix);
    try {
      teardown();
    } catch (e) {
      process.stderr.write(`herald lab ${prefix}: cleanup failed: ${(e as Error).message}\n`);
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  tearDownAll();
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('exit', tearDownAll);
  installed = false;
  // With no other listener the signal's default action, ending the process, is what the sender
  // asked for; re-raise it now that our handler is gone. Other listeners decide for themselves.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

export interface LeftoverReport {
  /** Prefixes of labs removed because their owner is gone. */
  removed: Array<{ prefix: string } & TeardownReport>;
  /** Prefixes of labs whose owner still runs, left alone. */
  alive: string[];
}

/**
 * Removes every lab whose owning process is gone: its processes, namespaces, root link, run
 * directory and segment claim. Labs of living processes (other test runs) stay.
 */
export function cleanLeftovers(): LeftoverReport {
  const namespaces = listNetns().filter((n) => LEFTOVER_NAMESPACE.test(n));
  const links = listRootLinks().filter((l) => LEFTOVER_LINK.test(l));
  const prefixes = new Set<string>(listRunDirs());
  for (const name of [...namespaces, ...links]) {
    const p = labPrefixOf(name);
    if (p) prefixes.add(p);
  }
  const report: LeftoverReport = { removed: [], alive: [] };
  for (const prefix of [...prefixes].sort()) {
    if (ownerAlive(prefix)) {
      report.alive.push(prefix);
      continue;
    }
    const torn = teardownSync({
      namespaces: namespaces.filter((n) => labPrefixOf(n) === prefix),
      hostLink: links.find((l) => labPrefixOf(l) === prefix),
    });
    removeRunDir(prefix);
    report.removed.push({ prefix, ...torn });
  }
  for (const [k, prefix] of listSegmentClaims()) {
    if (!report.alive.includes(prefix) && !ownerAlive(prefix)) removeClaim(k);
  }
  return report;
}

export function describeLeftovers(report: LeftoverReport): string {
  const lines = report.removed.map(
    (r) =>
      `removed lab ${r.prefix}: ${r.namespaces.length} namespaces, ${r.links.length} root links, ` +
      `${r.killed.length} processes killed, run directory ${runDirOf(r.prefix)}`,
  );
  for (const p of report.alive) lines.push(`kept lab ${p}: its owner is still running`);
  return lines.length > 0 ? lines.join('\n') : 'no lab left behind';
}
