import net from 'node:net';
import type { Logger } from '@herald/shared/log/logger.js';
import { type IP, formatIP, parseIP } from '@herald/shared/net/address.js';

/**
 * The TCP listener for BGP: connections peers open to us (a router configured to dial, or both
 * dialling at once) go to the session of the peer with that address; others are closed. One
 * dual-stack socket serves IPv4 and IPv6; hosts without IPv6 get an IPv4 one.
 */
export class BgpListener {
  private server: net.Server | undefined;

  constructor(
    private readonly port: number,
    private readonly route: (address: IP, socket: net.Socket) => boolean,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    try {
      this.server = await this.listen('::');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT' && (e as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') throw e;
      this.server = await this.listen('0.0.0.0');
    }
    this.log.info('accepting BGP connections', { port: this.port });
  }

  /** The listening socket, for TCP-MD5 keys. */
  get netServer(): net.Server | undefined {
    return this.server;
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private listen(host: string): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => this.accept(socket));
      server.once('error', (e: NodeJS.ErrnoException) => reject(Object.assign(new Error(`--listen-port ${this.port}: cannot listen on ${host}: ${e.message}`), { code: e.code })));
      server.listen({ host, port: this.port, ipv6Only: false }, () => resolve(server));
    });
  }

  private accept(socket: net.Socket): void {
    const text = socket.remoteAddress ?? '';
    const address = parseIP(text.startsWith('::ffff:') && text.includes('.') ? text.slice(7) : text);
    if (address !== undefined && this.route(address, socket)) return;
    this.log.debug('closed a BGP connection from an address that is no peer of this node', { remote: address === undefined ? text : formatIP(address) });
    socket.destroy();
  }
}
