// Running commands: every failure names the command, its exit and what it printed on stderr.

import { execFileSync, spawn } from 'node:child_process';

export interface RunOptions {
  /** Written to the command's standard input. */
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly exit: string,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    const detail = (stderr.trim() || stdout.trim()).slice(0, 4000);
    super(`command failed (${exit}): ${formatArgv(argv)}${detail ? `\n${detail}` : ''}`);
    this.name = 'CommandError';
  }
}

export function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

const MAX_OUTPUT = 256 * 1024 * 1024;

export function run(argv: readonly string[], opts: RunOptions = {}): Promise<string> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return Promise.reject(new Error('run: empty command'));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) child.kill('SIGKILL');
      else into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new CommandError(argv, `could not start: ${e.message}`, '', ''));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve(stdout);
      else {
        const exit = timedOut ? `timed out after ${opts.timeoutMs} ms` : signal ? `killed by ${signal}` : `exit ${code}`;
        reject(new CommandError(argv, exit, stdout, stderr));
      }
    });
    child.stdin.on('error', () => {
      // The command may exit without reading its input; its exit status tells what happened.
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** For the exit path, where nothing asynchronous runs any more. */
export function runSync(argv: readonly string[], opts: RunOptions = {}): string {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error('runSync: empty command');
  try {
    return execFileSync(cmd, args, {
      input: opts.input ?? '',
      timeout: opts.timeoutMs,
      env: opts.env ?? process.env,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: MAX_OUTPUT,
    });
  } catch (e) {
    const err = e as { status?: number | null; signal?: string | null; stdout?: string; stderr?: string; message?: string };
    const exit = err.status != null ? `exit ${err.status}` : err.signal ? `killed by ${err.signal}` : (err.message ?? 'failed');
    throw new CommandError(argv, exit, err.stdout ?? '', err.stderr ?? '');
  }
}

/** argv that runs a command inside a network namespace. */
export function inNetns(netns: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', netns, ...argv];
}
