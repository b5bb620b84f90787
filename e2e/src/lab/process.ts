// Long-running processes inside a lab namespace, each logging to its own file in the run directory.

import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { inNetns } from './run.js';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /** Names the log file (<run dir>/logs/<name>.log) and the process in errors. */
  name: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface LabProcess {
  name: string;
  netns: string;
  argv: readonly string[];
  pid: number;
  logFile: string;
  /** Settles when the process has exited, however it ended. */
  exited: Promise<ExitInfo>;
  running(): boolean;
  /** Sends the signal (SIGTERM by default), then SIGKILL if it is still there after graceMs. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<ExitInfo>;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
}

export function spawnInNetns(netns: string, argv: readonly string[], logFile: string, opts: SpawnOptions): LabProcess {
  const full = inNetns(netns, argv);
  const fd = openSync(logFile, 'a');
  let child;
  try {
    child = spawn(full[0] ?? 'ip', full.slice(1), { stdio: ['ignore', fd, fd], env: opts.env ?? process.env, cwd: opts.cwd });
  } finally {
    closeSync(fd);
  }
  let exit: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
    child.on('error', (e) => {
      exit = { code: null, signal: null };
      resolve(exit);
      process.stderr.write(`lab process ${opts.name} in ${netns}: could not start ${full.join(' ')}: ${e.message}\n`);
    });
  });
  // The lab's cleanup kills it; it must not keep a finished test run alive meanwhile.
  child.unref();
  const logTail = (lines = 20): string => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  return {
    name: opts.name,
    netns,
    argv,
    pid: child.pid ?? -1,
    logFile,
    exited,
    running: () => exit === undefined,
    logTail,
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<ExitInfo> {
      if (exit) return exit;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      // The child is unref'd: once the timer has fired nothing else may keep the loop alive, and
      // Node would end the whole run, silently with code 0, before the exit is reported.
      const keepAlive = setInterval(() => undefined, 1000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
        clearInterval(keepAlive);
      }
    },
  };
}
