import {
  ERROR_CODE,
  HEADER_LENGTH,
  type Prefix,
  type SessionCodecOptions,
  type UpdateMessage,
} from '../messages.js';
import { ATTRIBUTE, attributeName } from './attribute-types.js';
import type { ByteWriter } from './byte-writer.js';
import { readPathAttributes } from './decode-attributes.js';
import { writePathAttributes } from './encode-attributes.js';
import { UPDATE_ERROR, failure, type AttributeIssue, type DecodeResult } from './errors.js';
import { writeMpReach, writeMpUnreach } from './mp-nlri.js';
import { readPrefixes, writePrefixes } from './prefixes.js';

/** UPDATE (RFC 4271 4.3) body: withdrawn routes, path attributes, NLRI. */

/** Writes the body after the header. MP_(UN)REACH_NLRI go first (RFC 7606 5.1). */
export function writeUpdateBody(w: ByteWriter, update: UpdateMessage, options: SessionCodecOptions): void {
  const withdrawnAt = w.offset;
  w.u16(0);
  writePrefixes(w, update.withdrawn, 4, 'UPDATE withdrawn routes');
  w.patchU16(withdrawnAt, w.offset - withdrawnAt - 2, 'withdrawn routes length');
  const attributesAt = w.offset;
  w.u16(0);
  if (update.mpReach !== undefined) writeMpReach(w, update.mpReach);
  if (update.mpUnreach !== undefined) writeMpUnreach(w, update.mpUnreach);
  writePathAttributes(w, update.attributes, options, update.attributes.nextHop);
  w.patchU16(attributesAt, w.offset - attributesAt - 2, 'total path attribute length');
  writePrefixes(w, update.nlri, 4, 'UPDATE NLRI');
}

/** `frame` is a whole UPDATE whose header was checked; the body starts at octet 19. */
export function readUpdate(frame: Uint8Array, options: SessionCodecOptions): DecodeResult {
  const end = frame.length;
  const withdrawnLength = (frame[HEADER_LENGTH]! << 8) | frame[HEADER_LENGTH + 1]!;
  const withdrawnStart = HEADER_LENGTH + 2;
  const withdrawnEnd = withdrawnStart + withdrawnLength;
  if (withdrawnEnd + 2 > end) {
    return failure(
      ERROR_CODE.updateMessage,
      UPDATE_ERROR.malformedAttributeList,
      `UPDATE withdrawn routes length ${withdrawnLength} overruns the ${end}-octet message`,
    );
  }
  const attributesLength = (frame[withdrawnEnd]! << 8) | frame[withdrawnEnd + 1]!;
  const attributesStart = withdrawnEnd + 2;
  const attributesEnd = attributesStart + attributesLength;
  if (attributesEnd > end) {
    return failure(
      ERROR_CODE.updateMessage,
      UPDATE_ERROR.malformedAttributeList,
      `UPDATE withdrawn routes length ${withdrawnLength} plus total path attribute length ${attributesLength} overrun the ${end}-octet message`,
    );
  }
  const withdrawn: Prefix[] = [];
  const badWithdrawn = readPrefixes(frame, withdrawnStart, withdrawnEnd, 4, withdrawn);
  if (badWithdrawn !== undefined) {
    return failure(ERROR_CODE.updateMessage, UPDATE_ERROR.invalidNetworkField, `UPDATE withdrawn routes: ${badWithdrawn}`);
  }
  const nlri: Prefix[] = [];
  const badNlri = readPrefixes(frame, attributesEnd, end, 4, nlri);
  if (badNlri !== undefined) {
    return failure(ERROR_CODE.updateMessage, UPDATE_ERROR.invalidNetworkField, `UPDATE NLRI: ${badNlri}`);
  }

  const read = readPathAttributes(frame, attributesStart, attributesEnd, options);
  if ('error' in read) return { ok: false, error: read.error };
  const issues: AttributeIssue[] = read.issues;

  if (read.framing !== undefined) {
    // RFC 7606 4 relies on NLRI being locatable. An MP attribute after the break would hide
    // prefixes that treat-as-withdraw cannot name, so that case resets the session; a sender
    // following RFC 7606 5.1 puts MP first, and one with body prefixes sends no MP attribute.
    const nlriLocated = read.mpReach !== undefined || read.mpUnreach !== undefined || nlri.length > 0 || withdrawn.length > 0;
    if (!nlriLocated) {
      return failure(ERROR_CODE.updateMessage, UPDATE_ERROR.malformedAttributeList, `UPDATE path attributes: ${read.framing.reason}`);
    }
    issues.push(read.framing);
  }

  if (read.nextHopProblem !== undefined) {
    // RFC 4760 3: without body NLRI the NEXT_HOP attribute means nothing and is ignored.
    issues.push({
      code: ATTRIBUTE.nextHop,
      action: nlri.length > 0 ? 'treat-as-withdraw' : 'attribute-discard',
      reason: `${attributeName(ATTRIBUTE.nextHop)}: ${read.nextHopProblem}`,
    });
  }

  // RFC 7606 3.d: a well-known mandatory attribute missing from an UPDATE that carries NLRI.
  const announces = nlri.length > 0 || (read.mpReach !== undefined && read.mpReach.prefixes.length > 0);
  if (announces && read.framing === undefined) {
    const mandatory: number[] = [ATTRIBUTE.origin, ATTRIBUTE.asPath];
    if (nlri.length > 0) mandatory.push(ATTRIBUTE.nextHop);
    for (const code of mandatory) {
      if (!read.present.has(code)) {
        issues.push({ code, action: 'treat-as-withdraw', reason: `${attributeName(code)}: well-known mandatory attribute is missing (RFC 7606 3.d)` });
      }
    }
  }

  const message: UpdateMessage = {
    type: 'update',
    withdrawn,
    attributes: read.attributes,
    ...(read.mpReach === undefined ? {} : { mpReach: read.mpReach }),
    ...(read.mpUnreach === undefined ? {} : { mpUnreach: read.mpUnreach }),
    nlri,
  };
  return { ok: true, message, treatAsWithdraw: issues.some((i) => i.action === 'treat-as-withdraw'), issues };
}
