// Layer-2 scenarios on a speaker lab: a membership Secret, a pool on the lab segment, an
// L2Advertisement, a Service with endpoints, the address on each node's loopback and a speaker
// on every node; then who owns the address and where the client's neighbour entry points.

import { randomBytes } from 'node:crypto';
import type { V1ServiceSpec } from '@kubernetes/client-node';
import { expect } from 'chai';
import { ANNOTATION } from '@herald/shared/api/constants.js';
import { type LabHost, neighborMac } from '../lab/index.js';
import { waitFor, waitForSteady } from '../lab/wait.js';
import { serviceL2Statuses } from './bgp-status.js';
import { runSuffix } from './cluster.js';
import type { SpeakerLabSuite } from './speaker-lab-suite.js';
import type { SpeakerProcess, SpeakerRunOptions } from './speaker-process.js';

/** The speaker's default --members-secret. */
export const MEMBERS_SECRET = 'herald-memberlist';
/** Room for membership failure detection (about 0.5-0.8 s) and a loaded machine. */
export const FAILOVER_LIMIT_MS = 3000;
/** The Service every scenario creates. */
export const L2_SERVICE = 'web';

export interface L2ScenarioOptions {
  /** The pool's ranges (default: four IPv4 addresses at .200/30 on the lab segment, so the subnet rule picks eth0). */
  addresses?: string[];
  /** Merged into the Service's spec (families, externalTrafficPolicy). */
  spec?: Partial<V1ServiceSpec>;
  /** Ready endpoints per node (default: one on every node). */
  endpoints?: Readonly<Record<string, number>>;
  /** Options for every speaker (metrics, extra flags). */
  speaker?: Partial<SpeakerRunOptions>;
}

export interface L2Scenario {
  namespace: string;
  /** Every address the Service got, in the Service's order. */
  addresses: string[];
  speakers: Map<string, SpeakerProcess>;
}

export interface L2Owned extends L2Scenario {
  /** The owning node's name. */
  first: string;
}

export interface L2Lab {
  /** The lab segment's IPv6 prefix without its length ("fdKK:18::"). */
  ipv6Base(): string;
  host(name: string): LabHost;
  scenario(o?: L2ScenarioOptions): Promise<L2Scenario>;
  /** The node whose speaker holds a ServiceL2Status for the Service, other than `not` (an object just created has no status yet). */
  owner(namespace: string, not?: string): Promise<string>;
  /** A scenario, its owner's status and event checked, and the client's entry for `addresses[0]` checked to point at the owner. */
  ownerSetUp(o?: L2ScenarioOptions): Promise<L2Owned>;
  /** Polls the client's entry (no probe: only announcements may move it) until it leaves `from`; ms from `since`. */
  entryMoves(address: string, from: string, since: number): Promise<{ mac: string; ms: number }>;
  /** The client's entry for the address after one probe, waiting until it resolves. */
  resolvedMac(address: string): Promise<string>;
}

/** How long one ServiceL2Status must stay the only one to name the owner. */
const OWNER_STEADY_MS = 300;

export function l2Lab(s: SpeakerLabSuite): L2Lab {
  const lab: L2Lab = {
    ipv6Base: () => s.lab.segment.ipv6Cidr.replace(/\/64$/, ''),

    host(name) {
      const h = s.lab.nodes.find((n) => n.name === name);
      if (h === undefined) throw new Error(`no lab node ${name}`);
      return h;
    },

    async scenario(o = {}) {
      const pool = `l2-${runSuffix()}`;
      await s.bgp.membersSecret(MEMBERS_SECRET, randomBytes(32));
      await s.k.createPool(pool, { addresses: o.addresses ?? [`198.18.${s.lab.segment.k}.200/30`] });
      await s.bgp.l2Advertisement(pool, { ipAddressPools: [pool] });
      const namespace = await s.k.namespace();
      await s.k.createService(namespace, L2_SERVICE, { annotations: { [ANNOTATION.addressPool]: pool }, ...(o.spec ? { spec: o.spec } : {}) });
      await s.bgp.endpoints(namespace, L2_SERVICE, o.endpoints ?? Object.fromEntries(s.lab.nodes.map((n) => [n.name, 1])));
      const families = o.spec?.ipFamilies?.length ?? 1;
      const addresses = await s.k.waitForIPs(namespace, L2_SERVICE, families);
      // kube-proxy's part: the addresses on every node's lo (arp_ignore=1, and IPv6 answering only for eth0's own, keep the kernels from answering for them).
      for (const n of s.lab.nodes) for (const a of addresses) await s.responder(n, a);
      const speakers = new Map(s.lab.nodes.map((n) => [n.name, s.speaker(n, o.speaker)] as const));
      for (const sp of speakers.values()) await sp.waitForLog((l) => l.message === 'layer-2 mode started', 15_000, 'layer-2 mode started');
      // Until the group has formed a starting speaker may own what another will take from it: look at owners only after.
      for (const [name, sp] of speakers) {
        for (const other of speakers.keys()) {
          if (other !== name) await sp.waitForLog((l) => l.message === 'member up' && l['member'] === other, 10_000, `member up ${other}`);
        }
      }
      return { namespace, addresses, speakers };
    },

    owner(namespace, not) {
      // Steady: while the group forms, a speaker that started first may hold a status for a moment.
      return waitForSteady(
        async () => {
          const nodes = (await serviceL2Statuses(s.cluster, namespace, L2_SERVICE)).map((st) => st.status?.node ?? '').filter((n) => n !== '' && n !== not);
          return nodes.length === 1 ? nodes[0] : undefined;
        },
        OWNER_STEADY_MS,
        15_000,
        { what: `one ServiceL2Status for ${namespace}/${L2_SERVICE}${not ? ` from a node other than ${not}` : ''}`, intervalMs: 50 },
      );
    },

    async ownerSetUp(o = {}) {
      const sc = await lab.scenario(o);
      const first = await lab.owner(sc.namespace);
      const status = (await serviceL2Statuses(s.cluster, sc.namespace, L2_SERVICE))[0];
      expect(status?.status).to.deep.equal({ node: first, serviceName: L2_SERVICE, serviceNamespace: sc.namespace, interfaces: [{ name: 'eth0' }] });
      await s.k.waitForEvent(sc.namespace, L2_SERVICE, 'AnnouncedOverL2', new RegExp(`announced by node ${first} on eth0`));
      const address = sc.addresses[0] ?? '';
      expect(await lab.resolvedMac(address), `the client's neighbour entry for ${address}`).to.equal(lab.host(first).mac);
      return { ...sc, first };
    },

    async entryMoves(address, from, since) {
      const mac = await waitFor(
        async () => {
          const now = await neighborMac(s.lab, address, { probe: false });
          return now !== undefined && now !== from ? now : false;
        },
        FAILOVER_LIMIT_MS * 2,
        { what: `the client's neighbour entry for ${address} to leave ${from}`, intervalMs: 10 },
      );
      return { mac, ms: Date.now() - since };
    },

    resolvedMac(address) {
      return waitFor(async () => (await neighborMac(s.lab, address)) ?? false, 5000, { what: `the client to resolve ${address}` });
    },
  };
  return lab;
}
