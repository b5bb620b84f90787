// The gap probe, run in the client's namespace (ip netns exec):
//   node gap-probe-main.js --out FILE --kind http|ping --address A [--port 80] [--interval-ms 10] [--timeout-ms 500] [--iface eth0]
// Sends a probe every interval: an HTTP request on a new connection (the answer's body names the
// node) or an ICMP echo from ping(8). Follows the client's neighbour entry for the address with
// `ip monitor neigh`. Writes one JSON line per probe and per neighbour change to FILE as they
// happen (gap-analysis.ts reads them); on SIGTERM or SIGINT it stops sending, lets the probes in
// flight finish or time out, writes an end line and exits.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { parseNeighborMonitorLine, parsePingLine, type ProbeKind, type ProbeLine } from './gap-analysis.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    kind: { type: 'string', default: 'http' },
    address: { type: 'string' },
    port: { type: 'string', default: '80' },
    'interval-ms': { type: 'string', default: '10' },
    'timeout-ms': { type: 'string', default: '500' },
    iface: { type: 'string', default: 'eth0' },
  },
});

function usage(): never {
  process.stderr.write(`gap-probe: bad arguments ${JSON.stringify(values)}\n`);
  process.exit(2);
}
const out = values.out ?? usage();
const address = values.address ?? usage();
const kind: ProbeKind = values.kind === 'http' || values.kind === 'ping' ? values.kind : usage();
const port = Number(values.port);
const intervalMs = Number(values['interval-ms']);
const timeoutMs = Number(values['timeout-ms']);
const iface = values.iface ?? 'eth0';
if (!(intervalMs >= 1) || !(timeoutMs >= 1) || !Number.isInteger(port) || port < 1 || port > 65535) usage();

const fd = openSync(out, 'a');
/** Wall-clock milliseconds with sub-millisecond resolution, comparable with the parent's (same machine, same clock). */
const now = (): number => performance.timeOrigin + performance.now();
const write = (line: ProbeLine): void => {
  writeSync(fd, JSON.stringify(line) + '\n');
};

let stopping = false;
let inFlight = 0;
let timer: NodeJS.Timeout | undefined;
let ping: ChildProcess | undefined;
let pingExited: Promise<void> = Promise.resolve();

const monitor = spawn('ip', ['monitor', 'neigh', 'dev', iface], { stdio: ['ignore', 'pipe', 'inherit'] });
createInterface({ input: monitor.stdout }).on('line', (line) => {
  const event = parseNeighborMonitorLine(line, address);
  if (event) write({ t: 'neigh', at: now(), ...event });
});

const hostHeader = address.includes(':') ? `[${address}]` : address;
const request = `GET / HTTP/1.0\r\nHost: ${hostHeader}\r\nConnection: close\r\n\r\n`;

function httpProbe(seq: number): void {
  const sentAt = now();
  inFlight++;
  const socket = connect({ host: address, port, noDelay: true });
  const chunks: Buffer[] = [];
  let done = false;
  const finish = (answeredAt: number | null, by: string | null, error?: string): void => {
    if (done) return;
    done = true;
    clearTimeout(deadline);
    socket.destroy();
    inFlight--;
    write({ t: 'probe', seq, sentAt, answeredAt, by, ...(error === undefined ? {} : { error }) });
  };
  const deadline = setTimeout(() => finish(null, null, 'timeout'), timeoutMs);
  socket.on('connect', () => socket.write(request));
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('end', () => {
    const at = now();
    const text = Buffer.concat(chunks).toString('utf8');
    const split = text.indexOf('\r\n\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
    if (status === '200' && split >= 0) finish(at, text.slice(split + 4).trim());
    else finish(null, null, `answer without status 200: ${JSON.stringify(text.slice(0, 80))}`);
  });
  socket.on('error', (e: NodeJS.ErrnoException) => finish(null, null, e.code ?? e.message));
}

function startHttp(): void {
  const t0 = performance.now();
  let seq = 0;
  const tick = (): void => {
    if (stopping) return;
    seq++;
    httpProbe(seq);
    // On the original schedule; a stalled loop does not send a burst to catch up.
    const next = Math.max(t0 + seq * intervalMs, performance.now());
    timer = setTimeout(tick, next - performance.now());
  };
  tick();
}

function startPing(): void {
  const child = spawn('ping', ['-n', '-D', '-O', '-i', String(intervalMs / 1000), address], { stdio: ['ignore', 'pipe', 'inherit'] });
  ping = child;
  pingExited = new Promise((resolve) => child.on('exit', () => resolve()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const p = parsePingLine(line);
    if (p?.kind === 'reply') write({ t: 'probe', seq: p.seq, sentAt: p.at - p.rttMs, answeredAt: p.at, by: null });
    else if (p?.kind === 'no-answer') write({ t: 'probe', seq: p.seq, sentAt: null, answeredAt: null, by: null, noticedAt: p.at });
  });
}

/** The entry as it stands when probing starts; the monitor reports only changes. */
function snapshotNeighbor(): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['-j', 'neigh', 'show', 'to', address, 'dev', iface], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('exit', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      const entries = JSON.parse(text === '' ? '[]' : text) as Array<{ dst?: string; lladdr?: string; state?: string[] }>;
      const entry = entries.find((e) => e.dst === address);
      if (entry) write({ t: 'neigh', at: now(), mac: entry.lladdr?.toLowerCase() ?? null, state: (entry.state ?? ['NONE']).join(',') });
      resolve();
    });
  });
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const at = now();
  clearTimeout(timer);
  ping?.kill('SIGINT');
  const waitUntil = Date.now() + timeoutMs + 1000;
  while (inFlight > 0 && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 5));
  await pingExited;
  monitor.kill('SIGTERM');
  write({ t: 'end', at });
  closeSync(fd);
  process.exit(0);
}

process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());

// Give the monitor time to subscribe before the snapshot, so no change falls between the two.
setTimeout(() => {
  void snapshotNeighbor().then(() => {
    write({ t: 'ready', at: now(), kind, intervalMs, timeoutMs });
    if (kind === 'http') startHttp();
    else startPing();
  });
}, 100);
