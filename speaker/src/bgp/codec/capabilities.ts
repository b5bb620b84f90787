import type { Capability } from '../messages.js';
import type { ByteWriter } from './byte-writer.js';

/** Capabilities Advertisement (RFC 5492) TLVs: code, length, value. */

export const CAPABILITY = {
  multiprotocol: 1,
  routeRefresh: 2,
  extendedMessage: 6,
  gracefulRestart: 64,
  fourOctetAs: 65,
} as const;

const GR_RESTARTING = 0x8000;
const GR_NOTIFICATION = 0x4000;
const GR_TIME_MASK = 0x0fff;
const GR_FORWARDING_PRESERVED = 0x80;

/** The TLV value of a capability, without code and length. */
function writeValue(w: ByteWriter, capability: Capability): void {
  switch (capability.kind) {
    case 'multiprotocol':
      w.u16(capability.family.afi, 'multiprotocol AFI');
      w.u8(0);
      w.u8(capability.family.safi, 'multiprotocol SAFI');
      return;
    case 'route-refresh':
    case 'extended-message':
      return;
    case 'graceful-restart':
      w.u16(
        (capability.restarting ? GR_RESTARTING : 0) |
          (capability.notification ? GR_NOTIFICATION : 0) |
          checkRestartTime(capability.restartTimeSeconds),
      );
      for (const f of capability.families) {
        w.u16(f.family.afi, 'graceful restart AFI');
        w.u8(f.family.safi, 'graceful restart SAFI');
        w.u8(f.forwardingPreserved ? GR_FORWARDING_PRESERVED : 0);
      }
      return;
    case 'four-octet-as':
      w.u32(capability.asn, '4-octet AS');
      return;
    case 'unknown':
      w.bytes(capability.value);
      return;
  }
}

function checkRestartTime(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > GR_TIME_MASK) {
    throw new RangeError(`graceful restart time ${seconds} s is outside 0..4095`);
  }
  return seconds;
}

function valueLength(capability: Capability): number {
  switch (capability.kind) {
    case 'multiprotocol':
    case 'four-octet-as':
      return 4;
    case 'route-refresh':
    case 'extended-message':
      return 0;
    case 'graceful-restart':
      return 2 + 4 * capability.families.length;
    case 'unknown':
      return capability.value.length;
  }
}

const KIND_CODES: Readonly<Record<Exclude<Capability['kind'], 'unknown'>, number>> = {
  multiprotocol: CAPABILITY.multiprotocol,
  'route-refresh': CAPABILITY.routeRefresh,
  'extended-message': CAPABILITY.extendedMessage,
  'graceful-restart': CAPABILITY.gracefulRestart,
  'four-octet-as': CAPABILITY.fourOctetAs,
};

export function codeOf(capability: Capability): number {
  return capability.kind === 'unknown' ? capability.code : KIND_CODES[capability.kind];
}

const INTERPRETED: ReadonlySet<number> = new Set(Object.values(CAPABILITY));

/** One whole TLV. */
export function writeCapability(w: ByteWriter, capability: Capability): void {
  if (capability.kind === 'unknown' && INTERPRETED.has(capability.code)) {
    throw new RangeError(`capability ${capability.code} is interpreted by the codec; give its kind instead of 'unknown'`);
  }
  w.u8(codeOf(capability), 'capability code');
  w.u8(valueLength(capability), `capability ${codeOf(capability)} length (its value is limited to 255 octets)`);
  writeValue(w, capability);
}

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

/**
 * Reads the capability TLVs in bytes[start, end) into `out`; returns an English reason when a
 * TLV overruns or a capability Herald interprets has the wrong length. Codes Herald does not
 * interpret are kept as `unknown`.
 */
export function readCapabilities(bytes: Uint8Array, start: number, end: number, out: Capability[]): string | undefined {
  let at = start;
  while (at < end) {
    if (end - at < 2) return `a capability header is cut short (1 octet left)`;
    const code = bytes[at]!;
    const length = bytes[at + 1]!;
    const from = at + 2;
    const to = from + length;
    if (to > end) return `capability ${code} length ${length} overruns its optional parameter by ${to - end} octets`;
    at = to;
    const wrongLength = (expected: string): string => `capability ${code} has length ${length}; expected ${expected}`;
    switch (code) {
      case CAPABILITY.multiprotocol:
        if (length !== 4) return wrongLength('4 (multiprotocol, RFC 4760 8)');
        out.push({ kind: 'multiprotocol', family: { afi: u16(bytes, from), safi: bytes[from + 3]! } });
        break;
      case CAPABILITY.routeRefresh:
        if (length !== 0) return wrongLength('0 (route refresh, RFC 2918)');
        out.push({ kind: 'route-refresh' });
        break;
      case CAPABILITY.extendedMessage:
        if (length !== 0) return wrongLength('0 (extended message, RFC 8654)');
        out.push({ kind: 'extended-message' });
        break;
      case CAPABILITY.fourOctetAs:
        if (length !== 4) return wrongLength('4 (4-octet AS, RFC 6793)');
        out.push({ kind: 'four-octet-as', asn: ((u16(bytes, from) << 16) | u16(bytes, from + 2)) >>> 0 });
        break;
      case CAPABILITY.gracefulRestart: {
        if (length < 2 || (length - 2) % 4 !== 0) return wrongLength('2 + 4 per family (graceful restart, RFC 4724)');
        const head = u16(bytes, from);
        const families: { family: { afi: number; safi: number }; forwardingPreserved: boolean }[] = [];
        for (let f = from + 2; f < to; f += 4) {
          families.push({
            family: { afi: u16(bytes, f), safi: bytes[f + 2]! },
            forwardingPreserved: (bytes[f + 3]! & GR_FORWARDING_PRESERVED) !== 0,
          });
        }
        out.push({
          kind: 'graceful-restart',
          restarting: (head & GR_RESTARTING) !== 0,
          notification: (head & GR_NOTIFICATION) !== 0,
          restartTimeSeconds: head & GR_TIME_MASK,
          families,
        });
        break;
      }
      default:
        out.push({ kind: 'unknown', code, value: bytes.slice(from, to) });
    }
  }
  return undefined;
}
