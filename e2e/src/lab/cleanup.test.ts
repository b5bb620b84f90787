import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cleanLeftovers } from './cleanup.js';
import { startGoBgp } from './gobgp.js';
import { createLab, type LabDescription } from './lab.js';
import { isRunning, pidsInNetns } from './procs.js';
import { listSegmentClaims, runDirOf } from './rundir.js';
import { run } from './run.js';
import { waitFor } from './wait.js';

const CLI = fileURLToPath(new URL('./cli.js', import.meta.url));

/** What the brief asks of a removed lab, checked with the same tools a person would use. */
async function expectNothingLeft(prefix: string, pids: readonly number[]): Promise<void> {
  expect(await run(['ip', 'netns', 'list'])).not.to.include(prefix);
  expect(await run(['ip', '-o', 'link', 'show'])).not.to.include(prefix);
  expect(pids.filter(isRunning), 'processes still running').to.deep.equal([]);
  expect(existsSync(runDirOf(prefix)), 'run directory').to.equal(false);
  expect([...listSegmentClaims().values()]).not.to.include(prefix);
}

function labPids(d: Pick<LabDescription, 'prefix' | 'switchNetns' | 'router' | 'nodes' | 'client'>): number[] {
  const names = [d.switchNetns, d.router.netns, ...d.nodes.map((n) => n.netns), d.client.netns];
  return [...pidsInNetns(names).values()].flat();
}

/** Runs `herald-lab up` and resolves once it has printed its lab. */
async function labUp(args: string[]): Promise<{ child: ChildProcess; lab: LabDescription }> {
  const child = spawn(process.execPath, [CLI, 'up', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const lab = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`herald-lab up exited ${child.exitCode}: ${err}`);
      return /up in \d+ ms/.test(err) ? (JSON.parse(out) as LabDescription) : false;
    },
    20000,
    { what: 'herald-lab up to print its lab', intervalMs: 20 },
  );
  return { child, lab };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('lab cleanup @lab', function () {
  this.timeout(30000);
  const children: ChildProcess[] = [];

  before(() => {
    cleanLeftovers();
  });

  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    cleanLeftovers();
  });

  it('leaves no namespace, root link, process, file or segment claim behind after destroy', async () => {
    const lab = await createLab({ nodes: 2, router: 'frr' });
    await startGoBgp(lab, lab.nodes[0]!);
    const pids = labPids(lab.describe());
    // zebra, bgpd, bfdd and gobgpd at least
    expect(pids).to.have.length.of.at.least(4);
    expect(await run(['ip', 'netns', 'list'])).to.include(`${lab.prefix}-node2`);
    await lab.destroy();
    await expectNothingLeft(lab.prefix, pids);
    await lab.destroy();
  });

  it('removes the lab of `herald-lab up` on Ctrl-C', async () => {
    const { child, lab } = await labUp(['--nodes', '1', '--router', 'bird']);
    children.push(child);
    const pids = labPids(lab);
    expect(pids).to.have.length.of.at.least(1);
    child.kill('SIGINT');
    expect(await exited(child)).to.deep.equal({ code: 0, signal: null });
    await expectNothingLeft(lab.prefix, pids);
  });

  it('removes a lab whose owner was killed, and keeps the labs of living owners', async () => {
    const { child, lab } = await labUp(['--nodes', '1', '--router', 'frr']);
    children.push(child);
    expect(cleanLeftovers().alive).to.include(lab.prefix);
    expect(await run(['ip', 'netns', 'list'])).to.include(lab.router.netns);

    child.kill('SIGKILL');
    await exited(child);
    const orphans = labPids(lab);
    expect(orphans.filter(isRunning), 'router daemons outliving their owner').to.have.length.of.at.least(3);
    expect(await run([process.execPath, CLI, 'list'])).to.match(new RegExp(`${lab.prefix}\\s+left behind`));

    const report = cleanLeftovers();
    const removed = report.removed.find((r) => r.prefix === lab.prefix);
    expect(removed?.namespaces).to.have.members([lab.switchNetns, lab.router.netns, lab.nodes[0]!.netns, lab.client.netns]);
    expect(removed?.links).to.deep.equal([lab.hostLink]);
    expect(removed?.killed).to.include.members(orphans);
    await expectNothingLeft(lab.prefix, orphans);
  });

  it('removes everything it built when createLab fails half-way', async () => {
    const prefix = 'hl00c1ea';
    const err = await createLab({ prefix, nodes: 1, router: 'frr', routerExtraConfig: 'router bgp 64500\n neighbor 198.18.0.99 no-such-option\n' }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.match(/FRR rejected routerExtraConfig/);
    expect(err?.message).to.include('no-such-option');
    await expectNothingLeft(prefix, []);
  });

  it('refuses a second lab with the prefix of one that is up', async () => {
    const lab = await createLab({ nodes: 1, router: 'bird' });
    try {
      const err = await createLab({ prefix: lab.prefix, nodes: 1, router: 'bird' }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).to.match(new RegExp(`lab ${lab.prefix}: run directory .* exists already`));
      expect(await run(['ip', 'netns', 'list'])).to.include(lab.router.netns);
    } finally {
      await lab.destroy();
    }
  });
});
