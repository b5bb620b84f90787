// Layer-2 mode under faults, end to end with three speakers and a client on one segment: the
// owner's link cut (the client's pings resume at the new owner), a forged membership datagram
// (dropped, ownership unchanged), a second station answering for the address (the split-brain
// warning), and the takeover frames as the client captures them.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { encodeDatagram } from '@herald/speaker/members/codec.js';
import type { LabHost } from '../lab/index.js';
import { CommandError } from '../lab/run.js';
import { waitFor } from '../lab/wait.js';
import { serviceL2Statuses } from '../harness/bgp-status.js';
import { metricValue } from '../harness/controller-process.js';
import { L2_SERVICE, l2Lab } from '../harness/l2-lab.js';
import { useSpeakerLab } from '../harness/speaker-lab-suite.js';
import type { SpeakerProcess } from '../harness/speaker-process.js';

const MEMBERS_PORT = 7946;
/** The split-brain check runs every 10 s ± 25 % (no flag shortens it), and an answer counts for 1 s after it. */
const SPLIT_BRAIN_LIMIT_MS = 12_500 + 1_000 + 3_000;

describe('layer-2 mode under faults: a cut link, a forged membership message, a second station answering @lab', function () {
  this.timeout(90_000);
  const s = useSpeakerLab({ nodes: 3, router: 'frr', ipv6Sessions: false });
  const l2 = l2Lab(s);

  /** Sends one UDP datagram from the client's namespace. */
  async function sendFromClient(payload: Buffer, to: string, port: number): Promise<void> {
    const script = "const s=require('node:dgram').createSocket('udp4');s.send(Buffer.from(process.argv[1],'hex'),Number(process.argv[3]),process.argv[2],(e)=>{if(e)throw e;s.close();});";
    await s.lab.exec(s.lab.client, [process.execPath, '-e', script, payload.toString('hex'), to, String(port)]);
  }

  async function metric(sp: SpeakerProcess | undefined, name: string, labels = ''): Promise<number> {
    if (sp === undefined) throw new Error(`no speaker to read ${name} from`);
    return metricValue(await sp.metrics(), name, labels) ?? 0;
  }

  it("moves the address when the owner's link is cut, and the client's pings every 10 ms resume at the new owner", async () => {
    const { namespace, addresses, first } = await l2.ownerSetUp();
    const address = addresses[0] ?? '';
    const cut = l2.host(first);
    // Timestamped replies (-D) to a ping every 10 ms for 4 s; ping exits 1 when replies were lost, which is the point here.
    const pinging = s.lab.exec(s.lab.client, ['ping', '-n', '-D', '-i', '0.01', '-w', '4', '-I', s.lab.client.iface, address]).catch((e: unknown) => {
      if (e instanceof CommandError) return e.stdout;
      throw e;
    });
    await new Promise((r) => setTimeout(r, 1000));
    const cutAt = Date.now();
    try {
      await s.lab.exec(s.lab.switchNetns, ['ip', 'link', 'set', cut.switchPort, 'down']);
      const moved = await l2.entryMoves(address, cut.mac, cutAt);
      const next = await l2.owner(namespace, first);
      expect(moved.mac).to.equal(l2.host(next).mac);
      const replies = [...(await pinging).matchAll(/^\[(\d+\.\d+)\] \d+ bytes from /gm)].map((m) => Number(m[1]) * 1000);
      const after = replies.filter((t) => t > cutAt);
      const gap = Math.max(...replies.slice(1).map((t, i) => t - (replies[i] as number)));
      console.log(
        `      link of ${first} cut: the client's entry moved to ${next} after ${moved.ms} ms; the longest gap between echo replies ${Math.round(gap)} ms; ` +
          `${replies.length} replies, ${after.length} after the cut`,
      );
      expect(after.length, 'echo replies after the cut (from the new owner)').to.be.above(50);
      expect(gap).to.be.below(3000);
    } finally {
      await s.lab.exec(s.lab.switchNetns, ['ip', 'link', 'set', cut.switchPort, 'up']);
      await pinging;
    }
  });
  it("gives the address back when the cut owner's link returns, and the client's entry follows it there", async () => {
    const { namespace, addresses, speakers, first } = await l2.ownerSetUp();
    const address = addresses[0] ?? '';
    const cut = l2.host(first);
    // The takeover's own repeats (up to 2 s after it) would otherwise reach the client after the link returns and hide what is tested here.
    await new Promise((r) => setTimeout(r, 2500));
    await s.lab.exec(s.lab.switchNetns, ['ip', 'link', 'set', cut.switchPort, 'down']);
    let restored = false;
    try {
      const moved = await l2.entryMoves(address, cut.mac, Date.now());
      const next = await l2.owner(namespace, first);
      expect(moved.mac).to.equal(l2.host(next).mac);
      // Cut off, the old owner holds everyone else dead and keeps answering for the address alone.
      const alone = speakers.get(first);
      await alone?.waitForLog((l) => l.message === 'member down' && l['member'] === next, 10_000, `${first} holding ${next} down`);
      const restoredAt = Date.now();
      await s.lab.exec(s.lab.switchNetns, ['ip', 'link', 'set', cut.switchPort, 'up']);
      restored = true;
      // The group heals (a seed is asked every 2 s); the old owner wins the address again and, having never let it go, must announce it again.
      await alone?.waitForLog((l) => l.message === 'announcing again the addresses this node kept, as a member joined', 10_000, 'announcing again');
      const back = await l2.entryMoves(address, moved.mac, restoredAt);
      expect(back.mac, "the client's entry after the link returned").to.equal(cut.mac);
      expect(await l2.owner(namespace), 'the one ServiceL2Status after the group healed').to.equal(first);
      console.log(`      link of ${first} back: the client's entry returned to it ${back.ms} ms after the link came up`);
    } finally {
      if (!restored) await s.lab.exec(s.lab.switchNetns, ['ip', 'link', 'set', cut.switchPort, 'up']);
    }
  });

  it('drops a membership datagram signed with a wrong key (metric by reason auth), and ownership stays where it was', async () => {
    const { namespace, addresses, speakers, first } = await l2.ownerSetUp({ speaker: { metrics: true } });
    const address = addresses[0] ?? '';
    const other = s.lab.nodes.find((n) => n.name !== first) as LabHost;
    const AUTH = 'reason="auth"';
    const before = new Map(await Promise.all([...speakers].map(async ([n, sp]) => [n, await metric(sp, 'herald_speaker_members_dropped_total', AUTH)] as const)));
    // Built as a real member's would be, claiming to come from a member of the group and saying the owner left: accepted, it would move the address.
    const forged = encodeDatagram(
      { sender: other.name, incarnation: 1, body: { type: 'gossip' }, updates: [{ kind: 'left', name: first, incarnation: 0xffffffff }] },
      Date.now() * 1000,
      randomBytes(32),
    );
    for (const n of s.lab.nodes) await sendFromClient(forged, n.ipv4, MEMBERS_PORT);
    for (const [n, sp] of speakers) {
      const was = before.get(n) ?? 0;
      await waitFor(async () => (await metric(sp, 'herald_speaker_members_dropped_total', AUTH)) > was, 5000, { what: `${n}'s herald_speaker_members_dropped_total{${AUTH}} to rise above ${was}` });
    }
    // Long enough for a believed leave to have moved the address (a real one moves it in about 30 ms).
    await new Promise((r) => setTimeout(r, 1000));
    expect((await serviceL2Statuses(s.cluster, namespace, L2_SERVICE)).map((st) => st.status?.node)).to.deep.equal([first]);
    expect(await l2.resolvedMac(address)).to.equal(l2.host(first).mac);
    for (const [n, sp] of speakers) expect(sp.lines.filter((l) => l.message === 'member down'), `${n}'s member-down log lines`).to.deep.equal([]);
  });
  it("raises a SplitBrain warning naming the other MAC, counts it and logs it, when another node's kernel answers for the owned address too", async () => {
    const { namespace, addresses, speakers, first } = await l2.ownerSetUp({ speaker: { metrics: true } });
    const address = addresses[0] ?? '';
    const other = s.lab.nodes.find((n) => n.name !== first) as LabHost;
    const owner = speakers.get(first);
    const forcedAt = Date.now();
    // On eth0 (not lo) the other node's kernel answers ARP for the address, the owner's probe included.
    await s.lab.exec(other, ['ip', 'addr', 'add', `${address}/32`, 'dev', 'eth0']);
    try {
      const event = await s.k.waitForEvent(namespace, L2_SERVICE, 'SplitBrain', new RegExp(`MAC ${other.mac}`), 'Service', SPLIT_BRAIN_LIMIT_MS);
      console.log(`      found after ${Date.now() - forcedAt} ms: ${event.type} ${event.reason}: ${event.message}`);
      expect(event.type).to.equal('Warning');
      expect(event.message).to.equal(`node ${first} owns ${address} but another station (MAC ${other.mac}) also answers for it on eth0`);
      expect(await metric(owner, 'herald_speaker_l2_conflicts_total')).to.be.at.least(1);
      const line = await owner?.waitForLog((l) => l.message === event.message, 1000, 'the split-brain log line');
      expect(line).to.deep.include({ level: 'warn', address, interface: 'eth0', otherMac: other.mac });
    } finally {
      await s.lab.exec(other, ['ip', 'addr', 'del', `${address}/32`, 'dev', 'eth0']);
    }
  });
  it("shows, in a capture on the client, the new owner's gratuitous ARP (request and reply forms) and unsolicited NA with the Override flag", async () => {
    const v4 = `198.18.${s.lab.segment.k}.200/30`;
    const v6 = `${l2.ipv6Base()}a:200/126`;
    const { addresses, speakers } = await l2.scenario({ addresses: [v4, v6], spec: { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] } });
    const [a4 = '', a6 = ''] = addresses;
    // Each address is elected on its own: stop whichever nodes own either, and both move.
    const macs = new Map([[a4, await l2.resolvedMac(a4)], [a6, await l2.resolvedMac(a6)]]);
    const owning = s.lab.nodes.filter((n) => [...macs.values()].includes(n.mac));
    const capture = s.lab.spawn(s.lab.client, ['tcpdump', '-i', s.lab.client.iface, '-n', '-e', '-l', '-v', 'arp or icmp6'], { name: `tcpdump-${Date.now()}` });
    await waitFor(() => capture.logTail(5).includes('listening on'), 5000, { what: 'tcpdump to listen' });
    const stoppedAt = Date.now();
    for (const n of owning) speakers.get(n.name)?.kill('SIGTERM');
    const moved = new Map<string, string>();
    for (const a of [a4, a6]) moved.set(a, (await l2.entryMoves(a, macs.get(a) ?? '', stoppedAt)).mac);
    // The schedule announces at 0, 250 and 500 ms and on: let a few go out.
    await new Promise((r) => setTimeout(r, 700));
    await capture.stop('SIGTERM', 2000);
    // tcpdump -v continues a frame on lines that start with white space.
    const frames = readFileSync(capture.logFile, 'utf8').replace(/\n\s+/g, ' ').split('\n');
    const from = (mac: string): string[] => frames.filter((f) => f.includes(` ${mac} > `));
    const new4 = moved.get(a4) ?? '', new6 = moved.get(a6) ?? '';
    const esc = (x: string): string => x.replace(/[.:]/g, (c) => `\\${c}`);
    const garpRequest = from(new4).filter((f) => new RegExp(`> ff:ff:ff:ff:ff:ff, ethertype ARP .*Request who-has ${esc(a4)} tell ${esc(a4)},`).test(f));
    const garpReply = from(new4).filter((f) => new RegExp(`> ff:ff:ff:ff:ff:ff, ethertype ARP .*Reply ${esc(a4)} is-at ${esc(new4)},`).test(f));
    const na = from(new6).filter((f) =>
      new RegExp(`> 33:33:00:00:00:01, ethertype IPv6 .*> ff02::1: .*neighbor advertisement, .*tgt is ${esc(a6)}, Flags \\[[^\\]]*override[^\\]]*\\].*link-address option .*: ${esc(new6)}`).test(f),
    );
    console.log(`      stopped ${owning.map((n) => n.name).join(', ')}: ${garpRequest.length} GARP requests and ${garpReply.length} GARP replies from ${new4}, ${na.length} unsolicited NAs from ${new6}`);
    expect(garpRequest.length, `gratuitous ARP requests for ${a4} from ${new4} in:\n${frames.join('\n')}`).to.be.at.least(1);
    expect(garpReply.length, `gratuitous ARP replies for ${a4} from ${new4}`).to.be.at.least(1);
    expect(na.length, `unsolicited NAs for ${a6} from ${new6} with Override`).to.be.at.least(1);
  });
});
