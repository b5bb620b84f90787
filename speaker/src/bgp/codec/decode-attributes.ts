import {
  AS_TRANS,
  ERROR_CODE,
  type AsPathSegment,
  type MpReach,
  type MpUnreach,
  type Origin,
  type PathAttributes,
  type SessionCodecOptions,
} from '../messages.js';
import { formatAddress } from '@herald/shared/net/address.js';
import { mergeAs4Path, readAsPath } from './as-path.js';
import { ATTRIBUTE, EXPECTED_FLAGS, FLAG, attributeName } from './attribute-types.js';
import { readCommunities, readExtendedCommunities, readLargeCommunities } from './communities.js';
import { UPDATE_ERROR, bgpError, type AttributeIssue, type BgpError } from './errors.js';
import { readMpReach, readMpUnreach, type MpRead } from './mp-nlri.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What the attribute list held, before the rules that need the rest of the UPDATE (update.ts). */
export interface ReadAttributes {
  readonly attributes: PathAttributes;
  readonly mpReach?: MpReach;
  readonly mpUnreach?: MpUnreach;
  readonly issues: AttributeIssue[];
  /** Type codes that appeared, well-formed or not: "missing" means absent, not malformed. */
  readonly present: ReadonlySet<number>;
  /** RFC 7606 4: the list ended inside an attribute header or value; what follows was not read. */
  readonly framing?: AttributeIssue;
  /** NEXT_HOP was malformed or not a host address: treat-as-withdraw when the body has NLRI, else ignored. */
  readonly nextHopProblem?: string;
}

const MARTIAN_NEXT_HOP = (v: number): boolean => v === 0 || v >>> 29 === 0b111;

function issue(code: number, action: AttributeIssue['action'], reason: string): AttributeIssue {
  return { code, action, reason: `${attributeName(code)}: ${reason}` };
}

function u32At(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

/**
 * Reads the path attributes in bytes[start, end) (RFC 4271 4.3) with the RFC 7606 outcome for
 * each problem. Returns a BgpError only for what must reset the session: a repeated or malformed
 * MP_(UN)REACH_NLRI, or an unrecognized well-known attribute.
 */
export function readPathAttributes(
  bytes: Uint8Array,
  start: number,
  end: number,
  options: SessionCodecOptions,
): ReadAttributes | { readonly error: BgpError } {
  const attributes: Mutable<PathAttributes> = {};
  const issues: AttributeIssue[] = [];
  const present = new Set<number>();
  const unknown: { flags: number; code: number; value: Uint8Array }[] = [];
  let mpReach: MpReach | undefined;
  let mpUnreach: MpUnreach | undefined;
  let framing: AttributeIssue | undefined;
  const collected: Collected = { attributes };
  const asnSize = options.fourOctetAs ? 4 : 2;

  let at = start;
  while (at < end) {
    const flags = bytes[at]!;
    const code = end - at > 1 ? bytes[at + 1]! : 0;
    const headerSize = flags & FLAG.extendedLength ? 4 : 3;
    if (end - at < headerSize) {
      framing = issue(code, 'treat-as-withdraw', `${end - at} octets remain in the attribute list, too few for an attribute header`);
      break;
    }
    const length = headerSize === 4 ? (bytes[at + 2]! << 8) | bytes[at + 3]! : bytes[at + 2]!;
    const from = at + headerSize;
    const to = from + length;
    if (to > end) {
      framing = issue(code, 'treat-as-withdraw', `length ${length} overruns the attribute list by ${to - end} octets`);
      break;
    }
    const attributeStart = at;
    at = to;

    if (present.has(code)) {
      if (code === ATTRIBUTE.mpReach || code === ATTRIBUTE.mpUnreach) {
        return {
          error: bgpError(
            ERROR_CODE.updateMessage,
            UPDATE_ERROR.malformedAttributeList,
            `${attributeName(code)} appears more than once (RFC 7606 3.g)`,
          ),
        };
      }
      issues.push(issue(code, 'attribute-discard', 'appears more than once; only the first is kept (RFC 7606 3.g)'));
      continue;
    }
    present.add(code);

    const expected = EXPECTED_FLAGS.get(code);
    if (expected === undefined) {
      if ((flags & FLAG.optional) === 0) {
        return {
          error: bgpError(
            ERROR_CODE.updateMessage,
            UPDATE_ERROR.unrecognizedWellKnownAttribute,
            `${attributeName(code)} is marked well-known but Herald does not know it`,
            bytes.slice(attributeStart, to),
          ),
        };
      }
      unknown.push({ flags: flags & ~FLAG.extendedLength, code, value: bytes.slice(from, to) });
      continue;
    }
    const flagsConflict = (flags & (FLAG.optional | FLAG.transitive)) !== expected;
    const flagsReason = `flags ${hex(flags)} conflict with its kind (optional/transitive bits should be ${hex(expected)}; RFC 7606 3.c)`;

    if (code === ATTRIBUTE.mpReach || code === ATTRIBUTE.mpUnreach) {
      const reach = code === ATTRIBUTE.mpReach ? readMpReach(bytes, from, to) : undefined;
      const unreach = code === ATTRIBUTE.mpUnreach ? readMpUnreach(bytes, from, to) : undefined;
      const read: MpRead<unknown> = reach ?? unreach!;
      if ('malformed' in read) {
        // RFC 7606 7.11: session reset; Herald does not implement "AFI/SAFI disable".
        return {
          error: bgpError(ERROR_CODE.updateMessage, UPDATE_ERROR.optionalAttributeError, read.malformed, bytes.slice(attributeStart, to)),
        };
      }
      if ('unsupported' in read) {
        issues.push(
          issue(code, 'attribute-discard', `AFI ${read.unsupported.afi} SAFI ${read.unsupported.safi} was not negotiated; the attribute is ignored`),
        );
        continue;
      }
      if (reach !== undefined && 'value' in reach) mpReach = reach.value;
      if (unreach !== undefined && 'value' in unreach) mpUnreach = unreach.value;
      // The NLRI could be read, so treat-as-withdraw is possible and is what 7606 3.c asks.
      if (flagsConflict) issues.push(issue(code, 'treat-as-withdraw', flagsReason));
      continue;
    }

    if (code === ATTRIBUTE.localPref && !options.ibgp) {
      issues.push(issue(code, 'attribute-discard', 'received from an external peer (RFC 4271 5.1.5, RFC 7606 7.5)'));
      continue;
    }
    if ((code === ATTRIBUTE.as4Path || code === ATTRIBUTE.as4Aggregator) && options.fourOctetAs) {
      issues.push(issue(code, 'attribute-discard', 'sent on a 4-octet AS session, where it has no place (RFC 6793 4.1)'));
      continue;
    }
    if (flagsConflict) {
      issues.push(issue(code, 'treat-as-withdraw', flagsReason));
      continue;
    }

    const problem = readValue(code, bytes, from, to, asnSize, collected);
    if (problem !== undefined) issues.push(problem);
  }

  if (unknown.length > 0) attributes.unknown = unknown;
  mergeAs4Attributes(attributes, collected.as4Path, collected.as4Aggregator);
  const nextHopProblem = collected.nextHopProblem;
  return {
    attributes,
    ...(mpReach === undefined ? {} : { mpReach }),
    ...(mpUnreach === undefined ? {} : { mpUnreach }),
    issues,
    present,
    ...(framing === undefined ? {} : { framing }),
    ...(nextHopProblem === undefined ? {} : { nextHopProblem }),
  };
}

/** What reading attribute values gathers besides the attributes themselves. */
interface Collected {
  readonly attributes: Mutable<PathAttributes>;
  as4Path?: readonly AsPathSegment[];
  as4Aggregator?: { asn: number; address: number };
  nextHopProblem?: string;
}

/** Reads one interpreted attribute's value into `into`; returns its RFC 7606 outcome when malformed. */
function readValue(code: number, bytes: Uint8Array, from: number, to: number, asnSize: 2 | 4, into: Collected): AttributeIssue | undefined {
  const length = to - from;
  const a = into.attributes;
  switch (code) {
    case ATTRIBUTE.origin: {
      const value = bytes[from]!;
      if (length !== 1) return issue(code, 'treat-as-withdraw', `length ${length}, expected 1 (RFC 7606 7.1)`);
      if (value > 2) return issue(code, 'treat-as-withdraw', `value ${value} is undefined (RFC 7606 7.1)`);
      a.origin = value as Origin;
      return undefined;
    }
    case ATTRIBUTE.asPath: {
      const path = readAsPath(bytes, from, to, asnSize);
      if (typeof path === 'string') return issue(code, 'treat-as-withdraw', `${path} (RFC 7606 7.2)`);
      a.asPath = path;
      return undefined;
    }
    case ATTRIBUTE.nextHop: {
      // Its outcome depends on whether the UPDATE has body NLRI: update-message.ts decides.
      if (length !== 4) into.nextHopProblem = `length ${length}, expected 4 (RFC 7606 7.3)`;
      else if (MARTIAN_NEXT_HOP(u32At(bytes, from))) {
        into.nextHopProblem = `${formatAddress(4, BigInt(u32At(bytes, from)))} is not a host address (RFC 4271 6.3, RFC 7606 7.3)`;
      } else a.nextHop = BigInt(u32At(bytes, from));
      return undefined;
    }
    case ATTRIBUTE.med:
    case ATTRIBUTE.localPref: {
      if (length !== 4) return issue(code, 'treat-as-withdraw', `length ${length}, expected 4 (RFC 7606 7.4, 7.5)`);
      if (code === ATTRIBUTE.med) a.med = u32At(bytes, from);
      else a.localPref = u32At(bytes, from);
      return undefined;
    }
    case ATTRIBUTE.atomicAggregate: {
      if (length !== 0) return issue(code, 'attribute-discard', `length ${length}, expected 0 (RFC 7606 7.6)`);
      a.atomicAggregate = true;
      return undefined;
    }
    case ATTRIBUTE.aggregator: {
      if (length !== asnSize + 4) return issue(code, 'attribute-discard', `length ${length}, expected ${asnSize + 4} (RFC 7606 7.7)`);
      const asn = asnSize === 4 ? u32At(bytes, from) : (bytes[from]! << 8) | bytes[from + 1]!;
      a.aggregator = { asn, address: u32At(bytes, from + asnSize) };
      return undefined;
    }
    case ATTRIBUTE.communities:
    case ATTRIBUTE.extendedCommunities:
    case ATTRIBUTE.largeCommunities: {
      const unit = code === ATTRIBUTE.communities ? 4 : code === ATTRIBUTE.extendedCommunities ? 8 : 12;
      if (length === 0 || length % unit !== 0) {
        return issue(code, 'treat-as-withdraw', `length ${length} is not a non-zero multiple of ${unit} (RFC 7606 7.8, 7.14; RFC 8092 6)`);
      }
      if (code === ATTRIBUTE.communities) a.communities = readCommunities(bytes, from, to);
      else if (code === ATTRIBUTE.extendedCommunities) a.extendedCommunities = readExtendedCommunities(bytes, from, to);
      else a.largeCommunities = readLargeCommunities(bytes, from, to);
      return undefined;
    }
    case ATTRIBUTE.as4Path: {
      const path = length === 0 ? 'it is empty' : readAsPath(bytes, from, to, 4);
      if (typeof path === 'string') return issue(code, 'attribute-discard', `${path} (RFC 6793 6)`);
      into.as4Path = path;
      return undefined;
    }
    case ATTRIBUTE.as4Aggregator: {
      if (length !== 8) return issue(code, 'attribute-discard', `length ${length}, expected 8 (RFC 6793 6)`);
      into.as4Aggregator = { asn: u32At(bytes, from), address: u32At(bytes, from + 4) };
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * RFC 6793 4.2.3 on a 2-octet session: an AGGREGATOR that is not AS_TRANS means a 2-octet
 * speaker aggregated after the path left 4-octet land, so AS4_PATH and AS4_AGGREGATOR are stale
 * and ignored; otherwise AS4_AGGREGATOR replaces AGGREGATOR and AS4_PATH is merged.
 */
function mergeAs4Attributes(
  attributes: Mutable<PathAttributes>,
  as4Path: readonly AsPathSegment[] | undefined,
  as4Aggregator: { asn: number; address: number } | undefined,
): void {
  if (attributes.aggregator !== undefined && attributes.aggregator.asn !== AS_TRANS) return;
  if (as4Aggregator !== undefined && attributes.aggregator !== undefined) attributes.aggregator = as4Aggregator;
  if (as4Path !== undefined && attributes.asPath !== undefined) attributes.asPath = mergeAs4Path(attributes.asPath, as4Path);
}

