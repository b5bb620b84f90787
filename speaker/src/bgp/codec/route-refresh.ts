import { ERROR_CODE, HEADER_LENGTH, type RouteRefreshMessage } from '../messages.js';
import type { ByteWriter } from './byte-writer.js';
import { ROUTE_REFRESH_ERROR, failure, type DecodeResult } from './errors.js';

/** ROUTE-REFRESH (RFC 2918) with the Enhanced Route Refresh subtype (RFC 7313). */

export const ROUTE_REFRESH_SUBTYPE = { request: 0, beginningOfRouteRefresh: 1, endOfRouteRefresh: 2 } as const;

const BODY_LENGTH = 4;

export function writeRouteRefreshBody(w: ByteWriter, m: RouteRefreshMessage): void {
  w.u16(m.family.afi, 'ROUTE-REFRESH AFI');
  w.u8(m.subtype, 'ROUTE-REFRESH subtype');
  w.u8(m.family.safi, 'ROUTE-REFRESH SAFI');
}

/**
 * A body other than 4 octets is an Invalid Message Length (RFC 7313 5; data: the whole
 * message), except a longer normal request, which may carry ORF entries (RFC 5291) that
 * Herald did not negotiate and ignores. Unknown subtypes are returned; RFC 7313 says to ignore them.
 */
export function readRouteRefresh(frame: Uint8Array): DecodeResult {
  const body = frame.length - HEADER_LENGTH;
  const subtype = body >= 3 ? frame[HEADER_LENGTH + 2]! : -1;
  if (body < BODY_LENGTH || (body > BODY_LENGTH && subtype !== ROUTE_REFRESH_SUBTYPE.request)) {
    return failure(
      ERROR_CODE.routeRefresh,
      ROUTE_REFRESH_ERROR.invalidMessageLength,
      `ROUTE-REFRESH body has ${body} octets; expected ${BODY_LENGTH}`,
      frame.slice(),
    );
  }
  const message: RouteRefreshMessage = {
    type: 'route-refresh',
    family: { afi: (frame[HEADER_LENGTH]! << 8) | frame[HEADER_LENGTH + 1]!, safi: frame[HEADER_LENGTH + 3]! },
    subtype,
  };
  return { ok: true, message, treatAsWithdraw: false, issues: [] };
}
