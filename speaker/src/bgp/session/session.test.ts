import { expect } from 'chai';
import net from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@herald/shared/log/logger.js';
import { parseIP } from '@herald/shared/net/address.js';
import type { IP } from '@herald/shared/net/address.js';
import { GRACEFUL_SHUTDOWN, type OutboundRoute, isEndOfRib } from '../codec/index.js';
import type { Message, NotificationMessage, Prefix, UpdateMessage } from '../messages.js';
import { IPV4_UNICAST } from './config.js';
import type { SessionState } from './fsm-types.js';
import { type ScriptedConnection, ScriptedListener, dialScripted, scriptedOpen } from './scripted-peer.js';
import { BgpSession, type BgpSessionOptions, type StateChange } from './session.js';

const LOOPBACK = ip('127.0.0.1');
const LOCAL_ASN = 64512;
const PEER_ASN = 64513;
const LOCAL_ID = 0x0a000005;

function ip(text: string): IP {
  const parsed = parseIP(text);
  if (parsed === undefined) throw new Error(`bad test address ${text}`);
  return parsed;
}

/** Log lines of every session in the test, parsed. */
const logLines: Record<string, unknown>[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});
const logger = createLogger({ component: 'bgp-session-test', level: 'debug', stream: logStream });

const cleanups: (() => Promise<void> | void)[] = [];

function later(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

function session(overrides: Partial<BgpSessionOptions> & { peerPort: number }): BgpSession {
  const s = new BgpSession({
    peerName: 'tor',
    peerAddress: LOOPBACK,
    peerASN: PEER_ASN,
    localASN: LOCAL_ASN,
    routerId: LOCAL_ID,
    sourceAddress: LOOPBACK,
    holdTimeSeconds: 90,
    keepaliveTimeSeconds: 30,
    connectTimeSeconds: 5,
    gracefulRestart: false,
    ibgp: false,
    ebgpMultiHop: false,
    logger,
    ...overrides,
  });
  later(() => s.stop());
  return s;
}

/** A server on 127.0.0.1 that hands every connection to `session`. */
async function serverFor(target: () => BgpSession): Promise<net.Server> {
  const server = net.createServer((socket) => target().acceptIncoming(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  later(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return server;
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

async function scriptedListener(): Promise<ScriptedListener> {
  const listener = await ScriptedListener.start();
  later(() => listener.stop());
  return listener;
}

function hostRoute(text: string, extra: Partial<OutboundRoute['attributes']> = {}): [string, OutboundRoute] {
  const address = ip(text);
  const length = address.family === 4 ? 32 : 128;
  const nextHop = address.family === 4 ? ip('192.0.2.1').value : ip('2001:db8::1').value;
  return [`${text}/${length}`, { prefix: { family: address.family, network: address.value, length }, attributes: { ...extra }, nextHop }];
}

function once<T>(s: BgpSession, event: 'established' | 'down', timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms (state ${s.state})`)), timeoutMs);
    s.once(event, (value: unknown) => {
      clearTimeout(timer);
      resolve(value as T);
    });
  });
}

function reachState(s: BgpSession, state: SessionState, timeoutMs = 10_000): Promise<void> {
  if (s.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`state ${state} not reached within ${timeoutMs} ms (state ${s.state})`)), timeoutMs);
    const onState = (change: StateChange) => {
      if (change.to !== state) return;
      clearTimeout(timer);
      s.off('state', onState);
      resolve();
    };
    s.on('state', onState);
  });
}

function connectionCount(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function prefixText(p: Prefix): string {
  return `${p.family}:${p.network.toString(16)}/${p.length}`;
}

/** Prefixes announced and withdrawn by a list of UPDATEs, as text. */
function summarize(updates: readonly UpdateMessage[]): { announced: string[]; withdrawn: string[] } {
  return {
    announced: updates.flatMap((u) => [...u.nlri, ...(u.mpReach?.prefixes ?? [])]).map(prefixText).sort(),
    withdrawn: updates.flatMap((u) => [...u.withdrawn, ...(u.mpUnreach?.prefixes ?? [])]).map(prefixText).sort(),
  };
}

function isUpdate(m: Message): m is UpdateMessage {
  return m.type === 'update';
}

function isNotification(m: Message): m is NotificationMessage {
  return m.type === 'notification';
}

/** Reads UPDATEs until End-of-RIB has come for `families` families. */
async function updatesUntilEndOfRib(peer: ScriptedConnection, families = 2): Promise<UpdateMessage[]> {
  const updates: UpdateMessage[] = [];
  let seen = 0;
  while (seen < families) {
    const update = (await peer.next(isUpdate)) as UpdateMessage;
    if (isEndOfRib(update) !== undefined) seen += 1;
    else updates.push(update);
  }
  return updates;
}

/** A session dialling a scripted peer, both through OPEN and KEEPALIVE. */
async function establishedWithScripted(
  overrides: Partial<BgpSessionOptions> = {},
  peerOpen = scriptedOpen(PEER_ASN, 0x0a000009),
): Promise<{ s: BgpSession; peer: ScriptedConnection; listener: ScriptedListener }> {
  const listener = await scriptedListener();
  const s = session({ peerPort: listener.port, ...overrides });
  const established = once(s, 'established');
  s.start();
  const peer = await listener.accepted();
  await peer.handshake(peerOpen);
  await established;
  return { s, peer, listener };
}

describe('BGP session over loopback', function () {
  this.timeout(30_000);

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('two Herald sessions reach Established and one receives the other\'s routes, then End-of-RIB', async () => {
    const server = await serverFor(() => passive);
    const passive = session({ peerPort: 1, peerASN: LOCAL_ASN, localASN: PEER_ASN, routerId: 0x0a000006, passive: true });
    const active = session({ peerPort: portOf(server) });
    const received: UpdateMessage[] = [];
    passive.on('update', (u) => received.push(u));
    active.setRoutes(new Map([hostRoute('198.51.100.1'), hostRoute('198.51.100.2'), hostRoute('2001:db8:5::1')]));

    const bothUp = Promise.all([once(active, 'established'), once(passive, 'established')]);
    passive.start();
    active.start();
    await bothUp;
    while (received.filter((u) => isEndOfRib(u) !== undefined).length < 2) await sleep(10);

    expect(summarize(received)).to.deep.equal({
      announced: ['4:c6336401/32', '4:c6336402/32', '6:20010db8000500000000000000000001/128'],
      withdrawn: [],
    });
    const v4 = received.find((u) => u.nlri.length > 0)!;
    expect(v4.attributes.asPath).to.deep.equal([{ type: 2, asns: [LOCAL_ASN] }]);
    expect(v4.attributes.nextHop).to.equal(ip('192.0.2.1').value);
    expect(received.at(-1)?.mpUnreach?.prefixes ?? received.at(-1)?.nlri).to.deep.equal([]);
    expect(active.state).to.equal('Established');
    expect(active.negotiated?.peerAsn).to.equal(PEER_ASN);
  });

  it('sends only the difference when routes change, one UPDATE set for calls in the same tick', async () => {
    const { s, peer } = await establishedWithScripted();
    s.setRoutes(new Map([hostRoute('198.51.100.1'), hostRoute('198.51.100.2'), hostRoute('198.51.100.3')]));
    expect(summarize(await updatesUntilEndOfRib(peer)).announced).to.have.length(3);

    const before = peer.received.length;
    s.setRoutes(new Map([hostRoute('198.51.100.1')]));
    s.setRoutes(new Map([hostRoute('198.51.100.1'), hostRoute('198.51.100.4')]));
    s.setRoutes(new Map([hostRoute('198.51.100.1'), hostRoute('198.51.100.2', { communities: [0xfc000001] }), hostRoute('198.51.100.4')]));
    await sleep(300);
    const updates = peer.received.slice(before).filter(isUpdate);
    expect(summarize(updates)).to.deep.equal({ announced: ['4:c6336402/32', '4:c6336404/32'], withdrawn: ['4:c6336403/32'] });
    expect(updates.some((u) => u.nlri.some((p) => p.network === ip('198.51.100.1').value))).to.equal(false);
  });

  it('with the changed prefixes named, compares only those; a call without them compares the whole table again', async () => {
    const { s, peer } = await establishedWithScripted();
    const table = new Map([hostRoute('198.51.100.1'), hostRoute('198.51.100.2'), hostRoute('198.51.100.3')]);
    s.setRoutes(table);
    await updatesUntilEndOfRib(peer);

    let before = peer.received.length;
    table.set(...hostRoute('198.51.100.2', { communities: [0xfc000001] }));
    table.delete('198.51.100.3/32');
    table.set(...hostRoute('198.51.100.4'));
    // Changed in place but not named: left alone until the whole table is compared.
    table.set(...hostRoute('198.51.100.1', { communities: [0xfc000002] }));
    s.setRoutes(table, ['198.51.100.2/32', '198.51.100.3/32', '198.51.100.4/32']);
    await s.flushed();
    await sleep(100);
    expect(summarize(peer.received.slice(before).filter(isUpdate))).to.deep.equal({ announced: ['4:c6336402/32', '4:c6336404/32'], withdrawn: ['4:c6336403/32'] });

    before = peer.received.length;
    s.setRoutes(table);
    await s.flushed();
    await sleep(100);
    expect(summarize(peer.received.slice(before).filter(isUpdate))).to.deep.equal({ announced: ['4:c6336401/32'], withdrawn: [] });
  });

  it('resends every route on a route refresh, and a change naming its prefixes afterwards is sent too', async () => {
    const { s, peer } = await establishedWithScripted();
    const table = new Map([hostRoute('198.51.100.1'), hostRoute('198.51.100.2')]);
    s.setRoutes(table);
    await updatesUntilEndOfRib(peer);
    const before = peer.received.length;
    peer.send({ type: 'route-refresh', family: IPV4_UNICAST, subtype: 0 });
    await peer.next(isUpdate);
    table.set(...hostRoute('198.51.100.3'));
    s.setRoutes(table, ['198.51.100.3/32']);
    await s.flushed();
    await sleep(100);
    expect(summarize(peer.received.slice(before).filter(isUpdate)).announced).to.deep.equal(['4:c6336401/32', '4:c6336402/32', '4:c6336403/32']);
  });

  it('holds routes until the session is up and sends them with End-of-RIB for each family', async () => {
    const listener = await scriptedListener();
    const s = session({ peerPort: listener.port });
    s.setRoutes(new Map([hostRoute('198.51.100.1'), hostRoute('2001:db8:5::1')]));
    s.start();
    const peer = await listener.accepted();
    await peer.handshake(scriptedOpen(PEER_ASN, 0x0a000009));
    const updates = await updatesUntilEndOfRib(peer);
    expect(summarize(updates).announced).to.deep.equal(['4:c6336401/32', '6:20010db8000500000000000000000001/128']);
  });

  it('sends LOCAL_PREF and an empty AS path to an iBGP peer', async () => {
    const { s, peer } = await establishedWithScripted({ peerASN: LOCAL_ASN, ibgp: true }, scriptedOpen(LOCAL_ASN, 0x0a000009));
    peer.codec = { ...peer.codec, ibgp: true };
    s.setRoutes(new Map([hostRoute('198.51.100.1', { localPref: 150 })]));
    const [update] = await updatesUntilEndOfRib(peer);
    expect(update?.attributes.localPref).to.equal(150);
    expect(update?.attributes.asPath).to.deep.equal([]);
  });

  it('strips LOCAL_PREF towards an eBGP peer', async () => {
    const { s, peer } = await establishedWithScripted();
    s.setRoutes(new Map([hostRoute('198.51.100.1', { localPref: 150 })]));
    const [update] = await updatesUntilEndOfRib(peer);
    expect(update?.attributes).to.not.have.property('localPref');
  });

  it('talks to a 2-octet peer with AS_TRANS and the real AS in AS4_PATH', async () => {
    const listener = await scriptedListener();
    const s = session({ peerPort: listener.port, localASN: 4200000001 });
    s.setRoutes(new Map([hostRoute('198.51.100.1')]));
    s.start();
    const peer = await listener.accepted();
    peer.codec = { fourOctetAs: false, extendedMessage: false, ibgp: false };
    const open = scriptedOpen(PEER_ASN, 0x0a000009);
    const theirs = await peer.handshake({ ...open, capabilities: open.capabilities.filter((c) => c.kind !== 'four-octet-as') });
    expect(theirs.myAS).to.equal(23456);
    const [update] = await updatesUntilEndOfRib(peer);
    expect(update?.attributes.asPath).to.deep.equal([{ type: 2, asns: [4200000001] }]);
  });

  it('keeps the session while the peer sends keepalives, and ends it with Hold Timer Expired when the peer falls silent', async () => {
    const { s, peer } = await establishedWithScripted({ holdTimeSeconds: 3, keepaliveTimeSeconds: 1 }, scriptedOpen(PEER_ASN, 0x0a000009, 3));
    const keepalives = setInterval(() => peer.send({ type: 'keepalive' }), 1000);
    await sleep(4500);
    clearInterval(keepalives);
    expect(s.state).to.equal('Established');
    expect(peer.received.filter((m) => m.type === 'keepalive').length).to.be.at.least(4);

    const silentSince = Date.now();
    const down = await once<{ reason: string; notification?: NotificationMessage }>(s, 'down', 6000);
    expect(Date.now() - silentSince).to.be.within(1500, 4000);
    expect(down.reason).to.equal('hold timer expired: nothing from the peer for 3 s');
    const notification = (await peer.next(isNotification)) as NotificationMessage;
    expect([notification.code, notification.subcode]).to.deep.equal([4, 0]);
    expect(logLines.filter((l) => l.message === 'NOTIFICATION sent' && l.peer === 'tor' && Date.parse(String(l.ts)) >= silentSince).map((l) => l.notification)).to.deep.equal(['Hold Timer Expired']);
    expect(s.state).to.equal('Active');
  });

  it('graceful shutdown re-announces every route with GRACEFUL_SHUTDOWN and LOCAL_PREF 0, waits, then sends Cease / Administrative Shutdown', async () => {
    const { s, peer } = await establishedWithScripted({ peerASN: LOCAL_ASN, ibgp: true }, scriptedOpen(LOCAL_ASN, 0x0a000009));
    peer.codec = { ...peer.codec, ibgp: true };
    s.setRoutes(new Map([hostRoute('198.51.100.1', { localPref: 150 }), hostRoute('198.51.100.2'), hostRoute('2001:db8:5::1')]));
    await updatesUntilEndOfRib(peer);

    const arrivals: { message: Message; at: number }[] = [];
    const started = Date.now();
    const shuttingDown = s.shutdown({ gracefulShutdownMs: 500 });
    for (;;) {
      const message = await peer.next();
      arrivals.push({ message, at: Date.now() - started });
      if (message.type === 'notification') break;
    }
    await shuttingDown;

    const updates = arrivals.map((a) => a.message).filter(isUpdate);
    expect(summarize(updates).announced).to.have.length(3);
    for (const update of updates) {
      expect(update.attributes.communities).to.include(GRACEFUL_SHUTDOWN);
      expect(update.attributes.localPref).to.equal(0);
    }
    const last = arrivals.at(-1)!;
    expect(arrivals.findIndex((a) => a.message.type === 'notification')).to.equal(arrivals.length - 1);
    const notification = last.message as NotificationMessage;
    expect([notification.code, notification.subcode]).to.deep.equal([6, 2]);
    expect(new TextDecoder().decode(notification.data.subarray(1))).to.equal('graceful shutdown (RFC 8326)');
    const lastUpdateAt = arrivals.filter((a) => a.message.type === 'update').at(-1)!.at;
    expect(last.at - lastUpdateAt).to.be.at.least(450);
    expect(s.state).to.equal('Idle');
  });

  it('stop sends Cease / Administrative Shutdown and does not dial again', async () => {
    const { s, peer, listener } = await establishedWithScripted();
    const down = once<{ notification?: NotificationMessage }>(s, 'down');
    await s.stop();
    const notification = (await peer.next(isNotification)) as NotificationMessage;
    expect([notification.code, notification.subcode]).to.deep.equal([6, 2]);
    expect((await down).notification?.subcode).to.equal(2);
    expect(s.state).to.equal('Idle');
    await sleep(1500);
    expect(listener.all).to.have.length(1);
  });

  it('bringDown sends Cease / BFD Down at once and dials again after the back-off', async () => {
    const { s, peer, listener } = await establishedWithScripted();
    const down = once<{ reason: string }>(s, 'down');
    s.bringDown('BFD session to 127.0.0.1 went down');
    expect((await down).reason).to.equal('BFD session to 127.0.0.1 went down');
    const notification = (await peer.next(isNotification)) as NotificationMessage;
    expect([notification.code, notification.subcode]).to.deep.equal([6, 10]);
    const again = await listener.accepted(3000);
    await again.handshake(scriptedOpen(PEER_ASN, 0x0a000009));
    await reachState(s, 'Established');
  });

  it('a graceful-restart stop closes without NOTIFICATION so the peer keeps the routes', async () => {
    const gr = { kind: 'graceful-restart', restarting: false, notification: false, restartTimeSeconds: 120, families: [] } as const;
    const { s, peer } = await establishedWithScripted({ gracefulRestart: true }, scriptedOpen(PEER_ASN, 0x0a000009, 90, [gr]));
    expect(s.negotiated?.gracefulRestart).to.equal(true);
    await s.stop({ graceful: true });
    await peer.closed;
    expect(peer.received.filter(isNotification)).to.deep.equal([]);
  });

  it('resends every route of a family when the peer asks for a route refresh', async () => {
    const { s, peer } = await establishedWithScripted();
    s.setRoutes(new Map([hostRoute('198.51.100.1'), hostRoute('198.51.100.2'), hostRoute('2001:db8:5::1')]));
    await updatesUntilEndOfRib(peer);
    peer.send({ type: 'route-refresh', family: IPV4_UNICAST, subtype: 0 });
    const update = (await peer.next(isUpdate)) as UpdateMessage;
    expect(summarize([update]).announced).to.deep.equal(['4:c6336401/32', '4:c6336402/32']);
  });

  it('answers a message header it cannot read with a NOTIFICATION and goes down', async () => {
    const { s, peer } = await establishedWithScripted();
    const down = once<{ reason: string }>(s, 'down');
    peer.socket.write(new Uint8Array(19).fill(0));
    const notification = (await peer.next(isNotification)) as NotificationMessage;
    expect([notification.code, notification.subcode]).to.deep.equal([1, 1]);
    expect((await down).reason).to.match(/marker/i);
  });

  it('retries a refused connection after about a second, then with growing delays', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = portOf(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const s = session({ peerPort: port });
    const changes: { to: SessionState; at: number }[] = [];
    const started = Date.now();
    s.on('state', (c) => changes.push({ to: c.to, at: Date.now() - started }));
    s.start();
    await sleep(3400);
    expect(changes.map((c) => c.to).slice(0, 5)).to.deep.equal(['Connect', 'Active', 'Connect', 'Active', 'Connect']);
    const [, firstFail, firstRetry, secondFail, secondRetry] = changes;
    expect(firstRetry!.at - firstFail!.at).to.be.within(700, 1300);
    expect(secondRetry!.at - secondFail!.at).to.be.within(1500, 2300);
  });

  it('logs every transition with the peer name and the reason', async () => {
    logLines.length = 0;
    const { s } = await establishedWithScripted();
    expect(s.state).to.equal('Established');
    const transitions = logLines.filter((l) => typeof l.message === 'string' && l.message.startsWith('BGP session ') && 'from' in l);
    expect(transitions.map((l) => [l.from, l.to])).to.deep.equal([
      ['Idle', 'Connect'],
      ['Connect', 'OpenSent'],
      ['OpenSent', 'OpenConfirm'],
      ['OpenConfirm', 'Established'],
    ]);
    for (const line of transitions) {
      expect(line.peer).to.equal('tor');
      expect(line.reason).to.be.a('string').and.not.equal('');
    }
  });

  it('refuses a connection from the peer while stopped', async () => {
    const s = session({ peerPort: 1 });
    const server = await serverFor(() => s);
    const client = net.connect({ host: '127.0.0.1', port: portOf(server) });
    client.on('error', () => undefined);
    await new Promise<void>((resolve) => client.once('close', () => resolve()));
    expect(s.state).to.equal('Idle');
  });

  it('refuses a TCP-MD5 password without a connect function that can sign', () => {
    expect(() => new BgpSession({
      peerName: 'tor', peerAddress: LOOPBACK, peerPort: 179, peerASN: PEER_ASN, localASN: LOCAL_ASN, routerId: LOCAL_ID,
      holdTimeSeconds: 90, keepaliveTimeSeconds: 30, connectTimeSeconds: 5, gracefulRestart: false, ibgp: false,
      ebgpMultiHop: false, logger, password: 'secret',
    })).to.throw('peer tor: a TCP-MD5 password is configured but no MD5-capable connect function was given');
  });

  it('dials through the injected connect function when a password is set', async () => {
    const listener = await scriptedListener();
    const calls: unknown[] = [];
    const s = session({
      peerPort: listener.port,
      password: 'secret',
      connect: async (options) => {
        calls.push(options);
        const socket = net.connect({ host: options.host, port: options.port, localAddress: options.localAddress ?? '' });
        await new Promise((resolve) => socket.once('connect', resolve));
        return socket;
      },
    });
    s.start();
    const peer = await listener.accepted();
    await peer.handshake(scriptedOpen(PEER_ASN, 0x0a000009));
    await reachState(s, 'Established');
    expect(calls).to.deep.equal([{ host: '127.0.0.1', port: listener.port, family: 4, localAddress: '127.0.0.1', password: 'secret', timeoutMs: 5000 }]);
  });

  describe('connection collision', () => {
    for (const { title, peerId, kept } of [
      { title: 'keeps the connection the peer opened when its identifier is higher', peerId: 0x0a000009, kept: 'second' },
      { title: 'keeps the connection we opened when our identifier is higher', peerId: 0x0a000001, kept: 'first' },
    ] as const) {
      it(title, async () => {
        const listener = await scriptedListener();
        const server = await serverFor(() => s);
        const s = session({ peerPort: listener.port });
        s.start();
        const first = await listener.accepted();
        await first.next((m) => m.type === 'open');
        expect(s.state).to.equal('OpenSent');

        const second = await dialScripted(portOf(server));
        later(() => second.close());
        second.send(scriptedOpen(PEER_ASN, peerId));
        const loser = kept === 'first' ? second : first;
        const winner = kept === 'first' ? first : second;
        const notification = (await loser.next(isNotification)) as NotificationMessage;
        expect([notification.code, notification.subcode]).to.deep.equal([6, 7]);

        if (kept === 'second') {
          await second.next((m) => m.type === 'open');
          await second.next((m) => m.type === 'keepalive');
          second.send({ type: 'keepalive' });
        } else {
          first.send(scriptedOpen(PEER_ASN, peerId));
          await first.next((m) => m.type === 'keepalive');
          first.send({ type: 'keepalive' });
        }
        await reachState(s, 'Established');
        expect(winner.received.filter(isNotification)).to.deep.equal([]);
      });
    }

    it('two Herald sessions dialling each other at once settle on one Established session', async () => {
      const serverA = await serverFor(() => a);
      const serverB = await serverFor(() => b);
      const a = session({ peerPort: portOf(serverB), routerId: 0x0a000001 });
      const b = session({ peerPort: portOf(serverA), peerASN: LOCAL_ASN, localASN: PEER_ASN, routerId: 0x0a000002 });
      const bothUp = Promise.all([once(a, 'established'), once(b, 'established')]);
      const started = Date.now();
      a.start();
      b.start();
      await bothUp;
      // Quicker than the shortest reconnect back-off: the collision was resolved, not reset and retried.
      expect(Date.now() - started).to.be.below(700);
      await sleep(500);
      expect([a.state, b.state]).to.deep.equal(['Established', 'Established']);
      const open = (await Promise.all([serverA, serverB].map(connectionCount))).reduce((x, y) => x + y, 0);
      expect(open).to.equal(1);
    });
  });

  it('sends 100,000 routes and End-of-RIB to a peer', async () => {
    const { s, peer } = await establishedWithScripted();
    const routes = new Map<string, OutboundRoute>();
    for (let i = 0; i < 100_000; i++) {
      const network = 0x0a000000n + BigInt(i);
      routes.set(`route ${i}`, { prefix: { family: 4, network, length: 32 }, attributes: { communities: [i % 7] }, nextHop: 0xc0000201n });
    }
    const started = Date.now();
    s.setRoutes(routes);
    const updates = await updatesUntilEndOfRib(peer);
    const elapsed = Date.now() - started;
    expect(updates.reduce((n, u) => n + u.nlri.length, 0)).to.equal(100_000);
    expect(elapsed).to.be.below(10_000);
  });
});
