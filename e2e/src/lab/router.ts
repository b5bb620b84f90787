// Starting the lab router's daemons (FRR, BIRD or GoBGP) in the router namespace, each with its
// own configuration, sockets, pid files and logs under the run directory.

import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { birdConfig } from './bird-config.js';
import { frrConfigs } from './frr-config.js';
import { frrVty, type FrrDaemon } from './frr-vty.js';
import { GOBGP_API_PORT, goBgpRouterConfig, goBgpToml } from './gobgp-config.js';
import type { LabProcess, SpawnOptions } from './process.js';
import { listeningTcpPorts } from './procs.js';
import type { RouterKind, RouterSetup } from './router-config.js';
import { inNetns, run } from './run.js';
import { WaitAborted, waitFor } from './wait.js';

const FRR_BIN = '/usr/lib/frr';
const FRR_CRASH_DIR = '/var/tmp/frr';
const STARTUP_MS = 15000;
const FRR_DAEMONS: FrrDaemon[] = ['zebra', 'bgpd', 'bfdd'];

export type RouterControl =
  | { kind: 'frr'; dir: string; vtySocketDir: string }
  | { kind: 'bird'; dir: string; controlSocket: string }
  /** gobgpd's gRPC API listens on 127.0.0.1:apiPort inside the router namespace. */
  | { kind: 'gobgp'; dir: string; netns: string; apiPort: number };

/** Starts a process in the router namespace; the lab tracks it for cleanup. */
export type RouterSpawner = (argv: readonly string[], opts: SpawnOptions) => LabProcess;

export interface RouterStart {
  kind: RouterKind;
  setup: RouterSetup;
  runDir: string;
  /** The router namespace and its interface on the segment (the GoBGP router installs routes via it). */
  netns: string;
  iface: string;
  extraConfig?: string;
  spawn: RouterSpawner;
}

export async function startRouter(start: RouterStart): Promise<RouterControl> {
  switch (start.kind) {
    case 'frr':
      return startFrr(start);
    case 'bird':
      return startBird(start);
    case 'gobgp':
      return startGoBgpRouter(start);
  }
}

/** argv that runs one command on the router's control interface (vtysh, birdc, or the gobgp CLI with the command split at spaces). */
export function routerCliArgv(control: RouterControl, command: string): string[] {
  switch (control.kind) {
    case 'frr':
      return ['vtysh', '--vty_socket', control.vtySocketDir, '-c', command];
    case 'bird':
      return ['birdc', '-s', control.controlSocket, command];
    case 'gobgp':
      return goBgpCliArgv(control, command.split(/\s+/).filter((w) => w !== ''));
  }
}

/** argv that runs the gobgp CLI against the GoBGP router. */
export function goBgpCliArgv(control: { netns: string; apiPort: number }, args: readonly string[]): string[] {
  return inNetns(control.netns, ['gobgp', '-u', '127.0.0.1', '-p', String(control.apiPort), ...args]);
}

async function startFrr(start: RouterStart): Promise<RouterControl> {
  for (const daemon of FRR_DAEMONS) {
    if (!existsSync(join(FRR_BIN, daemon))) {
      throw new Error(`lab router: ${FRR_BIN}/${daemon} is missing; install FRR (make setup)`);
    }
  }
  const frr = systemIds('frr');
  // FRR refuses to start without its crash-log directory, owned by the user it drops to.
  mkdirSync(FRR_CRASH_DIR, { recursive: true });
  chownSync(FRR_CRASH_DIR, frr.uid, frr.gid);
  const dir = join(start.runDir, 'frr');
  mkdirSync(dir);
  const configs = frrConfigs(start.setup);
  for (const [daemon, text] of Object.entries(configs)) writeFileSync(join(dir, `${daemon}.conf`), text);
  for (const name of ['', ...Object.keys(configs).map((d) => `${d}.conf`)]) chownSync(join(dir, name), frr.uid, frr.gid);

  const zserv = join(dir, 'zserv.api');
  const common = (daemon: string): string[] => [
    join(FRR_BIN, daemon),
    '-f', join(dir, `${daemon}.conf`),
    '-i', join(dir, `${daemon}.pid`),
    '-z', zserv,
    '--vty_socket', dir,
    '-P', '0',
    // The lab logs each process's output to <run dir>/logs/<name>.log.
    '--log', 'stdout',
  ];
  // A large netlink buffer lets zebra install 100,000 routes without losing kernel messages.
  const zebra = start.spawn([...common('zebra'), '-s', '90000000'], { name: 'zebra' });
  // A bgpd that finds no zebra socket retries only after seconds, and then gives up: start it once zebra listens.
  await waitFor(
    () => {
      failIfExited([zebra]);
      return existsSync(zserv);
    },
    STARTUP_MS,
    { what: `zebra to listen on ${zserv}`, intervalMs: 5 },
  ).catch((e: Error) => {
    throw new Error(`lab router: FRR did not start: ${e.message}\n${logTails([zebra])}`);
  });
  const daemons = [
    zebra,
    start.spawn(common('bgpd'), { name: 'bgpd' }),
    start.spawn([...common('bfdd'), '--bfdctl', join(dir, 'bfdd.sock')], { name: 'bfdd' }),
  ];
  const control: RouterControl = { kind: 'frr', dir, vtySocketDir: dir };
  await waitFor(
    async () => {
      failIfExited(daemons);
      if (!FRR_DAEMONS.every((d) => existsSync(join(dir, `${d}.vty`)))) return false;
      await Promise.all(FRR_DAEMONS.map((d) => frrVty(dir, d, 'show version', 2000)));
      return true;
    },
    STARTUP_MS,
    { what: 'FRR (zebra, bgpd, bfdd) to answer on its vty sockets', intervalMs: 20 },
  ).catch((e: Error) => {
    throw new Error(`lab router: FRR did not start: ${e.message}\n${logTails(daemons)}`);
  });
  // FRR logs configuration lines it rejects and carries on; the lab's configuration must not be half applied.
  const rejected = daemons.flatMap((d) => d.logTail(1000).split('\n').filter((l) => /on config line \d+/.test(l)).map((l) => `${d.name}: ${l}`));
  if (rejected.length > 0) throw new Error(`lab router: FRR rejected lines of its configuration (${dir}):\n${rejected.join('\n')}`);
  if (start.extraConfig) {
    const extra = join(dir, 'extra.conf');
    writeFileSync(extra, start.extraConfig.endsWith('\n') ? start.extraConfig : start.extraConfig + '\n');
    // vtysh sends each command to the daemon that owns it and reports the lines it rejects.
    await run(['vtysh', '--vty_socket', dir, '-f', extra], { timeoutMs: 10000 }).catch((e: Error) => {
      throw new Error(`lab router: FRR rejected routerExtraConfig (${extra}): ${e.message}`);
    });
  }
  return control;
}

async function startBird(start: RouterStart): Promise<RouterControl> {
  const dir = join(start.runDir, 'bird');
  mkdirSync(dir);
  const conf = join(dir, 'bird.conf');
  writeFileSync(
    conf,
    birdConfig({ ...start.setup, ...(start.extraConfig ? { extraConfig: start.extraConfig } : {}) }),
  );
  const controlSocket = join(dir, 'bird.ctl');
  const bird = start.spawn(['bird', '-f', '-c', conf, '-s', controlSocket, '-P', join(dir, 'bird.pid')], { name: 'bird' });
  const control: RouterControl = { kind: 'bird', dir, controlSocket };
  await waitFor(
    async () => {
      failIfExited([bird]);
      if (!existsSync(controlSocket)) return false;
      await run(routerCliArgv(control, 'show status'), { timeoutMs: 2000 });
      return true;
    },
    STARTUP_MS,
    { what: 'BIRD to answer on its control socket', intervalMs: 20 },
  ).catch((e: Error) => {
    throw new Error(`lab router: BIRD did not start (configuration ${conf}): ${e.message}\n${logTails([bird])}`);
  });
  return control;
}

/** The FIB agent's entry point, next to this module once compiled. */
const GOBGP_FIB_AGENT = fileURLToPath(new URL('./gobgp-fib-agent.js', import.meta.url));

async function startGoBgpRouter(start: RouterStart): Promise<RouterControl> {
  const dir = join(start.runDir, 'gobgp');
  mkdirSync(dir);
  const conf = join(dir, 'gobgpd.toml');
  writeFileSync(conf, goBgpToml(goBgpRouterConfig(start.setup, start.extraConfig)));
  const apiPort = GOBGP_API_PORT;
  const control: RouterControl = { kind: 'gobgp', dir, netns: start.netns, apiPort };
  const gobgpd = start.spawn(
    ['gobgpd', '-f', conf, '--api-hosts', `127.0.0.1:${apiPort}`, '--pprof-disable', '--log-plain'],
    { name: 'gobgpd' },
  );
  // Ask gobgp only once the port listens: against a closed port the CLI waits a second before it fails.
  await waitFor(
    async () => {
      failIfExited([gobgpd]);
      if (!listeningTcpPorts(gobgpd.pid).has(apiPort)) return false;
      await run(goBgpCliArgv(control, ['global']), { timeoutMs: 2000 });
      return true;
    },
    STARTUP_MS,
    { what: `gobgpd to answer on 127.0.0.1:${apiPort}`, intervalMs: 20 },
  ).catch((e: Error) => {
    throw new Error(`lab router: gobgpd did not start (configuration ${conf}): ${e.message}\n${logTails([gobgpd])}`);
  });
  const agent = start.spawn([process.execPath, GOBGP_FIB_AGENT, String(apiPort), start.iface], { name: 'gobgp-fib-agent' });
  await waitFor(
    () => {
      failIfExited([agent]);
      return agent.logTail(5).includes('following gobgpd');
    },
    STARTUP_MS,
    { what: 'the GoBGP FIB agent to follow gobgpd', intervalMs: 10 },
  ).catch((e: Error) => {
    throw new Error(`lab router: the GoBGP FIB agent did not start: ${e.message}\n${logTails([agent])}`);
  });
  return control;
}

function failIfExited(daemons: LabProcess[]): void {
  const dead = daemons.find((d) => !d.running());
  if (dead) throw new WaitAborted(`${dead.name} exited during startup`);
}

function logTails(daemons: LabProcess[]): string {
  return daemons.map((d) => `--- ${d.name} (${d.logFile})\n${d.logTail(15)}`).join('\n');
}

function systemIds(user: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error(`lab router: no system user ${user}; install FRR (make setup)`);
  return { uid: Number(uid), gid: Number(gid) };
}
