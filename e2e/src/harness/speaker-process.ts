import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Lab, LabHost } from '../lab/index.js';
import { inNetns } from '../lab/run.js';
import { waitFor, WaitAborted } from '../lab/wait.js';
import { REPO_ROOT } from './cluster.js';
import type { LogLine } from './controller-process.js';

export const SPEAKER_MAIN = join(REPO_ROOT, 'speaker', 'dist', 'main.js');

/** Port of the speaker's /metrics on its node's lab address, when a test asks for metrics. */
export const SPEAKER_METRICS_PORT = 7473;

export interface SpeakerRunOptions {
  /** A kubeconfig the node namespace can use: the lab API server on `lab.hostAddress` (TestCluster.kubeconfigPathFor). */
  kubeconfigPath: string;
  /** Serve /metrics on the node's IPv4 address, reachable from the test process over the lab segment (default: off). */
  metrics?: boolean;
  /** --listen-port: where the speaker accepts BGP connections. */
  listenPort?: number;
  /** --graceful-shutdown-delay, e.g. "2s". */
  gracefulShutdownDelay?: string;
  logLevel?: string;
  extraArgs?: string[];
  /** The program to run instead of speaker/dist/main.js (the harness's own tests use a stand-in). */
  program?: string;
}

/**
 * The real speaker program (speaker/dist/main.js) in a node's network namespace of a lab, as
 * the DaemonSet runs it on a node, with its JSON log lines parsed as they arrive (and copied to
 * <lab run dir>/logs/speaker-<node>.log). Every speaker started is tracked for killAllSpeakers();
 * the lab's destroy() kills whatever still runs in its namespaces anyway.
 */
export class SpeakerProcess {
  readonly lines: LogLine[] = [];
  stderr = '';
  exitCode: number | null | undefined;
  signal: NodeJS.Signals | null = null;
  readonly exited: Promise<void>;
  readonly argv: readonly string[];
  /** `<node IPv4>:<port>` when started with metrics. */
  readonly metricsAddress: string | undefined;
  private readonly child: ChildProcess;
  private readonly log: WriteStream;

  constructor(
    readonly lab: Lab,
    readonly node: LabHost,
    readonly options: SpeakerRunOptions,
  ) {
    const program = options.program ?? SPEAKER_MAIN;
    if (!existsSync(program)) {
      throw new Error(`speaker on ${node.name}: ${program} does not exist; the speaker program is not built yet (npx tsc -b)`);
    }
    if (!lab.nodes.some((n) => n.netns === node.netns)) throw new Error(`speaker: ${node.name} (${node.netns}) is not a node of lab ${lab.prefix}`);
    this.metricsAddress = options.metrics ? `${node.ipv4}:${SPEAKER_METRICS_PORT}` : undefined;
    this.argv = [
      program,
      '--kubeconfig',
      options.kubeconfigPath,
      '--node-name',
      node.name,
      '--log-level',
      options.logLevel ?? 'debug',
      '--metrics-addr',
      this.metricsAddress ?? 'off',
      ...(options.listenPort !== undefined ? ['--listen-port', String(options.listenPort)] : []),
      ...(options.gracefulShutdownDelay !== undefined ? ['--graceful-shutdown-delay', options.gracefulShutdownDelay] : []),
      ...(options.extraArgs ?? []),
    ];
    // `ip netns exec` enters the namespace and execs: the child's pid is the speaker's own, so signals reach it.
    const [cmd = 'ip', ...args] = inNetns(node.netns, [process.execPath, ...this.argv]);
    this.child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: '', NODE_NAME: '' } });
    this.log = createWriteStream(join(lab.runDir, 'logs', `speaker-${node.name}.log`), { flags: 'a' });
    // The copy is for people reading a failed run; losing it (the lab's directory removed) must not crash a test.
    this.log.on('error', (e) => (this.stderr += `\n(log copy ${e.message})`));
    running.add(this);
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.log.write(line + '\n');
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.lines.push({ level: 'raw', message: line });
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      this.log.write(chunk);
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitCode = code;
        this.signal = signal;
        running.delete(this);
        this.log.end();
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  /** Stopped by SIGSTOP (process state T) and not yet continued. */
  get frozen(): boolean {
    if (!this.alive || this.pid === undefined) return false;
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T');
    } catch {
      return false;
    }
  }

  /** The first log line that matches, waiting for it; fails at once if the process ends. */
  async waitForLog(match: (l: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
    return waitFor(
      () => {
        const hit = this.lines.find(match);
        if (hit) return hit;
        if (!this.alive) throw new WaitAborted(`speaker on ${this.node.name} exited (code ${this.exitCode}, signal ${this.signal}) before ${what}; ${this.describe()}`);
        return undefined;
      },
      timeoutMs,
      { what: `speaker on ${this.node.name}: ${what}` },
    );
  }

  kill(signal: NodeJS.Signals): void {
    if (this.alive) this.child.kill(signal);
  }

  /** SIGSTOP: the process stays, its sessions go silent (hold-timer tests). */
  async freeze(): Promise<void> {
    this.kill('SIGSTOP');
    await waitFor(() => this.frozen || !this.alive, 2000, { what: `speaker on ${this.node.name} to stop`, intervalMs: 5 });
  }

  /** SIGCONT after freeze(). */
  async thaw(): Promise<void> {
    this.kill('SIGCONT');
    await waitFor(() => !this.frozen, 2000, { what: `speaker on ${this.node.name} to continue`, intervalMs: 5 });
  }

  /** SIGTERM (the speaker's graceful shutdown), then SIGKILL if it has not ended within `graceMs`. */
  async stop(graceMs = 8000): Promise<void> {
    if (!this.alive) return;
    if (this.frozen) this.kill('SIGCONT');
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The text of GET /metrics (needs `metrics: true`). */
  async metrics(): Promise<string> {
    const addr = this.metricsAddress;
    if (addr === undefined) throw new Error(`speaker on ${this.node.name} runs without metrics; start it with metrics: true`);
    return new Promise((resolve, reject) => {
      get(`http://${addr}/metrics`, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`speaker on ${this.node.name}: GET /metrics answered ${res.statusCode}: ${body.slice(0, 200)}`))));
      }).on('error', reject);
    });
  }

  /** For failure messages: how it ended and its last words. */
  describe(): string {
    const tail = this.lines.slice(-8).map((l) => JSON.stringify(l)).join('\n');
    return `last log lines:\n${tail}\nstderr: ${this.stderr.slice(-2000)}`;
  }
}

const running = new Set<SpeakerProcess>();

/** Starts the speaker program in the node's namespace. */
export function startSpeaker(lab: Lab, node: LabHost, options: SpeakerRunOptions): SpeakerProcess {
  return new SpeakerProcess(lab, node, options);
}

/** Kills every speaker still running (for after hooks; also after a failed test). */
export async function killAllSpeakers(): Promise<void> {
  const left = [...running];
  for (const p of left) p.kill('SIGKILL');
  await Promise.all(left.map((p) => p.exited));
}
