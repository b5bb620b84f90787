// Test support for packet.test.ts: a process that runs inside a network namespace and drives one
// packet socket on commands read from standard input, one JSON object a line, answering each on
// standard output with the same `id`. Received frames, receive errors and timer ticks are reported
// as they happen. Started by the @lab suite with `ip netns exec`; never run by hand.

import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readLink, unusableReason } from './link.js';
import { type PacketSocket, openPacketSocket } from './packet.js';

export type AgentCommand =
  | { id: number; op: 'open'; interface: string }
  | { id: number; op: 'send'; hex: string; count?: number }
  | { id: number; op: 'join' | 'leave'; mac: string }
  | { id: number; op: 'close' }
  | { id: number; op: 'stats' }
  | { id: number; op: 'link'; name: string }
  | { id: number; op: 'worker'; interface: string }
  | { id: number; op: 'packetSockets' }
  | { id: number; op: 'report'; frames: boolean };

export type AgentMessage =
  | { id: number; ok: true; value?: unknown }
  | { id: number; ok: false; code?: string; message: string }
  | { event: 'frame'; hex: string; interface: string; ifindex: number; packetType: string }
  | { event: 'error'; code?: string; message: string };

function write(message: AgentMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** The event loop's health while frames arrive: ticks of a 2 ms interval and the longest gap. */
const loop = { ticks: 0, maxGapMs: 0, last: performance.now() };
/** Frames received; each is also written out while `report` is on. */
const received = { frames: 0, report: true };

/** How many AF_PACKET sockets this network namespace holds (a header line, then one a socket). */
function packetSocketCount(): number {
  return readFileSync('/proc/net/packet', 'utf8').trim().split('\n').length - 1;
}

/** In a worker: opens a socket and tells the parent, which then terminates the worker with it open. */
function workerMain(): void {
  openPacketSocket({ interface: String(workerData), onFrame: () => undefined, onError: () => undefined });
  parentPort?.postMessage('opened');
}

async function inWorker(name: string): Promise<{ whileOpen: number; afterExit: number; exitCode: number }> {
  const worker = new Worker(new URL(import.meta.url), { workerData: name });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const whileOpen = packetSocketCount();
  const exitCode = await worker.terminate();
  return { whileOpen, afterExit: packetSocketCount(), exitCode };
}

function main(): void {
  let socket: PacketSocket | undefined;
  setInterval(() => {
    const now = performance.now();
    loop.maxGapMs = Math.max(loop.maxGapMs, now - loop.last);
    loop.last = now;
    loop.ticks++;
  }, 2);

  async function handle(command: AgentCommand): Promise<unknown> {
    switch (command.op) {
      case 'open':
        socket = openPacketSocket({
          interface: command.interface,
          onFrame: (frame, info) => {
            received.frames++;
            if (received.report) write({ event: 'frame', hex: frame.toString('hex'), ...info });
          },
          onError: (error) => write({ event: 'error', ...(error.code === undefined ? {} : { code: error.code }), message: error.message }),
        });
        return { ifindex: socket.ifindex };
      case 'send': {
        const frame = Buffer.from(command.hex, 'hex');
        for (let i = 0; i < (command.count ?? 1); i++) socket?.send(frame);
        return undefined;
      }
      case 'join':
        return socket?.addMembership(command.mac);
      case 'leave':
        return socket?.dropMembership(command.mac);
      case 'close':
        return socket?.close();
      case 'report':
        received.report = command.frames;
        return undefined;
      case 'stats': {
        const stats = { ticks: loop.ticks, maxGapMs: loop.maxGapMs, frames: received.frames };
        loop.maxGapMs = 0;
        return stats;
      }
      case 'link': {
        const link = readLink(command.name);
        return { link, unusable: unusableReason(link) ?? null };
      }
      case 'worker':
        return inWorker(command.interface);
      case 'packetSockets':
        return packetSocketCount();
    }
  }

  createInterface({ input: process.stdin }).on('line', (line) => {
    const command = JSON.parse(line) as AgentCommand;
    handle(command).then(
      (value) => write({ id: command.id, ok: true, ...(value === undefined ? {} : { value }) }),
      (e: NodeJS.ErrnoException) => write({ id: command.id, ok: false, ...(e.code === undefined ? {} : { code: e.code }), message: e.message }),
    );
  });
  // The test ends the agent by closing its standard input.
  process.stdin.on('end', () => process.exit(0));
}

if (isMainThread) main();
else workerMain();
