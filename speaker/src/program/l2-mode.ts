import os from 'node:os';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '@herald/shared/log/logger.js';
import { formatIP } from '@herald/shared/net/address.js';
import { type NodeInterface, nodeInterfaces } from '../announce/l2-interfaces.js';
import { L2Responder } from '../l2/responder.js';
import type { ProtocolConfig } from '../members/config.js';
import { Membership } from '../members/membership.js';
import type { SpeakerMetrics } from '../metrics/metrics.js';
import { listLinks } from '../native/link.js';
import { L2Speaker, type L2SpeakerOptions } from '../reconcile/l2-speaker.js';
import { nodeAddresses } from './node-addresses.js';

/** The data key of the membership Secret that holds the shared key. */
export const MEMBERS_SECRET_KEY = 'secretkey';

/** How long a starting membership waits to hear of another member before this node decides what it owns. */
const JOIN_WAIT_MS = 2000;

/** How often this node's interfaces are read again (sysfs and os.networkInterfaces(): no process, a few reads). */
const INTERFACE_RESCAN_MS = 30_000;

export interface L2ModeOptions {
  nodeName: string;
  namespace: string;
  membersPort: number;
  membersSecret: string;
  membersBind: string | undefined;
  membersProtocol: Partial<ProtocolConfig>;
  log: Logger;
  metrics: SpeakerMetrics;
  /** The informers' caches this mode reads: the membership Secret, every Node, whether any L2Advertisement exists. */
  secret: (name: string) => KubernetesObject | undefined;
  nodes: () => readonly KubernetesObject[];
  hasL2Advertisements: () => boolean;
  updateStatus: L2SpeakerOptions['updateStatus'];
  recordEvent: L2SpeakerOptions['recordEvent'];
}

/** The shared key from the Secret's `secretkey`, or why there is none. */
export function membershipKey(secret: KubernetesObject | undefined, name: string, namespace: string): Buffer | string {
  if (secret === undefined) return `Secret ${namespace}/${name} does not exist`;
  const data = (secret as { data?: Record<string, string> }).data?.[MEMBERS_SECRET_KEY];
  if (data === undefined) return `Secret ${namespace}/${name} has no data key "${MEMBERS_SECRET_KEY}"`;
  const key = Buffer.from(data, 'base64');
  if (key.length < 16) return `Secret ${namespace}/${name}: "${MEMBERS_SECRET_KEY}" holds ${key.length} bytes; the membership needs 16 or more (32 random bytes recommended)`;
  return key;
}

/**
 * Layer-2 mode's shell: the L2Speaker (a WatchFeed target), the responder it drives, the
 * membership whose live set it follows, and the interface rescans. The membership starts as soon
 * as its Secret exists, whether or not an L2Advertisement does yet, so that the speakers have
 * formed their group before the first address needs an owner (a group formed at that moment
 * would briefly see every node alone, and every node would answer).
 */
export class L2Mode {
  readonly speaker: L2Speaker;
  private readonly responder: L2Responder;
  private membership: Membership | undefined;
  private key: Buffer | undefined;
  private family: 4 | 6 | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private lastInterfaces = '';
  private reported = '';
  private stopping = false;

  constructor(private readonly o: L2ModeOptions) {
    this.responder = new L2Responder({
      onConflict: (c) => this.speaker.conflict(c),
      onError: (error) => o.log.warn(error.message, { node: o.nodeName }),
    });
    this.speaker = new L2Speaker({ nodeName: o.nodeName, responder: this.responder, log: o.log, metrics: o.metrics, updateStatus: o.updateStatus, recordEvent: o.recordEvent });
  }

  /** After the caches synced, before the feed begins: interfaces, then the membership if its Secret is there. */
  async start(): Promise<void> {
    this.rescan();
    this.rescanTimer = setInterval(() => this.rescan(), INTERFACE_RESCAN_MS);
    await this.secretChanged();
  }

  /** A watch event the feed also got: the Secret may have appeared or changed, Nodes are the seeds. */
  changed(kind: 'config' | 'service' | 'endpointslice' | 'node'): void {
    if (this.stopping) return;
    if (kind === 'config') void this.secretChanged();
    if (kind === 'node') this.membership?.setSeeds(this.seeds());
  }

  /** SIGTERM: stop answering at once, then leave the group so the others take over without waiting for failure detection. */
  async release(): Promise<void> {
    this.stopping = true;
    clearInterval(this.rescanTimer);
    this.speaker.release();
    await this.membership?.leave();
  }

  close(): void {
    this.responder.close();
  }

  private async secretChanged(): Promise<void> {
    const key = membershipKey(this.o.secret(this.o.membersSecret), this.o.membersSecret, this.o.namespace);
    if (typeof key === 'string') {
      this.report(key);
      return;
    }
    if (this.membership !== undefined) {
      if (this.key !== undefined && !key.equals(this.key)) {
        // The old key is still accepted so that speakers that have not seen the new Secret yet are not cut off.
        this.membership.setKey(key, [this.key]);
        this.key = key;
        this.o.log.info('membership key changed; the previous one is still accepted', { node: this.o.nodeName, secret: this.o.membersSecret });
      }
      return;
    }
    const address = this.o.membersBind ?? this.ownAddress();
    if (address === undefined) {
      this.report(`Node ${this.o.nodeName} has no InternalIP address to reach its membership at; set --members-bind`);
      return;
    }
    this.key = key;
    this.family = address.includes(':') ? 6 : 4;
    const membership = new Membership({ name: this.o.nodeName, address, port: this.o.membersPort, key, seeds: this.seeds(), protocol: this.o.membersProtocol, logger: this.o.log });
    this.membership = membership;
    const follow = (): void => this.speaker.setLiveMembers(membership.liveMembers());
    membership.on('member-up', (name, at) => {
      this.o.log.info('member up', { node: this.o.nodeName, member: name, address: at });
      follow();
    });
    membership.on('member-down', (name, reason) => {
      this.o.log.info('member down', { node: this.o.nodeName, member: name, reason });
      follow();
    });
    membership.on('refuted', (claim) => this.speaker.announceHeldAgain(`another member held this node ${claim}`));
    this.o.metrics.watchMembership(() => membership.counters());
    try {
      await membership.start();
    } catch (e) {
      this.membership = undefined;
      this.report(`the membership cannot start on ${address} port ${this.o.membersPort}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.reported = '';
    await this.joined(membership);
    follow();
    this.o.log.info('layer-2 mode started', { node: this.o.nodeName, address, port: this.o.membersPort, secret: this.o.membersSecret });
  }

  /**
   * Waits until another member is live, or JOIN_WAIT_MS: deciding while the member list is still
   * on its way would make this node believe it is alone and answer for every address for a moment.
   */
  private async joined(membership: Membership): Promise<void> {
    if (this.seeds().length === 0 || membership.liveMembers().length > 1) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        membership.off('member-up', done);
        resolve();
      };
      const timer = setTimeout(done, JOIN_WAIT_MS);
      membership.on('member-up', done);
    });
  }

  /** Says once (per distinct reason) why layer-2 mode is off: an error when an L2Advertisement asks for it, else information. */
  private report(reason: string): void {
    const wanted = this.o.hasL2Advertisements();
    const text = `${wanted ? 'error' : 'info'} ${reason}`;
    if (text === this.reported) return;
    this.reported = text;
    const message = `layer-2 mode is off: ${reason}; BGP mode is not affected`;
    if (wanted) this.o.log.error(message, { node: this.o.nodeName, secret: `${this.o.namespace}/${this.o.membersSecret}` });
    else this.o.log.info(message, { node: this.o.nodeName, secret: `${this.o.namespace}/${this.o.membersSecret}` });
  }

  private ownAddress(): string | undefined {
    const own = this.o.nodes().find((n) => n.metadata?.name === this.o.nodeName);
    const first = nodeAddresses(own)[0];
    return first === undefined ? undefined : formatIP(first);
  }

  /** Every Node's InternalIP addresses of the membership's family: members are discovered from the Nodes. */
  private seeds(): string[] {
    const seeds: string[] = [];
    for (const n of this.o.nodes()) {
      if (n.metadata?.name === this.o.nodeName) continue;
      for (const ip of nodeAddresses(n)) if (this.family === undefined || ip.family === this.family) seeds.push(formatIP(ip));
    }
    return seeds;
  }

  private rescan(): void {
    let interfaces: NodeInterface[];
    try {
      interfaces = nodeInterfaces(listLinks(), os.networkInterfaces());
    } catch (e) {
      this.o.log.warn(`cannot read this node's interfaces: ${e instanceof Error ? e.message : String(e)}`, { node: this.o.nodeName });
      return;
    }
    // Addresses hold their value as a BigInt, which JSON cannot write by itself.
    const text = JSON.stringify(interfaces, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    if (text === this.lastInterfaces) return;
    this.lastInterfaces = text;
    this.o.log.info('interfaces', { node: this.o.nodeName, interfaces: interfaces.map((i) => i.name).join(',') });
    this.speaker.setInterfaces(interfaces);
  }
}
