import { expect } from 'chai';
import { chunkUpdates, queueBroadcast, takeBroadcasts, type Broadcast } from './broadcasts.js';
import { updateSize } from './codec.js';
import type { Update } from './messages.js';

const left = (name: string, incarnation = 0): Update => ({ kind: 'left', name, incarnation });

describe('membership broadcast queue', () => {
  it('keeps one update per member, the newest', () => {
    const q = queueBroadcast(queueBroadcast(queueBroadcast([], left('b'), 0), left('c'), 1), left('b', 2), 2);
    expect(q.map((b) => b.update)).to.deep.equal([left('c'), left('b', 2)]);
  });

  it('sends the least sent first, the newest among equals, and those about the target before all', () => {
    const q: Broadcast[] = [
      { update: left('b'), transmits: 2, order: 0 },
      { update: left('c'), transmits: 0, order: 1 },
      { update: left('d'), transmits: 0, order: 2 },
    ];
    expect(takeBroadcasts(q, 1000, 10).updates.map((u) => u.name)).to.deep.equal(['d', 'c', 'b']);
    expect(takeBroadcasts(q, 1000, 10, 'b').updates.map((u) => u.name)).to.deep.equal(['b', 'd', 'c']);
    expect(takeBroadcasts(q, 2 * updateSize(left('b')), 10).updates.map((u) => u.name)).to.deep.equal(['d', 'c']);
  });

  it('drops an update once it has been sent limit times', () => {
    let q: Broadcast[] = [{ update: left('b'), transmits: 0, order: 0 }];
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = takeBroadcasts(q, 1000, 3);
      counts.push(t.updates.length);
      q = t.queue;
    }
    expect(counts).to.deep.equal([1, 1, 1, 0, 0]);
  });

  it('splits updates into datagram-sized runs, in order', () => {
    const updates = Array.from({ length: 10 }, (_, i) => left(`member-${i}`));
    const chunks = chunkUpdates(updates, 3 * updateSize(updates[0] as Update));
    expect(chunks.map((c) => c.length)).to.deep.equal([3, 3, 3, 1]);
    expect(chunks.flat()).to.deep.equal(updates);
  });
});
