// Where a member listens: an IP address in canonical text and a UDP port. Pure.

import { formatIP, parseIP } from '@herald/shared/net/address.js';
import { type ParseResult, fail, ok } from '@herald/shared/net/result.js';

export const DEFAULT_PORT = 7946;

export interface MemberAddress {
  /** Canonical text: dotted quad, or RFC 5952 IPv6. */
  readonly ip: string;
  readonly port: number;
}

/** `10.0.0.1:7946`, `[2001:db8::1]:7946`: one text per address, for maps and logs. */
export function addressKey(address: MemberAddress): string {
  return address.ip.includes(':') ? `[${address.ip}]:${address.port}` : `${address.ip}:${address.port}`;
}

export function sameAddress(a: MemberAddress, b: MemberAddress): boolean {
  return a.ip === b.ip && a.port === b.port;
}

export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** One IP address to canonical text, refusing prefixes, zones and spaces. */
export function canonicalIP(text: string): ParseResult<string> {
  const ip = parseIP(text);
  return ip ? ok(formatIP(ip)) : fail(`"${text}" is not an IP address`);
}

/**
 * A seed as the shell is given it: `10.0.0.1`, `10.0.0.1:7946`, `2001:db8::1` or
 * `[2001:db8::1]:7946`. Without a port, `defaultPort`.
 */
export function parseSeed(text: string, defaultPort: number): ParseResult<MemberAddress> {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const withPort = /^([^:]+):(\d+)$/.exec(text);
  const [host, portText] = bracketed ? [bracketed[1], bracketed[2]] : withPort ? [withPort[1], withPort[2]] : [text, undefined];
  const ip = canonicalIP(host ?? '');
  if (!ip.ok) return fail(`seed "${text}": ${ip.error}`);
  const port = portText === undefined ? defaultPort : Number(portText);
  if (!isValidPort(port)) return fail(`seed "${text}": port ${portText ?? port} is not in 1-65535`);
  return ok({ ip: ip.value, port });
}

/**
 * The source of a received datagram as a member address. A dual-stack socket reports IPv4
 * senders as `::ffff:a.b.c.d`; they are the IPv4 address, as the member itself advertises it.
 */
export function sourceAddress(ip: string, port: number): MemberAddress {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const text = mapped?.[1] ?? ip;
  const canonical = canonicalIP(text);
  return { ip: canonical.ok ? canonical.value : text, port };
}

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** 4 or 16 bytes, network order. IPv4, on every datagram, takes a short path. */
export function ipToBytes(ip: string): Buffer | undefined {
  const quad = DOTTED_QUAD.exec(ip);
  if (quad) {
    const octets = quad.slice(1).map(Number);
    return octets.every((o) => o <= 255) ? Buffer.from(octets) : undefined;
  }
  const parsed = parseIP(ip);
  if (!parsed) return undefined;
  const size = parsed.family === 4 ? 4 : 16;
  const bytes = Buffer.alloc(size);
  let value = parsed.value;
  for (let i = size - 1; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

export function ipFromBytes(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return formatIP({ family: bytes.length === 4 ? 4 : 6, value });
}
