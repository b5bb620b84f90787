import { expect } from 'chai';
import fc from 'fast-check';
import { checkReplay, DEFAULT_REPLAY_CONFIG, EMPTY_REPLAY_STATE, pruneReplay, rememberedSenders, type ReplayState } from './replay.js';

const NOW = 1_800_000_000_000_000;
const MS = 1000;

function accept(state: ReplayState, sender: string, stamp: number, now = NOW): ReplayState {
  const v = checkReplay(state, sender, stamp, now, DEFAULT_REPLAY_CONFIG);
  if (!v.ok) throw new Error(`stamp ${stamp} from ${sender} was refused: ${v.detail}`);
  return v.state;
}

function verdict(state: ReplayState, sender: string, stamp: number, now = NOW): string {
  const v = checkReplay(state, sender, stamp, now, DEFAULT_REPLAY_CONFIG);
  return v.ok ? 'ok' : v.reason;
}

describe('membership replay protection', () => {
  it('accepts increasing stamps from a sender and refuses the same stamp twice', () => {
    const s = accept(accept(EMPTY_REPLAY_STATE, 'b', NOW - 10), 'b', NOW - 5);
    expect(verdict(s, 'b', NOW - 5)).to.equal('replayed');
    expect(verdict(s, 'b', NOW - 10)).to.equal('replayed');
    expect(verdict(s, 'c', NOW - 5)).to.equal('ok');
  });

  it('accepts a datagram overtaken on the way, within the reorder window, once', () => {
    const s = accept(EMPTY_REPLAY_STATE, 'b', NOW);
    const late = NOW - 500 * MS;
    expect(verdict(s, 'b', late)).to.equal('ok');
    expect(verdict(accept(s, 'b', late), 'b', late)).to.equal('replayed');
    expect(verdict(s, 'b', NOW - DEFAULT_REPLAY_CONFIG.reorderMs * MS)).to.equal('replayed');
  });

  it('refuses stamps older than the freshness window or too far ahead of its clock', () => {
    expect(verdict(EMPTY_REPLAY_STATE, 'b', NOW - DEFAULT_REPLAY_CONFIG.maxAgeMs * MS - 1)).to.equal('stale');
    expect(verdict(EMPTY_REPLAY_STATE, 'b', NOW + DEFAULT_REPLAY_CONFIG.maxSkewMs * MS + 1)).to.equal('stale');
    expect(verdict(EMPTY_REPLAY_STATE, 'b', NOW - DEFAULT_REPLAY_CONFIG.maxAgeMs * MS)).to.equal('ok');
  });

  it('forgets senders silent for the freshness window, whose old datagrams are stale anyway', () => {
    const s = accept(accept(EMPTY_REPLAY_STATE, 'b', NOW), 'c', NOW + 20_000 * MS, NOW + 20_000 * MS);
    const later = NOW + 31_000 * MS;
    const pruned = pruneReplay(s, later, DEFAULT_REPLAY_CONFIG);
    expect(rememberedSenders(pruned)).to.equal(1);
    expect(verdict(pruned, 'b', NOW, later)).to.equal('stale');
  });

  it('accepts every datagram once, whatever the order within the reorder window', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1_900_000 }), { minLength: 1, maxLength: 60 }), fc.array(fc.nat(), { maxLength: 30 }), (stamps, repeats) => {
        let s = EMPTY_REPLAY_STATE;
        let accepted = 0;
        const sent = [...stamps, ...repeats.map((r) => stamps[r % stamps.length] ?? 0)];
        for (const stamp of sent) {
          const v = checkReplay(s, 'b', NOW - 2_000_000 + stamp, NOW, DEFAULT_REPLAY_CONFIG);
          if (v.ok) {
            s = v.state;
            accepted++;
          }
        }
        expect(accepted).to.equal(stamps.length);
      }),
    );
  });
});
