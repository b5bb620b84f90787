// Test support for responder.lab.test.ts: a process inside a network namespace that runs one
// L2Responder on commands read from standard input, one JSON object a line, answering each with
// the same `id` on standard output; conflicts and errors are reported as they happen. Started by
// the @lab suite with `ip netns exec`; never run by hand.

import { createInterface } from 'node:readline';
import type { OwnedAddress } from './owned.js';
import { type Conflict, L2Responder, type L2ResponderOptions } from './responder.js';

export type ResponderCommand =
  | { id: number; op: 'start'; options: Pick<L2ResponderOptions, 'announceScheduleMs' | 'splitBrain'> }
  | { id: number; op: 'own'; owned: [string, OwnedAddress][] }
  | { id: number; op: 'counters' }
  | { id: number; op: 'close' };

export type ResponderMessage =
  | { id: number; ok: true; value?: unknown }
  | { id: number; ok: false; message: string }
  | { event: 'conflict'; conflict: Conflict }
  | { event: 'error'; code?: string; message: string };

/** Wall-clock milliseconds with a fraction, comparable with timestamps other processes print. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

function write(message: ResponderMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

let responder: L2Responder | undefined;

function handle(command: ResponderCommand): unknown {
  switch (command.op) {
    case 'start':
      responder = new L2Responder({
        ...command.options,
        onConflict: (conflict) => write({ event: 'conflict', conflict }),
        onError: (error: NodeJS.ErrnoException) =>
          write({ event: 'error', ...(error.code === undefined ? {} : { code: error.code }), message: error.message }),
      });
      return undefined;
    case 'own': {
      // Taken before the call: the first announcements go out inside it.
      const at = wallNow();
      responder?.setOwned(new Map(command.owned));
      return { at, answering: [...(responder?.answering() ?? [])] };
    }
    case 'counters':
      return responder?.counters();
    case 'close':
      return responder?.close();
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as ResponderCommand;
  try {
    write({ id: command.id, ok: true, value: handle(command) });
  } catch (e) {
    write({ id: command.id, ok: false, message: (e as Error).message });
  }
});
// The test ends the agent by closing its standard input.
process.stdin.on('end', () => process.exit(0));
