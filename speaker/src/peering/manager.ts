import type net from 'node:net';
import type { BFDProfileConfig, PeerConfig } from '@herald/shared/config/types.js';
import type { Logger } from '@herald/shared/log/logger.js';
import { type IP, formatIP } from '@herald/shared/net/address.js';
import type { RouteChanges, RouteIntent } from '../announce/types.js';
import { BfdSession } from '../bgp/bfd/session.js';
import type { OutboundRoute } from '../bgp/codec/index.js';
import { BgpSession } from '../bgp/session/session.js';
import type { SpeakerMetrics } from '../metrics/metrics.js';
import { connectWithMd5, setMd5Key } from '../native/tcp-md5.js';
import type { BgpRouting } from '../reconcile/speaker.js';
import { BgpListener } from './listener.js';
import { outboundRoute } from './outbound.js';
import { type PeerSettings, peerSettings, settingsFingerprint } from './peer-settings.js';

export interface PeeringOptions {
  nodeName: string;
  /** This node's addresses (its Node's InternalIPs): router IDs are derived from them. */
  nodeAddresses: () => readonly IP[];
  /** 0: accept no connections. */
  listenPort: number;
  log: Logger;
  metrics: SpeakerMetrics;
}

interface Peer {
  readonly name: string;
  readonly settings: PeerSettings;
  readonly fingerprint: string;
  readonly session: BgpSession;
  readonly bfdProfile: BFDProfileConfig | undefined;
  /** The decided routes, by prefix text: what the peer should hold. */
  readonly intents: Map<string, RouteIntent>;
  /** The same routes as sent, with this connection's next hop; rebuilt when it changes. */
  readonly outbound: Map<string, OutboundRoute>;
  nextHop: IP | undefined;
  bfd: BfdSession | undefined;
}

/**
 * Runs one BGP session per peer this node should have, feeds each the routes decided for it, and
 * ties sessions to BFD and to the listener. Routes are kept per peer name, so a reconfigured peer
 * (new timers, a new password) gets them again on its new session.
 */
export class Peering implements BgpRouting {
  private readonly peers = new Map<string, Peer>();
  private readonly pendingIntents = new Map<string, Map<string, RouteIntent>>();
  private listener: BgpListener | undefined;
  private stopping = false;

  constructor(private readonly o: PeeringOptions) {}

  async start(): Promise<void> {
    if (this.o.listenPort === 0) return;
    this.listener = new BgpListener(this.o.listenPort, (address, socket) => this.incoming(address, socket), this.o.log);
    await this.listener.start();
  }

  setPeers(peers: readonly PeerConfig[]): void {
    if (this.stopping) return;
    const wanted = new Set(peers.map((p) => p.name));
    for (const [name, peer] of this.peers) {
      if (!wanted.has(name)) this.remove(peer, 'the BGPPeer no longer selects this node or was deleted');
    }
    for (const config of peers) {
      const result = peerSettings(config, { name: this.o.nodeName, addresses: this.o.nodeAddresses() });
      const existing = this.peers.get(config.name);
      if (!result.ok) {
        this.o.log.error(result.error, { peer: config.name, node: this.o.nodeName });
        if (existing !== undefined) this.remove(existing, 'its configuration cannot be used');
        continue;
      }
      const fingerprint = settingsFingerprint(result.settings, config.bfdProfile ?? null);
      if (existing?.fingerprint === fingerprint) continue;
      const intents = existing?.intents ?? this.pendingIntents.get(config.name) ?? new Map<string, RouteIntent>();
      this.pendingIntents.delete(config.name);
      if (existing !== undefined) this.remove(existing, 'the BGPPeer changed');
      this.add(config.name, result.settings, fingerprint, config.bfdProfile, intents);
    }
  }

  applyRoutes(changes: RouteChanges): void {
    for (const [name, c] of changes) {
      const peer = this.peers.get(name);
      // Routes can be decided for a peer whose session is not open yet (or cannot be); they wait.
      const intents = peer?.intents ?? this.pendingIntents.get(name) ?? new Map<string, RouteIntent>();
      if (peer === undefined) this.pendingIntents.set(name, intents);
      const changed: string[] = [];
      for (const r of c.withdrawn) {
        const key = prefixKey(r);
        intents.delete(key);
        peer?.outbound.delete(key);
        changed.push(key);
      }
      for (const r of [...c.added, ...c.changed]) {
        const key = prefixKey(r);
        intents.set(key, r);
        if (peer?.nextHop !== undefined) peer.outbound.set(key, outboundRoute(r, peer.nextHop, peer.settings.localASN));
        changed.push(key);
      }
      if (peer !== undefined) {
        this.o.metrics.announcedPrefixes.set({ peer: name }, intents.size);
        // The session compares only these prefixes: the cost of a change follows its size, not the table's.
        if (peer.nextHop !== undefined) peer.session.setRoutes(peer.outbound, changed);
      }
    }
  }

  /** Resolves once every session has written the routes applied so far (benchmarks and tests wait on it). */
  async flushed(): Promise<void> {
    await Promise.all([...this.peers.values()].map((peer) => peer.session.flushed()));
  }

  /**
   * Ends every session: peers with graceful restart keep our routes while we are away (the
   * connection closes without NOTIFICATION); the others get RFC 8326 graceful shutdown, waiting
   * `gracefulShutdownMs` with GRACEFUL_SHUTDOWN on every route before Cease.
   */
  async stop(gracefulShutdownMs: number): Promise<void> {
    this.stopping = true;
    await this.listener?.close();
    await Promise.all(
      [...this.peers.values()].map(async (peer) => {
        await peer.bfd?.stop();
        if (peer.settings.gracefulRestart) await peer.session.stop({ graceful: true });
        else if (gracefulShutdownMs > 0) await peer.session.shutdown({ gracefulShutdownMs });
        else await peer.session.stop({ reason: 'the speaker is stopping' });
      }),
    );
    this.peers.clear();
  }

  private add(name: string, settings: PeerSettings, fingerprint: string, bfdProfile: BFDProfileConfig | undefined, intents: Map<string, RouteIntent>): void {
    const log = this.o.log.child({ peer: name, node: this.o.nodeName });
    const session = new BgpSession({
      peerName: name,
      ...settings,
      logger: this.o.log.child({ node: this.o.nodeName }),
      connect: connectWithMd5,
    });
    const peer: Peer = { name, settings, fingerprint, session, bfdProfile, intents, outbound: new Map(), nextHop: undefined, bfd: undefined };
    this.peers.set(name, peer);
    this.o.metrics.sessionUp.set({ peer: name }, 0);
    this.o.metrics.announcedPrefixes.set({ peer: name }, intents.size);
    session.on('state', ({ to }) => this.o.metrics.sessionTransitions.inc({ peer: name, state: to }));
    session.on('established', () => {
      this.o.metrics.sessionUp.set({ peer: name }, 1);
      // Synchronously, before the session's first flush: the peer gets every route, then End-of-RIB.
      this.useNextHop(peer, session.localAddress);
      this.startBfd(peer, log);
    });
    session.on('down', () => {
      this.o.metrics.sessionUp.set({ peer: name }, 0);
      this.stopBfd(peer);
    });
    this.setKey(settings, settings.password);
    session.start();
    log.info('BGP session configured', {
      peerAddress: formatIP(settings.peerAddress),
      peerPort: settings.peerPort,
      peerAsn: settings.peerASN,
      localAsn: settings.localASN,
      ibgp: settings.ibgp,
      md5: settings.password !== undefined,
      gracefulRestart: settings.gracefulRestart,
      bfdProfile: bfdProfile?.name,
    });
  }

  private remove(peer: Peer, reason: string): void {
    this.peers.delete(peer.name);
    this.o.metrics.forgetPeer(peer.name);
    this.setKey(peer.settings, undefined);
    this.stopBfd(peer);
    void peer.session.stop({ reason });
    this.o.log.info('BGP session removed', { peer: peer.name, node: this.o.nodeName, reason });
  }

  private useNextHop(peer: Peer, nextHop: IP | undefined): void {
    if (nextHop === undefined) return;
    if (peer.nextHop === undefined || peer.nextHop.value !== nextHop.value || peer.nextHop.family !== nextHop.family) {
      peer.nextHop = nextHop;
      peer.outbound.clear();
      for (const [key, intent] of peer.intents) peer.outbound.set(key, outboundRoute(intent, nextHop, peer.settings.localASN));
    }
    peer.session.setRoutes(peer.outbound);
  }

  private startBfd(peer: Peer, log: Logger): void {
    const profile = peer.bfdProfile;
    const local = peer.session.localAddress;
    if (profile === undefined || local === undefined || peer.bfd !== undefined) return;
    let bfd: BfdSession;
    try {
      bfd = new BfdSession({ peerAddress: peer.settings.peerAddress, localAddress: local, profile, logger: log });
    } catch (e) {
      log.error('BFD cannot run for this peer; the BGP session runs without it', { reason: e instanceof Error ? e.message : String(e), bfdProfile: profile.name });
      return;
    }
    peer.bfd = bfd;
    bfd.on('up', () => this.o.metrics.bfdUp.set({ peer: peer.name }, 1));
    bfd.on('down', (reason) => {
      this.o.metrics.bfdUp.set({ peer: peer.name }, 0);
      log.warn('BFD says the path to the peer is down; closing the BGP session now', { reason });
      this.stopBfd(peer);
      peer.session.bringDown(`BFD down: ${reason}`);
    });
    bfd.start().catch((e: unknown) => {
      log.error('BFD could not start; the BGP session runs without it', { reason: e instanceof Error ? e.message : String(e) });
      if (peer.bfd === bfd) peer.bfd = undefined;
    });
  }

  private stopBfd(peer: Peer): void {
    const bfd = peer.bfd;
    if (bfd === undefined) return;
    peer.bfd = undefined;
    this.o.metrics.bfdUp.set({ peer: peer.name }, 0);
    void bfd.stop();
  }

  private setKey(settings: PeerSettings, password: string | undefined): void {
    const server = this.listener?.netServer;
    if (server === undefined || (settings.password === undefined && password === undefined)) return;
    try {
      setMd5Key(server, formatIP(settings.peerAddress), settings.peerAddress.family, password);
    } catch (e) {
      this.o.log.error('could not set the TCP-MD5 key on the BGP listener; the peer cannot connect to us, we still dial it', {
        peerAddress: formatIP(settings.peerAddress),
        reason: e instanceof Error ? e.message : String(e),
      });
    }
  }

  private incoming(address: IP, socket: net.Socket): boolean {
    for (const peer of this.peers.values()) {
      if (peer.settings.peerAddress.family === address.family && peer.settings.peerAddress.value === address.value) {
        peer.session.acceptIncoming(socket);
        return true;
      }
    }
    return false;
  }
}

function prefixKey(r: RouteIntent): string {
  return `${r.prefix.family}:${r.prefix.network.toString(16)}/${r.prefix.length}`;
}
