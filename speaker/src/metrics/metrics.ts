import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

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
    help: 'Writes of ServiceBGPStatus objects, by result (ok, error).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly events = new Counter({
    name: 'herald_speaker_events_total',
    help: 'Kubernetes Events, by result (written, failed, dropped when too many were waiting).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

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

  /** Forgets a peer that is no longer configured, so its series do not linger. */
  forgetPeer(peer: string): void {
    this.sessionUp.remove({ peer });
    this.announcedPrefixes.remove({ peer });
    this.bfdUp.remove({ peer });
  }
}
