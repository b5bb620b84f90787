// The benchmark's side of bgp-speaker-main.js: started in a lab node's namespace, driven by JSON
// lines, each command answered in order.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../harness/cluster.js';
import type { Lab, LabHost } from '../lab/index.js';
import { inNetns } from '../lab/run.js';

const PROGRAM = join(REPO_ROOT, 'e2e', 'dist', 'bench', 'bgp-speaker-main.js');

export type ChildReply = { event: string } & Record<string, unknown>;

export class BgpSpeakerChild {
  readonly logFile: string;
  private readonly child: ChildProcess;
  private readonly replies: ChildReply[] = [];
  private waiting: ((r: ChildReply | Error) => void) | undefined;
  private exit: string | undefined;
  readonly exited: Promise<void>;

  constructor(
    readonly lab: Lab,
    readonly node: LabHost,
    mode: 'load' | 'apply',
    tag: string,
  ) {
    this.logFile = join(lab.runDir, 'logs', `bench-speaker-${node.name}-${tag}.log`);
    const asn = lab.nodePeers[lab.nodes.indexOf(node)]?.asn;
    if (asn === undefined) throw new Error(`bench speaker: ${node.name} is not a node of lab ${lab.prefix}`);
    const argv = [
      process.execPath,
      PROGRAM,
      ...['--mode', mode, '--node', node.name, '--node-address', node.ipv4, '--router', lab.router.ipv4],
      ...['--asn', String(asn), '--router-asn', String(lab.routerAsn), '--log', this.logFile],
    ];
    const [cmd = 'ip', ...args] = inNetns(node.netns, argv);
    const stderr = openSync(this.logFile, 'a');
    try {
      this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', stderr] });
    } finally {
      closeSync(stderr);
    }
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      let reply: ChildReply;
      try {
        reply = JSON.parse(line) as ChildReply;
      } catch {
        reply = { event: 'error', message: `not JSON: ${line}` };
      }
      this.deliver(reply);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = `exited (code ${code}, signal ${signal})`;
        this.waiting?.(new Error(`bench speaker on ${node.name} ${this.exit}:\n${this.logTail()}`));
        this.waiting = undefined;
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The next reply; fails on an error reply or if the program ends first. */
  next(timeoutMs = 120_000): Promise<ChildReply> {
    const queued = this.replies.shift();
    if (queued !== undefined) return Promise.resolve(this.check(queued));
    if (this.exit !== undefined) return Promise.reject(new Error(`bench speaker on ${this.node.name} ${this.exit}:\n${this.logTail()}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`bench speaker on ${this.node.name}: no reply within ${timeoutMs} ms:\n${this.logTail()}`));
      }, timeoutMs);
      this.waiting = (r) => {
        clearTimeout(timer);
        if (r instanceof Error) reject(r);
        else {
          try {
            resolve(this.check(r));
          } catch (e) {
            reject(e as Error);
          }
        }
      };
    });
  }

  /** Sends a command without waiting for its reply (the caller times what follows). */
  send(cmd: string, args: Record<string, unknown> = {}): void {
    this.child.stdin!.write(`${JSON.stringify({ cmd, ...args })}\n`);
  }

  async request(cmd: string, args: Record<string, unknown> = {}, timeoutMs?: number): Promise<ChildReply> {
    this.send(cmd, args);
    return this.next(timeoutMs);
  }

  /** Asks it to close its sessions and end; kills it if it does not within 10 s. */
  async stop(): Promise<void> {
    if (this.exit !== undefined) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    this.send('stop');
    await this.exited;
    clearTimeout(timer);
  }

  logTail(chars = 3000): string {
    try {
      return readFileSync(this.logFile, 'utf8').slice(-chars);
    } catch {
      return '(no log)';
    }
  }

  private deliver(reply: ChildReply): void {
    const waiter = this.waiting;
    this.waiting = undefined;
    if (waiter) waiter(reply);
    else this.replies.push(reply);
  }

  private check(r: ChildReply): ChildReply {
    if (r.event === 'error') throw new Error(`bench speaker on ${this.node.name}: ${String(r.command)} failed: ${String(r.message)}`);
    return r;
  }
}
