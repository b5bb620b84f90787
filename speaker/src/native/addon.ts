// Loading herald_native, the speaker's Node-API addon that `npm ci` builds from speaker/native.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** What speaker/native/src/tcp_md5.cc exports. Keys are the raw key bytes, 1 to maxKeyLength. */
export interface TcpMd5Native {
  /** Resolves with the connected socket's fd; rejects with an Error carrying code, errno, syscall. */
  connect(
    family: 4 | 6,
    host: string,
    port: number,
    localAddress: string | undefined,
    key: Buffer | undefined,
    timeoutMs: number,
  ): Promise<number>;
  /** Sets the peer's key on the socket, or removes it when key is undefined. */
  setKey(fd: number, family: 4 | 6, peerAddress: string, key: Buffer | undefined): void;
  /** TCP_MD5SIG_MAXKEYLEN of the headers the addon was built with. */
  readonly maxKeyLength: number;
}

/** What speaker/native/src/packet_socket.cc's open() returns: one AF_PACKET socket bound to an interface. */
export interface PacketSocketNative {
  readonly ifindex: number;
  /** The whole frame, Ethernet header first; throws an Error with code, errno, syscall. */
  send(frame: Buffer): void;
  /** Joins a link-layer multicast group (6 bytes); counted per socket, so each add wants a drop. */
  addMembership(mac: Buffer): void;
  dropMembership(mac: Buffer): void;
  /** Stops delivery and closes the fd at once; closing again does nothing. */
  close(): void;
}

/** What speaker/native/src/packet_socket.cc exports. */
export interface PacketNative {
  /**
   * A socket receiving ARP and ICMPv6 Neighbor Solicitations and Advertisements on the interface,
   * through the event loop. `packetType` is the kernel's PACKET_HOST (0), PACKET_BROADCAST (1),
   * PACKET_MULTICAST (2) or PACKET_OTHERHOST (3); frames this host sent never arrive. Throws an
   * Error with code, errno and syscall: ENODEV from if_nametoindex, EPERM from socket.
   */
  open(
    interfaceName: string,
    onFrame: (frame: Buffer, ifindex: number, packetType: number) => void,
    onError: (error: NodeJS.ErrnoException) => void,
  ): PacketSocketNative;
}

export interface HeraldNative {
  readonly tcpMd5: TcpMd5Native;
  readonly packet: PacketNative;
}

/** Where node-gyp puts the addon: speaker/native/build/Release, seen from speaker/dist/native. */
export const ADDON_PATH = fileURLToPath(new URL('../../native/build/Release/herald_native.node', import.meta.url));

const REBUILD_HINT = 'run `npm ci` at the repository root, or `npm rebuild -w @herald/speaker`';

/** Loads the addon at `path`; errors say how to build it. */
export function loadHeraldNative(path: string): HeraldNative {
  const require = createRequire(import.meta.url);
  try {
    return require(path) as HeraldNative;
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    if (error.code === 'MODULE_NOT_FOUND') {
      throw new Error(`herald_native addon is not built: ${path} is missing; ${REBUILD_HINT}`, { cause: e });
    }
    throw new Error(`herald_native addon ${path} does not load (${error.message}); ${REBUILD_HINT}`, { cause: e });
  }
}

let loaded: HeraldNative | undefined;

/** The addon, loaded on first use so that importing this module never fails by itself. */
export function heraldNative(): HeraldNative {
  loaded ??= loadHeraldNative(ADDON_PATH);
  return loaded;
}
