import { expect } from 'chai';
import { type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  type L2Frame,
  arpReplyFrame,
  decodeFrame,
  encodeArpFrame,
  gratuitousArpReply,
  gratuitousArpRequest,
  neighborAdvertisementFrame,
  solicitedNodeMac,
  unsolicitedNeighborAdvertisement,
} from '../l2/index.js';
import { openPacketSocket, type PacketSocketOptions } from './packet.js';
import type { AgentCommand, AgentMessage } from './test-packet-agent.js';
import { LinkedNamespaces } from './test-namespaces.js';

const AGENT = fileURLToPath(new URL('./test-packet-agent.js', import.meta.url));

function noop(): void {}

describe('packet socket input checks', () => {
  const options = (overrides: Partial<PacketSocketOptions>): PacketSocketOptions => ({
    interface: 'veth0',
    onFrame: noop,
    onError: noop,
    ...overrides,
  });

  const bad: [string, Partial<PacketSocketOptions>, string][] = [
    ['an empty interface name', { interface: '' }, 'packet socket on : interface: "" is not an interface name (1 to 15 bytes)'],
    [
      'an interface name of 16 bytes',
      { interface: 'a'.repeat(16) },
      `packet socket on ${'a'.repeat(16)}: interface: "${'a'.repeat(16)}" is not an interface name (1 to 15 bytes)`,
    ],
    ['an interface that is not a string', { interface: 7 as unknown as string }, 'packet socket on 7: interface: 7 is not an interface name'],
    ['no onFrame', { onFrame: undefined as unknown as PacketSocketOptions['onFrame'] }, 'packet socket on veth0: onFrame: must be a function'],
    ['no onError', { onError: 'log' as unknown as PacketSocketOptions['onError'] }, 'packet socket on veth0: onError: must be a function'],
  ];
  for (const [what, overrides, message] of bad) {
    it(`refuses ${what}, naming the field`, () => {
      expect(() => openPacketSocket(options(overrides))).to.throw(message);
    });
  }

  it('says there is no such interface, with ENODEV, before it opens any socket', () => {
    let error: NodeJS.ErrnoException | undefined;
    try {
      openPacketSocket(options({ interface: 'hp-missing0' }));
    } catch (e) {
      error = e as NodeJS.ErrnoException;
    }
    expect(error?.code).to.equal('ENODEV');
    expect(error?.syscall).to.equal('if_nametoindex');
    expect(error?.message).to.equal(
      'packet socket on hp-missing0: if_nametoindex ENODEV (no such device); there is no interface hp-missing0 in this network namespace',
    );
  });
});

type Reply = Extract<AgentMessage, { id: number }>;
type FrameEvent = Extract<AgentMessage, { event: 'frame' }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A test-packet-agent process in a namespace, driven over its standard input and output. */
class Agent {
  readonly frames: FrameEvent[] = [];
  readonly errors: Extract<AgentMessage, { event: 'error' }>[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private stderr = '';

  constructor(
    private readonly child: ChildProcess,
    readonly where: string,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as AgentMessage;
      if ('id' in message) this.pending.get(message.id)?.(message);
      else if (message.event === 'frame') this.frames.push(message);
      else this.errors.push(message);
    });
    child.once('exit', (code) => {
      for (const resolve of this.pending.values()) {
        resolve({ id: 0, ok: false, message: `agent in ${where} exited with ${code}: ${this.stderr}` });
      }
    });
  }

  /** Sends a command; resolves with its value, rejects with the agent's error message and code. */
  async request<T = unknown>(command: DistributiveOmit<AgentCommand, 'id'>): Promise<T> {
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve) => {
      this.pending.set(id, resolve);
      this.child.stdin!.write(`${JSON.stringify({ ...command, id })}\n`);
    });
    this.pending.delete(id);
    if (!reply.ok) throw Object.assign(new Error(reply.message), { code: reply.code });
    return reply.value as T;
  }

  /** The frames received so far, decoded; throws if one does not decode (the filter let it in). */
  decoded(): L2Frame[] {
    return this.frames.map((f) => {
      const result = decodeFrame(Buffer.from(f.hex, 'hex'));
      if (!result.ok) throw new Error(`agent in ${this.where} received a frame that does not decode (${result.detail}): ${f.hex}`);
      return result.value;
    });
  }

  async waitForFrame(what: string, match: (frame: L2Frame) => boolean, timeoutMs = 3000): Promise<L2Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.decoded().find(match);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`agent in ${this.where} received no ${what} within ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.stdin!.end();
    await once(this.child, 'exit');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const NODE_MAC = '02:00:5e:10:07:01';
const PEER_MAC = '02:00:5e:10:07:02';
/** Service addresses: on no interface anywhere, answered for only by the node's packet socket. */
const SERVICE_V4 = '198.19.7.10';
const SERVICE_V6 = '2001:db8:7::10';
const OLD_OWNER_MAC = '02:00:5e:00:53:01';

describe('packet sockets between two network namespaces @lab', function () {
  this.timeout(30000);
  const pair = new LinkedNamespaces('hp', {
    node: { addresses: ['198.19.7.1/24', '2001:db8:7::1/64'], mac: NODE_MAC },
    peer: { addresses: ['198.19.7.2/24', '2001:db8:7::2/64'], mac: PEER_MAC },
  });
  let node: Agent;
  /** veth0's index in the node namespace, as the socket reported it. */
  let nodeIfindex: number;

  function startAgent(ns: string): Agent {
    return new Agent(pair.spawn(ns, [process.execPath, AGENT]), ns);
  }

  async function inPeer(command: string, ...args: string[]): Promise<string> {
    return pair.exec(pair.names.peer, command, ...args);
  }

  /** The peer kernel's neighbour entry for `address`, as `ip neigh show` prints it. */
  async function peerNeighbour(address: string): Promise<string> {
    return (await inPeer('ip', 'neigh', 'show', address, 'dev', 'veth0')).trim();
  }

  async function waitForNeighbour(address: string, mac: string): Promise<string> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const entry = await peerNeighbour(address);
      if (entry.includes(`lladdr ${mac}`)) return entry;
      if (Date.now() > deadline) throw new Error(`peer's entry for ${address} is "${entry}", expected lladdr ${mac}`);
      await sleep(20);
    }
  }

  /** Sends one ping the peer's kernel resolves first; whether it is answered does not matter. */
  async function pingFromPeer(address: string): Promise<void> {
    await inPeer('ping', '-c1', '-W1', address).catch(() => undefined);
  }

  before(async () => {
    pair.create();
    node = startAgent(pair.names.node);
    nodeIfindex = (await node.request<{ ifindex: number }>({ op: 'open', interface: 'veth0' })).ifindex;
  });

  after(async () => {
    await node?.stop();
    pair.remove();
  });

  beforeEach(() => {
    node.frames.length = 0;
    node.errors.length = 0;
  });

  it("receives the peer kernel's ARP request, and the reply it sends makes the peer's entry", async () => {
    const pinging = pingFromPeer(SERVICE_V4);
    const request = await node.waitForFrame('ARP request', (f) => f.kind === 'arp' && f.arp.targetIp === SERVICE_V4);
    if (request.kind !== 'arp') throw new Error('not ARP');
    expect(request.arp).to.deep.equal({
      operation: 'request',
      senderMac: PEER_MAC,
      senderIp: '198.19.7.2',
      targetMac: '00:00:00:00:00:00',
      targetIp: SERVICE_V4,
    });
    expect(request.ethernet.destination).to.equal('ff:ff:ff:ff:ff:ff');
    const event = node.frames.find((f) => decodeFrame(Buffer.from(f.hex, 'hex')).ok);
    expect(event).to.deep.include({ interface: 'veth0', packetType: 'broadcast' });

    await node.request({ op: 'send', hex: arpReplyFrame(request.arp, NODE_MAC).toString('hex') });
    expect(await waitForNeighbour(SERVICE_V4, NODE_MAC)).to.match(/REACHABLE|DELAY|STALE/);
    await pinging;
  });

  it("moves the peer's existing entry with a gratuitous ARP request", async () => {
    await inPeer('ip', 'neigh', 'replace', '198.19.7.20', 'lladdr', OLD_OWNER_MAC, 'dev', 'veth0', 'nud', 'stale');
    await node.request({ op: 'send', hex: gratuitousArpRequest(NODE_MAC, '198.19.7.20').toString('hex') });
    expect(await waitForNeighbour('198.19.7.20', NODE_MAC)).to.contain('STALE');
  });

  it("moves the peer's existing entry with a gratuitous ARP reply", async () => {
    await inPeer('ip', 'neigh', 'replace', '198.19.7.21', 'lladdr', OLD_OWNER_MAC, 'dev', 'veth0', 'nud', 'reachable');
    await node.request({ op: 'send', hex: gratuitousArpReply(NODE_MAC, '198.19.7.21').toString('hex') });
    await waitForNeighbour('198.19.7.21', NODE_MAC);
  });

  it('would not move a fresh entry with a reply whose target MAC is broadcast, which is why the reply form names its own MAC', async () => {
    await inPeer('ip', 'neigh', 'replace', '198.19.7.22', 'lladdr', OLD_OWNER_MAC, 'dev', 'veth0', 'nud', 'reachable');
    const broadcastTarget = encodeArpFrame({
      ethernet: { destination: 'ff:ff:ff:ff:ff:ff', source: NODE_MAC, ethertype: 0x0806 },
      arp: { operation: 'reply', senderMac: NODE_MAC, senderIp: '198.19.7.22', targetMac: 'ff:ff:ff:ff:ff:ff', targetIp: '198.19.7.22' },
    });
    await node.request({ op: 'send', hex: broadcastTarget.toString('hex') });
    await sleep(200);
    expect(await peerNeighbour('198.19.7.22')).to.contain(`lladdr ${OLD_OWNER_MAC}`);
  });

  it("joins the solicited-node group, receives the peer kernel's solicitation and answers it", async () => {
    const group = solicitedNodeMac(SERVICE_V6);
    expect(group).to.equal('33:33:ff:00:00:10');
    await node.request({ op: 'join', mac: group });
    expect(await pair.exec(pair.names.node, 'ip', 'maddr', 'show', 'dev', 'veth0')).to.contain(`link  ${group}`);

    const pinging = pingFromPeer(SERVICE_V6);
    const solicitation = await node.waitForFrame('Neighbor Solicitation', (f) => f.kind === 'neighbor-solicitation');
    if (solicitation.kind !== 'neighbor-solicitation') throw new Error('not a solicitation');
    expect(solicitation.ethernet.destination).to.equal(group);
    expect(solicitation.ipv6).to.deep.include({ source: '2001:db8:7::2', destination: 'ff02::1:ff00:10', hopLimit: 255 });
    expect(solicitation.message).to.deep.equal({ type: 'neighbor-solicitation', target: SERVICE_V6, sourceLinkAddress: PEER_MAC });
    expect(node.frames[0]?.packetType).to.equal('multicast');

    await node.request({ op: 'send', hex: neighborAdvertisementFrame(solicitation, NODE_MAC).toString('hex') });
    expect(await waitForNeighbour(SERVICE_V6, NODE_MAC)).to.match(/REACHABLE|DELAY|STALE/);
    await pinging;

    await node.request({ op: 'leave', mac: group });
    expect(await pair.exec(pair.names.node, 'ip', 'maddr', 'show', 'dev', 'veth0')).not.to.contain(group);
  });

  it("moves the peer's existing IPv6 entry with an unsolicited Neighbor Advertisement", async () => {
    await inPeer('ip', '-6', 'neigh', 'replace', '2001:db8:7::20', 'lladdr', OLD_OWNER_MAC, 'dev', 'veth0', 'nud', 'reachable');
    await node.request({ op: 'send', hex: unsolicitedNeighborAdvertisement(NODE_MAC, '2001:db8:7::20').toString('hex') });
    expect(await waitForNeighbour('2001:db8:7::20', NODE_MAC)).to.contain('STALE');
  });

  it('lets no IPv4, UDP or ICMPv6 echo traffic through its filter', async () => {
    const rxPackets = async (): Promise<number> =>
      Number(await pair.exec(pair.names.node, 'cat', '/sys/class/net/veth0/statistics/rx_packets'));
    await pingFromPeer('198.19.7.1');
    await pingFromPeer('2001:db8:7::1');
    await sleep(100);
    node.frames.length = 0;
    const before = await rxPackets();
    await inPeer('bash', '-c', 'for i in $(seq 100); do echo herald > /dev/udp/198.19.7.1/9; done');
    await inPeer('ping', '-c', '20', '-i', '0.01', '-q', '198.19.7.1');
    await inPeer('ping', '-c', '20', '-i', '0.01', '-q', '2001:db8:7::1');
    await sleep(100);
    expect((await rxPackets()) - before).to.be.at.least(140);
    // The kernels may still check on each other with ARP or Neighbor Discovery meanwhile; those
    // are all that may arrive, and decoded() throws on anything else.
    const arrived = node.decoded();
    expect(arrived.length).to.be.below(10);
  });

  it('keeps the event loop ticking while thousands of frames arrive', async () => {
    const flooder = startAgent(pair.names.peer);
    try {
      await flooder.request({ op: 'open', interface: 'veth0' });
      await node.request({ op: 'report', frames: false });
      const before = await node.request<{ ticks: number; frames: number }>({ op: 'stats' });
      const probe = gratuitousArpRequest(PEER_MAC, '198.19.7.2').toString('hex');
      for (let i = 0; i < 20; i++) await flooder.request({ op: 'send', hex: probe, count: 500 });
      await sleep(100);
      const after = await node.request<{ ticks: number; maxGapMs: number; frames: number }>({ op: 'stats' });
      expect(after.frames - before.frames).to.be.at.least(2000);
      expect(after.ticks).to.be.above(before.ticks);
      expect(after.maxGapMs).to.be.below(100);
    } finally {
      await node.request({ op: 'report', frames: true });
      await flooder.stop();
    }
  });

  it('reports ENETDOWN when the interface goes down, and delivers again once it is back up', async () => {
    pair.ip('-n', pair.names.node, 'link', 'set', 'veth0', 'down');
    const deadline = Date.now() + 3000;
    while (node.errors.length === 0 && Date.now() < deadline) await sleep(10);
    expect(node.errors[0]).to.deep.include({ code: 'ENETDOWN' });
    expect(node.errors[0]?.message).to.match(/^packet socket on veth0: poll ENETDOWN/);

    pair.ip('-n', pair.names.node, 'link', 'set', 'veth0', 'up');
    await sleep(200);
    await inPeer('arping', '-c1', '-w1', '-i', 'veth0', '198.19.7.30').catch(() => undefined);
    await node.waitForFrame('ARP request after the link came back', (f) => f.kind === 'arp' && f.arp.targetIp === '198.19.7.30');
  });

  it('refuses memberships that are not multicast MACs, naming the field', async () => {
    await expectRejection(node.request({ op: 'join', mac: '02:00:5e:10:07:09' }), /: join 02:00:5e:10:07:09: mac: 02:00:5e:10:07:09 is not a multicast MAC/);
    await expectRejection(node.request({ op: 'join', mac: '33:33:ff:00:00' }), /mac: "33:33:ff:00:00" is not a MAC address/);
  });

  it('refuses a frame shorter than an Ethernet header', async () => {
    await expectRejection(node.request({ op: 'send', hex: '02005e100702' }), /packet socket on veth0: send: frame: 6 bytes/);
  });

  it('closes the socket of a worker thread that ends with it open, and the process goes on', async () => {
    const before = await node.request<number>({ op: 'packetSockets' });
    const outcome = await node.request<{ whileOpen: number; afterExit: number }>({ op: 'worker', interface: 'veth0' });
    expect(outcome.whileOpen).to.equal(before + 1);
    expect(outcome.afterExit).to.equal(before);
    expect(await node.request<{ ticks: number }>({ op: 'stats' })).to.have.property('ticks');
  });

  it('reads link details from sysfs and says which links layer-2 mode may not use', async () => {
    const n = pair.names.node;
    pair.ip('-n', n, 'link', 'add', 'br0', 'type', 'bridge');
    pair.ip('-n', n, 'link', 'add', 'v1', 'type', 'veth', 'peer', 'name', 'v2');
    pair.ip('-n', n, 'link', 'add', 'v3', 'type', 'veth', 'peer', 'name', 'v4');
    pair.ip('-n', n, 'link', 'set', 'v1', 'master', 'br0');
    for (const link of ['br0', 'v1', 'v2']) pair.ip('-n', n, 'link', 'set', link, 'up');
    pair.ip('-n', n, 'link', 'set', 'v2', 'arp', 'off');
    type LinkAnswer = { link: { ifindex: number; mac?: string; master?: string; masterKind?: string }; unusable: string | null };
    const link = (name: string): Promise<LinkAnswer> => node.request<LinkAnswer>({ op: 'link', name });

    const veth0 = await link('veth0');
    expect(veth0.unusable).to.equal(null);
    expect(veth0.link.mac).to.equal(NODE_MAC);
    expect(veth0.link.ifindex).to.equal(nodeIfindex);
    expect((await link('v1')).link).to.deep.include({ master: 'br0', masterKind: 'bridge' });
    expect((await link('v1')).unusable).to.equal('v1 is a member of the bridge br0; use br0 instead');
    expect((await link('lo')).unusable).to.equal('lo is a loopback interface');
    expect((await link('v2')).unusable).to.equal('v2 does not use ARP (NOARP)');
    expect((await link('v3')).unusable).to.equal('v3 is down');
    await expectRejection(link('nope0'), /interface nope0: no such interface in \/sys\/class\/net/);
  });

  it('stops delivering at once when closed, and releases the socket', async () => {
    const before = await node.request<number>({ op: 'packetSockets' });
    await node.request({ op: 'close' });
    expect(await node.request<number>({ op: 'packetSockets' })).to.equal(before - 1);
    node.frames.length = 0;
    await inPeer('arping', '-c2', '-w1', '-i', 'veth0', '198.19.7.31').catch(() => undefined);
    await sleep(200);
    expect(node.frames).to.have.length(0);
    await expectRejection(node.request({ op: 'send', hex: gratuitousArpRequest(NODE_MAC, SERVICE_V4).toString('hex') }), /the packet socket is closed/);
  });
});

async function expectRejection(promise: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await promise;
  } catch (e) {
    expect((e as Error).message).to.match(message);
    return;
  }
  throw new Error(`expected a rejection matching ${message}`);
}
