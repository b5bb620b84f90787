import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { Writable } from 'node:stream';
import { createLogger } from '@herald/shared/log/logger.js';
import { encodeDatagram } from './codec.js';
import { Membership, type DownReason } from './membership.js';

const logger = createLogger({ component: 'members-test', level: 'error', stream: new Writable({ write: (_c, _e, done) => done() }) });

/** A per-run prefix in node names, as the conventions ask of anything a test creates. */
const RUN = `t${process.pid}-${Date.now() % 100_000}`;

async function eventually(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Group {
  members: Membership[];
  key: Buffer;
  names: string[];
  close(): Promise<void>;
}

/** n members on `ip`, each on a free port, each given every address as a seed. */
async function group(n: number, ip = '127.0.0.1'): Promise<Group> {
  const key = randomBytes(32);
  const names = Array.from({ length: n }, (_, i) => `${RUN}-node-${i}`);
  const members = names.map((name) => new Membership({ name, address: ip, port: 0, key, logger }));
  try {
    for (const m of members) await m.start();
    const seeds = members.map((m) => (ip.includes(':') ? `[${ip}]:${m.port}` : `${ip}:${m.port}`));
    for (const m of members) m.setSeeds(seeds);
    await eventually(`${n} members see each other`, () => members.every((m) => m.liveMembers().length === n));
  } catch (e) {
    await Promise.all(members.map((m) => m.stop()));
    throw e;
  }
  return { members, key, names, close: () => Promise.all(members.map((m) => m.stop())).then(() => undefined) };
}

/** Runs `body` with a formed group of n members and closes the group however it ends. */
async function withGroup(n: number, body: (g: Group) => Promise<void>, ip = '127.0.0.1'): Promise<void> {
  const g = await group(n, ip);
  try {
    await body(g);
  } finally {
    await g.close();
  }
}

/**
 * Does `act` to the group's first member and waits until every other reports it down; returns
 * how long each took and with which reason.
 */
async function reportedDown(g: Group, act: (m: Membership) => Promise<void>, timeoutMs: number): Promise<Array<{ ms: number; reason: DownReason }>> {
  const [subject, ...others] = g.members as [Membership, ...Membership[]];
  const seen = new Map<Membership, { ms: number; reason: DownReason }>();
  const since = performance.now();
  for (const m of others) {
    m.on('member-down', (who, reason) => {
      if (who === subject.name && !seen.has(m)) seen.set(m, { ms: performance.now() - since, reason });
    });
  }
  await act(subject);
  await eventually(`every other member reports ${subject.name} down`, () => seen.size === others.length, timeoutMs);
  for (const m of others) expect(m.liveMembers()).to.not.include(subject.name);
  return [...seen.values()];
}

/** Sends raw bytes to a member from a socket of our own, on loopback. */
async function sendRaw(to: Membership, datagrams: Buffer[]): Promise<void> {
  const socket = createSocket('udp4');
  try {
    for (const d of datagrams) await new Promise<void>((resolve, reject) => socket.send(d, to.port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  } finally {
    socket.close();
  }
}

describe('Membership on loopback', function () {
  this.timeout(15_000);

  it('four members find each other through their seeds and count what they send', async () => {
    await withGroup(4, async (g) => {
      for (const m of g.members) expect(m.liveMembers()).to.deep.equal([...g.names].sort());
      const c = g.members[0]?.counters();
      expect(c?.sentDatagrams).to.be.greaterThan(0);
      expect(c?.receivedDatagrams).to.be.greaterThan(0);
      expect(c?.sentBytes).to.be.greaterThan(c?.sentDatagrams ?? 0);
      expect(c?.drops.auth).to.equal(0);
    });
  });

  it('three members find each other over IPv6 (::1)', async () => {
    await withGroup(
      3,
      async (g) => {
        for (const m of g.members) expect(m.liveMembers()).to.deep.equal([...g.names].sort());
      },
      '::1',
    );
  });

  it('a member stopped without a word is reported down (failed) by every other, well within 3 s', async () => {
    await withGroup(5, async (g) => {
      const seen = await reportedDown(g, (m) => m.stop(), 3000);
      const ms = seen.map((s) => s.ms);
      console.log(`      detection on loopback, 5 members: first ${Math.min(...ms).toFixed(0)} ms, all ${Math.max(...ms).toFixed(0)} ms`);
      expect(seen.map((s) => s.reason)).to.deep.equal(['failed', 'failed', 'failed', 'failed']);
    });
  });

  it('a member that leaves is reported down with reason left at once', async () => {
    await withGroup(4, async (g) => {
      const seen = await reportedDown(g, (m) => m.leave(), 1000);
      console.log(`      leave on loopback, 4 members: all know in ${Math.max(...seen.map((s) => s.ms)).toFixed(1)} ms`);
      expect(seen.map((s) => s.reason)).to.deep.equal(['left', 'left', 'left']);
    });
  });

  it('drops and counts a datagram signed with another key', async () => {
    await withGroup(3, async (g) => {
      const target = g.members[0] as Membership;
      const forged = encodeDatagram({ sender: `${RUN}-intruder`, incarnation: 0, body: { type: 'gossip' }, updates: [] }, Date.now() * 1000, randomBytes(32));
      await sendRaw(target, [forged]);
      await eventually('the forged datagram is counted', () => target.counters().drops.auth === 1);
      expect(target.liveMembers()).to.not.include(`${RUN}-intruder`);
    });
  });

  it('drops and counts a datagram that comes a second time', async () => {
    await withGroup(3, async (g) => {
      const target = g.members[0] as Membership;
      const datagram = encodeDatagram({ sender: g.names[1] ?? '', incarnation: 0, body: { type: 'gossip' }, updates: [] }, Date.now() * 1000, g.key);
      await sendRaw(target, [datagram, datagram]);
      await eventually('the replayed datagram is counted', () => target.counters().drops.replayed === 1);
    });
  });

  it('refuses a short key and a name that is not a node name, saying which', () => {
    expect(() => new Membership({ name: 'n1', address: '127.0.0.1', key: Buffer.alloc(8), logger })).to.throw(/membership of n1: the key is 8 bytes/);
    expect(() => new Membership({ name: 'has space', address: '127.0.0.1', key: Buffer.alloc(32), logger })).to.throw(/node name "has space"/);
    expect(() => new Membership({ name: 'n1', address: 'node-1', key: Buffer.alloc(32), logger })).to.throw(/membership of n1: address: "node-1" is not an IP address/);
    expect(() => new Membership({ name: 'n1', address: '127.0.0.1', key: Buffer.alloc(32), logger, protocol: { probeIntervalMs: 1000 } })).to.throw(/probeIntervalMs: 1000 is not in 100-200/);
  });
});
