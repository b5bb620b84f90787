import { expect } from 'chai';
import type { OpenMessage, SessionCodecOptions } from '../messages.js';
import { OPEN_ERROR, type DecodeResult } from './errors.js';
import { decodeMessage, encodeMessage } from './message.js';
import { myAsField, peerAsOf, PRE_OPEN_CODEC_OPTIONS, sessionCodecOptions } from './open.js';
import { FRR_OPEN, HERALD_OPEN, fromHex } from './seeds.js';

const OPTIONS: SessionCodecOptions = PRE_OPEN_CODEC_OPTIONS;
const MARKER = 'ffffffffffffffffffffffffffffffff';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function openOf(result: DecodeResult): OpenMessage {
  if (!result.ok || result.message.type !== 'open') throw new Error(`expected an OPEN: ${JSON.stringify(result)}`);
  return result.message;
}

/** An OPEN with the given fields after the marker; the length is filled in. */
function rawOpen(fieldsHex: string): Uint8Array {
  const body = fromHex(fieldsHex);
  const length = 19 + body.length;
  return fromHex(`${MARKER} ${length.toString(16).padStart(4, '0')} 01 ${hex(body)}`);
}

function expectOpenError(bytes: Uint8Array, subcode: number, data?: string): void {
  const result = decodeMessage(bytes, OPTIONS);
  expect(result.ok, JSON.stringify(result)).to.equal(false);
  if (result.ok) return;
  expect([result.error.code, result.error.subcode]).to.deep.equal([2, subcode]);
  if (data !== undefined) expect(hex(result.error.data)).to.equal(data);
}

/** RFC 4271 4.2 and RFC 5492 by hand: one Capabilities optional parameter per capability. */
const HERALD_OPEN_BYTES =
  `${MARKER} 0047 01` +
  ' 04 5ba0 005a 0a000001 2a' +
  ' 02 06 01 04 0001 00 01' + // multiprotocol IPv4 unicast
  ' 02 06 01 04 0002 00 01' + // multiprotocol IPv6 unicast
  ' 02 02 02 00' + // route refresh
  ' 02 06 41 04 fa56ea01' + // 4-octet AS 4200000001
  ' 02 0c 40 0a 4078 0001 01 00 0002 01 00'; // graceful restart: N bit, 120 s, IPv4 and IPv6

describe('OPEN', () => {
  it("reads FRR 8.4's OPEN, keeping the capabilities Herald does not interpret", () => {
    const open = openOf(decodeMessage(FRR_OPEN, OPTIONS));
    expect(open).to.deep.include({ version: 4, myAS: 65010, holdTimeSeconds: 180, bgpIdentifier: 0x0aff0001 });
    expect(open.capabilities).to.deep.equal([
      { kind: 'multiprotocol', family: { afi: 1, safi: 1 } },
      { kind: 'multiprotocol', family: { afi: 2, safi: 1 } },
      { kind: 'unknown', code: 128, value: new Uint8Array(0) },
      { kind: 'route-refresh' },
      { kind: 'unknown', code: 70, value: new Uint8Array(0) },
      { kind: 'four-octet-as', asn: 65010 },
      { kind: 'extended-message' },
      { kind: 'unknown', code: 69, value: fromHex('0001010100020101') },
      { kind: 'unknown', code: 73, value: fromHex('0763617074757265 00') },
      {
        kind: 'graceful-restart',
        restarting: true,
        notification: true,
        restartTimeSeconds: 120,
        families: [
          { family: { afi: 1, safi: 1 }, forwardingPreserved: false },
          { family: { afi: 2, safi: 1 }, forwardingPreserved: false },
        ],
      },
      { kind: 'unknown', code: 71, value: fromHex('0001018000000000020180000000') },
    ]);
  });

  it("writes FRR's OPEN back byte for byte from what it read", () => {
    expect(hex(encodeMessage(openOf(decodeMessage(FRR_OPEN, OPTIONS)), OPTIONS))).to.equal(hex(FRR_OPEN));
  });

  it('writes an OPEN with multiprotocol IPv4 and IPv6, route refresh, 4-octet AS and graceful restart as RFC 4271 and 5492 lay it out', () => {
    expect(hex(encodeMessage(HERALD_OPEN, OPTIONS))).to.equal(hex(fromHex(HERALD_OPEN_BYTES)));
    expect(openOf(decodeMessage(fromHex(HERALD_OPEN_BYTES), OPTIONS))).to.deep.equal(HERALD_OPEN);
  });

  it('reads several capabilities in one optional parameter, as BIRD sends them', () => {
    const open = openOf(decodeMessage(rawOpen('04 fde9 00f0 0a000002 10 02 0e 01 04 0001 00 01 02 00 41 04 0000fde9'), OPTIONS));
    expect(open.capabilities).to.deep.equal([
      { kind: 'multiprotocol', family: { afi: 1, safi: 1 } },
      { kind: 'route-refresh' },
      { kind: 'four-octet-as', asn: 65001 },
    ]);
  });

  it('reads and writes RFC 9072 extended optional parameter lengths when the capabilities pass 255 octets', () => {
    const many: OpenMessage = {
      ...HERALD_OPEN,
      capabilities: Array.from({ length: 60 }, (_, i) => ({ kind: 'unknown' as const, code: 100 + i, value: Uint8Array.of(i) })),
    };
    const bytes = encodeMessage(many, OPTIONS);
    // Non-Ext OP Len 255, Non-Ext OP Type 255, then a 2-octet length; each parameter has a 2-octet length.
    expect(hex(bytes.subarray(28, 35))).to.equal(`ffff${(60 * 6).toString(16).padStart(4, '0')}020003`);
    expect(openOf(decodeMessage(bytes, OPTIONS))).to.deep.equal(many);
  });

  it('reads an empty RFC 9072 parameter list', () => {
    expect(openOf(decodeMessage(rawOpen('04 fde9 00f0 0a000002 ff ff 0000'), OPTIONS)).capabilities).to.deep.equal([]);
  });

  it('answers a version other than 4 with Unsupported Version Number and the version it speaks', () => {
    expectOpenError(rawOpen('03 fde9 00f0 0a000002 00'), OPEN_ERROR.unsupportedVersionNumber, '0004');
  });

  it('answers AS 0, in My AS or in the 4-octet AS capability, with Bad Peer AS (RFC 7607)', () => {
    expectOpenError(rawOpen('04 0000 00f0 0a000002 00'), OPEN_ERROR.badPeerAs);
    expectOpenError(rawOpen('04 5ba0 00f0 0a000002 08 02 06 41 04 00000000'), OPEN_ERROR.badPeerAs);
  });

  it('answers a BGP identifier of 0.0.0.0 with Bad BGP Identifier', () => {
    expectOpenError(rawOpen('04 fde9 00f0 00000000 00'), OPEN_ERROR.badBgpIdentifier);
  });

  it('answers a hold time of 1 or 2 seconds with Unacceptable Hold Time, and accepts 0 and 3', () => {
    expectOpenError(rawOpen('04 fde9 0001 0a000002 00'), OPEN_ERROR.unacceptableHoldTime);
    expectOpenError(rawOpen('04 fde9 0002 0a000002 00'), OPEN_ERROR.unacceptableHoldTime);
    expect(openOf(decodeMessage(rawOpen('04 fde9 0000 0a000002 00'), OPTIONS)).holdTimeSeconds).to.equal(0);
    expect(openOf(decodeMessage(rawOpen('04 fde9 0003 0a000002 00'), OPTIONS)).holdTimeSeconds).to.equal(3);
  });

  it('answers an optional parameter other than Capabilities with Unsupported Optional Parameter', () => {
    expectOpenError(rawOpen('04 fde9 00f0 0a000002 04 01 02 abcd'), OPEN_ERROR.unsupportedOptionalParameter);
  });

  it('answers parameter and capability lengths that do not add up with an OPEN Message Error', () => {
    expectOpenError(rawOpen('04 fde9 00f0 0a000002 05 02 02 02 00'), OPEN_ERROR.unspecific); // parameters length 5, 4 present
    expectOpenError(rawOpen('04 fde9 00f0 0a000002 04 02 02 02 05'), OPEN_ERROR.unspecific); // capability overruns its parameter
    expectOpenError(rawOpen('04 fde9 00f0 0a000002 05 02 03 01 01 00'), OPEN_ERROR.unspecific); // multiprotocol of length 1
    expectOpenError(rawOpen('04 fde9 00f0 0a000002 07 02 05 40 03 0078 00'), OPEN_ERROR.unspecific); // graceful restart of length 3
    expectOpenError(rawOpen('04 fde9 00f0 0a000002 ff ff 00'), OPEN_ERROR.unspecific); // RFC 9072 length cut short
  });

  it('refuses to write a capability whose value passes 255 octets, or an "unknown" one Herald interprets', () => {
    const tooLong: OpenMessage = { ...HERALD_OPEN, capabilities: [{ kind: 'unknown', code: 200, value: new Uint8Array(256) }] };
    expect(() => encodeMessage(tooLong, OPTIONS)).to.throw(RangeError, /255/);
    const disguised: OpenMessage = { ...HERALD_OPEN, capabilities: [{ kind: 'unknown', code: 65, value: new Uint8Array(4) }] };
    expect(() => encodeMessage(disguised, OPTIONS)).to.throw(RangeError, /interpreted/);
  });

  it("takes the peer's AS from the 4-octet AS capability when there is one", () => {
    expect(peerAsOf(HERALD_OPEN)).to.equal(4200000001);
    expect(peerAsOf({ ...HERALD_OPEN, myAS: 65001, capabilities: [] })).to.equal(65001);
    expect(myAsField(4200000001)).to.equal(23456);
    expect(myAsField(65001)).to.equal(65001);
  });

  it('turns on 4-octet AS and extended messages only when both sides advertised them', () => {
    const frr = openOf(decodeMessage(FRR_OPEN, OPTIONS));
    expect(sessionCodecOptions(HERALD_OPEN, frr, false)).to.deep.equal({ fourOctetAs: true, extendedMessage: false, ibgp: false });
    const withExtended: OpenMessage = { ...HERALD_OPEN, capabilities: [...HERALD_OPEN.capabilities, { kind: 'extended-message' }] };
    expect(sessionCodecOptions(withExtended, frr, true)).to.deep.equal({ fourOctetAs: true, extendedMessage: true, ibgp: true });
    expect(sessionCodecOptions(withExtended, { ...frr, capabilities: [] }, true)).to.deep.equal({ fourOctetAs: false, extendedMessage: false, ibgp: true });
  });
});
