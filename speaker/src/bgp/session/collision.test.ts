import { expect } from 'chai';
import fc from 'fast-check';
import { type CollisionInput, type Direction, planIncoming, resolveCollision } from './collision.js';
import type { SessionState } from './fsm-types.js';

const BASE: CollisionInput = {
  existingState: 'OpenConfirm',
  existingDirection: 'outgoing',
  newDirection: 'incoming',
  localId: 0x0a000001,
  localAsn: 64512,
  remoteId: 0x0a000002,
  remoteAsn: 64513,
  peerRestarted: false,
};

describe('connection collision (RFC 4271 section 6.8)', () => {
  const plans: [SessionState, string][] = [
    ['Idle', 'refuse'],
    ['Connect', 'adopt'],
    ['Active', 'adopt'],
    ['OpenSent', 'hold'],
    ['OpenConfirm', 'hold'],
    ['Established', 'hold'],
  ];
  for (const [state, plan] of plans) {
    it(`a connection from the peer in ${state} is ${plan === 'hold' ? 'held until its OPEN arrives' : plan === 'adopt' ? 'adopted' : 'refused'}`, () => {
      expect(planIncoming(state)).to.equal(plan);
    });
  }

  const rows: { title: string; input: Partial<CollisionInput>; keep: 'existing' | 'new' }[] = [
    { title: 'keeps the connection the peer opened when its identifier is higher', input: {}, keep: 'new' },
    { title: 'keeps the connection we opened when our identifier is higher', input: { localId: 0x0a000003 }, keep: 'existing' },
    { title: 'compares identifiers as unsigned numbers', input: { localId: 0xc0000201, remoteId: 0x0a000002 }, keep: 'existing' },
    { title: 'breaks a tie of identifiers by the higher AS: ours', input: { remoteId: 0x0a000001, localAsn: 65000 }, keep: 'existing' },
    { title: 'breaks a tie of identifiers by the higher AS: theirs', input: { remoteId: 0x0a000001 }, keep: 'new' },
    { title: 'decides the same way while our OPEN is unanswered (OpenSent)', input: { existingState: 'OpenSent' }, keep: 'new' },
    { title: 'keeps an Established session over a new connection', input: { existingState: 'Established' }, keep: 'existing' },
    { title: 'replaces an Established session when the peer restarted with graceful restart', input: { existingState: 'Established', peerRestarted: true }, keep: 'new' },
    { title: 'takes a second connection from the peer over its first', input: { existingDirection: 'incoming', localId: 0x0a000003 }, keep: 'new' },
    { title: 'keeps the peer\'s connection we took first when the peer\'s identifier is higher', input: { existingDirection: 'incoming', newDirection: 'outgoing' }, keep: 'existing' },
    { title: 'drops the peer\'s connection we took first when our identifier is higher', input: { existingDirection: 'incoming', newDirection: 'outgoing', localId: 0x0a000003 }, keep: 'new' },
    { title: 'keeps an Established session over our own late connection even with graceful restart', input: { existingState: 'Established', existingDirection: 'incoming', newDirection: 'outgoing', peerRestarted: true }, keep: 'existing' },
  ];
  for (const row of rows) {
    it(row.title, () => {
      expect(resolveCollision({ ...BASE, ...row.input }).keep).to.equal(row.keep);
    });
  }

  it('says which identifier won', () => {
    expect(resolveCollision(BASE).reason).to.contain('10.0.0.2 (AS 64513) is higher than 10.0.0.1 (AS 64512)');
  });

  it('both speakers, each resolving on its own, keep the same connection whichever they took first', () => {
    const id = fc.integer({ min: 1, max: 0xffffffff });
    const asn = fc.integer({ min: 1, max: 0xffffffff });
    const state = fc.constantFrom<'OpenSent' | 'OpenConfirm'>('OpenSent', 'OpenConfirm');
    const direction = fc.constantFrom<Direction>('outgoing', 'incoming');
    const other = (d: Direction): Direction => (d === 'outgoing' ? 'incoming' : 'outgoing');
    fc.assert(
      fc.property(id, id, asn, asn, state, state, direction, direction, (a, b, asA, asB, stateA, stateB, firstA, firstB) => {
        fc.pre(a !== b || asA !== asB);
        const sideA = resolveCollision({ ...BASE, existingState: stateA, existingDirection: firstA, newDirection: other(firstA), localId: a, localAsn: asA, remoteId: b, remoteAsn: asB });
        const sideB = resolveCollision({ ...BASE, existingState: stateB, existingDirection: firstB, newDirection: other(firstB), localId: b, localAsn: asB, remoteId: a, remoteAsn: asA });
        const opener = (side: 'A' | 'B', d: Direction) => (d === 'outgoing' ? side : side === 'A' ? 'B' : 'A');
        const keptByA = opener('A', sideA.keep === 'existing' ? firstA : other(firstA));
        const keptByB = opener('B', sideB.keep === 'existing' ? firstB : other(firstB));
        expect(keptByA).to.equal(keptByB);
      }),
    );
  });
});
