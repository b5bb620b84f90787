// Raw Ethernet frames on one interface for layer-2 mode: ARP and Neighbor Discovery in, any frame
// out. The addon herald_native opens an AF_PACKET socket with a kernel filter and reads it on the
// event loop; this module checks inputs and puts the interface into every error.

import { isGroupMac, macBytes, parseMac } from '../l2/mac.js';
import { heraldNative, type PacketSocketNative } from './addon.js';

/** How the frame was addressed, as the kernel saw it (linux/if_packet.h PACKET_*). */
export type PacketType = 'host' | 'broadcast' | 'multicast' | 'otherhost';

const PACKET_TYPES: readonly PacketType[] = ['host', 'broadcast', 'multicast', 'otherhost'];

export interface FrameInfo {
  /** The interface the socket is bound to (by name, as given). */
  interface: string;
  ifindex: number;
  packetType: PacketType;
}

export interface PacketSocketOptions {
  /** The interface's name in this network namespace, 1 to 15 bytes. */
  interface: string;
  /**
   * Called on the event loop for each ARP or ICMPv6 Neighbor Solicitation / Advertisement frame
   * that arrives, whole (Ethernet header first, no FCS). Frames this host sends never arrive.
   * A callback that throws raises an uncaught exception, as an event listener would.
   */
  onFrame: (frame: Buffer, info: FrameInfo) => void;
  /**
   * Errors while receiving, with the interface in the message and Node's code/errno/syscall.
   * ENETDOWN means the interface went down or away: the socket stays open and delivers again when
   * the interface comes back up with the same index.
   */
  onError: (error: NodeJS.ErrnoException) => void;
}

export interface PacketSocket {
  readonly interface: string;
  readonly ifindex: number;
  readonly closed: boolean;
  /** Sends a whole Ethernet frame, header included, as it is; throws with code on failure. */
  send(frame: Buffer): void;
  /** Joins the link-layer multicast group `mac` (such as a solicited-node group 33:33:ff:xx:xx:xx). */
  addMembership(mac: string): void;
  /** Leaves a group joined with addMembership; a group joined twice needs two drops. */
  dropMembership(mac: string): void;
  /** Stops delivery at once and closes the socket; its memberships go with it. Idempotent. */
  close(): void;
}

/** Linux's IFNAMSIZ less the terminating NUL. */
export const MAX_INTERFACE_NAME_BYTES = 15;
/** The longest frame an AF_PACKET socket takes: 64 KiB less one, as an IPv4/IPv6 length field would allow. */
export const MAX_FRAME_BYTES = 65535;
const ETHERNET_HEADER_BYTES = 14;

function checkOptions(options: PacketSocketOptions): void {
  if (typeof options !== 'object' || options === null) throw new Error('options: must be an object');
  const name: unknown = options.interface;
  if (typeof name !== 'string' || name === '' || Buffer.byteLength(name) > MAX_INTERFACE_NAME_BYTES || name.includes('\0')) {
    throw new Error(`interface: ${JSON.stringify(name)} is not an interface name (1 to ${MAX_INTERFACE_NAME_BYTES} bytes)`);
  }
  if (typeof options.onFrame !== 'function') throw new Error('onFrame: must be a function');
  if (typeof options.onError !== 'function') throw new Error('onError: must be a function');
}

/** The six bytes of a multicast MAC, or an error naming `field`. */
function groupMac(mac: unknown, field: string): Buffer {
  const parsed = parseMac(mac as string);
  if (!parsed.ok) throw new Error(`${field}: ${parsed.error}`);
  const bytes = macBytes(parsed.value);
  if (!isGroupMac(bytes)) throw new Error(`${field}: ${parsed.value} is not a multicast MAC (the first byte's lowest bit is clear)`);
  return bytes;
}

function checkFrame(frame: unknown): Buffer {
  if (!Buffer.isBuffer(frame)) throw new Error('frame: must be a Buffer');
  if (frame.length < ETHERNET_HEADER_BYTES || frame.length > MAX_FRAME_BYTES) {
    throw new Error(`frame: ${frame.length} bytes; a frame is ${ETHERNET_HEADER_BYTES} (its Ethernet header) to ${MAX_FRAME_BYTES} bytes`);
  }
  return frame;
}

/** `cause` with `context` in front of its message and its code, errno and syscall kept. */
function withContext(context: string, cause: NodeJS.ErrnoException, hint = ''): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${context}: ${cause.message}${hint}`, { cause });
  if (cause.code !== undefined) error.code = cause.code;
  if (cause.errno !== undefined) error.errno = cause.errno;
  if (cause.syscall !== undefined) error.syscall = cause.syscall;
  return error;
}

function openHint(code: string | undefined, name: string): string {
  if (code === 'ENODEV') return `; there is no interface ${name} in this network namespace`;
  if (code === 'EPERM' || code === 'EACCES') return '; AF_PACKET sockets need CAP_NET_RAW';
  return '';
}

/**
 * Opens a packet socket on `options.interface` that receives ARP and ICMPv6 Neighbor
 * Solicitations and Advertisements (nothing else reaches user space) through the event loop, and
 * sends raw frames. Throws on bad options, naming the field, and when the socket cannot be opened
 * (code ENODEV for an unknown interface, EPERM without CAP_NET_RAW), with the interface in the
 * message.
 */
export function openPacketSocket(options: PacketSocketOptions): PacketSocket {
  const context = `packet socket on ${String(options?.interface)}`;
  try {
    checkOptions(options);
  } catch (e) {
    throw new Error(`${context}: ${(e as Error).message}`, { cause: e });
  }
  const name = options.interface;
  const { onFrame, onError } = options;
  let native: PacketSocketNative;
  try {
    native = heraldNative().packet.open(
      name,
      (frame, ifindex, packetType) => {
        // Frames received on an Ethernet interface are of these four types; outgoing ones never
        // reach here (the filter drops them), and no other type applies.
        const type = PACKET_TYPES[packetType];
        if (type !== undefined) onFrame(frame, { interface: name, ifindex, packetType: type });
      },
      (error) => onError(withContext(context, error)),
    );
  } catch (e) {
    const cause = e as NodeJS.ErrnoException;
    throw withContext(context, cause, openHint(cause.code, name));
  }
  let closed = false;
  const call = (what: string, action: () => void): void => {
    try {
      action();
    } catch (e) {
      throw withContext(`${context}: ${what}`, e as NodeJS.ErrnoException);
    }
  };
  return {
    interface: name,
    ifindex: native.ifindex,
    get closed() {
      return closed;
    },
    send: (frame) => call('send', () => native.send(checkFrame(frame))),
    addMembership: (mac) => call(`join ${String(mac)}`, () => native.addMembership(groupMac(mac, 'mac'))),
    dropMembership: (mac) => call(`leave ${String(mac)}`, () => native.dropMembership(groupMac(mac, 'mac'))),
    close: () => {
      closed = true;
      native.close();
    },
  };
}
