import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { MembershipCounters } from '../members/membership.js';

/** Every metric the speaker exports, in a registry of its own (never prom-client's global one). */
export class SpeakerMetrics {
  readonly registry = new Registry();

  readonly sessionUp = new Gauge({
    name: 'herald_speaker_bgp_session_up',
    help: '1 while the BGP session with this BGPPeer is Established, 0 otherwise.',
    labelNames: ['peer'] as const,
    registers: [this.registry],
  });

  readonly sessionTransitions = new Counter({
    name: 'herald_speaker_bgp_session_transitions_total',
    help: 'BGP session state changes, by peer and the state entered.',
    labelNames: ['peer', 'state'] as const,
    registers: [this.registry],
  });

  readonly announcedPrefixes = new Gauge({
    name: 'herald_speaker_bgp_announced_prefixes',
    help: 'Prefixes this node means to announce to each BGPPeer.',
    labelNames: ['peer'] as const,
    registers: [this.registry],
  });

  readonly bfdUp = new Gauge({
    name: 'herald_speaker_bfd_session_up',
    help: '1 while the BFD session with this BGPPeer is Up, 0 otherwise.',
    labelNames: ['peer'] as const,
    registers: [this.registry],
  });

  readonly configStale = new Gauge({
    name: 'herald_speaker_config_stale',
    help: '1 while Herald\'s configuration in the cluster is invalid and the last valid one stays in force.',
    registers: [this.registry],
  });

  readonly configErrors = new Gauge({
    name: 'herald_speaker_config_errors',
    help: 'Errors found in Herald\'s configuration in the cluster (0 when it is valid).',
    registers: [this.registry],
  });

  readonly statusWrites = new Counter({
    name: 'herald_speaker_status_writes_total',
    help: 'Writes of ServiceBGPStatus and ServiceL2Status objects, by kind and result (ok, error).',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });

  readonly events = new Counter({
    name: 'herald_speaker_events_total',
    help: 'Kubernetes Events, by result (written, failed, dropped when too many were waiting).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly l2OwnedAddresses = new Gauge({
    name: 'herald_speaker_l2_owned_addresses',
    help: 'Addresses this node answers ARP / Neighbor Solicitations for in layer-2 mode.',
    registers: [this.registry],
  });

  readonly l2Conflicts = new Counter({
    name: 'herald_speaker_l2_conflicts_total',
    help: 'Split-brain reports: another station answered for an address this node owns in layer-2 mode.',
    registers: [this.registry],
  });

  /** The membership's counters, read when scraped; absent until layer-2 mode starts its membership. */
  private membership: (() => MembershipCounters) | undefined;

  readonly membershipDatagrams = this.membershipCounter('herald_speaker_members_datagrams_total', 'Membership datagrams, by direction (sent, received).', 'direction', (c) => [
    ['sent', c.sentDatagrams],
    ['received', c.receivedDatagrams],
  ]);

  readonly membershipBytes = this.membershipCounter('herald_speaker_members_bytes_total', 'Membership bytes (UDP payload), by direction (sent, received).', 'direction', (c) => [
    ['sent', c.sentBytes],
    ['received', c.receivedBytes],
  ]);

  readonly membershipDrops = this.membershipCounter(
    'herald_speaker_members_dropped_total',
    'Membership datagrams dropped, by reason (auth, replayed, stale, malformed, ...), and sends that failed (send-error).',
    'reason',
    (c) => [...Object.entries(c.drops), ['send-error', c.sendErrors]],
  );

  readonly peakMemory = new Gauge({
    name: 'herald_speaker_peak_resident_memory_bytes',
    help: 'The most resident memory the process has used so far (getrusage maxrss), for benchmarks.',
    registers: [this.registry],
    collect() {
      this.set(process.resourceUsage().maxRSS * 1024);
    },
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.configStale.set(0);
    this.configErrors.set(0);
  }

  /** Scrapes read the membership's counters from here on. */
  watchMembership(counters: () => MembershipCounters): void {
    this.membership = counters;
  }

  /** A counter whose values are the membership's own, read at each scrape: one series per label value. */
  private membershipCounter(name: string, help: string, label: string, values: (c: MembershipCounters) => Array<[string, number]>): Counter<string> {
    const read = (): (() => MembershipCounters) | undefined => this.membership;
    const counter: Counter<string> = new Counter({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      collect() {
        const counters = read();
        if (counters === undefined) return;
        counter.reset();
        for (const [value, n] of values(counters())) counter.inc({ [label]: value }, n);
      },
    });
    return counter;
  }

  /** Forgets a peer that is no longer configured, so its series do not linger. */
  forgetPeer(peer: string): void {
    this.sessionUp.remove({ peer });
    this.announcedPrefixes.remove({ peer });
    this.bfdUp.remove({ peer });
  }
}
