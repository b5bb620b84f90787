import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CRDS_DIR, REPO_ROOT } from '../harness/cluster.js';

/**
 * The lab API server in a process of its own, so that a benchmark's client work and the server's
 * do not share one event loop and blur each other's figures.
 */
export interface ApiProcess {
  kubeconfig: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startApiProcess(): Promise<ApiProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-api-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [join(REPO_ROOT, 'e2e/dist/apiserver/cli.js'), '--listen', '127.0.0.1', '--port', '0', '--crds', CRDS_DIR, '--dir', dir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`lab API server exited with ${code} before it was ready`)));
  });
  const { kubeconfig } = JSON.parse(first) as { kubeconfig: string };
  return {
    kubeconfig,
    pid: child.pid ?? 0,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
