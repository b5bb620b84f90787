// TCP-MD5 (RFC 2385) for BGP: connecting with the key in place before the SYN, and accepting only
// signed connections from a peer on a listening server. The kernel does the signing; the addon
// herald_native sets TCP_MD5SIG, which Node's net module cannot.

import net from 'node:net';
import { closeSync } from 'node:fs';
import { heraldNative } from './addon.js';

/** Linux's TCP_MD5SIG_MAXKEYLEN: the longest key the kernel accepts, in bytes. */
export const TCP_MD5SIG_MAXKEYLEN = 80;

export interface Md5ConnectOptions {
  /** The peer's address, a literal of `family`: names are not resolved. */
  host: string;
  port: number;
  family: 4 | 6;
  /** Source address to bind to before connecting, of the same family. */
  localAddress?: string;
  password: string;
  timeoutMs: number;
}

/** The key the kernel signs with: the password's UTF-8 bytes, 1 to 80 of them. */
export function md5Key(password: string): Buffer {
  if (typeof password !== 'string') throw new Error(`password: must be a string, got ${typeof password}`);
  const key = Buffer.from(password, 'utf8');
  if (key.length === 0) throw new Error('password: is empty; TCP-MD5 needs a key of at least 1 byte');
  if (key.length > TCP_MD5SIG_MAXKEYLEN) {
    throw new Error(
      `password: is ${key.length} bytes in UTF-8; TCP-MD5 keys are at most ${TCP_MD5SIG_MAXKEYLEN} bytes (TCP_MD5SIG_MAXKEYLEN)`,
    );
  }
  return key;
}

/** Throws unless `address` is a literal address of `family`, naming `field` in the message. */
export function checkAddress(address: unknown, family: unknown, field: string): void {
  if (family !== 4 && family !== 6) throw new Error(`family: must be 4 or 6, got ${String(family)}`);
  if (typeof address !== 'string' || net.isIP(address) !== family) {
    throw new Error(`${field}: ${JSON.stringify(address)} is not an IPv${family} address`);
  }
  // net.isIP accepts IPv6 with a zone ("fe80::1%eth0"); the socket address the addon builds has no
  // scope, so such a peer would be connected to on no particular link.
  if (address.includes('%')) {
    throw new Error(`${field}: ${JSON.stringify(address)} has a zone; addresses with a zone are not supported`);
  }
}

/** Throws unless the options can be handed to the kernel, naming the field at fault. */
export function checkConnectOptions(options: Md5ConnectOptions): Buffer {
  checkAddress(options.host, options.family, 'host');
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new Error(`port: ${String(options.port)} is not a whole number from 1 to 65535`);
  }
  if (options.localAddress !== undefined) checkAddress(options.localAddress, options.family, 'localAddress');
  if (!Number.isInteger(options.timeoutMs) || options.timeoutMs < 1 || options.timeoutMs > 2 ** 31 - 1) {
    throw new Error(`timeoutMs: ${String(options.timeoutMs)} is not a whole number of milliseconds from 1 to 2147483647`);
  }
  return md5Key(options.password);
}

function endpoint(address: string, port: number): string {
  return net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

function connectContext(options: Md5ConnectOptions): string {
  const from = options.localAddress === undefined ? '' : ` from ${options.localAddress}`;
  return `TCP-MD5 connect to ${endpoint(String(options.host), options.port)}${from}`;
}

/** The addon's error with the peer in its message; code, errno and syscall kept for callers. */
function connectFailure(cause: NodeJS.ErrnoException, options: Md5ConnectOptions): NodeJS.ErrnoException {
  const detail =
    cause.code === 'ETIMEDOUT'
      ? `not established within ${options.timeoutMs} ms (ETIMEDOUT); a missing or different key on either ` +
        'side, or nothing listening, looks like this, because Linux drops such segments without answering'
      : cause.message;
  const error: NodeJS.ErrnoException = new Error(`${connectContext(options)}: ${detail}`, { cause });
  error.code = cause.code;
  error.errno = cause.errno;
  error.syscall = cause.syscall;
  return error;
}

/**
 * A TCP connection to the peer whose SYN and every later segment carry the RFC 2385 signature.
 * Rejects with the peer in the message and Node's `code`, errno and syscall: ETIMEDOUT after
 * `timeoutMs`, which is also what a closed port gives (Linux answers a signed SYN for a port
 * nobody listens on with nothing, and drops unsigned resets), EHOSTUNREACH or ENETUNREACH,
 * EADDRNOTAVAIL for a local address not on this host. Bad options reject naming the field.
 */
export async function connectWithMd5(options: Md5ConnectOptions): Promise<net.Socket> {
  let key: Buffer;
  try {
    key = checkConnectOptions(options);
  } catch (e) {
    throw new Error(`${connectContext(options)}: ${(e as Error).message}`, { cause: e });
  }
  let fd: number;
  try {
    fd = await heraldNative().tcpMd5.connect(
      options.family,
      options.host,
      options.port,
      options.localAddress,
      key,
      options.timeoutMs,
    );
  } catch (e) {
    const cause = e as NodeJS.ErrnoException;
    if (cause.code === undefined) throw cause;
    throw connectFailure(cause, options);
  }
  try {
    // The socket owns the fd from here on: destroying it closes the fd.
    return new net.Socket({ fd, readable: true, writable: true });
  } catch (e) {
    closeSync(fd);
    throw new Error(`${connectContext(options)}: connected, but Node could not take the socket: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/**
 * The listening socket's fd. Node has no public API for it: net.Server keeps its libuv TCP handle
 * in the undocumented `_handle`, whose `fd` getter gives the descriptor on Linux. TCP_MD5SIG has to
 * be set on the listening socket itself (the connections it accepts inherit its keys), so there is
 * no other way in. The value is checked, so that a change in Node fails here with a message
 * instead of leaving the server without keys.
 */
function listeningFd(server: net.Server): number {
  // `_handle` is absent from Node's type declarations: read it as unknown and check what it holds.
  const handle: unknown = (server as unknown as { _handle?: unknown })._handle;
  const fd: unknown = typeof handle === 'object' && handle !== null ? (handle as { fd?: unknown }).fd : undefined;
  if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0) {
    throw new Error(
      `the server has no listening socket (server._handle.fd is ${String(fd)}); call setMd5Key once it is listening`,
    );
  }
  return fd;
}

/**
 * On a listening server: from now on accept connections from `peerAddress` only when signed with
 * `password`; undefined removes the peer's key (removing a key that is not set does nothing).
 * An IPv4 peer on a dual-stack IPv6 server is handled (the addon uses the IPv4-mapped form).
 */
export function setMd5Key(server: net.Server, peerAddress: string, family: 4 | 6, password: string | undefined): void {
  const context = `TCP-MD5 key for peer ${String(peerAddress)}`;
  try {
    checkAddress(peerAddress, family, 'peerAddress');
    const key = password === undefined ? undefined : md5Key(password);
    heraldNative().tcpMd5.setKey(listeningFd(server), family, peerAddress, key);
  } catch (e) {
    const cause = e as NodeJS.ErrnoException;
    const error: NodeJS.ErrnoException = new Error(`${context}: ${cause.message}`, { cause });
    if (cause.code !== undefined) error.code = cause.code;
    throw error;
  }
}
