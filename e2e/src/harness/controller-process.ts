import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor, WaitAborted } from '../lab/wait.js';
import { openTestCluster, REPO_ROOT, runSuffix, type TestCluster } from './cluster.js';
import { HeraldObjects } from './herald-objects.js';

export const CONTROLLER_MAIN = join(REPO_ROOT, 'controller', 'dist', 'main.js');

/** One JSON log line of the controller. */
export interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

export interface ControllerRunOptions {
  identity: string;
  leaseName: string;
  lbClass: string;
  /** Serve /metrics on a free loopback port (default: off). */
  metrics?: boolean;
  /** Short timers, so that failover tests take seconds (default: 3s / 2s / 500ms). */
  lease?: { duration: string; renewDeadline: string; retryPeriod: string };
  extraArgs?: string[];
}

/**
 * The real controller program (controller/dist/main.js) as a child process against a test
 * cluster, with its log lines parsed as they arrive. Every process started is tracked, so a
 * suite's after hook can kill whatever is left, also when a test failed half way.
 */
export class ControllerProcess {
  readonly lines: LogLine[] = [];
  stderr = '';
  exitCode: number | null | undefined;
  signal: NodeJS.Signals | null = null;
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;

  constructor(
    cluster: TestCluster,
    readonly options: ControllerRunOptions,
  ) {
    const lease = options.lease ?? { duration: '3s', renewDeadline: '2s', retryPeriod: '500ms' };
    const args = [
      CONTROLLER_MAIN,
      '--kubeconfig',
      cluster.kubeconfigPath,
      '--namespace',
      cluster.heraldNamespace,
      '--lb-class',
      options.lbClass,
      '--no-default-class',
      '--identity',
      options.identity,
      '--lease-name',
      options.leaseName,
      '--lease-duration',
      lease.duration,
      '--renew-deadline',
      lease.renewDeadline,
      '--retry-period',
      lease.retryPeriod,
      '--metrics-addr',
      options.metrics ? '127.0.0.1:0' : 'off',
      '--log-level',
      'debug',
      ...(options.extraArgs ?? []),
    ];
    this.child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: '' } });
    running.add(this);
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.lines.push({ level: 'raw', message: line });
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitCode = code;
        this.signal = signal;
        running.delete(this);
        resolve();
      });
    });
  }

  get identity(): string {
    return this.options.identity;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  /** The first log line that matches, waiting for it; fails at once if the process ends. */
  async waitForLog(match: (l: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
    return waitFor(
      () => {
        const hit = this.lines.find(match);
        if (hit) return hit;
        if (!this.alive) throw new WaitAborted(`${this.identity} exited (code ${this.exitCode}, signal ${this.signal}) before ${what}; ${this.describe()}`);
        return undefined;
      },
      timeoutMs,
      { what: `${this.identity}: ${what}` },
    );
  }

  async waitForLeading(timeoutMs = 10_000): Promise<void> {
    await this.waitForLog((l) => l.message === 'adopted every Service', timeoutMs, 'leading and having adopted every Service');
  }

  isLeader(): boolean {
    return this.lines.some((l) => l.message === 'became leader');
  }

  /** The text of GET /metrics (needs `metrics: true`). */
  async metrics(): Promise<string> {
    const start = await this.waitForLog((l) => l.message === 'starting', 10_000, 'start-up');
    const addr = String(start.metrics);
    if (addr === 'off') throw new Error(`${this.identity} runs without metrics; start it with metrics: true`);
    return new Promise((resolve, reject) => {
      get(`http://${addr}/metrics`, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
  }

  kill(signal: NodeJS.Signals): void {
    if (this.alive) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not ended within `graceMs`. */
  async stop(graceMs = 8000): Promise<void> {
    if (!this.alive) return;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** For failure messages: how it ended and its last words. */
  describe(): string {
    const tail = this.lines.slice(-8).map((l) => JSON.stringify(l)).join('\n');
    return `last log lines:\n${tail}\nstderr: ${this.stderr.slice(-2000)}`;
  }
}

const running = new Set<ControllerProcess>();

/** Kills every controller process still running (for after hooks; also after a failed test). */
export async function killAllControllers(): Promise<void> {
  const left = [...running];
  for (const p of left) p.kill('SIGKILL');
  await Promise.all(left.map((p) => p.exited));
}

/** The value of one sample in Prometheus text, or undefined. Labels must match exactly as written. */
export function metricValue(text: string, name: string, labels = ''): number | undefined {
  const want = labels === '' ? name : `${name}{${labels}}`;
  for (const line of text.split('\n')) {
    const space = line.lastIndexOf(' ');
    if (space > 0 && line.slice(0, space) === want) return Number(line.slice(space + 1));
  }
  return undefined;
}

/**
 * The hooks every controller suite needs: one test cluster for the suite, fresh objects (their own
 * load balancer class) per test, and every controller process and object removed after each test,
 * also when it failed. Read `cluster` and `k` inside hooks and tests, not at definition time.
 */
export interface ControllerSuite {
  cluster: TestCluster;
  k: HeraldObjects;
}

export function useControllerSuite(): ControllerSuite {
  const suite = {} as ControllerSuite;
  before(async () => {
    suite.cluster = await openTestCluster();
  });
  after(async () => {
    await killAllControllers();
    await suite.cluster.close();
  });
  beforeEach(() => {
    suite.k = new HeraldObjects(suite.cluster, `heraldlb.io/test-${runSuffix()}`);
  });
  afterEach(async () => {
    await killAllControllers();
    await suite.k.cleanup();
  });
  return suite;
}
