import { expect } from 'chai';
import fc from 'fast-check';
import { addressKey } from './address.js';
import { datagramSize, MAX_DATAGRAM_BYTES } from './codec.js';
import { retransmitLimit, suspicionTimeoutMs } from './config.js';
import { initialState, JOIN_SEEDS, liveNames, step, type MemberState } from './fsm.js';
import type { Update } from './messages.js';
import { TEST_CONFIG, addr, at, changes, message, nameAt, scheduled, sent, stateWith } from './test-fixtures.js';

const FOUR_OTHERS = [{ name: 'b' }, { name: 'c' }, { name: 'd' }, { name: 'e' }];

/** Member a probes at 1000; returns the state after the ping and whom it pinged. */
function probing(state: MemberState): { state: MemberState; target: string; seq: number } {
  const r = at(state, { kind: 'tick' }, 1000);
  const [ping] = sent(r.actions, 'ping');
  if (!ping || ping.message.body.type !== 'ping') throw new Error('member a sent no ping at its probe time');
  return { state: r.state, target: ping.message.body.target, seq: ping.message.body.seq };
}

describe('membership state machine', () => {
  describe('joining', () => {
    it('asks seeds other than itself for the member list when it starts, three at most', () => {
      const s = initialState({ name: 'a', address: addr('a'), config: TEST_CONFIG, seeds: [addr('a'), addr('b'), addr('c'), addr('b')] });
      const r = at(s, { kind: 'start' }, 0);
      const syncs = sent(r.actions, 'sync');
      expect(syncs.map((x) => nameAt(x.to)).sort()).to.deep.equal(['b', 'c']);
      const many = initialState({ name: 'a', address: addr('a'), config: TEST_CONFIG, seeds: ['b', 'c', 'd', 'e', 'f'].map(addr) });
      expect(sent(at(many, { kind: 'start' }, 0).actions, 'sync')).to.have.length(JOIN_SEEDS);
      expect(syncs.every((x) => x.message.body.type === 'sync' && x.message.body.replyWanted)).to.equal(true);
      expect(syncs[0]?.message.updates).to.deep.equal([{ kind: 'alive', name: 'a', incarnation: 0, address: addr('a') }]);
      expect(scheduled(r.actions)).to.be.a('number');
    });

    it('learns the group from a seed and counts it live, without broadcasting what it learned', () => {
      const s = at(initialState({ name: 'a', address: addr('a'), config: TEST_CONFIG, seeds: [addr('b')] }), { kind: 'start' }, 0).state;
      const reply = message('b', { type: 'sync', replyWanted: false }, [
        { kind: 'alive', name: 'b', incarnation: 3, address: addr('b') },
        { kind: 'alive', name: 'c', incarnation: 1, address: addr('c') },
        { kind: 'dead', name: 'z', incarnation: 1, from: 'b' },
      ], 3);
      const r = at(s, reply, 5);
      expect(changes(r.actions)).to.deep.equal(['b: unknown -> alive', 'c: unknown -> alive']);
      expect(liveNames(r.state)).to.deep.equal(['a', 'b', 'c']);
      expect(r.state.broadcasts.map((b) => b.update.name)).to.deep.equal(['a', 'b']);
    });

    it('answers a request for the member list with all it knows, in datagrams that fit', () => {
      const others = Array.from({ length: 120 }, (_, i) => ({ name: `node-${String(i).padStart(3, '0')}.cluster.example.com` }));
      const r = at(stateWith(others), message('b', { type: 'sync', replyWanted: true }), 10);
      const replies = sent(r.actions, 'sync').filter((x) => nameAt(x.to) === 'b');
      expect(replies.length).to.be.greaterThan(1);
      expect(replies.every((x) => datagramSize(x.message) <= MAX_DATAGRAM_BYTES)).to.equal(true);
      expect(replies.every((x) => x.message.body.type === 'sync' && !x.message.body.replyWanted)).to.equal(true);
      const names = new Set(replies.flatMap((x) => x.message.updates.map((u) => u.name)));
      expect(names.size).to.equal(122); // 120, b (learned from the request itself) and a
    });

    it('asks one seed that is not a live member for the list every reconnect interval', () => {
      const s = stateWith([{ name: 'b' }], { seeds: [addr('b'), addr('x')], nextReconnectAt: 2000, nextProbeAt: 5000 });
      const r = at(s, { kind: 'tick' }, 2000);
      expect(sent(r.actions, 'sync').map((x) => nameAt(x.to))).to.deep.equal(['x']);
      expect(r.state.nextReconnectAt).to.equal(2000 + TEST_CONFIG.reconnectIntervalMs);
    });

    it('asks a new seed for the list at once', () => {
      const r = at(stateWith([{ name: 'b' }], { seeds: [addr('b')] }), { kind: 'seeds', seeds: [addr('b'), addr('c')] }, 10);
      expect(sent(r.actions, 'sync').map((x) => nameAt(x.to))).to.deep.equal(['c']);
    });
  });

  describe('probing', () => {
    it('pings one member per interval and is content with its ack', () => {
      const p = probing(stateWith(FOUR_OTHERS));
      expect(p.state.nextProbeAt).to.equal(1150);
      const acked = at(p.state, message(p.target, { type: 'ack', seq: p.seq }), 1002);
      expect(acked.state.probe).to.equal(undefined);
      const next = at(acked.state, { kind: 'tick' }, 1150);
      expect(changes(next.actions)).to.deep.equal([]);
      expect(sent(next.actions, 'ping')).to.have.length(1);
    });

    it('probes every live member once a round, in a new order each round', () => {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 12 }), fc.integer(), (n, seed) => {
          const others = Array.from({ length: n }, (_, i) => ({ name: `m${i}` }));
          let s = stateWith(others);
          let x = seed >>> 0;
          const random = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
          const targets: string[] = [];
          for (let round = 0; round < 3 * n; round++) {
            const r = step(s, { kind: 'tick' }, 1000 + round * 150, random);
            const ping = sent(r.actions, 'ping')[0];
            if (ping?.message.body.type === 'ping') {
              targets.push(ping.message.body.target);
              s = step(r.state, message(ping.message.body.target, { type: 'ack', seq: ping.message.body.seq }), 1001 + round * 150, random).state;
            }
          }
          for (let round = 0; round < 3; round++) {
            expect([...targets.slice(round * n, (round + 1) * n)].sort()).to.deep.equal(others.map((o) => o.name).sort());
          }
        }),
      );
    });

    it('skips members that are dead or gone, and probes suspects', () => {
      const s = stateWith([{ name: 'b', status: 'dead', reapAt: 99_999 }, { name: 'c', status: 'left', reapAt: 99_999 }, { name: 'd', status: 'suspect', suspicion: { startedAt: 0, accuser: 'e', confirmations: [], deadline: 99_999 } }]);
      expect(probing(s).target).to.equal('d');
    });

    it('asks k other members to ping a target that did not answer in time', () => {
      const p = probing(stateWith(FOUR_OTHERS));
      const r = at(p.state, { kind: 'tick' }, 1080);
      const reqs = sent(r.actions, 'ping-req');
      expect(reqs).to.have.length(3);
      expect(reqs.map((x) => nameAt(x.to))).to.not.include(p.target);
      for (const x of reqs) expect(x.message.body).to.deep.equal({ type: 'ping-req', seq: p.seq, target: p.target, targetAddress: addr(p.target) });
    });

    it('an ack relayed by another member saves the target from suspicion', () => {
      const p = probing(stateWith(FOUR_OTHERS));
      const asked = at(p.state, { kind: 'tick' }, 1080);
      const relay = nameAt(sent(asked.actions, 'ping-req')[0]?.to ?? addr('z'));
      const acked = at(asked.state, message(relay, { type: 'ack', seq: p.seq }), 1100);
      const r = at(acked.state, { kind: 'tick' }, 1150);
      expect(changes(r.actions)).to.deep.equal([]);
    });

    it('suspects a member silent to it and to the relays, and tells the member itself', () => {
      const p = probing(stateWith(FOUR_OTHERS));
      const asked = at(p.state, { kind: 'tick' }, 1080);
      const r = at(asked.state, { kind: 'tick' }, 1150);
      expect(changes(r.actions)).to.deep.equal([`${p.target}: alive -> suspect`]);
      const pushes = sent(r.actions, 'gossip');
      expect(pushes.map((x) => nameAt(x.to))).to.include(p.target);
      expect(pushes).to.have.length(TEST_CONFIG.pushFanout + 1);
      for (const x of pushes) expect(x.message.updates).to.deep.equal([{ kind: 'suspect', name: p.target, incarnation: 0, from: 'a' }]);
    });

    it('does not suspect anyone when its own timer fires late: the process was stalled', () => {
      const p = probing(stateWith(FOUR_OTHERS));
      const asked = at(p.state, { kind: 'tick' }, 1080);
      const r = at(asked.state, { kind: 'tick' }, 1150 + 200);
      expect(changes(r.actions)).to.deep.equal([]);
      expect(r.state.health).to.equal(1);
    });

    it('slows down when no relay answers at all, which says the fault is likely its own (Lifeguard)', () => {
      const p = probing(stateWith(FOUR_OTHERS));
      const r = at(at(p.state, { kind: 'tick' }, 1080).state, { kind: 'tick' }, 1150);
      expect(r.state.health).to.equal(1);
      expect(r.state.nextProbeAt).to.equal(1150 + 2 * TEST_CONFIG.probeIntervalMs);
    });

    it('does not answer a ping meant for another member at its address', () => {
      const r = at(stateWith(FOUR_OTHERS), message('b', { type: 'ping', seq: 7, target: 'zz' }), 10);
      expect(sent(r.actions)).to.deep.equal([]);
    });
  });

  describe('relaying', () => {
    it('pings the target of a ping-req and forwards its ack under the requester sequence', () => {
      const s = stateWith(FOUR_OTHERS);
      const r = at(s, message('b', { type: 'ping-req', seq: 41, target: 'c', targetAddress: addr('c') }), 10);
      const [ping] = sent(r.actions, 'ping');
      expect(ping?.to).to.deep.equal(addr('c'));
      const seq = ping?.message.body.type === 'ping' ? ping.message.body.seq : -1;
      const forwarded = at(r.state, message('c', { type: 'ack', seq }), 12);
      expect(sent(forwarded.actions, 'ack').map((x) => [nameAt(x.to), x.message.body])).to.deep.equal([['b', { type: 'ack', seq: 41 }]]);
    });

    it('answers a ping-req with a nack when the target stays silent', () => {
      const r = at(stateWith(FOUR_OTHERS), message('b', { type: 'ping-req', seq: 41, target: 'c', targetAddress: addr('c') }), 10);
      const nackAt = scheduled(r.actions) ?? 0;
      expect(nackAt).to.be.closeTo(10 + 0.8 * (150 - 80), 1e-9);
      const t = at(r.state, { kind: 'tick' }, nackAt);
      expect(sent(t.actions, 'nack').map((x) => [nameAt(x.to), x.message.body])).to.deep.equal([['b', { type: 'nack', seq: 41 }]]);
    });
  });

  describe('suspicion', () => {
    function suspectedWithNacks(nacks: number): MemberState {
      const p = probing(stateWith(FOUR_OTHERS));
      let s = at(p.state, { kind: 'tick' }, 1080).state;
      for (const relay of (s.probe?.relays ?? []).slice(0, nacks)) s = at(s, message(relay, { type: 'nack', seq: p.seq }), 1100).state;
      return at(s, { kind: 'tick' }, 1150).state;
    }

    it('lasts the shortest time when every relay confirms the target silent, the longest when none does', () => {
      const deadline = (s: MemberState): number | undefined => [...s.members.values()].find((m) => m.status === 'suspect')?.suspicion?.deadline;
      expect(deadline(suspectedWithNacks(3))).to.equal(1150 + suspicionTimeoutMs(TEST_CONFIG, 5, 3));
      expect(deadline(suspectedWithNacks(0))).to.equal(1150 + suspicionTimeoutMs(TEST_CONFIG, 5, 0));
      expect(suspicionTimeoutMs(TEST_CONFIG, 5, 3)).to.equal(300);
      expect(suspicionTimeoutMs(TEST_CONFIG, 5, 0)).to.equal(1200);
    });

    it('declares a suspect dead when its suspicion runs out, and tells every live member at once', () => {
      const s = suspectedWithNacks(3);
      const [suspect] = [...s.members.values()].filter((m) => m.status === 'suspect');
      const r = at(s, { kind: 'tick' }, 1450);
      expect(changes(r.actions)).to.deep.equal([`${suspect?.name}: suspect -> dead`]);
      const pushes = sent(r.actions, 'gossip');
      expect(pushes.map((x) => nameAt(x.to)).sort()).to.deep.equal(['b', 'c', 'd', 'e'].filter((n) => n !== suspect?.name));
      for (const x of pushes) expect(x.message.updates).to.deep.equal([{ kind: 'dead', name: suspect?.name, incarnation: 0, from: 'a' }]);
      expect(liveNames(r.state)).to.not.include(suspect?.name);
    });

    it('shortens a suspicion that others confirm', () => {
      const s = stateWith(FOUR_OTHERS);
      const suspected = at(s, message('b', { type: 'gossip' }, [{ kind: 'suspect', name: 'c', incarnation: 0, from: 'b' }]), 100).state;
      expect(suspected.members.get('c')?.suspicion?.deadline).to.equal(100 + 1200);
      const confirmed = at(suspected, message('d', { type: 'gossip' }, [{ kind: 'suspect', name: 'c', incarnation: 0, from: 'd' }]), 110).state;
      expect(confirmed.members.get('c')?.suspicion?.deadline).to.equal(100 + suspicionTimeoutMs(TEST_CONFIG, 5, 1));
    });

    it('a suspected member refutes: it raises its incarnation and says it is alive', () => {
      const r = at(stateWith(FOUR_OTHERS), message('b', { type: 'gossip' }, [{ kind: 'suspect', name: 'a', incarnation: 0, from: 'b' }]), 100);
      expect(r.state.self.incarnation).to.equal(1);
      // The shell hears of it: the others may have moved what this member holds meanwhile.
      expect(r.actions.filter((x) => x.kind === 'refuted')).to.deep.equal([{ kind: 'refuted', claim: 'suspect', incarnation: 1 }]);
      expect(r.state.health).to.equal(1);
      const pushes = sent(r.actions, 'gossip');
      expect(pushes).to.have.length(TEST_CONFIG.pushFanout);
      for (const x of pushes) expect(x.message.updates).to.deep.equal([{ kind: 'alive', name: 'a', incarnation: 1, address: addr('a') }]);
    });

    it('a refutation ends the suspicion wherever it arrives', () => {
      const s = stateWith([{ name: 'b', status: 'suspect', suspicion: { startedAt: 0, accuser: 'c', confirmations: [], deadline: 2000 } }, { name: 'c' }]);
      const r = at(s, message('c', { type: 'gossip' }, [{ kind: 'alive', name: 'b', incarnation: 1, address: addr('b') }]), 500);
      expect(changes(r.actions)).to.deep.equal(['b: suspect -> alive']);
      expect(changes(at(r.state, { kind: 'tick' }, 2000).actions)).to.deep.equal([]);
    });

    it('keeps pinging a member it suspects, the suspicion attached, every ack timeout until it refutes', () => {
      const s = suspectedWithNacks(3);
      const [suspect] = [...s.members.values()].filter((m) => m.status === 'suspect');
      const name = suspect?.name ?? '';
      expect(suspect?.suspicion?.repingAt).to.equal(1150 + TEST_CONFIG.ackTimeoutMs);
      const first = at(s, { kind: 'tick' }, 1230);
      const pings = sent(first.actions, 'ping').filter((x) => nameAt(x.to) === name);
      expect(pings).to.have.length(1);
      expect(pings[0]?.message.body).to.include({ type: 'ping', target: name });
      expect(pings[0]?.message.updates).to.deep.equal([{ kind: 'suspect', name, incarnation: 0, from: 'a' }]);
      expect(first.state.members.get(name)?.suspicion?.repingAt).to.equal(1230 + TEST_CONFIG.ackTimeoutMs);
      const seq = pings[0]?.message.body.type === 'ping' ? pings[0].message.body.seq : -1;
      // Its ack comes from the refuted incarnation: the suspicion is over.
      const refuted = at(first.state, message(name, { type: 'ack', seq }, [], 1), 1232);
      expect(changes(refuted.actions)).to.deep.equal([`${name}: suspect -> alive`]);
      expect(sent(at(refuted.state, { kind: 'tick' }, 1310).actions, 'ping').filter((x) => nameAt(x.to) === name)).to.deep.equal([]);
    });

    it('pings a suspect itself once its own probe of it fails too, not only on hearsay', () => {
      const heard = at(stateWith(FOUR_OTHERS, { nextProbeAt: 5000 }), message('b', { type: 'gossip' }, [{ kind: 'suspect', name: 'c', incarnation: 0, from: 'b' }]), 100).state;
      expect(heard.members.get('c')?.suspicion?.repingAt).to.equal(undefined);
      const probe = { seq: 7, target: 'c', incarnation: 0, address: addr('c'), indirectAt: 80, failAt: 150, relays: [], indirectSent: true, nacks: [] };
      const failed = at({ ...heard, probe }, { kind: 'tick' }, 150).state;
      expect(failed.members.get('c')?.suspicion?.confirmations).to.deep.equal(['a']);
      expect(failed.members.get('c')?.suspicion?.repingAt).to.equal(150 + TEST_CONFIG.ackTimeoutMs * (1 + failed.health));
    });

    it('spreads the news when a suspect is heard from at a higher incarnation, replacing the stale suspicion in its queue', () => {
      const s = stateWith([{ name: 'b', status: 'suspect', suspicion: { startedAt: 0, accuser: 'c', confirmations: [], deadline: 2000 } }, { name: 'c' }, { name: 'd' }], {
        broadcasts: [{ update: { kind: 'suspect', name: 'b', incarnation: 0, from: 'c' }, transmits: 0, order: 1 }],
      });
      const r = at(s, message('b', { type: 'ack', seq: 99 }, [], 1), 500);
      expect(changes(r.actions)).to.deep.equal(['b: suspect -> alive']);
      const alive = { kind: 'alive', name: 'b', incarnation: 1, address: addr('b') };
      expect(r.state.broadcasts.map((b) => b.update)).to.deep.equal([alive]);
      expect(sent(r.actions, 'gossip').map((x) => x.message.updates)).to.deep.equal([[alive], [alive]]);
    });

    it('tells a suspected member of the suspicion first on the next ping to it', () => {
      const s = stateWith([{ name: 'b', status: 'suspect', suspicion: { startedAt: 0, accuser: 'c', confirmations: [], deadline: 9000 } }], {
        broadcasts: [
          { update: { kind: 'alive', name: 'x', incarnation: 0, address: addr('x') }, transmits: 0, order: 2 },
          { update: { kind: 'suspect', name: 'b', incarnation: 0, from: 'c' }, transmits: 3, order: 1 },
        ],
      });
      const [ping] = sent(at(s, { kind: 'tick' }, 1000).actions, 'ping');
      expect(ping?.message.updates[0]).to.deep.equal({ kind: 'suspect', name: 'b', incarnation: 0, from: 'c' });
    });
  });

  describe('incarnations', () => {
    type Case = [string, Partial<{ status: 'alive' | 'suspect' | 'dead' | 'left'; incarnation: number }> | undefined, Update, string | undefined];
    const suspicion = { startedAt: 0, accuser: 'c', confirmations: [], deadline: 9000 };
    const cases: Case[] = [
      ['alive 1, alive 1', { incarnation: 1 }, { kind: 'alive', name: 'b', incarnation: 1, address: addr('b') }, 'alive'],
      ['alive 1, suspect 0 (older)', { incarnation: 1 }, { kind: 'suspect', name: 'b', incarnation: 0, from: 'c' }, 'alive'],
      ['alive 1, suspect 1', { incarnation: 1 }, { kind: 'suspect', name: 'b', incarnation: 1, from: 'c' }, 'suspect'],
      ['alive 1, dead 1', { incarnation: 1 }, { kind: 'dead', name: 'b', incarnation: 1, from: 'c' }, 'dead'],
      ['alive 1, left 1', { incarnation: 1 }, { kind: 'left', name: 'b', incarnation: 1 }, 'left'],
      ['alive 1, dead 0 (older)', { incarnation: 1 }, { kind: 'dead', name: 'b', incarnation: 0, from: 'c' }, 'alive'],
      ['suspect 1, alive 1', { status: 'suspect', incarnation: 1 }, { kind: 'alive', name: 'b', incarnation: 1, address: addr('b') }, 'suspect'],
      ['suspect 1, alive 2', { status: 'suspect', incarnation: 1 }, { kind: 'alive', name: 'b', incarnation: 2, address: addr('b') }, 'alive'],
      ['dead 1, alive 1', { status: 'dead', incarnation: 1 }, { kind: 'alive', name: 'b', incarnation: 1, address: addr('b') }, 'dead'],
      ['dead 1, alive 2 (back)', { status: 'dead', incarnation: 1 }, { kind: 'alive', name: 'b', incarnation: 2, address: addr('b') }, 'alive'],
      ['dead 1, suspect 2', { status: 'dead', incarnation: 1 }, { kind: 'suspect', name: 'b', incarnation: 2, from: 'c' }, 'dead'],
      ['dead 1, left 1', { status: 'dead', incarnation: 1 }, { kind: 'left', name: 'b', incarnation: 1 }, 'left'],
      ['left 1, alive 1', { status: 'left', incarnation: 1 }, { kind: 'alive', name: 'b', incarnation: 1, address: addr('b') }, 'left'],
      ['left 1, alive 2 (back)', { status: 'left', incarnation: 1 }, { kind: 'alive', name: 'b', incarnation: 2, address: addr('b') }, 'alive'],
      ['left 1, dead 2', { status: 'left', incarnation: 1 }, { kind: 'dead', name: 'b', incarnation: 2, from: 'c' }, 'left'],
      ['unknown, alive 0', undefined, { kind: 'alive', name: 'b', incarnation: 0, address: addr('b') }, 'alive'],
      ['unknown, suspect 0', undefined, { kind: 'suspect', name: 'b', incarnation: 0, from: 'c' }, undefined],
      ['unknown, dead 0', undefined, { kind: 'dead', name: 'b', incarnation: 0, from: 'c' }, undefined],
      ['unknown, left 0', undefined, { kind: 'left', name: 'b', incarnation: 0 }, undefined],
    ];
    for (const [title, known, update, expected] of cases) {
      it(`${title} -> ${expected ?? 'unknown'}`, () => {
        const b = known && { name: 'b', ...known, ...(known.status === 'suspect' ? { suspicion } : {}) };
        const s = stateWith([...(b ? [b] : []), { name: 'c' }]);
        const r = at(s, message('c', { type: 'gossip' }, [update]), 100);
        expect(r.state.members.get('b')?.status).to.equal(expected);
      });
    }

    it('a dead member that comes back with a higher incarnation is live again', () => {
      const s = stateWith([{ name: 'b', status: 'dead', incarnation: 2, reapAt: 30_000 }, { name: 'c' }]);
      const r = at(s, message('c', { type: 'gossip' }, [{ kind: 'alive', name: 'b', incarnation: 3, address: addr('b') }]), 100);
      expect(changes(r.actions)).to.deep.equal(['b: dead -> alive']);
      expect(r.state.members.get('b')?.reapAt).to.equal(undefined);
    });

    it('tells a member it holds dead that it is dead, so that it refutes', () => {
      const s = stateWith([{ name: 'b', status: 'dead', incarnation: 2, reapAt: 30_000 }]);
      const r = at(s, message('b', { type: 'ping', seq: 1, target: 'a' }, [], 2), 100);
      const told = sent(r.actions, 'gossip');
      expect(told.map((x) => [nameAt(x.to), x.message.updates])).to.deep.equal([['b', [{ kind: 'dead', name: 'b', incarnation: 2, from: 'a' }]]]);
    });

    it('a restarted member continues above the incarnation the others remember', () => {
      const r = at(stateWith(FOUR_OTHERS), message('b', { type: 'gossip' }, [{ kind: 'dead', name: 'a', incarnation: 5, from: 'b' }]), 100);
      expect(r.state.self.incarnation).to.equal(6);
    });

    it('a datagram from a member is first-hand news that it is alive at its incarnation', () => {
      const s = stateWith([{ name: 'b', status: 'suspect', incarnation: 0, suspicion: { startedAt: 0, accuser: 'c', confirmations: [], deadline: 9000 } }]);
      const r = at(s, message('b', { type: 'ack', seq: 99 }, [], 1), 100);
      expect(changes(r.actions)).to.deep.equal(['b: suspect -> alive']);
      const unknown = at(stateWith([]), message('q', { type: 'ack', seq: 99 }, [], 4), 100);
      expect(unknown.state.members.get('q')).to.include({ status: 'alive', incarnation: 4 });
    });

    it('forgets a dead member after reapAfterMs', () => {
      const s = stateWith([{ name: 'b', status: 'dead', reapAt: 30_000 }], { nextProbeAt: 50_000 });
      expect(at(s, { kind: 'tick' }, 30_000).state.members.has('b')).to.equal(false);
    });
  });

  describe('leaving', () => {
    it('tells every live member it leaves, then does nothing more', () => {
      const s = stateWith([{ name: 'b' }, { name: 'c', incarnation: 4 }, { name: 'd', status: 'dead', reapAt: 9000 }], { self: { name: 'a', address: addr('a'), incarnation: 2, leaving: false } });
      const r = at(s, { kind: 'leave' }, 100);
      expect(sent(r.actions).map((x) => [nameAt(x.to), x.message.body.type, x.message.updates])).to.deep.equal([
        ['b', 'gossip', [{ kind: 'left', name: 'a', incarnation: 2 }]],
        ['c', 'gossip', [{ kind: 'left', name: 'a', incarnation: 2 }]],
      ]);
      expect(scheduled(r.actions)).to.equal(undefined);
      expect(liveNames(r.state)).to.deep.equal(['b', 'c']);
      const later = at(r.state, message('b', { type: 'ping', seq: 3, target: 'a' }), 200);
      expect(sent(later.actions)).to.deep.equal([]);
    });

    it('drops a member that leaves at once, without suspicion, and passes the news on', () => {
      const r = at(stateWith(FOUR_OTHERS), message('b', { type: 'gossip' }, [{ kind: 'left', name: 'b', incarnation: 0 }]), 100);
      expect(changes(r.actions)).to.deep.equal(['b: alive -> left']);
      expect(liveNames(r.state)).to.deep.equal(['a', 'c', 'd', 'e']);
      expect(sent(r.actions, 'gossip')).to.have.length(TEST_CONFIG.pushFanout);
    });
  });

  describe('dissemination', () => {
    it('an update rides on at most lambda * ceil(log10(n + 1)) datagrams, then is dropped', () => {
      const s = stateWith(FOUR_OTHERS);
      let state = at(s, message('b', { type: 'gossip' }, [{ kind: 'alive', name: 'f', incarnation: 1, address: addr('f') }]), 10).state;
      const limit = retransmitLimit(TEST_CONFIG, 6);
      expect(limit).to.equal(4);
      let carried = 0;
      for (let i = 0; i < 20; i++) {
        const r = at(state, message('c', { type: 'ping', seq: i, target: 'a' }), 20 + i);
        carried += sent(r.actions, 'ack').filter((x) => x.message.updates.some((u) => u.name === 'f')).length;
        state = r.state;
      }
      expect(carried).to.equal(limit);
      expect(state.broadcasts.some((b) => b.update.name === 'f')).to.equal(false);
    });

    it('never sends a datagram over 1232 bytes, however much news is queued', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 60 }), (n, nameLength) => {
          const others = Array.from({ length: n }, (_, i) => ({ name: `${'n'.repeat(nameLength)}${i}` }));
          const broadcasts = others.map((o, i) => ({ update: { kind: 'alive', name: o.name, incarnation: 1, address: addr('b') } as Update, transmits: 0, order: i }));
          const r = at(stateWith(others, { broadcasts }), { kind: 'tick' }, 1000);
          for (const x of sent(r.actions)) expect(datagramSize(x.message)).to.be.at.most(MAX_DATAGRAM_BYTES);
        }),
        { numRuns: 50 },
      );
    });

    it('pushes news at once to pushFanout live members other than its subject', () => {
      const r = at(stateWith(FOUR_OTHERS), message('b', { type: 'gossip' }, [{ kind: 'dead', name: 'c', incarnation: 0, from: 'b' }]), 10);
      const targets = sent(r.actions, 'gossip').map((x) => addressKey(x.to));
      expect(targets).to.have.length(TEST_CONFIG.pushFanout);
      expect(targets).to.not.include(addressKey(addr('c')));
    });
  });
});
