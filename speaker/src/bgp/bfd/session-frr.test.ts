// Interoperability with FRR's bfdd: two network namespaces joined by a veth pair, bfdd (with zebra,
// which tells it about interfaces) in one, BfdSessions in a child node process in the other.
// Needs root and Debian's FRR. The lab helpers here are minimal on purpose: the speaker package
// may not import @herald/e2e.

import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { BFD_DEFAULTS } from '@herald/shared/api/bfd.js';
import type { BFDProfileConfig } from '@herald/shared/config/types.js';

const FRR_BIN = '/usr/lib/frr';
/** Owner pid in the name, so that a later run can tell a dead run's namespaces from a live one's. */
const NAME = /^hbfd-(\d+)-[0-9a-f]{6}-(router|node)$/;
const ROUTER = { v4: '198.18.0.1', v6: 'fd00:18::1' };
const NODE = { v4: '198.18.0.2', v6: 'fd00:18::2' };
const WAIT_MS = 10000;

/** The defaults of a BFDProfile (FRR's): 300 ms x 3. */
const PROFILE: BFDProfileConfig = { name: 'lab', ...BFD_DEFAULTS };

function sh(argv: string[]): string {
  const [cmd, ...args] = argv;
  return execFileSync(cmd!, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Arguments to ip(8) that run a command inside a namespace. */
function netnsExec(ns: string, argv: string[]): string[] {
  return ['netns', 'exec', ns, ...argv];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills whatever runs in the namespaces and deletes them; synchronous, for the exit path too. */
function removeNamespaces(names: readonly string[]): void {
  const existing = new Set(sh(['ip', 'netns', 'list']).split('\n').map((l) => l.split(' ')[0]));
  for (const ns of names.filter((n) => existing.has(n))) {
    for (const pid of sh(['ip', 'netns', 'pids', ns]).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Gone between the listing and the kill.
      }
    }
    sh(['ip', 'netns', 'del', ns]);
  }
}

function removeDeadRuns(): void {
  const names = sh(['ip', 'netns', 'list']).split('\n').map((l) => l.split(' ')[0] ?? '');
  removeNamespaces(names.filter((n) => NAME.test(n) && !pidAlive(Number(NAME.exec(n)?.[1]))));
}

function frrUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('frr:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('BFD lab: no system user frr; install FRR (make setup)');
  return { uid: Number(uid), gid: Number(gid) };
}

interface FrrPeer {
  peer: string;
  status: string;
  id: number;
  'remote-id': number;
  diagnostic: string;
  'remote-diagnostic': string;
  'remote-receive-interval': number;
  'remote-transmit-interval': number;
  'remote-detect-multiplier': number;
}

/** What the child process running the BfdSessions reports, one JSON object a line. */
interface PeerLine {
  event?: 'started' | 'up' | 'down' | 'stopped';
  peer?: string;
  reason?: string;
  at?: number;
  discriminators?: Record<string, number>;
  message?: string;
  detectionTimeMs?: number;
}

/** The child: imports the compiled session, runs one session per (local, peer), reports events, stops on "stop". */
const PEER_PROGRAM = `
const [{ BfdSession }, { createLogger }, { parseIP }] = await Promise.all(
  [process.env.BFD_SESSION, process.env.HERALD_LOGGER, process.env.HERALD_ADDRESS].map((m) => import(m)));
const spec = JSON.parse(process.env.BFD_SPEC);
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
const logger = createLogger({ component: 'bfd-lab-peer', level: 'info' });
const sessions = spec.sessions.map(([local, peer]) =>
  new BfdSession({ localAddress: parseIP(local), peerAddress: parseIP(peer), profile: spec.profile, logger }));
for (const s of sessions) {
  s.on('up', () => say({ event: 'up', peer: s.peer, at: Date.now() }));
  s.on('down', (reason) => say({ event: 'down', peer: s.peer, reason, at: Date.now() }));
}
await Promise.all(sessions.map((s) => s.start()));
say({ event: 'started', discriminators: Object.fromEntries(sessions.map((s) => [s.peer, s.localDiscriminator])) });
process.stdin.on('data', async () => {
  await Promise.all(sessions.map((s) => s.stop()));
  say({ event: 'stopped' });
  process.exit(0);
});
`;

class LabPeer {
  readonly lines: PeerLine[] = [];
  private exited = false;

  constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as PeerLine);
      } catch {
        this.lines.push({ message: line });
      }
    });
    child.on('exit', () => (this.exited = true));
  }

  find(match: (l: PeerLine) => boolean): PeerLine | undefined {
    return this.lines.find(match);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdin!.write('stop\n');
    await Promise.race([exited, sleep(5000)]);
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

describe('BFD against FRR bfdd @lab', function () {
  this.timeout(60000);
  const prefix = `hbfd-${process.pid}-${randomBytes(3).toString('hex')}`;
  const routerNs = `${prefix}-router`;
  const nodeNs = `${prefix}-node`;
  let dir = '';
  const teardown = (): void => {
    removeNamespaces([routerNs, nodeNs]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  // Mocha exits on a signal without running 'exit' handlers; tear down, then let the signal do its work.
  const onSignal = (signal: NodeJS.Signals): void => {
    teardown();
    for (const s of SIGNALS) process.off(s, onSignal);
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const peers: LabPeer[] = [];

  async function frrPeers(): Promise<FrrPeer[]> {
    return JSON.parse(sh(['vtysh', '--vty_socket', join(dir, 'frr'), '-c', 'show bfd peers json'])) as FrrPeer[];
  }

  function startPeer(profile: BFDProfileConfig): LabPeer {
    const child = spawn('ip', netnsExec(nodeNs, ['node', '--input-type=module', '-e', PEER_PROGRAM]), {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: {
        ...process.env,
        BFD_SESSION: new URL('./session.js', import.meta.url).href,
        HERALD_LOGGER: import.meta.resolve('@herald/shared/log/logger.js'),
        HERALD_ADDRESS: import.meta.resolve('@herald/shared/net/address.js'),
        BFD_SPEC: JSON.stringify({ profile, sessions: [[NODE.v4, ROUTER.v4], [NODE.v6, ROUTER.v6]] }),
      },
    });
    const peer = new LabPeer(child);
    peers.push(peer);
    return peer;
  }

  before(async () => {
    if (process.getuid?.() !== 0) throw new Error('BFD lab test: needs root for network namespaces (make test-unit leaves @lab tests out)');
    for (const d of ['zebra', 'bfdd']) {
      if (!existsSync(join(FRR_BIN, d))) throw new Error(`BFD lab test: ${FRR_BIN}/${d} is missing; install FRR (make setup)`);
    }
    removeDeadRuns();
    process.on('exit', teardown);
    for (const signal of SIGNALS) process.on(signal, onSignal);
    dir = mkdtempSync('/tmp/hbfd-');
    // FRR drops to its own user, which must reach its directory below this one.
    chmodSync(dir, 0o755);
    sh(['ip', 'netns', 'add', routerNs]);
    sh(['ip', 'netns', 'add', nodeNs]);
    sh(['ip', '-n', routerNs, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', nodeNs]);
    for (const [ns, addr] of [[routerNs, ROUTER], [nodeNs, NODE]] as const) {
      sh(['ip', '-n', ns, 'addr', 'add', `${addr.v4}/24`, 'dev', 'eth0']);
      // Without nodad the IPv6 address stays tentative for a second or two and cannot be bound.
      sh(['ip', '-n', ns, 'addr', 'add', `${addr.v6}/64`, 'dev', 'eth0', 'nodad']);
      sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      sh(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
    }
    await startFrr();
    await until('bfdd to list both peers', async () => {
      if (!existsSync(join(dir, 'frr', 'bfdd.vty'))) return undefined;
      const listed = await frrPeers().catch(() => []);
      return listed.length === 2 ? true : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}\n${frrLogs()}`);
    });
  });

  function frrPeerConfig(peer: string, local: string, command: string): void {
    sh(['vtysh', '--vty_socket', join(dir, 'frr'), '-c', 'configure terminal', '-c', 'bfd', '-c', `peer ${peer} local-address ${local} interface eth0`, '-c', command]);
  }

  function frrLogs(): string {
    return ['zebra', 'bfdd']
      .map((daemon) => {
        const path = join(dir, `${daemon}.log`);
        const text = existsSync(path) ? readFileSync(path, 'utf8').trimEnd().split('\n').slice(-20).join('\n') : '(no log)';
        return `--- ${daemon} (${path})\n${text}`;
      })
      .join('\n');
  }

  async function startFrr(): Promise<void> {
    const frr = frrUser();
    // FRR refuses to start without its crash-log directory, owned by the user it drops to.
    mkdirSync('/var/tmp/frr', { recursive: true });
    chownSync('/var/tmp/frr', frr.uid, frr.gid);
    const frrDir = join(dir, 'frr');
    mkdirSync(frrDir);
    const head = ['hostname bfdlab', 'log timestamp precision 3', '!'];
    const peerBlock = (peer: string, local: string): string[] => [
      ` peer ${peer} local-address ${local} interface eth0`,
      `  detect-multiplier ${PROFILE.detectMultiplier}`,
      `  receive-interval ${PROFILE.receiveInterval}`,
      `  transmit-interval ${PROFILE.transmitInterval}`,
      ' exit',
      ' !',
    ];
    writeFileSync(join(frrDir, 'zebra.conf'), head.join('\n') + '\n');
    writeFileSync(join(frrDir, 'bfdd.conf'), [...head, 'bfd', ...peerBlock(NODE.v4, ROUTER.v4), ...peerBlock(NODE.v6, ROUTER.v6), 'exit', ''].join('\n'));
    for (const f of ['', 'zebra.conf', 'bfdd.conf']) chownSync(join(frrDir, f), frr.uid, frr.gid);
    for (const daemon of ['zebra', 'bfdd']) {
      // A bfdd that finds no zebra socket retries only ten seconds later: start it once zebra listens.
      if (daemon === 'bfdd') await until('zebra to listen', () => (existsSync(join(frrDir, 'zserv.api')) ? true : undefined));
      const log = openSync(join(dir, `${daemon}.log`), 'a');
      const argv = [
        join(FRR_BIN, daemon),
        '-f', join(frrDir, `${daemon}.conf`),
        '-i', join(frrDir, `${daemon}.pid`),
        '-z', join(frrDir, 'zserv.api'),
        '--vty_socket', frrDir,
        '-P', '0',
        '--log', 'stdout',
        ...(daemon === 'bfdd' ? ['--bfdctl', join(frrDir, 'bfdd.sock')] : []),
      ];
      const child = spawn('ip', netnsExec(routerNs, argv), { stdio: ['ignore', log, log] });
      closeSync(log);
      // The namespace teardown kills it; it must not keep the test run alive.
      child.unref();
    }
  }

  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.stop()));
    sh(['ip', '-n', routerNs, 'link', 'set', 'eth0', 'up']);
  });

  after(() => {
    // FRR's own account is the first thing to read when something failed here.
    if (dir && this.tests.some((t) => t.state === 'failed')) process.stderr.write(`${frrLogs()}\n`);
    teardown();
    process.off('exit', teardown);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  });

  it('comes Up with bfdd over IPv4 and IPv6, bfdd seeing our discriminators and timers, and Administratively Down when we stop', async () => {
    const peer = startPeer(PROFILE);
    const started = await until('the sessions to start', () => peer.find((l) => l.event === 'started'));
    await until('both sessions Up on our side', () => (peer.lines.filter((l) => l.event === 'up').length === 2 ? true : undefined));
    const seen = await until('bfdd to show both peers Up', async () => {
      const listed = await frrPeers();
      return listed.every((p) => p.status === 'up') ? listed : undefined;
    });
    const byPeer = Object.fromEntries(seen.map((p) => [p.peer, p]));
    for (const [ours, theirs] of [[ROUTER.v4, NODE.v4], [ROUTER.v6, NODE.v6]] as const) {
      expect(byPeer[theirs], `bfdd's view of ${theirs}`).to.include({
        'remote-id': started.discriminators?.[ours],
        'remote-receive-interval': 300,
        'remote-transmit-interval': 300,
        'remote-detect-multiplier': 3,
      });
    }

    await peer.stop();
    const stopped = await until('bfdd to see both peers go down', async () => {
      const listed = await frrPeers();
      return listed.every((p) => p.status === 'down') ? listed : undefined;
    });
    expect(stopped.map((p) => p['remote-diagnostic'])).to.deep.equal(['administratively down', 'administratively down']);
  });

  it('comes Up in passive mode, bfdd speaking first', async () => {
    const peer = startPeer({ ...PROFILE, passiveMode: true });
    await until('both sessions Up on our side', () => (peer.lines.filter((l) => l.event === 'up').length === 2 ? true : undefined));
    await until('bfdd to show both peers Up', async () => ((await frrPeers()).every((p) => p.status === 'up') ? true : undefined));
  });

  it("goes Down with Neighbor Signaled Session Down when bfdd's peer is shut down", async () => {
    const peer = startPeer(PROFILE);
    await until('both sessions Up on our side', () => (peer.lines.filter((l) => l.event === 'up').length === 2 ? true : undefined));
    frrPeerConfig(NODE.v4, ROUTER.v4, 'shutdown');
    const down = await until('the IPv4 session to report Down', () => peer.find((l) => l.event === 'down'));
    expect(down).to.include({ peer: ROUTER.v4, reason: 'Neighbor Signaled Session Down' });
    frrPeerConfig(NODE.v4, ROUTER.v4, 'no shutdown');
    await until('the IPv4 session Up again', () => (peer.lines.filter((l) => l.event === 'up' && l.peer === ROUTER.v4).length === 2 ? true : undefined));
    expect(peer.lines.filter((l) => l.event === 'down')).to.have.length(1);
  });

  it('reports the session Down when the link is cut, within a second with the default 300 ms x 3 profile', async () => {
    const peer = startPeer(PROFILE);
    await until('both sessions Up on our side', () => (peer.lines.filter((l) => l.event === 'up').length === 2 ? true : undefined));
    await until('bfdd to show both peers Up', async () => ((await frrPeers()).every((p) => p.status === 'up') ? true : undefined));
    // Let both Poll Sequences finish, so that the detection time is the agreed 900 ms and not the slow start's.
    await until('the fast timers agreed on both sessions', () =>
      peer.lines.filter((l) => l.message === 'BFD timers agreed' && l.detectionTimeMs === 900).length === 2 ? true : undefined,
    );

    const cutAt = Date.now();
    sh(['ip', '-n', routerNs, 'link', 'set', 'eth0', 'down']);
    const downs = await until('both sessions to report Down', () => {
      const d = peer.lines.filter((l) => l.event === 'down');
      return d.length === 2 ? d : undefined;
    });
    const took = Object.fromEntries(downs.map((d) => [d.peer, (d.at ?? 0) - cutAt]));
    process.stdout.write(`      link cut to session Down: IPv4 ${took[ROUTER.v4]} ms, IPv6 ${took[ROUTER.v6]} ms (detection time 900 ms)\n`);
    expect(downs.map((d) => d.reason)).to.deep.equal(['Control Detection Time Expired', 'Control Detection Time Expired']);
    // 900 ms of detection time at the most after the last packet, which came before the cut; the
    // rest is slack for a busy machine. The e2e suite holds the speaker to 1 s.
    for (const ms of Object.values(took)) expect(ms).to.be.below(1500);
  });
});
