import { expect } from 'chai';
import { once } from 'node:events';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { heraldNative, loadHeraldNative } from './addon.js';
import { connectWithMd5, md5Key, setMd5Key, TCP_MD5SIG_MAXKEYLEN, type Md5ConnectOptions } from './tcp-md5.js';
import { LinkedNamespaces } from './test-namespaces.js';

const PASSWORD = 'herald-test-key';

/** The TcpExt counters of /proc/net/netstat: a line of names followed by a line of values. */
function tcpExtCounters(netstat: string): Map<string, number> {
  const [names = [], values = []] = netstat
    .split('\n')
    .filter((line) => line.startsWith('TcpExt:'))
    .map((line) => line.trim().split(/\s+/).slice(1));
  return new Map(names.map((name, i) => [name, Number(values[i])]));
}

function counter(netstat: string, name: string): number {
  const value = tcpExtCounters(netstat).get(name);
  if (value === undefined) throw new Error(`/proc/net/netstat has no TcpExt counter ${name}`);
  return value;
}

/** A server that answers each chunk it reads with the same text in capitals. */
async function upperCaseServer(host: string): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('data', (chunk) => socket.write(chunk.toString().toUpperCase()));
    socket.on('error', () => socket.destroy());
  });
  server.listen(0, host);
  await once(server, 'listening');
  return server;
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

async function closeServer(server: net.Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function roundTrip(socket: net.Socket, text: string): Promise<string> {
  socket.write(text);
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  return chunk.toString();
}

/** A port on 127.0.0.1 that nothing listens on: one the kernel just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = await upperCaseServer('127.0.0.1');
  const port = portOf(server);
  await closeServer(server);
  return port;
}

/** The descriptor behind a socket, read from Node's private handle the way tcp-md5.ts reads a server's. */
function fdOf(socket: net.Socket): number {
  const fd = (socket as unknown as { _handle: { fd: unknown } })._handle.fd;
  if (typeof fd !== 'number') throw new Error(`socket._handle.fd is ${String(fd)}`);
  return fd;
}

function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

async function rejection(promise: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  try {
    await promise;
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
  throw new Error('expected the promise to reject, and it resolved');
}

function loopback(port: number, overrides: Partial<Md5ConnectOptions> = {}): Md5ConnectOptions {
  return { host: '127.0.0.1', port, family: 4, password: PASSWORD, timeoutMs: 2000, ...overrides };
}

describe('TCP-MD5 on loopback', () => {
  const servers: net.Server[] = [];
  const sockets: net.Socket[] = [];

  async function server(host: string): Promise<net.Server> {
    const s = await upperCaseServer(host);
    servers.push(s);
    return s;
  }

  async function connect(options: Md5ConnectOptions): Promise<net.Socket> {
    const socket = await connectWithMd5(options);
    sockets.push(socket);
    return socket;
  }

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(servers.splice(0).map(closeServer));
  });

  it('exchanges data over IPv4 when both ends hold the same key', async () => {
    const s = await server('127.0.0.1');
    setMd5Key(s, '127.0.0.1', 4, PASSWORD);
    const socket = await connect(loopback(portOf(s)));
    expect(socket.remoteAddress).to.equal('127.0.0.1');
    expect(socket.remotePort).to.equal(portOf(s));
    expect(await roundTrip(socket, 'open')).to.equal('OPEN');
    expect(await roundTrip(socket, 'keepalive')).to.equal('KEEPALIVE');
  });

  it('exchanges data over IPv6 when both ends hold the same key', async () => {
    const s = await server('::1');
    setMd5Key(s, '::1', 6, PASSWORD);
    const socket = await connect({ host: '::1', port: portOf(s), family: 6, password: PASSWORD, timeoutMs: 2000 });
    expect(socket.remoteAddress).to.equal('::1');
    expect(await roundTrip(socket, 'update')).to.equal('UPDATE');
  });

  it('lets a signed IPv4 peer into a dual-stack IPv6 server whose key was set for the IPv4 address', async () => {
    const s = await server('::');
    setMd5Key(s, '127.0.0.1', 4, PASSWORD);
    const socket = await connect(loopback(portOf(s)));
    expect(await roundTrip(socket, 'mapped')).to.equal('MAPPED');
  });

  it('connects with a key of exactly 80 bytes', async () => {
    const longest = 'k'.repeat(TCP_MD5SIG_MAXKEYLEN);
    const s = await server('127.0.0.1');
    setMd5Key(s, '127.0.0.1', 4, longest);
    const socket = await connect(loopback(portOf(s), { password: longest }));
    expect(await roundTrip(socket, 'long')).to.equal('LONG');
  });

  it('connects from the local address it is given, which is the address the server keys on', async () => {
    const s = await server('127.0.0.1');
    setMd5Key(s, '127.0.0.2', 4, PASSWORD);
    const accepted = once(s, 'connection') as Promise<[net.Socket]>;
    const socket = await connect(loopback(portOf(s), { localAddress: '127.0.0.2' }));
    expect(socket.localAddress).to.equal('127.0.0.2');
    const [serverSide] = await accepted;
    expect(serverSide.remoteAddress).to.equal('127.0.0.2');
    expect(await roundTrip(socket, 'bound')).to.equal('BOUND');
  });

  it('does not connect when the keys differ, and the kernel counts a TCPMD5Failure', async () => {
    const s = await server('127.0.0.1');
    setMd5Key(s, '127.0.0.1', 4, 'the server key');
    const before = counter(readFileSync('/proc/net/netstat', 'utf8'), 'TCPMD5Failure');
    const error = await rejection(connectWithMd5(loopback(portOf(s), { password: 'another key', timeoutMs: 500 })));
    expect(error.code).to.equal('ETIMEDOUT');
    expect(counter(readFileSync('/proc/net/netstat', 'utf8'), 'TCPMD5Failure')).to.be.greaterThan(before);
  });

  it('does not connect with a key to a server that holds none, and the kernel counts a TCPMD5Unexpected', async () => {
    const s = await server('127.0.0.1');
    const before = counter(readFileSync('/proc/net/netstat', 'utf8'), 'TCPMD5Unexpected');
    const error = await rejection(connectWithMd5(loopback(portOf(s), { timeoutMs: 500 })));
    expect(error.code).to.equal('ETIMEDOUT');
    expect(counter(readFileSync('/proc/net/netstat', 'utf8'), 'TCPMD5Unexpected')).to.be.greaterThan(before);
  });

  it('keeps an unsigned client out while the server holds its key, and lets it in once the key is removed', async () => {
    const s = await server('127.0.0.1');
    setMd5Key(s, '127.0.0.1', 4, PASSWORD);
    const before = counter(readFileSync('/proc/net/netstat', 'utf8'), 'TCPMD5NotFound');
    const unsigned = net.connect(portOf(s), '127.0.0.1');
    sockets.push(unsigned);
    const outcome = await Promise.race([
      once(unsigned, 'connect').then(() => 'connected'),
      new Promise((resolve) => setTimeout(resolve, 500, 'still waiting')),
    ]);
    expect(outcome).to.equal('still waiting');
    expect(counter(readFileSync('/proc/net/netstat', 'utf8'), 'TCPMD5NotFound')).to.be.greaterThan(before);
    unsigned.destroy();

    setMd5Key(s, '127.0.0.1', 4, undefined);
    const plain = net.connect(portOf(s), '127.0.0.1');
    sockets.push(plain);
    await once(plain, 'connect');
    expect(await roundTrip(plain, 'plain')).to.equal('PLAIN');
  });

  it('treats removing a key that was never set as done', async () => {
    const s = await server('127.0.0.1');
    expect(() => setMd5Key(s, '127.0.0.9', 4, undefined)).not.to.throw();
  });

  it('gives up after timeoutMs with ETIMEDOUT and the peer in the message', async () => {
    const s = await server('127.0.0.1');
    const port = portOf(s);
    const started = Date.now();
    const error = await rejection(connectWithMd5(loopback(port, { timeoutMs: 300 })));
    const elapsed = Date.now() - started;
    expect(error.code).to.equal('ETIMEDOUT');
    expect(error.syscall).to.equal('connect');
    expect(error.message).to.contain(`TCP-MD5 connect to 127.0.0.1:${port}`);
    expect(error.message).to.contain('not established within 300 ms');
    expect(elapsed).to.be.at.least(290);
    expect(elapsed).to.be.below(1300);
  });

  it('does not hold up the event loop while it waits', async () => {
    const s = await server('127.0.0.1');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    await rejection(connectWithMd5(loopback(portOf(s), { timeoutMs: 300 })));
    clearInterval(ticker);
    expect(ticks).to.be.at.least(15);
  });

  it('times out rather than being refused on a closed port, because Linux answers a signed SYN there with nothing', async () => {
    const error = await rejection(connectWithMd5(loopback(await closedPort(), { timeoutMs: 300 })));
    expect(error.code).to.equal('ETIMEDOUT');
  });

  it('rejects with EADDRNOTAVAIL, naming peer and local address, when the local address is not on this host', async () => {
    const port = await closedPort();
    const error = await rejection(connectWithMd5(loopback(port, { localAddress: '192.0.2.1' })));
    expect(error.code).to.equal('EADDRNOTAVAIL');
    expect(error.syscall).to.equal('bind');
    expect(error.message).to.contain(`TCP-MD5 connect to 127.0.0.1:${port} from 192.0.2.1`);
  });

  it('closes the file descriptor when the socket closes', async () => {
    const s = await server('127.0.0.1');
    setMd5Key(s, '127.0.0.1', 4, PASSWORD);
    const socket = await connect(loopback(portOf(s)));
    const fd = fdOf(socket);
    const link = readlinkSync(`/proc/self/fd/${fd}`);
    expect(link).to.match(/^socket:\[\d+\]$/);
    socket.destroy();
    await once(socket, 'close');
    let after: string | undefined;
    try {
      after = readlinkSync(`/proc/self/fd/${fd}`);
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).to.equal('ENOENT');
    }
    expect(after).not.to.equal(link);
  });

  it('leaves no file descriptor open when connecting fails', async () => {
    const s = await server('127.0.0.1');
    const port = await closedPort();
    const before = openFdCount();
    for (let i = 0; i < 5; i++) {
      await rejection(heraldNative().tcpMd5.connect(4, '127.0.0.1', port, undefined, undefined, 1000));
      await rejection(connectWithMd5(loopback(port, { localAddress: '192.0.2.1' })));
    }
    await rejection(connectWithMd5(loopback(portOf(s), { timeoutMs: 200 })));
    expect(openFdCount()).to.equal(before);
  });
});

describe("herald_native's connect without a key", () => {
  it('rejects with ECONNREFUSED, errno and syscall when nothing listens', async () => {
    const error = await rejection(heraldNative().tcpMd5.connect(4, '127.0.0.1', await closedPort(), undefined, undefined, 1000));
    expect(error.code).to.equal('ECONNREFUSED');
    expect(error.errno).to.equal(-111);
    expect(error.syscall).to.equal('connect');
    expect(error.message).to.equal('connect ECONNREFUSED (connection refused)');
  });

  it('turns the resolved fd into a socket that can write and read', async () => {
    const s = await upperCaseServer('::1');
    try {
      const fd = await heraldNative().tcpMd5.connect(6, '::1', portOf(s), undefined, undefined, 1000);
      const socket = new net.Socket({ fd, readable: true, writable: true });
      expect(await roundTrip(socket, 'raw')).to.equal('RAW');
      socket.destroy();
    } finally {
      await closeServer(s);
    }
  });
});

describe('TCP-MD5 input checks', () => {
  it('rejects a password longer than 80 bytes, counting UTF-8 bytes rather than characters', () => {
    expect(md5Key('€'.repeat(26) + 'ab')).to.have.length(80);
    expect(() => md5Key('€'.repeat(27))).to.throw(/^password: is 81 bytes in UTF-8; TCP-MD5 keys are at most 80 bytes/);
  });

  it('rejects an empty password', () => {
    expect(() => md5Key('')).to.throw(/^password: is empty/);
  });

  const bad: [string, Partial<Md5ConnectOptions>, RegExp][] = [
    ['a host name', { host: 'router.example' }, /: host: "router\.example" is not an IPv4 address$/],
    ['an IPv6 host with family 4', { host: '::1' }, /: host: "::1" is not an IPv4 address$/],
    ['an IPv6 host with a zone', { host: 'fe80::1%eth0', family: 6 }, /: host: "fe80::1%eth0" has a zone/],
    ['family 5', { family: 5 as 4 }, /: family: must be 4 or 6, got 5$/],
    ['port 0', { port: 0 }, /: port: 0 is not a whole number from 1 to 65535$/],
    ['port 65536', { port: 65536 }, /: port: 65536 is not a whole number/],
    ['port 179.5', { port: 179.5 }, /: port: 179\.5 is not a whole number/],
    ['a local address of the other family', { localAddress: '::1' }, /: localAddress: "::1" is not an IPv4 address$/],
    ['a timeout of 0', { timeoutMs: 0 }, /: timeoutMs: 0 is not a whole number of milliseconds/],
    ['an 81-byte password', { password: 'x'.repeat(81) }, /: password: is 81 bytes/],
  ];
  for (const [what, overrides, message] of bad) {
    it(`refuses to connect with ${what}, naming the field`, async () => {
      const error = await rejection(connectWithMd5(loopback(179, overrides)));
      expect(error.message).to.match(/^TCP-MD5 connect to /);
      expect(error.message).to.match(message);
    });
  }

  it('refuses to set a key on a server that is not listening', () => {
    const server = net.createServer();
    expect(() => setMd5Key(server, '192.0.2.1', 4, PASSWORD)).to.throw(
      /^TCP-MD5 key for peer 192\.0\.2\.1: the server has no listening socket \(server\._handle\.fd is undefined\)/,
    );
  });

  it('refuses to set a key for a peer address that does not parse, or one too long', async () => {
    const server = await upperCaseServer('127.0.0.1');
    try {
      expect(() => setMd5Key(server, '10.0.0', 4, PASSWORD)).to.throw(/^TCP-MD5 key for peer 10\.0\.0: peerAddress: "10\.0\.0" is not an IPv4 address$/);
      expect(() => setMd5Key(server, '127.0.0.1', 4, 'x'.repeat(81))).to.throw(/: password: is 81 bytes/);
    } finally {
      await closeServer(server);
    }
  });

  it('refuses an IPv6 peer key on an IPv4 server', async () => {
    const server = await upperCaseServer('127.0.0.1');
    try {
      expect(() => setMd5Key(server, '::1', 6, PASSWORD)).to.throw(
        /^TCP-MD5 key for peer ::1: peerAddress: "::1" is an IPv6 address and the socket is IPv4$/,
      );
    } finally {
      await closeServer(server);
    }
  });

  it('says to run npm ci when the addon is not built', () => {
    expect(() => loadHeraldNative('/nonexistent/herald_native.node')).to.throw(
      'herald_native addon is not built: /nonexistent/herald_native.node is missing; run `npm ci` at the repository root, or `npm rebuild -w @herald/speaker`',
    );
  });
});

const MODULE_URL = new URL('./tcp-md5.js', import.meta.url).href;

/** Listens on [::]:179 (both families) and answers each connection's first chunk in capitals. */
const SERVER_SCRIPT = `
import net from 'node:net';
const { setMd5Key } = await import(process.env.TCP_MD5_MODULE);
const keys = JSON.parse(process.env.TCP_MD5_KEYS);
const server = net.createServer((socket) => {
  socket.on('error', () => socket.destroy());
  socket.once('data', (chunk) => socket.end(chunk.toString().toUpperCase()));
});
server.listen(179, '::', () => {
  for (const key of keys) setMd5Key(server, key.peer, key.family, key.password);
  process.stdout.write('listening\\n');
});
`;

/** Connects with the options given, sends "ping", prints the outcome as one line of JSON. */
const CLIENT_SCRIPT = `
const { connectWithMd5 } = await import(process.env.TCP_MD5_MODULE);
try {
  const socket = await connectWithMd5(JSON.parse(process.env.TCP_MD5_OPTIONS));
  const local = socket.localAddress;
  socket.end('ping');
  let reply = '';
  for await (const chunk of socket) reply += chunk;
  console.log(JSON.stringify({ ok: true, reply, local }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, code: e.code, message: e.message }));
}
`;

interface ClientOutcome {
  ok: boolean;
  reply?: string;
  local?: string;
  code?: string;
  message?: string;
}

describe('TCP-MD5 between two network namespaces @lab', () => {
  /** server holds 198.19.254.1 and fd68:6d35::1, client .2, .3 and fd68:6d35::2. */
  const pair = new LinkedNamespaces('hm', {
    srv: { addresses: ['198.19.254.1/24', 'fd68:6d35::1/64'] },
    cli: { addresses: ['198.19.254.2/24', '198.19.254.3/24', 'fd68:6d35::2/64'] },
  });
  const serverKeys = [
    { peer: '198.19.254.2', family: 4, password: PASSWORD },
    { peer: 'fd68:6d35::2', family: 6, password: PASSWORD },
  ];

  before(async () => {
    pair.create();
    const server = pair.spawnNode(pair.names.srv, SERVER_SCRIPT, {
      TCP_MD5_MODULE: MODULE_URL,
      TCP_MD5_KEYS: JSON.stringify(serverKeys),
    });
    let stderr = '';
    server.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const listening = new Promise<void>((resolve, reject) => {
      server.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
      server.once('exit', (code) => reject(new Error(`server in ${pair.names.srv} exited with ${code}: ${stderr}`)));
    });
    await listening;
  });

  after(() => pair.remove());

  async function client(options: Partial<Md5ConnectOptions>): Promise<ClientOutcome> {
    const full = { host: '198.19.254.1', port: 179, family: 4, password: PASSWORD, timeoutMs: 2000, ...options };
    const child = pair.spawnNode(pair.names.cli, CLIENT_SCRIPT, {
      TCP_MD5_MODULE: MODULE_URL,
      TCP_MD5_OPTIONS: JSON.stringify(full),
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`client in ${pair.names.cli} exited with ${code}: ${stderr}`);
    return JSON.parse(stdout) as ClientOutcome;
  }

  it('connects over IPv4 with the same key, to an IPv4 peer key on a dual-stack server', async () => {
    expect(await client({})).to.deep.equal({ ok: true, reply: 'PING', local: '198.19.254.2' });
  });

  it('connects over IPv6 with the same key', async () => {
    expect(await client({ host: 'fd68:6d35::1', family: 6 })).to.deep.equal({ ok: true, reply: 'PING', local: 'fd68:6d35::2' });
  });

  it('does not connect over IPv6 with a different key, and the server side counts a TCPMD5Failure', async () => {
    const before = counter(await pair.exec(pair.names.srv, 'cat', '/proc/net/netstat'), 'TCPMD5Failure');
    const outcome = await client({ host: 'fd68:6d35::1', family: 6, password: 'not the key', timeoutMs: 1000 });
    expect(outcome.ok).to.equal(false);
    expect(outcome.code).to.equal('ETIMEDOUT');
    expect(outcome.message).to.contain('TCP-MD5 connect to [fd68:6d35::1]:179: not established within 1000 ms');
    expect(counter(await pair.exec(pair.names.srv, 'cat', '/proc/net/netstat'), 'TCPMD5Failure')).to.be.greaterThan(before);
  });

  it('does not let in a signed connection from an address the server holds no key for', async () => {
    const before = counter(await pair.exec(pair.names.srv, 'cat', '/proc/net/netstat'), 'TCPMD5Unexpected');
    const outcome = await client({ localAddress: '198.19.254.3', timeoutMs: 1000 });
    expect(outcome.code).to.equal('ETIMEDOUT');
    expect(counter(await pair.exec(pair.names.srv, 'cat', '/proc/net/netstat'), 'TCPMD5Unexpected')).to.be.greaterThan(before);
  });

  it('fails at once with ENETUNREACH when no route leads to the peer', async () => {
    const outcome = await client({ host: '203.0.113.1' });
    expect(outcome.code).to.equal('ENETUNREACH');
    expect(outcome.message).to.contain('TCP-MD5 connect to 203.0.113.1:179: connect ENETUNREACH');
  });
});
