import { expect } from 'chai';
import fc from 'fast-check';
import {
  detectionTimeUs,
  initialState,
  step,
  transmitIntervalUs,
  type BfdAction,
  type BfdEvent,
  type BfdParameters,
  type BfdState,
  type StepResult,
} from './fsm.js';
import { DIAG, SESSION_STATES, type ControlPacket, type SessionState } from './packet.js';
import { jitteredDelayMs } from './timing.js';

const LOCAL = 0x1001;
const REMOTE = 0x2002;
const PARAMS: BfdParameters = { desiredMinTxUs: 300_000, requiredMinRxUs: 300_000, detectMult: 3, passive: false };

function at(state: BfdState, event: BfdEvent, now: number, random = 0.5): StepResult {
  return step(state, event, { now, random: () => random });
}

function peer(state: SessionState, overrides: Partial<ControlPacket> = {}): ControlPacket {
  return {
    diag: 0,
    state,
    poll: false,
    final: false,
    controlPlaneIndependent: false,
    demand: false,
    detectMult: 3,
    myDiscriminator: REMOTE,
    yourDiscriminator: state === 'Down' || state === 'AdminDown' ? 0 : LOCAL,
    desiredMinTxUs: 300_000,
    requiredMinRxUs: 300_000,
    requiredMinEchoRxUs: 0,
    ...overrides,
  };
}

function sent(actions: readonly BfdAction[]): ControlPacket[] {
  return actions.flatMap((a) => (a.kind === 'send' ? [a.packet] : []));
}

function changes(actions: readonly BfdAction[]): Array<[SessionState, SessionState, number]> {
  return actions.flatMap((a) => (a.kind === 'state' ? [[a.from, a.to, a.diag] as [SessionState, SessionState, number]] : []));
}

function enabled(params: BfdParameters = PARAMS): BfdState {
  return at(initialState(LOCAL, params), { kind: 'enable' }, 0).state;
}

/** A session brought Up by the three-way handshake at time 10 ms, its Poll answered. */
function upSession(params: BfdParameters = PARAMS): BfdState {
  const init = at(enabled(params), { kind: 'packet', packet: peer('Down') }, 5).state;
  const up = at(init, { kind: 'packet', packet: peer('Init') }, 10).state;
  return at(up, { kind: 'packet', packet: peer('Up', { final: true }) }, 10).state;
}

describe('BFD session state machine', () => {
  describe('starting', () => {
    it('starts administratively down and sends nothing', () => {
      const s = initialState(LOCAL, PARAMS);
      expect(s.sessionState).to.equal('AdminDown');
      expect(s.nextTransmitAt).to.equal(undefined);
    });

    it('goes Down when enabled and sends a Down packet at once, advertising the slow 1 s rate', () => {
      const { state, actions } = at(initialState(LOCAL, PARAMS), { kind: 'enable' }, 100);
      expect(changes(actions)).to.deep.equal([['AdminDown', 'Down', DIAG.none]]);
      const [packet] = sent(actions);
      expect(packet).to.include({ state: 'Down', myDiscriminator: LOCAL, yourDiscriminator: 0, desiredMinTxUs: 1_000_000, requiredMinRxUs: 300_000, detectMult: 3 });
      expect(packet).to.include({ requiredMinEchoRxUs: 0, demand: false, poll: false, final: false });
      expect(state.nextTransmitAt).to.be.within(100 + 750, 100 + 1000);
    });

    it('in passive mode sends nothing until the peer has spoken, then answers at once', () => {
      const passive = enabled({ ...PARAMS, passive: true });
      expect(passive.nextTransmitAt).to.equal(undefined);
      expect(sent(at(initialState(LOCAL, { ...PARAMS, passive: true }), { kind: 'enable' }, 0).actions)).to.deep.equal([]);
      expect(sent(at(passive, { kind: 'timer' }, 5000).actions)).to.deep.equal([]);
      const { state, actions } = at(passive, { kind: 'packet', packet: peer('Down') }, 20);
      expect(state.sessionState).to.equal('Init');
      expect(sent(actions).map((p) => [p.state, p.yourDiscriminator])).to.deep.equal([['Init', REMOTE]]);
      expect(state.nextTransmitAt).to.be.a('number');
    });
  });

  describe('three-way handshake', () => {
    it('goes Down, Init, Up as the peer goes Down, Init', () => {
      const s0 = enabled();
      const r1 = at(s0, { kind: 'packet', packet: peer('Down') }, 5);
      expect(changes(r1.actions)).to.deep.equal([['Down', 'Init', DIAG.none]]);
      expect(sent(r1.actions).map((p) => [p.state, p.yourDiscriminator])).to.deep.equal([['Init', REMOTE]]);
      const r2 = at(r1.state, { kind: 'packet', packet: peer('Init') }, 10);
      expect(changes(r2.actions)).to.deep.equal([['Init', 'Up', DIAG.none]]);
    });

    it('goes straight from Down to Up when the peer is already in Init', () => {
      const r = at(enabled(), { kind: 'packet', packet: peer('Init') }, 5);
      expect(changes(r.actions)).to.deep.equal([['Down', 'Up', DIAG.none]]);
    });

    it('once Up advertises its configured rate in a Poll, and the Final ends the Poll', () => {
      const init = at(enabled(), { kind: 'packet', packet: peer('Down') }, 5).state;
      const up = at(init, { kind: 'packet', packet: peer('Init') }, 10);
      const [packet] = sent(up.actions);
      expect(packet).to.include({ state: 'Up', poll: true, desiredMinTxUs: 300_000 });
      expect(up.state.poll).to.deep.equal({});
      const periodic = at(up.state, { kind: 'timer' }, up.state.nextTransmitAt!);
      expect(sent(periodic.actions).map((p) => p.poll)).to.deep.equal([true]);
      const done = at(periodic.state, { kind: 'packet', packet: peer('Up', { final: true }) }, 20);
      expect(done.state.poll).to.equal(undefined);
      const after = at(done.state, { kind: 'timer' }, done.state.nextTransmitAt!);
      expect(sent(after.actions).map((p) => p.poll)).to.deep.equal([false]);
    });

    it('does not start a Poll on Up when the configured rate is already the slow one', () => {
      const slow = { ...PARAMS, desiredMinTxUs: 2_000_000 };
      const init = at(enabled(slow), { kind: 'packet', packet: peer('Down') }, 5).state;
      const up = at(init, { kind: 'packet', packet: peer('Init') }, 10);
      expect(up.state.poll).to.equal(undefined);
      expect(sent(up.actions).map((p) => p.poll)).to.deep.equal([false]);
    });
  });

  describe('the reception table (RFC 5880 section 6.8.6)', () => {
    const table: Record<'Down' | 'Init' | 'Up', Record<SessionState, [SessionState, number]>> = {
      Down: { AdminDown: ['Down', DIAG.none], Down: ['Init', DIAG.none], Init: ['Up', DIAG.none], Up: ['Down', DIAG.none] },
      Init: { AdminDown: ['Down', DIAG.neighborSignaledSessionDown], Down: ['Init', DIAG.none], Init: ['Up', DIAG.none], Up: ['Up', DIAG.none] },
      Up: { AdminDown: ['Down', DIAG.neighborSignaledSessionDown], Down: ['Down', DIAG.neighborSignaledSessionDown], Init: ['Up', DIAG.none], Up: ['Up', DIAG.none] },
    };
    const reach: Record<'Down' | 'Init' | 'Up', () => BfdState> = {
      Down: () => enabled(),
      Init: () => at(enabled(), { kind: 'packet', packet: peer('Down') }, 5).state,
      Up: () => upSession(),
    };
    for (const local of ['Down', 'Init', 'Up'] as const) {
      for (const remote of SESSION_STATES) {
        const [to, diag] = table[local][remote];
        it(`in ${local}, a packet saying ${remote} leads to ${to}${diag ? ` with diagnostic ${diag}` : ''}`, () => {
          const r = at(reach[local](), { kind: 'packet', packet: peer(remote, { yourDiscriminator: LOCAL }) }, 50);
          expect(r.state.sessionState).to.equal(to);
          expect(r.state.localDiag).to.equal(local === to ? reach[local]().localDiag : diag);
        });
      }
    }
  });

  describe('detection', () => {
    it('takes the detection time from the peer: its Detect Mult times the larger of our Required Min RX and its Desired Min TX', () => {
      const s = at(enabled(), { kind: 'packet', packet: peer('Down', { detectMult: 5, desiredMinTxUs: 200_000 }) }, 0).state;
      expect(detectionTimeUs(s)).to.equal(5 * 300_000);
      const slow = at(enabled(), { kind: 'packet', packet: peer('Down', { detectMult: 2, desiredMinTxUs: 1_000_000 }) }, 0).state;
      expect(detectionTimeUs(slow)).to.equal(2_000_000);
      expect(slow.detectAt).to.equal(2000);
    });

    it('declares the session Down with Control Detection Time Expired when Up and the peer falls silent', () => {
      const up = at(upSession(), { kind: 'packet', packet: peer('Up') }, 1000).state;
      expect(up.detectAt).to.equal(1900);
      const early = at(up, { kind: 'timer' }, 1899.9);
      expect(early.state.sessionState).to.equal('Up');
      const r = at(early.state, { kind: 'timer' }, 1900);
      expect(changes(r.actions)).to.deep.equal([['Up', 'Down', DIAG.controlDetectionTimeExpired]]);
      expect(r.state.remoteDiscr).to.equal(0);
      expect(r.state.detectAt).to.equal(undefined);
      expect(sent(r.actions).map((p) => [p.state, p.diag, p.yourDiscriminator, p.desiredMinTxUs])).to.deep.equal([
        ['Down', DIAG.controlDetectionTimeExpired, 0, 1_000_000],
      ]);
    });

    it('times out of Init the same way', () => {
      const init = at(enabled(), { kind: 'packet', packet: peer('Down') }, 0).state;
      const r = at(init, { kind: 'timer' }, init.detectAt!);
      expect(changes(r.actions)).to.deep.equal([['Init', 'Down', DIAG.controlDetectionTimeExpired]]);
    });

    it('in Down forgets a silent peer without changing state, and a passive session falls quiet again', () => {
      const heard = at(enabled({ ...PARAMS, passive: true }), { kind: 'packet', packet: peer('AdminDown') }, 0).state;
      expect(heard.sessionState).to.equal('Down');
      expect(heard.remoteDiscr).to.equal(REMOTE);
      const r = at(heard, { kind: 'timer' }, heard.detectAt!);
      expect(changes(r.actions)).to.deep.equal([]);
      expect(r.state.remoteDiscr).to.equal(0);
      expect(r.state.nextTransmitAt).to.equal(undefined);
    });

    it('restarts the detection timer with every packet', () => {
      const up = upSession();
      const later = at(up, { kind: 'packet', packet: peer('Up') }, 5000).state;
      expect(later.detectAt).to.equal(5900);
      expect(at(later, { kind: 'timer' }, 5899).state.sessionState).to.equal('Up');
    });
  });

  describe('the peer signalling', () => {
    it('goes Down with Neighbor Signaled Session Down when the peer says Down', () => {
      const r = at(upSession(), { kind: 'packet', packet: peer('Down', { yourDiscriminator: LOCAL, diag: DIAG.controlDetectionTimeExpired }) }, 100);
      expect(changes(r.actions)).to.deep.equal([['Up', 'Down', DIAG.neighborSignaledSessionDown]]);
      expect(sent(r.actions).map((p) => [p.state, p.diag])).to.deep.equal([['Down', DIAG.neighborSignaledSessionDown]]);
    });

    it('goes Down with Neighbor Signaled Session Down when the peer goes AdminDown', () => {
      const r = at(upSession(), { kind: 'packet', packet: peer('AdminDown', { diag: DIAG.administrativelyDown }) }, 100);
      expect(changes(r.actions)).to.deep.equal([['Up', 'Down', DIAG.neighborSignaledSessionDown]]);
    });

    it('comes back Up through the handshake after the peer went down', () => {
      const down = at(upSession(), { kind: 'packet', packet: peer('Down', { yourDiscriminator: LOCAL }) }, 100).state;
      const init = at(down, { kind: 'packet', packet: peer('Down') }, 200).state;
      expect(init.sessionState).to.equal('Init');
      expect(at(init, { kind: 'packet', packet: peer('Up') }, 300).state.sessionState).to.equal('Up');
    });
  });

  describe('administrative control (RFC 5880 section 6.8.16)', () => {
    it('goes AdminDown with Administratively Down, tells the peer once and falls silent', () => {
      const r = at(upSession(), { kind: 'disable' }, 1000);
      expect(changes(r.actions)).to.deep.equal([['Up', 'AdminDown', DIAG.administrativelyDown]]);
      expect(sent(r.actions).map((p) => [p.state, p.diag, p.yourDiscriminator])).to.deep.equal([['AdminDown', DIAG.administrativelyDown, REMOTE]]);
      expect(r.state.detectAt).to.equal(undefined);
      expect(r.state.nextTransmitAt).to.equal(undefined);
    });

    it('tells a peer it was in Init with', () => {
      const init = at(enabled(), { kind: 'packet', packet: peer('Down') }, 0).state;
      expect(sent(at(init, { kind: 'disable' }, 10).actions).map((p) => p.state)).to.deep.equal(['AdminDown']);
    });

    it('sends nothing when it goes AdminDown from Down, where the peer cannot be Up with it', () => {
      const heard = at(enabled(), { kind: 'packet', packet: peer('AdminDown') }, 0).state;
      for (const down of [enabled(), heard]) {
        const r = at(down, { kind: 'disable' }, 10);
        expect(sent(r.actions)).to.deep.equal([]);
        expect(r.state.nextTransmitAt).to.equal(undefined);
      }
    });

    it('discards packets while AdminDown, Polls included', () => {
      const admin = at(upSession(), { kind: 'disable' }, 1000).state;
      const r = at(admin, { kind: 'packet', packet: peer('Up', { poll: true }) }, 1001);
      expect(r.actions.map((a) => a.kind)).to.deep.equal(['discard']);
    });

    it('can be enabled again, starting from a clean Down', () => {
      const again = at(at(upSession(), { kind: 'disable' }, 1000).state, { kind: 'enable' }, 2000);
      expect(changes(again.actions)).to.deep.equal([['AdminDown', 'Down', DIAG.none]]);
      expect(again.state.remoteDiscr).to.equal(0);
      expect(sent(again.actions).map((p) => [p.state, p.yourDiscriminator])).to.deep.equal([['Down', 0]]);
    });
  });

  describe('Poll and Final', () => {
    it('answers a Poll at once with a Final, without touching the periodic timer', () => {
      const up = upSession();
      const r = at(up, { kind: 'packet', packet: peer('Up', { poll: true, desiredMinTxUs: 100_000 }) }, 50);
      expect(sent(r.actions).map((p) => [p.final, p.poll])).to.deep.equal([[true, false]]);
      expect(r.state.nextTransmitAt).to.equal(up.nextTransmitAt);
      expect(detectionTimeUs(r.state)).to.equal(900_000);
    });

    it('answers a Poll even while the peer asks for no periodic packets', () => {
      const r = at(upSession(), { kind: 'packet', packet: peer('Up', { poll: true, requiredMinRxUs: 0 }) }, 50);
      expect(sent(r.actions).map((p) => p.final)).to.deep.equal([true]);
      expect(r.state.nextTransmitAt).to.equal(undefined);
    });

    it('keeps sending at the old rate until the peer confirms a slower one', () => {
      const up = upSession();
      const slower = at(up, { kind: 'parameters', params: { ...PARAMS, desiredMinTxUs: 600_000 } }, 50).state;
      expect(slower.poll).to.deep.equal({ heldDesiredMinTxUs: 300_000 });
      expect(transmitIntervalUs(slower)).to.equal(300_000);
      const periodic = at(slower, { kind: 'timer' }, slower.nextTransmitAt!);
      expect(sent(periodic.actions).map((p) => [p.poll, p.desiredMinTxUs])).to.deep.equal([[true, 600_000]]);
      const confirmed = at(periodic.state, { kind: 'packet', packet: peer('Up', { final: true }) }, 400).state;
      expect(confirmed.poll).to.equal(undefined);
      expect(transmitIntervalUs(confirmed)).to.equal(600_000);
    });

    it('keeps the longer detection time until the peer confirms a shorter Required Min RX', () => {
      const up = at(upSession(), { kind: 'packet', packet: peer('Up', { desiredMinTxUs: 50_000 }) }, 20).state;
      const faster = at(up, { kind: 'parameters', params: { ...PARAMS, requiredMinRxUs: 100_000 } }, 50).state;
      expect(faster.poll).to.deep.equal({ heldRequiredMinRxUs: 300_000 });
      expect(detectionTimeUs(faster)).to.equal(900_000);
      const confirmed = at(faster, { kind: 'packet', packet: peer('Up', { final: true, desiredMinTxUs: 50_000 }) }, 60).state;
      expect(detectionTimeUs(confirmed)).to.equal(300_000);
      expect(confirmed.detectAt).to.equal(60 + 300);
    });

    it('uses a faster rate at once, and polls for it', () => {
      const up = upSession();
      const faster = at(up, { kind: 'parameters', params: { ...PARAMS, desiredMinTxUs: 100_000 } }, 50, 0).state;
      expect(faster.poll).to.deep.equal({});
      expect(transmitIntervalUs(faster)).to.equal(300_000);
      const peerAllows = at(faster, { kind: 'packet', packet: peer('Up', { final: true, requiredMinRxUs: 100_000 }) }, 60, 0).state;
      expect(transmitIntervalUs(peerAllows)).to.equal(100_000);
      expect(peerAllows.nextTransmitAt).to.be.at.most(60 + 100);
    });

    it('ignores a Final when it sent no Poll', () => {
      const up = upSession();
      const r = at(up, { kind: 'packet', packet: peer('Up', { final: true }) }, 50);
      expect(r.state.sessionState).to.equal('Up');
      expect(sent(r.actions)).to.deep.equal([]);
    });
  });

  describe('timer negotiation', () => {
    it('sends at the larger of its Desired Min TX and the peer Required Min RX', () => {
      const up = at(upSession(), { kind: 'packet', packet: peer('Up', { requiredMinRxUs: 500_000 }) }, 20).state;
      expect(transmitIntervalUs(up)).to.equal(500_000);
      const fast = at(upSession(), { kind: 'packet', packet: peer('Up', { requiredMinRxUs: 10_000 }) }, 20).state;
      expect(transmitIntervalUs(fast)).to.equal(300_000);
    });

    it('sends no faster than once a second while not Up, whatever the peer allows', () => {
      const init = at(enabled(), { kind: 'packet', packet: peer('Down', { requiredMinRxUs: 10_000 }) }, 0).state;
      expect(transmitIntervalUs(init)).to.equal(1_000_000);
      const next = at(init, { kind: 'timer' }, init.nextTransmitAt!);
      expect(sent(next.actions).map((p) => p.desiredMinTxUs)).to.deep.equal([1_000_000]);
    });

    it('goes back to the slow rate when the session leaves Up', () => {
      const down = at(upSession(), { kind: 'packet', packet: peer('Down', { yourDiscriminator: LOCAL }) }, 100).state;
      expect(down.desiredMinTxUs).to.equal(1_000_000);
      expect(transmitIntervalUs(down)).to.equal(1_000_000);
      expect(down.poll).to.equal(undefined);
    });

    it('stops periodic packets while the peer asks for none (Required Min RX 0)', () => {
      const r = at(upSession(), { kind: 'packet', packet: peer('Up', { requiredMinRxUs: 0 }) }, 20);
      expect(r.state.nextTransmitAt).to.equal(undefined);
      const resumed = at(r.state, { kind: 'packet', packet: peer('Up') }, 30).state;
      expect(resumed.nextTransmitAt).to.be.within(30 + 225, 30 + 300);
    });

    it("stops periodic packets while the peer's Demand mode is active, and resumes when it ends", () => {
      const demand = at(upSession(), { kind: 'packet', packet: peer('Up', { demand: true }) }, 20).state;
      expect(demand.nextTransmitAt).to.equal(undefined);
      expect(at(demand, { kind: 'packet', packet: peer('Up') }, 30).state.nextTransmitAt).to.be.a('number');
    });
  });

  describe('packets it will not take', () => {
    it('discards a packet with the A bit: no authentication is configured', () => {
      const up = upSession();
      const r = at(up, { kind: 'packet', packet: peer('Down', { auth: { type: 'simple-password', keyId: 1, password: new Uint8Array([1]) } }) }, 20);
      expect(r.state).to.equal(up);
      expect(r.actions).to.have.length(1);
      expect(r.actions[0]).to.include({ kind: 'discard' });
    });

    it('discards a packet for another discriminator', () => {
      const up = upSession();
      const r = at(up, { kind: 'packet', packet: peer('Down', { yourDiscriminator: 77 }) }, 20);
      expect(r.state).to.equal(up);
      expect(r.actions.map((a) => a.kind)).to.deep.equal(['discard']);
    });
  });

  describe('jitter (RFC 5880 section 6.8.7)', () => {
    const draw = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
    const interval = fc.integer({ min: 1, max: 60_000_000 });

    it('spaces periodic packets 75% to 100% of the interval', () => {
      fc.assert(
        fc.property(interval, fc.integer({ min: 2, max: 255 }), draw, (us, mult, r) => {
          expect(jitteredDelayMs(us, mult, r)).to.be.within((us / 1000) * 0.75, us / 1000);
        }),
      );
    });

    it('spaces them 75% to 90% when Detect Mult is 1', () => {
      fc.assert(
        fc.property(interval, draw, (us, r) => {
          expect(jitteredDelayMs(us, 1, r)).to.be.within((us / 1000) * 0.75, (us / 1000) * 0.9);
        }),
      );
    });

    it('uses the whole range', () => {
      expect(jitteredDelayMs(300_000, 3, 0)).to.equal(225);
      expect(jitteredDelayMs(300_000, 3, 0.999999)).to.be.closeTo(300, 0.001);
      expect(jitteredDelayMs(300_000, 1, 0.999999)).to.be.closeTo(270, 0.001);
    });

    it('draws a new jitter for every periodic packet', () => {
      fc.assert(
        fc.property(fc.array(draw, { minLength: 1, maxLength: 20 }), fc.constantFrom(1, 3), (draws, detectMult) => {
          let s = upSession({ ...PARAMS, detectMult });
          for (const r of draws) {
            const t = s.nextTransmitAt!;
            // Keep the peer alive so that detection never interferes.
            s = at(s, { kind: 'packet', packet: peer('Up', { desiredMinTxUs: 10_000, detectMult: 255 }) }, t).state;
            s = at(s, { kind: 'timer' }, t, r).state;
            expect(s.nextTransmitAt).to.equal(t + jitteredDelayMs(transmitIntervalUs(s), detectMult, r));
          }
        }),
      );
    });
  });
});
