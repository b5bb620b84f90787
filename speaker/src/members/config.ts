// The protocol's knobs, their defaults and the timings derived from them. Pure.

export interface ProtocolConfig {
  /** T: one member is probed per interval. 100-200 ms. */
  readonly probeIntervalMs: number;
  /** How long the direct ping waits for its ack before asking other members; below T. */
  readonly ackTimeoutMs: number;
  /** k: members asked to ping the target when the direct ping gets no ack (ping-req). */
  readonly indirectChecks: number;
  /** alpha: the shortest suspicion lasts alpha * max(1, log10 n) * T. */
  readonly suspicionMult: number;
  /** beta: the longest suspicion, with no independent confirmation, is beta times the shortest. */
  readonly suspicionMaxMult: number;
  /** lambda: an update rides on lambda * ceil(log10(n + 1)) datagrams before it is dropped. */
  readonly retransmitMult: number;
  /** A member that learns news pushes it at once to this many random members. */
  readonly pushFanout: number;
  /** Lifeguard's local health: timeouts and interval are multiplied by (1 + score), score <= this. */
  readonly maxHealthScore: number;
  /** How often a seed that is not a live member is asked for the member list (one seed a time). */
  readonly reconnectIntervalMs: number;
  /** How long a dead or departed member is remembered, so that stale news about it is refused. */
  readonly reapAfterMs: number;
}

export const DEFAULT_PROTOCOL_CONFIG: ProtocolConfig = {
  probeIntervalMs: 100,
  ackTimeoutMs: 50,
  indirectChecks: 3,
  suspicionMult: 2.5,
  suspicionMaxMult: 4,
  retransmitMult: 4,
  pushFanout: 3,
  maxHealthScore: 8,
  reconnectIntervalMs: 2000,
  reapAfterMs: 30_000,
};

type Bounds = { readonly [K in keyof ProtocolConfig]: readonly [number, number] };

const BOUNDS: Bounds = {
  probeIntervalMs: [100, 200],
  ackTimeoutMs: [10, 190],
  indirectChecks: [0, 8],
  suspicionMult: [1, 10],
  suspicionMaxMult: [1, 10],
  retransmitMult: [1, 10],
  pushFanout: [0, 10],
  maxHealthScore: [0, 16],
  reconnectIntervalMs: [100, 600_000],
  reapAfterMs: [1000, 3_600_000],
};

const INTEGER_FIELDS: ReadonlySet<keyof ProtocolConfig> = new Set(['indirectChecks', 'retransmitMult', 'pushFanout', 'maxHealthScore']);

export type ConfigResult = { ok: true; config: ProtocolConfig } | { ok: false; errors: string[] };

/** The defaults with `overrides` applied, or every field that is out of range, by name. */
export function protocolConfig(overrides: Partial<ProtocolConfig> = {}): ConfigResult {
  const config: ProtocolConfig = { ...DEFAULT_PROTOCOL_CONFIG, ...overrides };
  const errors: string[] = [];
  for (const field of Object.keys(BOUNDS) as (keyof ProtocolConfig)[]) {
    const [min, max] = BOUNDS[field];
    const value = config[field];
    if (!Number.isFinite(value) || value < min || value > max || (INTEGER_FIELDS.has(field) && !Number.isInteger(value))) {
      errors.push(`members.${field}: ${value} is not ${INTEGER_FIELDS.has(field) ? 'a whole number ' : ''}in ${min}-${max}`);
    }
  }
  if (config.ackTimeoutMs >= config.probeIntervalMs) {
    errors.push(`members.ackTimeoutMs: ${config.ackTimeoutMs} must be below probeIntervalMs (${config.probeIntervalMs}), which leaves time for the indirect probe`);
  }
  return errors.length === 0 ? { ok: true, config } : { ok: false, errors };
}

/** The probe interval at a local health score: a member that is itself slow probes less often. */
export function probeIntervalAt(config: ProtocolConfig, health: number): number {
  return config.probeIntervalMs * (1 + health);
}

export function ackTimeoutAt(config: ProtocolConfig, health: number): number {
  return config.ackTimeoutMs * (1 + health);
}

/**
 * How long a member stays suspect before it is declared dead (Lifeguard's dynamic suspicion).
 * `members` counts the live members including this one; `confirmations` the other members known
 * to have found it unresponsive on their own (relays that answered our ping-req with a nack,
 * further accusers). With K = min(k, n - 2) expected confirmations the timeout falls from the
 * longest to the shortest as log(c + 1) / log(K + 1); with K = 0 it is the shortest.
 */
export function suspicionTimeoutMs(config: ProtocolConfig, members: number, confirmations: number): number {
  const shortest = config.suspicionMult * Math.max(1, Math.log10(Math.max(1, members))) * config.probeIntervalMs;
  const longest = config.suspicionMaxMult * shortest;
  const expected = Math.min(config.indirectChecks, members - 2);
  if (expected <= 0) return shortest;
  const fraction = Math.log(Math.min(confirmations, expected) + 1) / Math.log(expected + 1);
  return Math.max(shortest, longest - (longest - shortest) * fraction);
}

/** lambda * ceil(log10(n + 1)): enough for an epidemic to reach n members with high probability. */
export function retransmitLimit(config: ProtocolConfig, members: number): number {
  return config.retransmitMult * Math.max(1, Math.ceil(Math.log10(members + 1)));
}
