import { expect } from 'chai';
import type { PacketSocket, PacketSocketOptions } from '../native/packet.js';
import { arpReplyFrame, arpRequestFrame, gratuitousArpReply, gratuitousArpRequest } from './arp.js';
import { type L2Frame, decodeFrame } from './frame.js';
import type { KernelGroups } from './kernel-groups.js';
import { neighborAdvertisementFrame, neighborSolicitationFrame, unsolicitedNeighborAdvertisement } from './ndp.js';
import type { OwnedAddress } from './owned.js';
import { type Conflict, L2Responder, type L2ResponderOptions, type ResponderClock } from './responder.js';

const MACS: Record<string, string> = { eth0: '02:00:5e:10:09:00', eth1: '02:00:5e:10:09:01' };
const CLIENT_MAC = '02:00:5e:10:09:99';
const OTHER_OWNER = '02:00:5e:10:09:77';
const V4 = '198.19.9.10';
const V6 = '2001:db8:9::10';

/** Timers that run only when the test moves time on. */
class ManualClock implements ResponderClock {
  private time = 0;
  private nextId = 1;
  private readonly tasks = new Map<number, { at: number; callback: () => void }>();
  randomValue = 0.5;

  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.tasks.set(id, { at: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.tasks.delete(handle as number);
  }
  random(): number {
    return this.randomValue;
  }
  get pending(): number {
    return this.tasks.size;
  }
  /** Moves time on by `ms`, running what falls due in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.tasks].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.tasks.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
}

class FakeSocket implements PacketSocket {
  readonly ifindex = 2;
  closed = false;
  readonly sent: { at: number; frame: Buffer }[] = [];
  readonly groups: string[] = [];
  failSends = false;

  constructor(
    readonly options: PacketSocketOptions,
    private readonly clock: ManualClock,
  ) {}

  get interface(): string {
    return this.options.interface;
  }
  send(frame: Buffer): void {
    if (this.failSends) throw Object.assign(new Error(`packet socket on ${this.interface}: send: sendto ENETDOWN`), { code: 'ENETDOWN' });
    this.sent.push({ at: this.clock.now(), frame });
  }
  addMembership(mac: string): void {
    this.groups.push(mac);
  }
  dropMembership(mac: string): void {
    this.groups.splice(this.groups.indexOf(mac), 1);
  }
  close(): void {
    this.closed = true;
  }
  deliver(frame: Buffer): void {
    this.options.onFrame(frame, { interface: this.interface, ifindex: this.ifindex, packetType: 'broadcast' });
  }
  decodedSent(): L2Frame[] {
    return this.sent.map(({ frame }) => {
      const result = decodeFrame(frame);
      if (!result.ok) throw new Error(`sent a frame that does not decode: ${result.detail}`);
      return result.value;
    });
  }
}

class FakeKernelGroups implements KernelGroups {
  readonly joined: string[] = [];
  closed = false;
  constructor(private readonly fail: boolean) {}
  join(group: string): void {
    if (this.fail) throw new Error(`join IPv6 group ${group} on eth0 in the kernel: EADDRNOTAVAIL`);
    this.joined.push(group);
  }
  leave(group: string): void {
    this.joined.splice(this.joined.indexOf(group), 1);
  }
  close(): void {
    this.closed = true;
  }
}

interface Harness {
  responder: L2Responder;
  clock: ManualClock;
  /** Every socket opened, in order; the open one of an interface is the last for it. */
  sockets: FakeSocket[];
  socket(name: string): FakeSocket;
  kernel: Map<string, FakeKernelGroups>;
  conflicts: Conflict[];
  errors: Error[];
  /** Interfaces whose socket fails to open. */
  missing: Set<string>;
}

function harness(options: Partial<L2ResponderOptions> = {}, kernelFails = false): Harness {
  const clock = new ManualClock();
  const sockets: FakeSocket[] = [];
  const kernel = new Map<string, FakeKernelGroups>();
  const conflicts: Conflict[] = [];
  const errors: Error[] = [];
  const missing = new Set<string>();
  const responder = new L2Responder({
    onConflict: (c) => conflicts.push(c),
    onError: (e) => errors.push(e),
    clock,
    interfaceMac: (name) => MACS[name] ?? '02:00:5e:10:09:fe',
    openSocket: (o) => {
      if (missing.has(o.interface)) {
        throw Object.assign(new Error(`packet socket on ${o.interface}: if_nametoindex ENODEV (no such device)`), { code: 'ENODEV' });
      }
      const socket = new FakeSocket(o, clock);
      sockets.push(socket);
      return socket;
    },
    kernelGroups: (name) => {
      const groups = new FakeKernelGroups(kernelFails);
      kernel.set(name, groups);
      return groups;
    },
    splitBrain: { intervalMs: 0 },
    ...options,
  });
  const socket = (name: string): FakeSocket => {
    const found = sockets.filter((s) => s.interface === name).at(-1);
    if (found === undefined) throw new Error(`no socket on ${name}`);
    return found;
  };
  return { responder, clock, sockets, socket, kernel, conflicts, errors, missing };
}

function owned(...entries: [string, string[], string[]?][]): Map<string, OwnedAddress> {
  return new Map(entries.map(([address, interfaces, services]) => [address, { interfaces, services: services ?? ['default/web'] }]));
}

function arpOf(frame: L2Frame): Extract<L2Frame, { kind: 'arp' }>['arp'] {
  if (frame.kind !== 'arp') throw new Error(`expected ARP, got ${frame.kind}`);
  return frame.arp;
}

describe('layer-2 responder', () => {
  it('opens one socket per interface in use and closes those no longer used', () => {
    const h = harness();
    h.responder.setOwned(owned([V4, ['eth0']], ['198.19.9.11', ['eth0', 'eth1']]));
    expect(h.sockets.map((s) => s.interface)).to.deep.equal(['eth0', 'eth1']);
    h.responder.setOwned(owned([V4, ['eth0']]));
    expect(h.socket('eth1').closed).to.equal(true);
    expect(h.socket('eth0').closed).to.equal(false);
    expect(h.sockets).to.have.length(2);
    expect(h.responder.answering()).to.deep.equal(new Map([[V4, ['eth0']]]));
  });

  it('answers an ARP request for an owned address with the interface MAC, unicast to the asker', () => {
    const h = harness({ announceScheduleMs: [0] });
    h.responder.setOwned(owned([V4, ['eth0']]));
    const eth0 = h.socket('eth0');
    eth0.sent.length = 0;
    const request = arpRequestFrame(CLIENT_MAC, '198.19.9.1', V4);
    eth0.deliver(request);
    expect(eth0.decodedSent()).to.have.length(1);
    expect(eth0.sent[0]?.frame).to.deep.equal(arpReplyFrame(arpOf(decoded(request)), MACS.eth0!));
    expect(h.responder.counters()).to.deep.include({ answered: { 'arp-reply': 1, 'neighbor-advertisement': 0 } });
    expect(h.responder.counters().received['arp-request']).to.equal(1);
  });

  it('does not answer for an address on an interface where it is not announced', () => {
    const h = harness({ announceScheduleMs: [0] });
    h.responder.setOwned(owned([V4, ['eth0']], ['198.19.9.11', ['eth1']]));
    const eth1 = h.socket('eth1');
    eth1.sent.length = 0;
    eth1.deliver(arpRequestFrame(CLIENT_MAC, '198.19.9.1', V4));
    expect(eth1.sent).to.have.length(0);
    expect(h.responder.counters().ignored['other-interface']).to.equal(1);
  });

  it('ignores replies, gratuitous ARP and requests for other addresses, counting each', () => {
    const h = harness({ announceScheduleMs: [0] });
    h.responder.setOwned(owned([V4, ['eth0']]));
    const eth0 = h.socket('eth0');
    eth0.sent.length = 0;
    eth0.deliver(gratuitousArpRequest(CLIENT_MAC, V4));
    eth0.deliver(gratuitousArpReply(CLIENT_MAC, V4));
    eth0.deliver(arpRequestFrame(CLIENT_MAC, '198.19.9.1', '198.19.9.99'));
    expect(eth0.sent).to.have.length(0);
    expect(h.responder.counters().ignored).to.deep.include({ 'gratuitous-arp': 1, 'arp-reply': 1, 'not-owned': 1 });
  });

  it('drops malformed frames and counts them by reason, never throwing', () => {
    const h = harness();
    h.responder.setOwned(owned([V4, ['eth0']]));
    const eth0 = h.socket('eth0');
    const truncated = arpRequestFrame(CLIENT_MAC, '198.19.9.1', V4).subarray(0, 30);
    const badChecksum = Buffer.from(neighborSolicitationFrame(CLIENT_MAC, '2001:db8:9::1', V6));
    badChecksum[badChecksum.length - 1]! ^= 0xff;
    expect(() => {
      eth0.deliver(truncated);
      eth0.deliver(badChecksum);
      eth0.deliver(Buffer.alloc(3));
    }).not.to.throw();
    expect(h.responder.counters().dropped).to.deep.include({ truncated: 2, checksum: 1 });
  });

  it('joins the solicited-node group for an owned IPv6 address, in the socket and the kernel, and answers solicitations', () => {
    const h = harness({ announceScheduleMs: [0] });
    h.responder.setOwned(owned([V6, ['eth0']]));
    const eth0 = h.socket('eth0');
    expect(eth0.groups).to.deep.equal(['33:33:ff:00:00:10', '33:33:00:00:00:01']);
    expect(h.kernel.get('eth0')?.joined).to.deep.equal(['ff02::1:ff00:10']);
    eth0.sent.length = 0;
    const solicitation = decoded(neighborSolicitationFrame(CLIENT_MAC, '2001:db8:9::1', V6));
    if (solicitation.kind !== 'neighbor-solicitation') throw new Error('not a solicitation');
    eth0.deliver(neighborSolicitationFrame(CLIENT_MAC, '2001:db8:9::1', V6));
    expect(eth0.sent.map((s) => s.frame)).to.deep.equal([neighborAdvertisementFrame(solicitation, MACS.eth0!)]);
  });

  it('keeps a group two addresses share until both are released', () => {
    const h = harness();
    h.responder.setOwned(owned([V6, ['eth0']], ['2001:db8:a::10', ['eth0']]));
    const eth0 = h.socket('eth0');
    expect(eth0.groups).to.deep.equal(['33:33:ff:00:00:10', '33:33:00:00:00:01']);
    h.responder.setOwned(owned(['2001:db8:a::10', ['eth0']], [V4, ['eth0']]));
    expect(eth0.groups).to.deep.equal(['33:33:ff:00:00:10', '33:33:00:00:00:01']);
    h.responder.setOwned(owned([V4, ['eth0']]));
    expect(eth0.groups).to.deep.equal([]);
    expect(h.kernel.get('eth0')?.joined).to.deep.equal([]);
  });

  it('reports a failed kernel join once and still joins in the socket', () => {
    const h = harness({}, true);
    h.responder.setOwned(owned([V6, ['eth0']], ['2001:db8:9::11', ['eth0']]));
    expect(h.errors.map((e) => e.message)).to.deep.equal([
      'layer-2 responder: no MLD reports on eth0 (switches that snoop MLD may not forward solicitations; the socket still receives them): ' +
        'join IPv6 group ff02::1:ff00:10 on eth0 in the kernel: EADDRNOTAVAIL',
    ]);
    expect(h.kernel.get('eth0')?.closed).to.equal(true);
    expect(h.socket('eth0').groups).to.include.members(['33:33:ff:00:00:10', '33:33:ff:00:00:11']);
  });

  it('announces a takeover at once with both forms of gratuitous ARP, then at 250, 500, 1000 and 2000 ms', () => {
    const h = harness();
    h.responder.setOwned(owned([V4, ['eth0']]));
    const eth0 = h.socket('eth0');
    expect(eth0.sent.map((s) => s.frame)).to.deep.equal([gratuitousArpRequest(MACS.eth0!, V4), gratuitousArpReply(MACS.eth0!, V4)]);
    h.clock.advance(5000);
    expect(eth0.sent.map((s) => s.at)).to.deep.equal([0, 0, 250, 250, 500, 500, 1000, 1000, 2000, 2000]);
    expect(h.responder.counters().announced).to.deep.equal({
      'gratuitous-arp-request': 5,
      'gratuitous-arp-reply': 5,
      'unsolicited-neighbor-advertisement': 0,
    });
    expect(h.clock.pending).to.equal(0);
  });

  it('announces an IPv6 takeover with unsolicited advertisements on the schedule it is given', () => {
    const h = harness({ announceScheduleMs: [0, 100] });
    h.responder.setOwned(owned([V6, ['eth0']]));
    h.clock.advance(1000);
    const eth0 = h.socket('eth0');
    expect(eth0.sent.map((s) => s.at)).to.deep.equal([0, 100]);
    expect(eth0.sent[0]?.frame).to.deep.equal(unsolicitedNeighborAdvertisement(MACS.eth0!, V6));
  });

  it('announces only the newly owned address when the set grows, and on a newly added interface', () => {
    const h = harness({ announceScheduleMs: [0] });
    h.responder.setOwned(owned([V4, ['eth0']]));
    h.responder.setOwned(owned([V4, ['eth0', 'eth1']], ['198.19.9.11', ['eth0']]));
    expect(h.socket('eth0').decodedSent().map((f) => arpOf(f).senderIp)).to.deep.equal([V4, V4, '198.19.9.11', '198.19.9.11']);
    expect(h.socket('eth1').decodedSent().map((f) => arpOf(f).senderIp)).to.deep.equal([V4, V4]);
  });

  it('announces an address it kept again from the start of the schedule when asked, and only that one', () => {
    const h = harness({ announceScheduleMs: [0, 250] });
    h.responder.setOwned(owned([V4, ['eth0', 'eth1']], ['198.19.9.11', ['eth0']]));
    h.clock.advance(1000);
    const before = h.socket('eth0').sent.length;
    h.responder.announceAgain([V4, '198.19.9.99']);
    h.clock.advance(1000);
    expect(h.socket('eth0').sent.slice(before).map((s) => s.at)).to.deep.equal([1000, 1000, 1250, 1250]);
    expect(h.socket('eth0').decodedSent().slice(before).map((f) => arpOf(f).senderIp)).to.deep.equal([V4, V4, V4, V4]);
    expect(h.socket('eth1').sent.map((s) => s.at)).to.deep.equal([0, 0, 250, 250, 1000, 1000, 1250, 1250]);
    expect(h.clock.pending).to.equal(0);
  });

  it('answers an address given alone as a change, leaving the announcements and answers of the others undisturbed', () => {
    const h = harness({ announceScheduleMs: [0, 250] });
    h.responder.setOwned(owned([V4, ['eth0']], ['198.19.9.11', ['eth0']]));
    h.clock.advance(100);
    h.responder.updateOwned({ set: owned(['198.19.9.12', ['eth0', 'eth1']]), removed: ['198.19.9.11'] });
    h.clock.advance(1000);
    const eth0 = h.socket('eth0');
    expect(eth0.decodedSent().map((f, i) => `${eth0.sent[i]?.at} ${arpOf(f).senderIp}`)).to.deep.equal([
      ...[`0 ${V4}`, `0 ${V4}`, '0 198.19.9.11', '0 198.19.9.11'],
      ...['100 198.19.9.12', '100 198.19.9.12'],
      ...[`250 ${V4}`, `250 ${V4}`],
      ...['350 198.19.9.12', '350 198.19.9.12'],
    ]);
    expect(h.responder.answering()).to.deep.equal(new Map([[V4, ['eth0']], ['198.19.9.12', ['eth0', 'eth1']]]));
  });

  it('refuses a change with an address that is not one, changing nothing', () => {
    const h = harness();
    h.responder.setOwned(owned([V4, ['eth0']]));
    expect(() => h.responder.updateOwned({ set: owned(['198.19.9.300', ['eth1']]), removed: [V4] })).to.throw('owned address "198.19.9.300"');
    expect(h.responder.answering()).to.deep.equal(new Map([[V4, ['eth0']]]));
    expect(h.sockets.map((s) => s.interface)).to.deep.equal(['eth0']);
  });

  it('stops answering and announcing at once when the address is released', () => {
    const h = harness();
    h.responder.setOwned(owned([V4, ['eth0']], ['198.19.9.11', ['eth0']]));
    h.clock.advance(300);
    h.responder.setOwned(owned(['198.19.9.11', ['eth0']]));
    const eth0 = h.socket('eth0');
    eth0.sent.length = 0;
    eth0.deliver(arpRequestFrame(CLIENT_MAC, '198.19.9.1', V4));
    h.clock.advance(5000);
    expect(eth0.decodedSent().map((f) => arpOf(f).senderIp)).to.deep.equal(Array(6).fill('198.19.9.11'));
    expect(h.responder.counters().ignored['not-owned']).to.equal(1);
  });

  it('reports an interface it cannot open, tries it again later, and announces once it opens', () => {
    const h = harness({ announceScheduleMs: [0], retryMs: 1000 });
    h.missing.add('eth1');
    h.responder.setOwned(owned([V4, ['eth0', 'eth1']]));
    expect(h.errors.map((e) => e.message)).to.deep.equal([
      'layer-2 responder: cannot answer on eth1 (trying again in 1000 ms): packet socket on eth1: if_nametoindex ENODEV (no such device)',
    ]);
    expect((h.errors[0] as NodeJS.ErrnoException).code).to.equal('ENODEV');
    expect(h.responder.answering()).to.deep.equal(new Map([[V4, ['eth0']]]));
    h.missing.delete('eth1');
    h.clock.advance(1000);
    expect(h.responder.answering()).to.deep.equal(new Map([[V4, ['eth0', 'eth1']]]));
    expect(h.socket('eth1').decodedSent()).to.have.length(2);
  });

  it('starts every address waiting for an interface when it opens, those of earlier changes too', () => {
    const h = harness({ announceScheduleMs: [0], retryMs: 1000 });
    h.missing.add('eth1');
    h.responder.updateOwned({ set: owned([V4, ['eth1']]) });
    expect(h.responder.answering()).to.deep.equal(new Map());
    h.missing.delete('eth1');
    h.responder.updateOwned({ set: owned(['198.19.9.11', ['eth1']]) });
    expect(h.responder.answering()).to.deep.equal(new Map([[V4, ['eth1']], ['198.19.9.11', ['eth1']]]));
    expect(h.socket('eth1').decodedSent()).to.have.length(4);
    h.clock.advance(5000);
    expect(h.sockets, 'no retry left').to.have.length(1);
  });

  it('counts and reports frames the socket refuses to send', () => {
    const h = harness({ announceScheduleMs: [0, 100] });
    h.responder.setOwned(owned([V4, ['eth0']]));
    h.socket('eth0').failSends = true;
    h.clock.advance(100);
    expect(h.responder.counters().sendErrors).to.equal(2);
    expect(h.errors[0]?.message).to.equal(`layer-2 responder: announcing ${V4}: packet socket on eth0: send: sendto ENETDOWN`);
  });

  it('refuses an owned set with an address that is not one, changing nothing', () => {
    const h = harness();
    h.responder.setOwned(owned([V4, ['eth0']]));
    expect(() => h.responder.setOwned(owned(['198.19.9.300', ['eth0']]))).to.throw('owned address "198.19.9.300"');
    expect(h.responder.answering()).to.deep.equal(new Map([[V4, ['eth0']]]));
  });

  it('closes every socket and timer on close', () => {
    const h = harness({ splitBrain: { intervalMs: 1000 } });
    h.responder.setOwned(owned([V4, ['eth0']], [V6, ['eth1']]));
    h.responder.close();
    expect(h.sockets.every((s) => s.closed)).to.equal(true);
    expect(h.kernel.get('eth1')?.closed).to.equal(true);
    expect(h.clock.pending).to.equal(0);
    expect(() => h.responder.setOwned(owned())).to.throw('setOwned after close()');
    expect(() => h.responder.updateOwned({ removed: [V4] })).to.throw('updateOwned after close()');
  });

  it('refuses bad options by name', () => {
    expect(() => harness({ announceScheduleMs: [10] })).to.throw('announceScheduleMs[0]: 10;');
    expect(() => harness({ splitBrain: { jitter: 2 } })).to.throw('splitBrain.jitter: 2');
    expect(() => harness({ retryMs: 0 })).to.throw('layer-2 responder: retryMs: 0');
  });
});

function decoded(frame: Buffer): L2Frame {
  const result = decodeFrame(frame);
  if (!result.ok) throw new Error(`does not decode: ${result.detail}`);
  return result.value;
}

describe('layer-2 responder split-brain checks', () => {
  const options = { announceScheduleMs: [0], splitBrain: { intervalMs: 1000, jitter: 0.25, answerWindowMs: 200, reportEveryMs: 5000 } };

  /** The last probe sent on the socket, decoded. */
  function lastProbe(socket: FakeSocket): L2Frame {
    const probe = socket.decodedSent().at(-1);
    if (probe === undefined) throw new Error('no probe sent');
    return probe;
  }

  it('asks for each owned address with an ARP probe, every interval with jitter', () => {
    const h = harness(options);
    h.responder.setOwned(owned([V4, ['eth0']]));
    const eth0 = h.socket('eth0');
    eth0.sent.length = 0;
    // The first wait was drawn at 0.5 of the jitter range (1000 ms), the second at its low end.
    h.clock.randomValue = 0;
    h.clock.advance(2000);
    expect(eth0.sent.map((s) => s.at)).to.deep.equal([1000, 1750]);
    expect(arpOf(lastProbe(eth0))).to.deep.include({ operation: 'request', senderIp: '0.0.0.0', targetIp: V4 });
    expect(h.responder.counters().probes['arp-probe']).to.equal(2);
  });

  it("calls onConflict with the other MAC and the address's Services when another station answers", () => {
    const h = harness(options);
    h.responder.setOwned(owned([V4, ['eth0']], [V6, ['eth0'], ['default/web6']]));
    h.clock.advance(1000);
    const eth0 = h.socket('eth0');
    const [arpProbe, nsProbe] = eth0.decodedSent().slice(-2);
    if (nsProbe?.kind !== 'neighbor-solicitation') throw new Error('no solicitation sent');
    eth0.deliver(arpReplyFrame(arpOf(arpProbe!), OTHER_OWNER));
    eth0.deliver(neighborAdvertisementFrame(nsProbe, OTHER_OWNER));
    expect(h.conflicts).to.deep.equal([
      { address: V4, interface: 'eth0', otherMac: OTHER_OWNER, services: ['default/web'] },
      { address: V6, interface: 'eth0', otherMac: OTHER_OWNER, services: ['default/web6'] },
    ]);
  });

  it('reports a lasting conflict once per interval, counting every answer', () => {
    const h = harness(options);
    h.responder.setOwned(owned([V4, ['eth0']]));
    const eth0 = h.socket('eth0');
    for (let i = 0; i < 6; i++) {
      h.clock.advance(1000);
      eth0.deliver(arpReplyFrame(arpOf(lastProbe(eth0)), OTHER_OWNER));
    }
    expect(h.conflicts.length).to.equal(2);
    expect(h.responder.counters().conflicts).to.equal(6);
  });

  it('takes no answer outside the window after a check as a conflict', () => {
    const h = harness(options);
    h.responder.setOwned(owned([V4, ['eth0']]));
    h.clock.advance(1000);
    const eth0 = h.socket('eth0');
    const probe = arpOf(lastProbe(eth0));
    h.clock.advance(201);
    eth0.deliver(arpReplyFrame(probe, OTHER_OWNER));
    expect(h.conflicts).to.deep.equal([]);
  });

  it('sends no checks when turned off', () => {
    const h = harness({ ...options, splitBrain: { intervalMs: 0 } });
    h.responder.setOwned(owned([V4, ['eth0']]));
    h.clock.advance(60_000);
    expect(h.socket('eth0').sent).to.have.length(2);
    expect(h.clock.pending).to.equal(0);
  });
});
