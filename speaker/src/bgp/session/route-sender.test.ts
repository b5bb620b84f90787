import { expect } from 'chai';
import { FrameReader, type OutboundRoute, decodeMessage } from '../codec/index.js';
import type { SessionCodecOptions, UpdateMessage } from '../messages.js';
import { AdjRibOut } from './adj-rib-out.js';
import { BOTH_UNICAST_FAMILIES } from './config.js';
import type { FrameSink } from './connection.js';
import { ROUTES_PER_BATCH, type SendPlan, sendChanges } from './route-sender.js';

const CODEC: SessionCodecOptions = { fourOctetAs: true, extendedMessage: false, ibgp: false };

/** A socket stand-in whose buffer is always "full": every write asks for a drain the test grants. */
class SlowSink implements FrameSink {
  readonly chunks: Uint8Array[] = [];
  writesSinceDrain = 0;
  maxWritesBetweenDrains = 0;
  private release: ((ok: boolean) => void) | undefined;
  closed = false;

  write(bytes: Uint8Array): boolean {
    if (this.closed) return false;
    this.chunks.push(bytes);
    this.writesSinceDrain += 1;
    this.maxWritesBetweenDrains = Math.max(this.maxWritesBetweenDrains, this.writesSinceDrain);
    return false;
  }

  drained(): Promise<boolean> {
    return new Promise((resolve) => {
      this.release = resolve;
    });
  }

  get waiting(): boolean {
    return this.release !== undefined;
  }

  drain(ok = true): void {
    const release = this.release;
    this.release = undefined;
    this.writesSinceDrain = 0;
    release?.(ok);
  }

  updates(): UpdateMessage[] {
    const reader = new FrameReader();
    const out: UpdateMessage[] = [];
    for (const chunk of this.chunks) {
      for (const frame of reader.push(chunk).frames) {
        const decoded = decodeMessage(frame, CODEC);
        if (!decoded.ok || decoded.message.type !== 'update') throw new Error('expected UPDATE messages only');
        out.push(decoded.message);
      }
    }
    return out;
  }
}

function routes(count: number, distinctAttributes: boolean): Map<string, OutboundRoute> {
  const map = new Map<string, OutboundRoute>();
  for (let i = 0; i < count; i++) {
    const network = 0x0a000000n + BigInt(i);
    map.set(`host ${i}`, {
      prefix: { family: 4, network, length: 32 },
      attributes: distinctAttributes ? { communities: [i] } : {},
      nextHop: 0xc0000201n,
    });
  }
  return map;
}

function plan(rib: AdjRibOut, desired: Map<string, OutboundRoute>): SendPlan {
  return { rib, desired, families: BOTH_UNICAST_FAMILIES, policy: { localAsn: 64512, ibgp: false, gracefulShutdown: false }, codec: CODEC };
}

async function untilWaiting(sink: SlowSink): Promise<void> {
  while (!sink.waiting) await new Promise((resolve) => setImmediate(resolve));
}

describe('sending route changes', () => {
  it('writes one batch at a time and waits for the socket to drain between batches', async () => {
    const sink = new SlowSink();
    const rib = new AdjRibOut();
    const desired = routes(5 * ROUTES_PER_BATCH + 7, true);
    const sending = sendChanges(plan(rib, desired), sink);
    let drains = 0;
    for (;;) {
      await untilWaiting(sink);
      drains += 1;
      const done = rib.size === desired.size;
      sink.drain();
      if (done) break;
    }
    const summary = await sending;
    expect(summary).to.deep.equal({ announced: desired.size, withdrawn: 0, complete: true });
    expect(sink.maxWritesBetweenDrains).to.equal(1);
    expect(drains).to.equal(6);
    const prefixes = sink.updates().flatMap((u) => u.nlri);
    expect(prefixes.length).to.equal(desired.size);
  });

  it('packs routes that share attributes into few UPDATEs', async () => {
    const sink = new SlowSink();
    const sending = sendChanges(plan(new AdjRibOut(), routes(1000, false)), sink);
    await untilWaiting(sink);
    sink.drain();
    await sending;
    const updates = sink.updates();
    expect(updates.flatMap((u) => u.nlri).length).to.equal(1000);
    expect(updates.length).to.be.at.most(2);
  });

  it('withdraws before it announces', async () => {
    const sink = new SlowSink();
    const rib = new AdjRibOut();
    const first = sendChanges(plan(rib, routes(3, false)), sink);
    await untilWaiting(sink);
    sink.drain();
    await first;
    sink.chunks.length = 0;
    const next = new Map(routes(3, false));
    next.delete('host 0');
    next.set('host 9', { prefix: { family: 4, network: 0x0b000000n, length: 32 }, attributes: {}, nextHop: 0xc0000201n });
    const second = sendChanges(plan(rib, next), sink);
    for (let i = 0; i < 2; i++) {
      await untilWaiting(sink);
      sink.drain();
    }
    await second;
    const updates = sink.updates();
    expect(updates.map((u) => [u.withdrawn.length, u.nlri.length])).to.deep.equal([
      [1, 0],
      [0, 1],
    ]);
  });

  it('stops, reporting it, when the connection closes while waiting', async () => {
    const sink = new SlowSink();
    const rib = new AdjRibOut();
    const sending = sendChanges(plan(rib, routes(3 * ROUTES_PER_BATCH, true)), sink);
    await untilWaiting(sink);
    sink.closed = true;
    sink.drain(false);
    const summary = await sending;
    expect(summary.complete).to.equal(false);
    expect(summary.announced).to.equal(ROUTES_PER_BATCH);
  });
});
