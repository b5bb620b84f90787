import { expect } from 'chai';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@herald/shared/log/logger.js';
import { parseIP, type IP } from '@herald/shared/net/address.js';
import { BFD_DEFAULTS } from '@herald/shared/api/bfd.js';
import type { BFDProfileConfig } from '@herald/shared/config/types.js';
import { decodeControlPacket, encodeControlPacket } from './codec.js';
import { bindSocket } from './listener.js';
import { CONTROL_PORT, DIAG, SOURCE_PORT_MAX, SOURCE_PORT_MIN, type ControlPacket } from './packet.js';
import { BfdSession, type BfdSessionEvents } from './session.js';

const FAST: BFDProfileConfig = { ...BFD_DEFAULTS, name: 'fast', receiveInterval: 50, transmitInterval: 50 };
const WAIT_MS = 5000;
const ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];

function ip(text: string): IP {
  const parsed = parseIP(text);
  if (!parsed) throw new Error(`test address ${text} does not parse`);
  return parsed;
}

/** JSON log lines, kept for assertions. */
function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ component: 'bfd-test', level: 'debug', stream }), lines };
}

/**
 * Port 3784 on every loopback address the tests use, unless something on this machine holds it
 * (a bfdd in the root namespace, say): then another port free on all of them.
 */
async function controlPort(): Promise<number> {
  let candidate = CONTROL_PORT;
  for (let attempt = 0; attempt < 20; attempt++) {
    const sockets: Socket[] = [];
    try {
      for (const address of ADDRESSES) {
        const s = createSocket('udp4');
        sockets.push(s);
        await bindSocket(s, address, candidate);
      }
      return candidate;
    } catch {
      const probe = createSocket('udp4');
      await bindSocket(probe, ADDRESSES[0]!, 0);
      candidate = probe.address().port;
      probe.close();
    } finally {
      for (const s of sockets) s.close();
    }
  }
  throw new Error('no UDP port is free on 127.0.0.1-3 for the BFD loopback tests');
}

async function until<T>(probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (let value = probe(); ; value = probe()) {
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing happened within ${WAIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function waitFor<K extends keyof BfdSessionEvents>(session: BfdSession, event: K): Promise<BfdSessionEvents[K]> {
  return once(session, event, { signal: AbortSignal.timeout(WAIT_MS) }) as Promise<BfdSessionEvents[K]>;
}

describe('BfdSession on loopback', () => {
  let port = CONTROL_PORT;
  const running: BfdSession[] = [];

  before(async () => {
    port = await controlPort();
    if (port !== CONTROL_PORT) process.stderr.write(`BFD loopback tests: port ${CONTROL_PORT} is taken here, using ${port}\n`);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });

  function session(local: string, peer: string, logger: Logger, profile = FAST): BfdSession {
    const s = new BfdSession({ localAddress: ip(local), peerAddress: ip(peer), profile, logger, port });
    running.push(s);
    return s;
  }

  it('brings two sessions Up, and the other goes Down when one stops', async () => {
    const { logger, lines } = capturingLogger();
    const a = session('127.0.0.1', '127.0.0.2', logger);
    const b = session('127.0.0.2', '127.0.0.1', logger);
    const up = Promise.all([waitFor(a, 'up'), waitFor(b, 'up')]);
    await Promise.all([a.start(), b.start()]);
    await up;
    expect([a.state, b.state]).to.deep.equal(['Up', 'Up']);
    // Each side polls for its fast rate on going Up; the peers agree once both Finals are back.
    const agreed = (): Array<Record<string, unknown>> => lines.filter((l) => l['message'] === 'BFD timers agreed');
    await until(() => (agreed().length >= 2 ? true : undefined));
    expect(agreed().map((l) => [l['peer'], l['transmitIntervalMs'], l['detectionTimeMs']]).sort()).to.deep.equal([
      ['127.0.0.1', 50, 150],
      ['127.0.0.2', 50, 150],
    ]);

    const down = waitFor(b, 'down');
    const aDown = waitFor(a, 'state');
    await a.stop();
    expect(await aDown).to.deep.equal([{ from: 'Up', to: 'AdminDown', diag: DIAG.administrativelyDown, reason: 'Administratively Down' }]);
    expect(await down).to.deep.equal(['Neighbor Signaled Session Down', DIAG.neighborSignaledSessionDown]);
    expect(b.state).to.equal('Down');
    const upLines = lines.filter((l) => l['message'] === 'BFD session state changed' && l['to'] === 'Up');
    expect(upLines.map((l) => l['peer']).sort()).to.deep.equal(['127.0.0.1', '127.0.0.2']);
  });

  it('lets several sessions of one local address share its port, each getting its own packets', async () => {
    const { logger } = capturingLogger();
    const sessions = [
      session('127.0.0.1', '127.0.0.2', logger),
      session('127.0.0.1', '127.0.0.3', logger),
      session('127.0.0.2', '127.0.0.1', logger),
      session('127.0.0.3', '127.0.0.1', logger),
    ];
    const up = Promise.all(sessions.map((s) => waitFor(s, 'up')));
    await Promise.all(sessions.map((s) => s.start()));
    await up;
    expect(sessions.map((s) => s.state)).to.deep.equal(['Up', 'Up', 'Up', 'Up']);
    // The first session's peer leaving must not disturb the second session on the same socket.
    const down = waitFor(sessions[0]!, 'down');
    await sessions[2]!.stop();
    await down;
    expect(sessions.map((s) => s.state)).to.deep.equal(['Down', 'Up', 'AdminDown', 'Up']);
  });

  describe('against a hand-driven peer', () => {
    let fake: Socket;
    const received: Array<{ packet: ControlPacket; from: RemoteInfo }> = [];

    beforeEach(async () => {
      received.length = 0;
      fake = createSocket('udp4');
      fake.on('message', (message, from) => {
        const decoded = decodeControlPacket(message);
        if (decoded.ok) received.push({ packet: decoded.packet, from });
      });
      await bindSocket(fake, '127.0.0.3', port);
    });

    afterEach(() => fake.close());

    function reply(packet: Partial<ControlPacket>): void {
      const full: ControlPacket = {
        diag: 0,
        state: 'Init',
        poll: false,
        final: false,
        controlPlaneIndependent: false,
        demand: false,
        detectMult: 3,
        myDiscriminator: 0x5151,
        yourDiscriminator: received[0]?.packet.myDiscriminator ?? 0,
        desiredMinTxUs: 50_000,
        requiredMinRxUs: 50_000,
        requiredMinEchoRxUs: 0,
        ...packet,
      };
      fake.send(encodeControlPacket(full), port, '127.0.0.2');
    }

    async function firstPacket(): Promise<void> {
      await until(() => received[0]);
    }

    /** Starts a session with the hand-driven peer and answers its first Down with Init, which brings it Up. */
    async function upWithFake(logger: Logger): Promise<BfdSession> {
      const b = session('127.0.0.2', '127.0.0.3', logger);
      await b.start();
      await firstPacket();
      const up = waitFor(b, 'up');
      reply({ state: 'Init' });
      await up;
      return b;
    }

    it('sends to port 3784 from one source port in 49152-65535, starting Down with the slow rate', async () => {
      const { logger } = capturingLogger();
      const b = session('127.0.0.2', '127.0.0.3', logger);
      await b.start();
      await firstPacket();
      const [first] = received;
      expect(first!.from.address).to.equal('127.0.0.2');
      expect(first!.from.port).to.be.within(SOURCE_PORT_MIN, SOURCE_PORT_MAX);
      expect(first!.packet).to.include({ state: 'Down', yourDiscriminator: 0, desiredMinTxUs: 1_000_000, requiredMinRxUs: 50_000, myDiscriminator: b.localDiscriminator });
      const up = waitFor(b, 'up');
      reply({ state: 'Init' });
      await up;
      await new Promise((r) => setTimeout(r, 100));
      expect(new Set(received.map((r) => r.from.port)).size).to.equal(1);
    });

    it('goes Down with Control Detection Time Expired when its peer falls silent', async () => {
      const { logger, lines } = capturingLogger();
      const b = await upWithFake(logger);
      const down = waitFor(b, 'down');
      expect(await down).to.deep.equal(['Control Detection Time Expired', DIAG.controlDetectionTimeExpired]);
      expect(b.state).to.equal('Down');
      expect(lines.some((l) => l['to'] === 'Down' && l['reason'] === 'Control Detection Time Expired' && l['peer'] === '127.0.0.3')).to.equal(true);
    });

    it('answers a Poll with a Final', async () => {
      const { logger } = capturingLogger();
      await upWithFake(logger);
      const before = received.length;
      reply({ state: 'Up', poll: true });
      const final = await until(() => received.slice(before).find((r) => r.packet.final));
      expect(final.packet).to.include({ final: true, poll: false, state: 'Up' });
    });

    it('can be stopped from its own event handler, and still tells the peer', async () => {
      const { logger } = capturingLogger();
      const b = session('127.0.0.2', '127.0.0.3', logger);
      let stopping: Promise<void> | undefined;
      b.once('up', () => (stopping = b.stop()));
      await b.start();
      await firstPacket();
      reply({ state: 'Init' });
      await until(() => stopping);
      await stopping;
      expect(b.state).to.equal('AdminDown');
      await until(() => received.find((r) => r.packet.state === 'AdminDown'));
      expect(received.filter((r) => r.packet.state === 'AdminDown').map((r) => r.packet.diag)).to.deep.equal([DIAG.administrativelyDown]);
    });

    it('in passive mode stays silent until the peer speaks', async () => {
      const { logger } = capturingLogger();
      const b = session('127.0.0.2', '127.0.0.3', logger, { ...FAST, passiveMode: true });
      await b.start();
      await new Promise((r) => setTimeout(r, 300));
      expect(received).to.have.length(0);
      reply({ state: 'Down', yourDiscriminator: 0 });
      await firstPacket();
      expect(received[0]!.packet).to.include({ state: 'Init', yourDiscriminator: 0x5151 });
    });
  });

  it('refuses a profile with echo mode, saying why', () => {
    const { logger } = capturingLogger();
    expect(
      () => new BfdSession({ localAddress: ip('127.0.0.1'), peerAddress: ip('127.0.0.2'), profile: { ...FAST, echoMode: true }, logger }),
    ).to.throw(/BFDProfile fast: echo mode is not supported/);
  });

  it('refuses a local address of the other family', () => {
    const { logger } = capturingLogger();
    expect(() => new BfdSession({ localAddress: ip('::1'), peerAddress: ip('127.0.0.2'), profile: FAST, logger })).to.throw(/other family/);
  });

  it('says which address it cannot listen on', async () => {
    const { logger } = capturingLogger();
    // 192.0.2.1 is on no interface of this machine; nothing is sent, the bind itself fails.
    const s = new BfdSession({ localAddress: ip('192.0.2.1'), peerAddress: ip('192.0.2.2'), profile: FAST, logger, port });
    const error = await s.start().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/192\.0\.2\.1/);
    expect(s.state).to.equal('AdminDown');
  });
});
