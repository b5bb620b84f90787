// Talking to one FRR daemon over its vty socket, the way vtysh does, without starting vtysh:
// about 2 ms a command instead of 20, which matters when tests poll.

import { connect } from 'node:net';
import { join } from 'node:path';

export type FrrDaemon = 'zebra' | 'bgpd' | 'bfdd';

/** The daemon answered with a status other than success; `output` is what it printed. */
export class FrrCommandError extends Error {
  override name = 'FrrCommandError';
  constructor(
    message: string,
    readonly status: number,
    readonly output: string,
  ) {
    super(message);
  }
}

/**
 * Sends one command (the socket starts in view mode: show commands only) and resolves to its
 * output. The daemon ends each answer with three NUL bytes and a status byte, 0 for success.
 */
export function frrVty(vtySocketDir: string, daemon: FrrDaemon, command: string, timeoutMs = 10000): Promise<string> {
  const path = join(vtySocketDir, `${daemon}.vty`);
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const chunks: Buffer[] = [];
    let tail = Buffer.alloc(0);
    const fail = (why: string): void => {
      socket.destroy();
      reject(new Error(`FRR ${daemon} (${path}) "${command}": ${why}`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs} ms`));
    socket.on('connect', () => socket.write(command + '\0'));
    socket.on('error', (e) => fail(e.message));
    socket.on('data', (data: Buffer) => {
      chunks.push(data);
      tail = Buffer.concat([tail, data]).subarray(-4);
      if (tail.length === 4 && tail[0] === 0 && tail[1] === 0 && tail[2] === 0) {
        socket.end();
        const all = Buffer.concat(chunks);
        const text = all.subarray(0, all.length - 4).toString('utf8');
        const status = tail[3];
        if (status === 0) resolve(text);
        else reject(new FrrCommandError(`FRR ${daemon} (${path}) "${command}": status ${status}: ${text.trim().slice(0, 500)}`, status ?? -1, text));
      }
    });
    socket.on('end', () => fail('closed before the end of the answer'));
  });
}
