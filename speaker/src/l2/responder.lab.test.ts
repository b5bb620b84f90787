import { expect } from 'chai';
import { type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LinkedNamespaces } from '../native/test-namespaces.js';
import type { L2Counters } from './counters.js';
import type { OwnedAddress } from './owned.js';
import type { Conflict } from './responder.js';
import type { ResponderCommand, ResponderMessage } from './test-responder-agent.js';

const AGENT = fileURLToPath(new URL('./test-responder-agent.js', import.meta.url));

const CLIENT_MAC = '02:00:5e:10:08:99';
const MAC_A = '02:00:5e:10:08:0a';
const MAC_B = '02:00:5e:10:08:0b';
/** Service addresses: configured on no interface anywhere; only the responders answer for them. */
const V4 = '198.19.8.10';
const V6 = '2001:db8:8::10';
const SPLIT_V4 = '198.19.8.20';
const SPLIT_V6 = '2001:db8:8::20';

type Reply = Extract<ResponderMessage, { id: number }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A test-responder-agent process in a node namespace, driven over its standard input and output. */
class Responder {
  readonly conflicts: Conflict[] = [];
  readonly errors: string[] = [];
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: Reply) => void>();

  constructor(
    private readonly child: ChildProcess,
    readonly mac: string,
  ) {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as ResponderMessage;
      if ('id' in message) this.waiting.get(message.id)?.(message);
      else if (message.event === 'conflict') this.conflicts.push(message.conflict);
      else this.errors.push(message.message);
    });
    child.once('exit', (code) => {
      for (const settle of this.waiting.values()) settle({ id: 0, ok: false, message: `responder ${mac} exited with ${code}: ${stderr}` });
    });
  }

  async call<T = unknown>(command: DistributiveOmit<ResponderCommand, 'id'>): Promise<T> {
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin!.write(`${JSON.stringify({ ...command, id })}\n`);
    });
    this.waiting.delete(id);
    if (!reply.ok) throw new Error(reply.message);
    return reply.value as T;
  }

  /** Owns these addresses on veth0; resolves with the wall-clock time just before the first announcement. */
  async own(...addresses: string[]): Promise<number> {
    const owned: [string, OwnedAddress][] = addresses.map((a) => [a, { interfaces: ['veth0'], services: ['default/web'] }]);
    return (await this.call<{ at: number }>({ op: 'own', owned })).at;
  }

  counters(): Promise<L2Counters> {
    return this.call<L2Counters>({ op: 'counters' });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.stdin!.end();
    await once(this.child, 'exit');
  }
}

/** One packet of `tcpdump -r -nn -e -v -tt`: its first line and the option lines below it. */
interface Captured {
  at: number;
  text: string;
}

function parseCapture(output: string): Captured[] {
  const packets: Captured[] = [];
  for (const line of output.split('\n')) {
    const stamped = /^(\d+\.\d+) (.*)$/.exec(line);
    if (stamped !== null) packets.push({ at: Number(stamped[1]) * 1000, text: stamped[2]! });
    else if (line.trim() !== '' && packets.length > 0) packets.at(-1)!.text += `\n${line.trim()}`;
  }
  return packets;
}

describe('layer-2 responder between network namespaces @lab', function () {
  this.timeout(30000);
  // The client's br0 is the segment: veth0 to node A, veth1 to node B. Each node namespace holds
  // only its veth0, with no address on it; a responder in each answers for the service addresses.
  const clientAndA = new LinkedNamespaces('hr', { client: { addresses: [], mac: CLIENT_MAC }, a: { addresses: [], mac: MAC_A } });
  const bAndSpare = new LinkedNamespaces('hr', { b: { addresses: [], mac: MAC_B }, spare: { addresses: [] } });
  const client = clientAndA.names.client;
  const capture = join(tmpdir(), `${clientAndA.prefix}.pcap`);
  let a: Responder;
  let b: Responder;

  const inClient = (command: string, ...args: string[]): Promise<string> => clientAndA.exec(client, command, ...args);

  async function neighbour(address: string): Promise<string> {
    return (await inClient('ip', 'neigh', 'show', address, 'dev', 'br0')).trim();
  }

  async function waitForNeighbour(address: string, mac: string, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const entry = await neighbour(address);
      if (entry.includes(`lladdr ${mac}`)) return entry;
      if (Date.now() > deadline) throw new Error(`client's entry for ${address} is "${entry}", expected lladdr ${mac}`);
      await sleep(20);
    }
  }

  /** One ping the client's kernel resolves first; nothing answers it (no node has the address). */
  async function ping(address: string): Promise<void> {
    await inClient('ping', '-c1', '-W1', address).catch(() => undefined);
  }

  function startResponder(pair: LinkedNamespaces<string>, ns: string, mac: string): Responder {
    return new Responder(pair.spawn(ns, [process.execPath, AGENT]), mac);
  }

  async function waitForDad(pair: LinkedNamespaces<string>, ns: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while ((await pair.exec(ns, 'ip', '-6', 'addr', 'show', 'tentative')).trim() !== '') {
      if (Date.now() > deadline) throw new Error(`${ns}: link-local addresses still tentative after 5 s`);
      await sleep(50);
    }
  }

  before(async () => {
    clientAndA.create();
    bAndSpare.create();
    const spare = bAndSpare.names.spare;
    bAndSpare.ip('-n', spare, 'link', 'set', 'veth0', 'down');
    bAndSpare.ip('-n', spare, 'link', 'set', 'veth0', 'name', 'veth1');
    bAndSpare.ip('-n', spare, 'link', 'set', 'veth1', 'netns', client);
    // Snooping off: nothing on this segment sends MLD queries, and the test is about the nodes.
    clientAndA.ip('-n', client, 'link', 'add', 'br0', 'address', CLIENT_MAC, 'type', 'bridge', 'mcast_snooping', '0');
    for (const port of ['veth0', 'veth1']) {
      clientAndA.ip('-n', client, 'link', 'set', port, 'master', 'br0');
      clientAndA.ip('-n', client, 'link', 'set', port, 'up');
    }
    clientAndA.ip('-n', client, 'addr', 'add', '198.19.8.1/24', 'dev', 'br0');
    clientAndA.ip('-n', client, 'addr', 'add', '2001:db8:8::1/64', 'dev', 'br0', 'nodad');
    clientAndA.ip('-n', client, 'link', 'set', 'br0', 'up');
    await waitForDad(clientAndA, clientAndA.names.a);
    await waitForDad(bAndSpare, bAndSpare.names.b);
    a = startResponder(clientAndA, clientAndA.names.a, MAC_A);
    b = startResponder(bAndSpare, bAndSpare.names.b, MAC_B);
    const options = { splitBrain: { intervalMs: 400, answerWindowMs: 300, reportEveryMs: 60_000 } };
    await a.call({ op: 'start', options });
    await b.call({ op: 'start', options });
  });

  after(async () => {
    await a?.stop();
    await b?.stop();
    clientAndA.remove();
    bAndSpare.remove();
    rmSync(capture, { force: true });
  });

  it("answers the client's ARP for an owned address with the owner's MAC", async () => {
    await a.own(V4, V6);
    const arping = await inClient('arping', '-c1', '-w2', '-i', 'br0', V4);
    expect(arping).to.contain(`from ${MAC_A} (${V4})`);
    await ping(V4);
    expect(await waitForNeighbour(V4, MAC_A)).to.match(/REACHABLE|DELAY|STALE|PROBE/);
    expect((await a.counters()).answered['arp-reply']).to.be.at.least(2);
  });

  it("answers the client's Neighbor Solicitation for an owned IPv6 address with the owner's MAC", async () => {
    await ping(V6);
    expect(await waitForNeighbour(V6, MAC_A)).to.match(/REACHABLE|DELAY|STALE|PROBE/);
    expect((await a.counters()).answered['neighbor-advertisement']).to.be.at.least(1);
  });

  it("moves the client's existing entries to the new owner on takeover, with the announcements on the wire", async () => {
    expect(await neighbour(V4)).to.contain(`lladdr ${MAC_A}`);
    expect(await neighbour(V6)).to.contain(`lladdr ${MAC_A}`);
    const tcpdump = clientAndA.spawn(client, ['tcpdump', '--immediate-mode', '-U', '-i', 'br0', '-w', capture, 'arp or icmp6 or ip6 proto 0']);
    await new Promise<void>((resolve) => tcpdump.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('listening on') && resolve()));
    const monitor = clientAndA.spawn(client, ['env', 'TZ=UTC', 'ip', '-ts', 'monitor', 'neigh']);
    const changes: { at: number; line: string }[] = [];
    createInterface({ input: monitor.stdout! }).on('line', (line) => {
      // `ip -ts` prints microseconds, which Date.parse would cut to milliseconds.
      const stamped = /^\[([^.\]]+)(\.\d+)?\] (.*)$/.exec(line);
      if (stamped !== null) changes.push({ at: Date.parse(`${stamped[1]}Z`) + Number(stamped[2] ?? 0) * 1000, line: stamped[3]! });
    });
    await sleep(200);

    await a.own();
    const takeoverAt = await b.own(V4, V6);
    await waitForNeighbour(V4, MAC_B);
    await waitForNeighbour(V6, MAC_B);
    await sleep(2300);
    tcpdump.kill('SIGINT');
    monitor.kill('SIGTERM');
    await once(tcpdump, 'exit');

    const packets = parseCapture(await inClient('tcpdump', '-r', capture, '-nn', '-e', '-v', '-tt'));
    const from = (text: string): Captured[] => packets.filter((p) => p.text.startsWith(`${MAC_B} > `) && p.text.includes(text));
    const requests = from(`Request who-has ${V4} tell ${V4}, length 28`);
    const replies = from(`Reply ${V4} is-at ${MAC_B}, length 28`);
    const advertisements = from(`${V6} > ff02::1: [icmp6 sum ok] ICMP6, neighbor advertisement, length 32, tgt is ${V6}, Flags [override]`);
    expect(requests.map((p) => p.text.split('\n')[0])).to.deep.equal(
      Array(5).fill(`${MAC_B} > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Ethernet (len 6), IPv4 (len 4), Request who-has ${V4} tell ${V4}, length 28`),
    );
    expect(replies.map((p) => p.text)).to.deep.equal(
      Array(5).fill(`${MAC_B} > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Ethernet (len 6), IPv4 (len 4), Reply ${V4} is-at ${MAC_B}, length 28`),
    );
    expect(advertisements).to.have.length(5);
    for (const na of advertisements) {
      expect(na.text).to.contain(`${MAC_B} > 33:33:00:00:00:01, ethertype IPv6 (0x86dd), length 86: (hlim 255, next-header ICMPv6 (58) payload length: 32)`);
      expect(na.text).to.contain(`destination link-address option (2), length 8 (1): ${MAC_B}`);
    }
    const offsets = requests.map((p) => p.at - requests[0]!.at);
    [0, 250, 500, 1000, 2000].forEach((expected, i) => expect(offsets[i]).to.be.closeTo(expected, 60));
    expect(from('multicast listener report v2').some((p) => p.text.includes('gaddr ff02::1:ff00:10 to_ex'))).to.equal(true);

    const switched = (address: string): number => {
      const change = changes.find((c) => c.line.startsWith(`${address} dev br0 lladdr ${MAC_B}`));
      if (change === undefined) throw new Error(`ip monitor saw no change of ${address} to ${MAC_B}: ${JSON.stringify(changes)}`);
      return change.at;
    };
    const v4Switch = switched(V4) - requests[0]!.at;
    const v6Switch = switched(V6) - advertisements[0]!.at;
    const v4FromCall = switched(V4) - takeoverAt;
    expect(v4Switch).to.be.below(100);
    expect(v6Switch).to.be.below(100);
    process.stdout.write(
      `      client's entry switched ${v4Switch.toFixed(1)} ms (IPv4) and ${v6Switch.toFixed(1)} ms (IPv6) after the first ` +
        `announcement reached it; ${v4FromCall.toFixed(1)} ms after setOwned was called\n`,
    );
  });

  it('stops answering at once when the address is released', async () => {
    // Another address keeps B's socket open, so that it still hears the client's questions.
    await b.own('198.19.8.30');
    const before = await b.counters();
    await expectFailure(inClient('arping', '-c2', '-w2', '-i', 'br0', V4));
    await inClient('ip', 'neigh', 'del', V6, 'dev', 'br0');
    await ping(V6);
    expect(await neighbour(V6)).not.to.contain('lladdr');
    const after = await b.counters();
    expect(after.answered).to.deep.equal(before.answered);
    expect(after.ignored['not-owned'] - before.ignored['not-owned']).to.be.at.least(2);
    await b.own();
  });

  it("makes each of two owners of one address report the other's MAC, and teaches the client nothing", async () => {
    expect(a.conflicts).to.deep.equal([]);
    expect(b.conflicts).to.deep.equal([]);
    await a.own(SPLIT_V4, SPLIT_V6);
    await b.own(SPLIT_V4, SPLIT_V6);
    const deadline = Date.now() + 5000;
    while (a.conflicts.length + b.conflicts.length < 4 && Date.now() < deadline) await sleep(50);
    const sorted = (conflicts: Conflict[]): Conflict[] => [...conflicts].sort((x, y) => x.address.localeCompare(y.address));
    const expected = (otherMac: string): Conflict[] =>
      [SPLIT_V4, SPLIT_V6].map((address) => ({ address, interface: 'veth0', otherMac, services: ['default/web'] }));
    expect(sorted(a.conflicts)).to.deep.equal(expected(MAC_B));
    expect(sorted(b.conflicts)).to.deep.equal(expected(MAC_A));
    expect(await neighbour(SPLIT_V4)).to.equal('');
    expect(await neighbour(SPLIT_V6)).to.equal('');
    await a.own();
    await b.own();
    expect(a.errors).to.deep.equal([]);
    expect(b.errors).to.deep.equal([]);
  });
});

async function expectFailure(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch {
    return;
  }
  throw new Error('expected the command to fail');
}
