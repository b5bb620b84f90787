import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ApiServerOptions, LabApiServer } from '../apiserver/server.js';

const CLI = join(import.meta.dirname, '../apiserver/cli.js');

/** What openTestCluster needs of a lab API server, in this process or another. */
export type ApiServerHandle = Pick<LabApiServer, 'port' | 'kubeconfigPath' | 'close'>;

/** The lab API server in a child process. */
export interface ApiProcess extends ApiServerHandle {
  pid: number;
}

export type ApiProcessOptions = Pick<ApiServerOptions, 'listen' | 'port' | 'crdsDir' | 'stateDir'> & {
  /** Where its CA, token and kubeconfigs go; a temporary folder, removed on close, when absent. */
  workDir?: string;
};

/**
 * The lab API server (e2e/dist/apiserver/cli.js) in a process of its own, so that a benchmark's
 * client work and the server's do not share one event loop and blur each other's figures, and a
 * server busy with thousands of writes does not starve the benchmark's own clock and clients.
 * Killed when this process exits, also on process.exit() after a failure.
 */
export async function startApiProcess(opts: ApiProcessOptions): Promise<ApiProcess> {
  const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'herald-api-process-'));
  const ownDir = opts.workDir === undefined ? workDir : undefined;
  const args = [CLI, ...opts.listen.flatMap((l) => ['--listen', l]), '--port', String(opts.port ?? 0), '--crds', opts.crdsDir, '--dir', workDir];
  if (opts.stateDir !== undefined) args.push('--state', opts.stateDir);
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
    if (ownDir !== undefined) rmSync(ownDir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ kubeconfigs: Record<string, string>; port: number }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as { kubeconfigs: Record<string, string>; port: number }));
    child.once('exit', (code, signal) => reject(new Error(`lab API server (${CLI} on ${opts.listen.join(', ')}) exited (code ${code}, signal ${signal}) before it was ready`)));
  });
  return {
    pid: child.pid ?? 0,
    port: ready.port,
    kubeconfigPath: (host = opts.listen[0] ?? '') => {
      const path = ready.kubeconfigs[host];
      if (path === undefined) throw new Error(`lab API server in process ${child.pid} does not listen on ${host}; it listens on ${opts.listen.join(', ')}`);
      return path;
    },
    close: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      process.removeListener('exit', killOnExit);
      if (ownDir !== undefined) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}
