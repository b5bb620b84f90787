/**
 * The receiving side of single-hop BFD (RFC 5881): one UDP socket on port 3784 per local address,
 * shared by every session of that address, handing each decoded packet to its session. Sockets
 * open with their first session and close with their last.
 */

import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { formatIP, parseIP, type IP } from '@herald/shared/net/address.js';
import type { Logger } from '@herald/shared/log/logger.js';
import { decodeControlPacket } from './codec.js';
import { pickDiscriminator, selectReceiver, type Demuxable } from './demux.js';
import type { ControlPacket } from './packet.js';

export interface Receiver extends Demuxable {
  receive(packet: ControlPacket): void;
}

export interface ListenerAddress {
  readonly local: IP;
  readonly port: number;
}

const listeners = new Map<string, Promise<BfdListener>>();
const discriminators = new Set<number>();

/** A local discriminator unique in this process; give it back with releaseDiscriminator. */
export function allocateDiscriminator(): number {
  const d = pickDiscriminator(discriminators, () => randomInt(0, 2 ** 32));
  discriminators.add(d);
  return d;
}

export function releaseDiscriminator(d: number): void {
  discriminators.delete(d);
}

/**
 * Registers a session with the listener of its local address, opening the socket if it is the
 * first. Resolves to the function that unregisters it (and closes the socket after the last).
 */
export async function attach(address: ListenerAddress, receiver: Receiver, logger: Logger): Promise<() => void> {
  const key = `${formatIP(address.local)} port ${address.port}`;
  for (;;) {
    let pending = listeners.get(key);
    if (!pending) {
      pending = BfdListener.open(address, logger.child({ localAddress: formatIP(address.local) }));
      listeners.set(key, pending);
      pending.catch(() => listeners.delete(key));
    }
    const listener = await pending;
    // Its last session may have detached while this one waited; that socket is closing.
    if (listener.closed) continue;
    listener.add(receiver);
    return () => {
      if (listener.remove(receiver)) listeners.delete(key);
    };
  }
}

class BfdListener {
  private readonly byDiscriminator = new Map<number, Receiver>();
  private readonly byPeer = new Map<string, Receiver>();
  closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly where: string,
    private readonly logger: Logger,
  ) {
    socket.on('message', (message, rinfo) => this.onMessage(message, rinfo.address));
    socket.on('error', (e) => logger.warn('BFD receive socket error', { reason: e.message, listen: where }));
  }

  static async open(address: ListenerAddress, logger: Logger): Promise<BfdListener> {
    const where = `${formatIP(address.local)} port ${address.port}`;
    const socket = createSocket({ type: address.local.family === 4 ? 'udp4' : 'udp6' });
    try {
      await bindSocket(socket, formatIP(address.local), address.port);
    } catch (e) {
      socket.close();
      throw new Error(`BFD: cannot listen on ${where}: ${(e as Error).message}`);
    }
    logger.debug('BFD listening', { listen: where });
    return new BfdListener(socket, where, logger);
  }

  add(receiver: Receiver): void {
    const other = this.byPeer.get(receiver.peer);
    if (other) throw new Error(`BFD: a session with ${receiver.peer} on ${this.where} exists already`);
    this.byPeer.set(receiver.peer, receiver);
    this.byDiscriminator.set(receiver.localDiscriminator, receiver);
  }

  /** True when that was the last session and the socket is closing. */
  remove(receiver: Receiver): boolean {
    if (this.byPeer.get(receiver.peer) !== receiver) return false;
    this.byPeer.delete(receiver.peer);
    this.byDiscriminator.delete(receiver.localDiscriminator);
    if (this.byPeer.size > 0) return false;
    this.closed = true;
    this.socket.close();
    return true;
  }

  private onMessage(message: Buffer, from: string): void {
    const ip = parseIP(from);
    const source = ip ? formatIP(ip) : from;
    const decoded = decodeControlPacket(message);
    if (!decoded.ok) {
      this.logger.debug('BFD packet discarded', { peer: source, reason: decoded.error.reason });
      return;
    }
    const selected = selectReceiver(decoded.packet, source, this.byDiscriminator, this.byPeer);
    if (!selected.ok) {
      this.logger.debug('BFD packet discarded', { peer: source, reason: selected.reason });
      return;
    }
    selected.receiver.receive(decoded.packet);
  }
}

/** Binds and resolves once listening; a bind error rejects instead of reaching the 'error' event. */
export function bindSocket(socket: Socket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      socket.off('listening', onListening);
      reject(e);
    };
    const onListening = (): void => {
      socket.off('error', onError);
      resolve();
    };
    socket.once('error', onError);
    socket.once('listening', onListening);
    socket.bind({ address, port, exclusive: true });
  });
}
