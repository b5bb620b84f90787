// Layer-2 mode end to end: three node namespaces run the real speaker, a client on the same segment
// resolves the Service address, and its neighbour entry follows the owner when the owner's speaker
// is killed or stopped.

import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { ANNOTATION } from '@herald/shared/api/constants.js';
import { type LabHost, neighborMac } from '../lab/index.js';
import { waitFor } from '../lab/wait.js';
import { serviceL2Statuses } from '../harness/bgp-status.js';
import { runSuffix } from '../harness/cluster.js';
import { useSpeakerLab } from '../harness/speaker-lab-suite.js';
import type { SpeakerProcess } from '../harness/speaker-process.js';

/** The speaker's default --members-secret. */
const MEMBERS_SECRET = 'herald-memberlist';
/** Room for membership failure detection (about 0.5-0.8 s) and a loaded machine. */
const FAILOVER_LIMIT_MS = 3000;

describe('layer-2 mode: one node answers for a Service address, and the answer moves when its speaker goes @lab', function () {
  this.timeout(90_000);
  const s = useSpeakerLab({ nodes: 3, router: 'frr', ipv6Sessions: false });

  /** A Secret, a pool on the lab segment (so the subnet rule picks eth0), an L2Advertisement, a Service with an endpoint on every node, speakers everywhere. */
  async function scenario(): Promise<{ namespace: string; address: string; speakers: Map<string, SpeakerProcess> }> {
    const pool = `l2-${runSuffix()}`;
    await s.bgp.membersSecret(MEMBERS_SECRET, randomBytes(32));
    await s.k.createPool(pool, { addresses: [`198.18.${s.lab.segment.k}.200/30`] });
    await s.bgp.l2Advertisement(pool, { ipAddressPools: [pool] });
    const namespace = await s.k.namespace();
    await s.k.createService(namespace, 'web', { annotations: { [ANNOTATION.addressPool]: pool } });
    await s.bgp.endpoints(namespace, 'web', { node1: 1, node2: 1, node3: 1 });
    const [address = ''] = await s.k.waitForIPs(namespace, 'web');
    // kube-proxy's part: the address on every node's lo (arp_ignore=1 keeps the kernels from answering ARP for it).
    for (const n of s.lab.nodes) await s.responder(n, address);
    const speakers = new Map(s.lab.nodes.map((n) => [n.name, s.speaker(n)] as const));
    for (const sp of speakers.values()) await sp.waitForLog((l) => l.message === 'layer-2 mode started', 15_000, 'layer-2 mode started');
    return { namespace, address, speakers };
  }

  const host = (name: string): LabHost => {
    const h = s.lab.nodes.find((n) => n.name === name);
    if (h === undefined) throw new Error(`no lab node ${name}`);
    return h;
  };

  /** The node whose speaker holds a ServiceL2Status for the Service, other than `not` (an object just created has no status yet). */
  function owner(namespace: string, not?: string): Promise<string> {
    return waitFor(
      async () => {
        const nodes = (await serviceL2Statuses(s.cluster, namespace, 'web')).map((st) => st.status?.node ?? '').filter((n) => n !== '' && n !== not);
        return nodes.length === 1 ? (nodes[0] as string) : false;
      },
      15_000,
      { what: `one ServiceL2Status for ${namespace}/web${not ? ` from a node other than ${not}` : ''}`, intervalMs: 50 },
    );
  }

  async function ownerSetUp(): Promise<{ namespace: string; address: string; speakers: Map<string, SpeakerProcess>; first: string }> {
    const sc = await scenario();
    const first = await owner(sc.namespace);
    const status = (await serviceL2Statuses(s.cluster, sc.namespace, 'web'))[0];
    expect(status?.status).to.deep.equal({ node: first, serviceName: 'web', serviceNamespace: sc.namespace, interfaces: [{ name: 'eth0' }] });
    await s.k.waitForEvent(sc.namespace, 'web', 'AnnouncedOverL2', new RegExp(`announced by node ${first} on eth0`));
    const mac = await waitFor(async () => (await neighborMac(s.lab, sc.address)) ?? false, 5000, { what: `the client to resolve ${sc.address}` });
    expect(mac, `the client's neighbour entry for ${sc.address}`).to.equal(host(first).mac);
    return { ...sc, first };
  }

  /** Polls the client's entry (no probe: only announcements may move it) until it changes; ms from `since`. */
  async function entryMoves(address: string, from: string, since: number): Promise<{ mac: string; ms: number }> {
    const mac = await waitFor(
      async () => {
        const now = await neighborMac(s.lab, address, { probe: false });
        return now !== undefined && now !== from ? now : false;
      },
      FAILOVER_LIMIT_MS * 2,
      { what: `the client's neighbour entry for ${address} to leave ${from}`, intervalMs: 10 },
    );
    return { mac, ms: Date.now() - since };
  }

  it("points the client's neighbour entry at the owner, and at a new owner within seconds of the owner's speaker being killed (SIGKILL)", async () => {
    const { namespace, address, speakers, first } = await ownerSetUp();
    const killedAt = Date.now();
    speakers.get(first)?.kill('SIGKILL');
    const moved = await entryMoves(address, host(first).mac, killedAt);
    const next = await owner(namespace, first);
    console.log(`      SIGKILL of ${first}'s speaker: the client's entry moved to ${next} after ${moved.ms} ms`);
    expect(moved.mac).to.equal(host(next).mac);
    expect(moved.ms).to.be.below(FAILOVER_LIMIT_MS);
  });

  it('moves the address at once when the owner stops gracefully (SIGTERM: leave)', async () => {
    const { namespace, address, speakers, first } = await ownerSetUp();
    const stoppedAt = Date.now();
    const stopping = speakers.get(first);
    stopping?.kill('SIGTERM');
    const moved = await entryMoves(address, host(first).mac, stoppedAt);
    const next = await owner(namespace, first);
    console.log(`      SIGTERM of ${first}'s speaker: the client's entry moved to ${next} after ${moved.ms} ms`);
    expect(moved.mac).to.equal(host(next).mac);
    // No failure detection to wait for: the leave message moves it.
    expect(moved.ms).to.be.below(500);
    await stopping?.exited;
    expect(stopping?.exitCode).to.equal(0);
    expect((await serviceL2Statuses(s.cluster, namespace, 'web')).map((st) => st.status?.node)).to.deep.equal([next]);
  });
});
