// The GoBGP router's FIB agent, run in the router namespace next to gobgpd:
//   node gobgp-fib-agent.js <gRPC port> <device>
// Follows `gobgp monitor global rib --current -j` and installs each prefix's forwarding set in the
// kernel (see gobgp-fib.ts for why this is not zebra). Exits, removing its routes, when gobgpd's
// stream ends or on SIGTERM/SIGINT, as zebra removes a client's routes when the client goes.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { applyChanges, kernelRouteCommands, parseMonitorLine } from './gobgp-fib.js';
import { run } from './run.js';

const [portArg, dev] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port < 1 || port > 65535 || !dev) {
  process.stderr.write('usage: gobgp-fib-agent <gobgpd gRPC port> <device>\n');
  process.exit(2);
}

const installed = new Map<string, readonly string[]>();
let pending = new Map<string, string[]>();
let flushing: Promise<void> | undefined;

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

async function apply(changes: Map<string, readonly string[]>): Promise<void> {
  const lines = kernelRouteCommands(changes, dev as string);
  if (lines.length === 0) return;
  // -force: a route that is already gone must not stop the rest of the batch.
  await run(['ip', '-force', '-batch', '-'], { input: lines.join('\n') + '\n' }).catch((e: Error) => log(`ip failed: ${e.message}`));
  applyChanges(installed, changes);
  for (const [prefix, hops] of changes) log(hops.length === 0 ? `removed ${prefix}` : `installed ${prefix} via ${hops.join(', ')}`);
}

/** One `ip -batch` at a time, each with every change that arrived meanwhile (the last set per prefix wins). */
function schedule(): void {
  if (flushing || pending.size === 0) return;
  flushing = drain();
}

async function drain(): Promise<void> {
  try {
    while (pending.size > 0) {
      const batch = pending;
      pending = new Map();
      await apply(batch);
    }
  } finally {
    flushing = undefined;
  }
}

async function removeAll(): Promise<void> {
  await flushing;
  await apply(new Map([...installed.keys()].map((prefix) => [prefix, []])));
}

const monitor = spawn('gobgp', ['-u', '127.0.0.1', '-p', String(port), 'monitor', 'global', 'rib', '--current', '-j'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
createInterface({ input: monitor.stdout }).on('line', (line) => {
  try {
    for (const [prefix, hops] of parseMonitorLine(line)) pending.set(prefix, hops);
    schedule();
  } catch (e) {
    log((e as Error).message);
  }
});
log(`following gobgpd on 127.0.0.1:${port}, routes via ${dev}`);

let exiting = false;
async function exit(code: number, why: string): Promise<void> {
  if (exiting) return;
  exiting = true;
  log(`${why}; removing ${installed.size} routes`);
  await removeAll();
  process.exit(code);
}

monitor.on('exit', (code, signal) => void exit(code === 0 ? 0 : 1, `gobgp monitor ended (${signal ?? `exit ${code}`})`));
for (const s of ['SIGTERM', 'SIGINT'] as const) {
  process.once(s, () => {
    monitor.kill('SIGTERM');
    void exit(0, s);
  });
}
