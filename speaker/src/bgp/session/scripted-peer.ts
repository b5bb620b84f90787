import net from 'node:net';
import { FrameReader, decodeMessage, encodeMessage, myAsField } from '../codec/index.js';
import type { Message, OpenMessage, SessionCodecOptions } from '../messages.js';
import { IPV4_UNICAST, IPV6_UNICAST } from './config.js';

/**
 * Test support: the far end of a BGP connection, driven message by message from a test, so a
 * test can make a peer go silent, answer late, or open a second connection. Loopback only.
 */
export class ScriptedConnection {
  /** Every message received, in order. */
  readonly received: Message[] = [];
  readonly closed: Promise<void>;
  codec: SessionCodecOptions = { fourOctetAs: true, extendedMessage: false, ibgp: false };
  private readonly reader = new FrameReader(65535);
  private waiters: Waiter[] = [];
  private cursor = 0;
  /** Set when the session sent bytes that do not decode: every wait fails with it. */
  private failure: Error | undefined;

  constructor(readonly socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      const { frames, error } = this.reader.push(chunk);
      for (const frame of frames) {
        const decoded = decodeMessage(frame, this.codec);
        if (!decoded.ok) return this.fail(`cannot decode a message from the session: ${decoded.error.reason}`);
        this.received.push(decoded.message);
        this.wake();
      }
      if (error !== undefined) this.fail(`bad frame from the session: ${error.reason}`);
    });
  }

  send(message: Message): void {
    this.socket.write(encodeMessage(message, this.codec));
  }

  /** The next received message (after those already taken) that matches, waiting up to `timeoutMs`. */
  next(predicate: (m: Message) => boolean = () => true, timeoutMs = 10_000): Promise<Message> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const found = this.take(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`scripted peer: no matching message within ${timeoutMs} ms; got ${this.received.map((m) => m.type).join(', ')}`));
      }, timeoutMs);
      const waiter: Waiter = {
        predicate,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** OPEN and KEEPALIVE from our side, then waits for the session's OPEN and KEEPALIVE. */
  async handshake(open: OpenMessage): Promise<OpenMessage> {
    this.send(open);
    const theirs = (await this.next((m) => m.type === 'open')) as OpenMessage;
    this.send({ type: 'keepalive' });
    await this.next((m) => m.type === 'keepalive');
    return theirs;
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }

  private take(predicate: (m: Message) => boolean): Message | undefined {
    while (this.cursor < this.received.length) {
      const m = this.received[this.cursor++]!;
      if (predicate(m)) return m;
    }
    return undefined;
  }

  private fail(reason: string): void {
    this.failure = new Error(`scripted peer: ${reason}`);
    for (const waiter of this.waiters) waiter.reject(this.failure);
    this.waiters = [];
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      const m = this.take(waiter.predicate);
      if (m === undefined) return;
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(m);
    }
  }
}

interface Waiter {
  predicate: (m: Message) => boolean;
  resolve: (m: Message) => void;
  reject: (e: Error) => void;
}

/** A listening scripted peer on 127.0.0.1 and an ephemeral port. */
export class ScriptedListener {
  private readonly queue: ScriptedConnection[] = [];
  private readonly waiting: ((c: ScriptedConnection) => void)[] = [];
  readonly all: ScriptedConnection[] = [];

  private constructor(readonly server: net.Server) {
    server.on('connection', (socket) => {
      const connection = new ScriptedConnection(socket);
      this.all.push(connection);
      const waiter = this.waiting.shift();
      if (waiter !== undefined) waiter(connection);
      else this.queue.push(connection);
    });
  }

  static async start(): Promise<ScriptedListener> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ScriptedListener(server);
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  accepted(timeoutMs = 10_000): Promise<ScriptedConnection> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`scripted peer: no connection within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push((c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((c) => c.close()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function dialScripted(port: number): Promise<ScriptedConnection> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return new ScriptedConnection(socket);
}

export function scriptedOpen(asn: number, bgpIdentifier: number, holdTimeSeconds = 90, extra: OpenMessage['capabilities'] = []): OpenMessage {
  return {
    type: 'open',
    version: 4,
    myAS: myAsField(asn),
    holdTimeSeconds,
    bgpIdentifier,
    capabilities: [
      { kind: 'multiprotocol', family: IPV4_UNICAST },
      { kind: 'multiprotocol', family: IPV6_UNICAST },
      { kind: 'four-octet-as', asn },
      { kind: 'route-refresh' },
      ...extra,
    ],
  };
}
