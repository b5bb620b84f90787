import { expect } from 'chai';
import type { OpenMessage } from '../messages.js';
import { AS_TRANS } from '../messages.js';
import { IPV4_UNICAST, IPV6_UNICAST, type SessionConfig } from './config.js';
import { buildOpen, formatRouterId, keepaliveMs, negotiate } from './negotiation.js';
import { MP_BOTH, TEST_CONFIG, peerOpen } from './test-fixtures.js';

const CONFIG = TEST_CONFIG;
const open = peerOpen;

function accepted(message: OpenMessage, config: SessionConfig = CONFIG) {
  const result = negotiate(message, config);
  if (!result.ok) throw new Error(`expected the OPEN to be accepted: ${result.error.reason}`);
  return result.session;
}

function refused(message: OpenMessage, config: SessionConfig = CONFIG) {
  const result = negotiate(message, config);
  if (result.ok) throw new Error('expected the OPEN to be refused');
  return result.error;
}

describe('OPEN we send', () => {
  it('puts a 2-octet AS in the AS field and in the 4-octet AS capability', () => {
    const ours = buildOpen(CONFIG);
    expect(ours.myAS).to.equal(64512);
    expect(ours.capabilities).to.deep.include({ kind: 'four-octet-as', asn: 64512 });
  });

  it('puts AS_TRANS in the AS field when our AS needs 4 octets', () => {
    const ours = buildOpen({ ...CONFIG, localAsn: 4200000001 });
    expect(ours.myAS).to.equal(AS_TRANS);
    expect(ours.capabilities).to.deep.include({ kind: 'four-octet-as', asn: 4200000001 });
  });

  it('offers both unicast families, route refresh and extended messages', () => {
    const kinds = buildOpen(CONFIG).capabilities.map((c) => c.kind);
    expect(kinds).to.deep.equal(['multiprotocol', 'multiprotocol', 'route-refresh', 'four-octet-as', 'extended-message']);
  });

  it('advertises graceful restart with forwarding preserved only when enabled', () => {
    expect(buildOpen(CONFIG).capabilities.some((c) => c.kind === 'graceful-restart')).to.equal(false);
    const gr = buildOpen({ ...CONFIG, gracefulRestart: true, restartTimeSeconds: 90 }).capabilities.find(
      (c) => c.kind === 'graceful-restart',
    );
    expect(gr).to.deep.equal({
      kind: 'graceful-restart',
      restarting: false,
      notification: false,
      restartTimeSeconds: 90,
      families: [
        { family: IPV4_UNICAST, forwardingPreserved: true },
        { family: IPV6_UNICAST, forwardingPreserved: true },
      ],
    });
  });

  it('carries our router ID and hold time', () => {
    const ours = buildOpen(CONFIG);
    expect(ours.bgpIdentifier).to.equal(0x0a000001);
    expect(ours.holdTimeSeconds).to.equal(90);
    expect(formatRouterId(ours.bgpIdentifier)).to.equal('10.0.0.1');
  });
});

describe('OPEN negotiation', () => {
  describe('peer AS', () => {
    it('accepts the configured AS', () => {
      expect(accepted(open()).peerAsn).to.equal(64513);
    });

    it('takes a 4-octet peer AS from the capability, not the AS_TRANS in the AS field', () => {
      const peer = open({ myAS: AS_TRANS, capabilities: [...MP_BOTH, { kind: 'four-octet-as', asn: 4200000002 }] });
      expect(accepted(peer, { ...CONFIG, peerAsn: 4200000002 }).peerAsn).to.equal(4200000002);
    });

    it('takes the AS field from a 2-octet peer without the capability', () => {
      const session = accepted(open({ capabilities: MP_BOTH }));
      expect(session.peerAsn).to.equal(64513);
      expect(session.codec.fourOctetAs).to.equal(false);
    });

    const cases: { title: string; peerAsn: SessionConfig['peerAsn']; theirs: number; ok: boolean }[] = [
      { title: 'refuses an AS other than the configured one', peerAsn: 64513, theirs: 65000, ok: false },
      { title: 'refuses a 4-octet peer whose AS arrives as AS_TRANS without the capability', peerAsn: 4200000002, theirs: AS_TRANS, ok: false },
      { title: 'accepts any AS when none is configured', peerAsn: undefined, theirs: 65000, ok: true },
      { title: 'accepts our own AS for a dynamic internal peer', peerAsn: 'internal', theirs: 64512, ok: true },
      { title: 'refuses another AS for a dynamic internal peer', peerAsn: 'internal', theirs: 64513, ok: false },
      { title: 'accepts another AS for a dynamic external peer', peerAsn: 'external', theirs: 65000, ok: true },
      { title: 'refuses our own AS for a dynamic external peer', peerAsn: 'external', theirs: 64512, ok: false },
    ];
    for (const c of cases) {
      it(c.title, () => {
        const peer = open({ myAS: c.theirs, capabilities: MP_BOTH });
        const result = negotiate(peer, { ...CONFIG, peerAsn: c.peerAsn });
        expect(result.ok).to.equal(c.ok);
        if (!result.ok) expect([result.error.code, result.error.subcode]).to.deep.equal([2, 2]);
      });
    }

    it('classifies the session as iBGP or eBGP by the AS numbers', () => {
      expect(accepted(open({ myAS: 64512, capabilities: MP_BOTH }), { ...CONFIG, peerAsn: 'internal' }).ibgp).to.equal(true);
      expect(accepted(open()).ibgp).to.equal(false);
      expect(accepted(open()).codec.ibgp).to.equal(false);
    });
  });

  describe('BGP identifier', () => {
    it('refuses 0.0.0.0 with Bad BGP Identifier', () => {
      const error = refused(open({ bgpIdentifier: 0 }));
      expect([error.code, error.subcode]).to.deep.equal([2, 3]);
    });

    it('refuses our own identifier on iBGP', () => {
      const peer = open({ myAS: 64512, capabilities: MP_BOTH, bgpIdentifier: CONFIG.routerId });
      const error = refused(peer, { ...CONFIG, peerAsn: 64512 });
      expect([error.code, error.subcode]).to.deep.equal([2, 3]);
      expect(error.reason).to.contain('10.0.0.1');
    });

    it('accepts our own identifier on eBGP (RFC 6286)', () => {
      expect(accepted(open({ bgpIdentifier: CONFIG.routerId })).peerRouterId).to.equal(CONFIG.routerId);
    });
  });

  describe('hold time and keepalive', () => {
    const holdCases: { ours: number; theirs: number; hold: number; keepaliveMs: number }[] = [
      { ours: 90, theirs: 180, hold: 90, keepaliveMs: 30000 },
      { ours: 90, theirs: 9, hold: 9, keepaliveMs: 3000 },
      { ours: 90, theirs: 3, hold: 3, keepaliveMs: 1000 },
      { ours: 90, theirs: 10, hold: 10, keepaliveMs: 3333 },
      { ours: 90, theirs: 0, hold: 0, keepaliveMs: 0 },
      { ours: 0, theirs: 90, hold: 0, keepaliveMs: 0 },
    ];
    for (const c of holdCases) {
      it(`ours ${c.ours} s and theirs ${c.theirs} s give hold ${c.hold} s and keepalives every ${c.keepaliveMs} ms`, () => {
        const session = accepted(open({ holdTimeSeconds: c.theirs }), { ...CONFIG, holdTimeSeconds: c.ours });
        expect([session.holdTimeSeconds, session.keepaliveMs]).to.deep.equal([c.hold, c.keepaliveMs]);
      });
    }

    for (const theirs of [1, 2]) {
      it(`refuses a hold time of ${theirs} s with Unacceptable Hold Time`, () => {
        const error = refused(open({ holdTimeSeconds: theirs }));
        expect([error.code, error.subcode]).to.deep.equal([2, 6]);
      });
    }

    it('keeps a configured keepalive shorter than a third of the hold time', () => {
      expect(keepaliveMs(90, 10)).to.equal(10000);
    });

    it('sends keepalives every third of the hold time when none is configured', () => {
      expect(keepaliveMs(90, 0)).to.equal(30000);
    });
  });

  describe('capabilities', () => {
    it('refuses BGP versions other than 4, saying which it speaks', () => {
      const error = refused(open({ version: 3 }));
      expect([error.code, error.subcode, [...error.data]]).to.deep.equal([2, 1, [0, 4]]);
    });

    it('speaks the families both sides offer', () => {
      const session = accepted(open({ capabilities: [{ kind: 'multiprotocol', family: IPV6_UNICAST }] }));
      expect(session.families).to.deep.equal([IPV6_UNICAST]);
    });

    it('takes a peer without multiprotocol capabilities to speak IPv4 unicast (RFC 4760)', () => {
      expect(accepted(open({ capabilities: [] })).families).to.deep.equal([IPV4_UNICAST]);
    });

    it('refuses a peer with no family in common with Unsupported Capability, listing ours', () => {
      const error = refused(open({ capabilities: [{ kind: 'multiprotocol', family: { afi: 25, safi: 70 } }] }));
      expect([error.code, error.subcode]).to.deep.equal([2, 7]);
      expect([...error.data]).to.deep.equal([1, 4, 0, 1, 0, 1, 1, 4, 0, 2, 0, 1]);
    });

    it('uses extended messages only when the peer offers them too', () => {
      expect(accepted(open()).codec.extendedMessage).to.equal(false);
      const peer = open({ capabilities: [...MP_BOTH, { kind: 'extended-message' }] });
      expect(accepted(peer).codec.extendedMessage).to.equal(true);
    });

    it('negotiates graceful restart only when both sides advertise it', () => {
      const withGr = open({
        capabilities: [
          ...MP_BOTH,
          { kind: 'graceful-restart', restarting: false, notification: false, restartTimeSeconds: 120, families: [] },
        ],
      });
      expect(accepted(withGr).gracefulRestart).to.equal(false);
      expect(accepted(withGr, { ...CONFIG, gracefulRestart: true }).gracefulRestart).to.equal(true);
      expect(accepted(open(), { ...CONFIG, gracefulRestart: true }).gracefulRestart).to.equal(false);
    });

    it('notes whether the peer can refresh routes', () => {
      expect(accepted(open()).peerRouteRefresh).to.equal(false);
      expect(accepted(open({ capabilities: [...MP_BOTH, { kind: 'route-refresh' }] })).peerRouteRefresh).to.equal(true);
    });
  });
});
