import { expect } from 'chai';
import fc from 'fast-check';
import type { NotificationMessage } from '../messages.js';
import { CEASE, FSM_ERROR, HEADER_ERROR, OPEN_ERROR, ROUTE_REFRESH_ERROR, UPDATE_ERROR, bgpError } from './errors.js';
import { decodeMessage, encodeMessage } from './message.js';
import { NOTIFICATION_CODES, describeNotification } from './notification-codes.js';
import {
  describeNotificationMessage,
  notificationFromError,
  shutdownCommunication,
  shutdownNotification,
} from './notification.js';
import { fromHex } from './seeds.js';
import { EBGP4, hex } from './test-updates.js';

describe('NOTIFICATION codes and subcodes', () => {
  const cases: [number, number, string][] = [
    [1, 1, 'Message Header Error / Connection Not Synchronized'],
    [1, 3, 'Message Header Error / Bad Message Type'],
    [2, 2, 'OPEN Message Error / Bad Peer AS'],
    [2, 7, 'OPEN Message Error / Unsupported Capability'],
    [2, 11, 'OPEN Message Error / Role Mismatch'],
    [3, 0, 'UPDATE Message Error / Unspecific'],
    [3, 11, 'UPDATE Message Error / Malformed AS_PATH'],
    [4, 0, 'Hold Timer Expired'],
    [5, 2, 'Finite State Machine Error / Receive Unexpected Message in OpenConfirm State'],
    [6, 2, 'Cease / Administrative Shutdown'],
    [6, 9, 'Cease / Hard Reset'],
    [6, 10, 'Cease / BFD Down'],
    [7, 1, 'ROUTE-REFRESH Message Error / Invalid Message Length'],
    [8, 0, 'Send Hold Timer Expired'],
    [6, 99, 'Cease / unknown subcode 99'],
    [42, 1, 'unknown error code 42 / subcode 1'],
  ];
  for (const [code, subcode, text] of cases) {
    it(`names ${code}/${subcode} "${text}"`, () => expect(describeNotification(code, subcode)).to.equal(text));
  }

  it('has a name for every subcode constant the codec and the session use', () => {
    const tables: [number, Record<string, number>][] = [
      [1, HEADER_ERROR],
      [2, OPEN_ERROR],
      [3, UPDATE_ERROR],
      [5, FSM_ERROR],
      [6, CEASE],
      [7, ROUTE_REFRESH_ERROR],
    ];
    for (const [code, subcodes] of tables) {
      for (const subcode of Object.values(subcodes)) {
        expect(NOTIFICATION_CODES.get(code)?.subcodes.has(subcode), `${code}/${subcode}`).to.equal(true);
      }
    }
  });
});

describe('NOTIFICATION', () => {
  it('writes code, subcode and data after the header (RFC 4271 4.5)', () => {
    const bytes = encodeMessage({ type: 'notification', code: 2, subcode: 1, data: Uint8Array.of(0, 4) }, EBGP4);
    expect(hex(bytes)).to.equal('ffffffffffffffffffffffffffffffff0017030201' + '0004');
  });

  it('turns a decoding error into the NOTIFICATION to send, with its data', () => {
    const error = bgpError(3, UPDATE_ERROR.optionalAttributeError, 'MP_REACH_NLRI: bad', Uint8Array.of(0x80, 0x0e, 0));
    expect(notificationFromError(error)).to.deep.equal({ type: 'notification', code: 3, subcode: 9, data: Uint8Array.of(0x80, 0x0e, 0) });
  });

  it('cuts error data so the NOTIFICATION fits 4096 octets on any session', () => {
    const error = bgpError(7, ROUTE_REFRESH_ERROR.invalidMessageLength, 'too long', new Uint8Array(65000));
    const bytes = encodeMessage(notificationFromError(error), EBGP4);
    expect(bytes.length).to.equal(4096);
  });

  it('reads a NOTIFICATION with no data, and refuses one shorter than 21 octets', () => {
    const result = decodeMessage(fromHex('ffffffffffffffffffffffffffffffff 0015 03 0400'), EBGP4);
    expect(result.ok && result.message).to.deep.equal({ type: 'notification', code: 4, subcode: 0, data: new Uint8Array(0) });
    expect(decodeMessage(fromHex('ffffffffffffffffffffffffffffffff 0014 03 06'), EBGP4).ok).to.equal(false);
  });
});

describe('shutdown communication (RFC 8203, RFC 9003)', () => {
  it('writes Cease / Administrative Shutdown with a length-prefixed UTF-8 message', () => {
    const n = shutdownNotification('maintenance');
    expect(n).to.deep.include({ code: 6, subcode: CEASE.administrativeShutdown });
    expect(hex(n.data)).to.equal('0b' + Buffer.from('maintenance').toString('hex'));
    expect(shutdownCommunication(n)).to.equal('maintenance');
    expect(describeNotificationMessage(n)).to.equal('Cease / Administrative Shutdown: "maintenance"');
  });

  it('cuts a long message to 255 octets without splitting a character', () => {
    const n = shutdownNotification('é'.repeat(200), CEASE.administrativeReset);
    expect(n.data[0]).to.equal(254);
    expect(shutdownCommunication(n)).to.equal('é'.repeat(127));
  });

  it('ignores a communication whose length overruns the data, or on another code', () => {
    const bad: NotificationMessage = { type: 'notification', code: 6, subcode: 2, data: Uint8Array.of(10, 0x41) };
    expect(shutdownCommunication(bad)).to.equal(undefined);
    expect(describeNotificationMessage(bad)).to.equal('Cease / Administrative Shutdown (data 0a41)');
    expect(shutdownCommunication({ ...bad, subcode: 3, data: Uint8Array.of(1, 0x41) })).to.equal(undefined);
  });

  it('shows invalid UTF-8 with replacement characters rather than failing', () => {
    expect(shutdownCommunication({ type: 'notification', code: 6, subcode: 2, data: Uint8Array.of(2, 0xff, 0x41) })).to.equal('\ufffdA');
  });

  it('reads back any text it writes, up to 255 octets', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (text) => {
        const n = shutdownNotification(text);
        const read = decodeMessage(encodeMessage(n, EBGP4), EBGP4);
        const back = read.ok && read.message.type === 'notification' ? shutdownCommunication(read.message) : 'not a notification';
        expect(text.startsWith(back ?? '')).to.equal(true);
        if (Buffer.byteLength(text) <= 255) expect(back ?? '').to.equal(text);
      }),
    );
  });
});
