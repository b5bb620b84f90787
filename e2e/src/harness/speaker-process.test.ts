import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanLeftovers, createLab, type Lab, type LabHost } from '../lab/index.js';
import { inNetns, run } from '../lab/run.js';
import { waitFor } from '../lab/wait.js';
import { openTestCluster } from './cluster.js';
import { killAllSpeakers, SPEAKER_MAIN, startSpeaker, type SpeakerProcess } from './speaker-process.js';

// Stands in for speaker/dist/main.js, which is written at the same time as this harness: logs its
// arguments and addresses as JSON, ticks, serves /metrics, exits 3 on SIGTERM.
const STAND_IN = `
import { createServer } from 'node:http';
import { networkInterfaces } from 'node:os';
const args = process.argv.slice(2);
const arg = (flag) => args[args.indexOf(flag) + 1];
const log = (level, message, fields = {}) => process.stdout.write(JSON.stringify({ level, message, ...fields }) + '\\n');
const addresses = Object.values(networkInterfaces()).flat().map((a) => a.address);
log('info', 'starting', { args, addresses });
const metrics = arg('--metrics-addr');
if (metrics !== 'off') {
  const cut = metrics.lastIndexOf(':');
  createServer((_req, res) => res.end('herald_speaker_sessions 2\\n')).listen(Number(metrics.slice(cut + 1)), metrics.slice(0, cut), () => log('info', 'metrics listening'));
}
let n = 0;
setInterval(() => log('debug', 'tick', { n: n++ }), 20);
process.stderr.write('a line on stderr\\n');
process.on('SIGTERM', () => { log('info', 'shutting down'); process.exit(3); });
`;

describe('the speaker program in a node namespace @lab', function () {
  this.timeout(20000);
  let lab: Lab;
  let node1: LabHost;
  let dir: string;
  let program: string;
  const start = (extra: { metrics?: boolean } = {}): SpeakerProcess =>
    startSpeaker(lab, node1, { kubeconfigPath: '/nonexistent/kubeconfig', program, gracefulShutdownDelay: '1s', listenPort: 1790, ...extra });

  before(async () => {
    cleanLeftovers();
    dir = mkdtempSync(join(tmpdir(), 'herald-speaker-'));
    program = join(dir, 'stand-in.mjs');
    writeFileSync(program, STAND_IN);
    lab = await createLab({ nodes: 2, router: 'frr', ipv6Sessions: false });
    node1 = lab.nodes[0]!;
  });

  afterEach(async () => {
    await killAllSpeakers();
  });

  after(async () => {
    await lab?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs inside the node's namespace with the kubeconfig, node name, debug logging and the options given", async () => {
    const speaker = start();
    const line = await speaker.waitForLog((l) => l.message === 'starting', 5000, 'start-up');
    expect(line['args']).to.deep.equal([
      '--kubeconfig', '/nonexistent/kubeconfig',
      '--node-name', 'node1',
      '--log-level', 'debug',
      '--metrics-addr', 'off',
      '--listen-port', '1790',
      '--graceful-shutdown-delay', '1s',
    ]);
    expect(line['addresses']).to.include(node1.ipv4).and.not.include(lab.nodes[1]!.ipv4);
    await waitFor(() => speaker.stderr.includes('a line on stderr'), 2000, { what: 'stderr' });
    // The log file is written through a stream: wait for the write, then read what it holds.
    const logFile = join(lab.runDir, 'logs', 'speaker-node1.log');
    await waitFor(() => readFileSync(logFile, 'utf8').includes('"message":"starting"'), 2000, { what: 'the start-up line in the log file' });
    expect(readFileSync(logFile, 'utf8')).to.include('"message":"starting"');
  });

  it("serves metrics on the node's address, which the test reaches over the lab segment", async () => {
    const speaker = start({ metrics: true });
    await speaker.waitForLog((l) => l.message === 'metrics listening', 5000, 'metrics');
    expect(speaker.metricsAddress).to.equal(`${node1.ipv4}:7473`);
    expect(await speaker.metrics()).to.equal('herald_speaker_sessions 2\n');
  });

  it('freezes the speaker with SIGSTOP, so it falls silent, and thaws it with SIGCONT', async () => {
    const speaker = start();
    await speaker.waitForLog((l) => l.message === 'tick', 5000, 'a tick');
    await speaker.freeze();
    expect(speaker.frozen).to.equal(true);
    const ticks = speaker.lines.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(speaker.lines.length).to.equal(ticks);
    await speaker.thaw();
    expect(speaker.frozen).to.equal(false);
    await waitFor(() => speaker.lines.length > ticks, 2000, { what: 'ticks again' });
  });

  it('stops with SIGTERM and reports the exit code; SIGKILL ends it by signal', async () => {
    const graceful = start();
    await graceful.waitForLog((l) => l.message === 'tick', 5000, 'a tick');
    await graceful.stop();
    expect(graceful.exitCode).to.equal(3);
    expect(graceful.lines.some((l) => l.message === 'shutting down')).to.equal(true);

    const killed = start();
    await killed.waitForLog((l) => l.message === 'tick', 5000, 'a tick');
    killed.kill('SIGKILL');
    await killed.exited;
    expect([killed.exitCode, killed.signal]).to.deep.equal([null, 'SIGKILL']);
  });

  it('fails a wait at once, with the last log lines, when the speaker exits', async () => {
    const speaker = start();
    await speaker.waitForLog((l) => l.message === 'tick', 5000, 'a tick');
    speaker.kill('SIGTERM');
    const err = await speaker.waitForLog(() => false, 5000, 'something it never logs').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.match(/speaker on node1 exited \(code 3, signal null\) before something it never logs; last log lines:\n.*shutting down/s);
  });

  it("ends with the lab: destroy() kills a speaker left running in the node's namespace", async () => {
    const own = await createLab({ nodes: 1, router: 'bird', ipv6Sessions: false });
    const speaker = startSpeaker(own, own.nodes[0]!, { kubeconfigPath: '/nonexistent/kubeconfig', program });
    await speaker.waitForLog((l) => l.message === 'tick', 5000, 'a tick');
    await own.destroy();
    await speaker.exited;
    expect(speaker.signal).to.equal('SIGKILL');
  });

  it('refuses to start a speaker program that is not built, naming it', () => {
    expect(() => startSpeaker(lab, node1, { kubeconfigPath: 'k', program: join(dir, 'missing.js') })).to.throw(
      /missing\.js does not exist; the speaker program is not built yet/,
    );
    expect(SPEAKER_MAIN).to.match(/speaker\/dist\/main\.js$/);
  });

  it("gets a kubeconfig from the lab API server that works inside the node's namespace", async () => {
    const saved = process.env.HERALD_KUBECONFIG;
    delete process.env.HERALD_KUBECONFIG;
    const cluster = await openTestCluster({ listen: [lab.hostAddress] }).finally(() => {
      if (saved !== undefined) process.env.HERALD_KUBECONFIG = saved;
    });
    try {
      const kubeconfig = cluster.kubeconfigPathFor(lab.hostAddress);
      expect(readFileSync(kubeconfig, 'utf8')).to.include(`https://${lab.hostAddress}:`);
      const names = await run(inNetns(node1.netns, ['kubectl', '--kubeconfig', kubeconfig, 'get', 'namespaces', '-o', 'name']), { timeoutMs: 20000 });
      expect(names).to.include(`namespace/${cluster.namespace}`);
    } finally {
      await cluster.close();
    }
  });
});
