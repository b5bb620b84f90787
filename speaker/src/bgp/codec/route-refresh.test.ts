import { expect } from 'chai';
import { ROUTE_REFRESH_ERROR } from './errors.js';
import { decodeMessage, encodeMessage } from './message.js';
import { fromHex } from './seeds.js';
import { EBGP4, hex } from './test-updates.js';

describe('ROUTE-REFRESH', () => {
  it('writes AFI, subtype and SAFI after the header (RFC 2918, RFC 7313)', () => {
    const bytes = encodeMessage({ type: 'route-refresh', family: { afi: 2, safi: 1 }, subtype: 1 }, EBGP4);
    expect(hex(bytes)).to.equal('ffffffffffffffffffffffffffffffff' + '0017' + '05' + '0002' + '01' + '01');
  });

  it('answers a body shorter than 4 octets with Invalid Message Length carrying the whole message', () => {
    const bytes = fromHex('ffffffffffffffffffffffffffffffff 0016 05 000201');
    const result = decodeMessage(bytes, EBGP4);
    expect(result.ok).to.equal(false);
    if (!result.ok) {
      expect([result.error.code, result.error.subcode]).to.deep.equal([7, ROUTE_REFRESH_ERROR.invalidMessageLength]);
      expect(hex(result.error.data)).to.equal(hex(bytes));
    }
  });

  it('answers a longer Beginning- or End-of-Route-Refresh with Invalid Message Length', () => {
    const result = decodeMessage(fromHex('ffffffffffffffffffffffffffffffff 0018 05 0001 02 01 00'), EBGP4);
    expect(!result.ok && result.error.code).to.equal(7);
  });

  it('accepts a longer normal request, whose ORF entries Herald ignores', () => {
    const result = decodeMessage(fromHex('ffffffffffffffffffffffffffffffff 001a 05 0001 00 01 01 0000'), EBGP4);
    expect(result.ok && result.message).to.deep.equal({ type: 'route-refresh', family: { afi: 1, safi: 1 }, subtype: 0 });
  });

  it('returns an unknown subtype for the session to ignore (RFC 7313 5)', () => {
    const result = decodeMessage(fromHex('ffffffffffffffffffffffffffffffff 0017 05 0001 07 01'), EBGP4);
    expect(result.ok && result.message).to.deep.include({ subtype: 7 });
  });
});
