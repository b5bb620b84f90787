// Test support for the addon's @lab suites: two network namespaces joined by a veth pair, created
// and removed by name. Traffic in them reaches no other network.

import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface NamespaceHost {
  /** CIDRs for its veth0; IPv6 ones skip duplicate address detection, so they work at once. */
  addresses: readonly string[];
  /** A fixed MAC for its veth0; the kernel picks a random one otherwise. */
  mac?: string;
}

/**
 * Two namespaces, one per key of `hosts`, each holding `veth0`, the two ends of one veth pair.
 * Names are `<letters><6 random hex digits>-<key>`, so that removal by name finds them also after a
 * failed run, and removal also runs when the process exits.
 */
export class LinkedNamespaces<K extends string> {
  readonly prefix: string;
  readonly names: Readonly<Record<K, string>>;
  private readonly children: ChildProcess[] = [];
  private readonly removeOnExit = (): void => this.remove();

  constructor(
    letters: string,
    private readonly hosts: Readonly<Record<K, NamespaceHost>>,
  ) {
    const keys = Object.keys(hosts) as K[];
    if (keys.length !== 2) throw new Error(`LinkedNamespaces joins exactly two namespaces, got ${keys.length}`);
    this.prefix = `${letters}${randomBytes(3).toString('hex')}`;
    this.names = Object.fromEntries(keys.map((key) => [key, `${this.prefix}-${key}`])) as Record<K, string>;
  }

  /** Runs `ip` with these arguments, synchronously; stderr goes into the error. */
  ip(...args: string[]): void {
    execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  create(): void {
    process.on('exit', this.removeOnExit);
    const [first, second] = Object.values<string>(this.names);
    for (const ns of [first!, second!]) this.ip('netns', 'add', ns);
    this.ip('link', 'add', 'veth0', 'netns', first!, 'type', 'veth', 'peer', 'name', 'veth0', 'netns', second!);
    for (const key of Object.keys(this.hosts) as K[]) {
      const ns = this.names[key];
      const host = this.hosts[key];
      if (host.mac !== undefined) this.ip('-n', ns, 'link', 'set', 'veth0', 'address', host.mac);
      for (const cidr of host.addresses) {
        this.ip('-n', ns, 'addr', 'add', cidr, 'dev', 'veth0', ...(cidr.includes(':') ? ['nodad'] : []));
      }
      this.ip('-n', ns, 'link', 'set', 'lo', 'up');
      this.ip('-n', ns, 'link', 'set', 'veth0', 'up');
    }
  }

  /** Runs a command inside a namespace and gives its standard output. */
  async exec(ns: string, command: string, ...args: string[]): Promise<string> {
    return (await run('ip', ['netns', 'exec', ns, command, ...args])).stdout;
  }

  /** Starts a process inside a namespace; remove() kills it if it is still running. */
  spawn(ns: string, argv: readonly string[], env: Record<string, string> = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.children.push(child);
    return child;
  }

  /** Starts `node -e script` (an ES module) inside a namespace. */
  spawnNode(ns: string, script: string, env: Record<string, string>): ChildProcess {
    return this.spawn(ns, [process.execPath, '--input-type=module', '-e', script], env);
  }

  /** Kills what runs in the namespaces and deletes them; synchronous so that it also runs on exit. */
  remove(): void {
    for (const child of this.children.splice(0)) child.kill('SIGKILL');
    for (const ns of Object.values<string>(this.names)) {
      try {
        const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        for (const pid of pids.split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        // Never created, or already gone.
      }
    }
    process.off('exit', this.removeOnExit);
  }
}
