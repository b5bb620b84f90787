import { expect } from 'chai';
import { WorkQueue } from './queue.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await tick();
}

describe('controller work queue', () => {
  it('processes nothing until started, then each waiting item once, in the order first added', async () => {
    const seen: string[] = [];
    const q = new WorkQueue((i) => seen.push(i), { onError: () => undefined });
    q.add('s:a/x');
    q.add('c');
    q.add('s:a/x');
    await settle();
    expect(seen).to.deep.equal([]);
    q.start();
    await settle();
    expect(seen).to.deep.equal(['s:a/x', 'c']);
  });

  it('works in batches and runs the after-batch step once per batch', async () => {
    const seen: string[] = [];
    let batches = 0;
    const q = new WorkQueue((i) => seen.push(i), { batchSize: 2, afterBatch: () => batches++, onError: () => undefined });
    for (const i of ['a', 'b', 'c', 'd', 'e']) q.add(i);
    q.start();
    await settle();
    expect(seen).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    expect(batches).to.equal(3);
  });

  it('reports an item that throws and goes on with the next', async () => {
    const seen: string[] = [];
    const errors: string[] = [];
    const q = new WorkQueue(
      (i) => {
        if (i === 'bad') throw new Error('boom');
        seen.push(i);
      },
      { onError: (i, e) => errors.push(`${i}: ${(e as Error).message}`) },
    );
    q.add('bad');
    q.add('good');
    q.start();
    await settle();
    expect(seen).to.deep.equal(['good']);
    expect(errors).to.deep.equal(['bad: boom']);
  });

  it('stops between items when paused and forgets what it is told to clear', async () => {
    const seen: string[] = [];
    const q = new WorkQueue(
      (i) => {
        seen.push(i);
        if (i === 'a') q.pause();
      },
      { onError: () => undefined },
    );
    q.add('a');
    q.add('b');
    q.start();
    await settle();
    expect(seen).to.deep.equal(['a']);
    q.clear();
    q.add('c');
    q.start();
    await settle();
    expect(seen).to.deep.equal(['a', 'c']);
  });
});
