import type net from 'node:net';
import { type BgpError, FrameReader } from '../codec/index.js';
import type { Direction } from './collision.js';

/** Where UPDATE frames go; lets the route sender be tested without a socket. */
export interface FrameSink {
  /** False when the socket's buffer is over its high-water mark: wait for drained() before more. */
  write(bytes: Uint8Array): boolean;
  /** True once the buffer has drained, false if the connection closed first. */
  drained(): Promise<boolean>;
}

export interface ConnectionHandlers {
  frame(connection: Connection, frame: Uint8Array): void;
  headerError(connection: Connection, error: BgpError): void;
  /** Once, when the connection failed or the peer closed it (not when we closed it). */
  lost(connection: Connection, reason: string): void;
}

/** After sending a NOTIFICATION, how long to wait for the peer to close before cutting the connection. */
const LINGER_MS = 3000;

/**
 * One TCP connection carrying BGP: splits the byte stream into messages and reports them, writes
 * with backpressure, and closes so a final NOTIFICATION still reaches the peer.
 */
export class Connection implements FrameSink {
  private readonly reader = new FrameReader();
  private closing = false;
  private lostReported = false;
  readonly whenClosed: Promise<void>;

  constructor(
    readonly socket: net.Socket,
    readonly direction: Direction,
    private readonly handlers: ConnectionHandlers,
  ) {
    socket.setNoDelay(true);
    this.whenClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.lose(`connection error: ${error.message}`));
    socket.on('end', () => this.lose('the peer closed the connection'));
    socket.on('close', () => this.lose('the connection closed'));
  }

  /** `address:port` of the far end, for logs. */
  get remote(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  get open(): boolean {
    return !this.closing && !this.socket.destroyed;
  }

  setMaxLength(bytes: number): void {
    this.reader.setMaxLength(bytes);
  }

  write(bytes: Uint8Array): boolean {
    if (!this.open) return false;
    return this.socket.write(bytes);
  }

  drained(): Promise<boolean> {
    if (!this.open) return Promise.resolve(false);
    if (!this.socket.writableNeedDrain) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        this.socket.off('drain', onDrain);
        this.socket.off('close', onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      this.socket.once('drain', onDrain);
      this.socket.once('close', onClose);
    });
  }

  /**
   * Sends what is queued (a NOTIFICATION, typically), then FIN. Reading goes on, discarding, until
   * the peer closes: closing with unread input makes the kernel send RST, and a RST can make the
   * peer throw away the NOTIFICATION before reading it.
   */
  close(): Promise<void> {
    if (this.closing) return this.whenClosed;
    this.closing = true;
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), LINGER_MS);
    void this.whenClosed.then(() => clearTimeout(timer));
    return this.whenClosed;
  }

  private receive(chunk: Buffer): void {
    if (this.closing) return;
    const { frames, error } = this.reader.push(chunk);
    for (const frame of frames) {
      if (this.closing) return;
      this.handlers.frame(this, frame);
    }
    if (error !== undefined && !this.closing) this.handlers.headerError(this, error);
  }

  private lose(reason: string): void {
    if (this.closing || this.lostReported) return;
    this.lostReported = true;
    this.handlers.lost(this, reason);
  }
}
