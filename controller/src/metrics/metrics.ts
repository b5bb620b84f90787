import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { PoolCounts } from '../allocator/index.js';

/** Every metric the controller exports, in a registry of its own (never prom-client's global one). */
export class ControllerMetrics {
  readonly registry = new Registry();

  readonly allocations = new Counter({
    name: 'herald_controller_allocations_total',
    help: 'Allocation decisions, by outcome (allocated, failed, notHandled) and reason.',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  readonly poolAddresses = new Gauge({
    name: 'herald_controller_pool_addresses',
    help: 'Addresses per IPAddressPool, by family (IPv4, IPv6) and state (assigned, available). IPv6 counts beyond 2^53 are approximate here; the pool status has them exactly.',
    labelNames: ['pool', 'family', 'state'] as const,
    registers: [this.registry],
  });

  readonly configStale = new Gauge({
    name: 'herald_controller_config_stale',
    help: '1 while the IPAddressPools in the cluster are invalid and the last valid configuration stays in force.',
    registers: [this.registry],
  });

  readonly configErrors = new Gauge({
    name: 'herald_controller_config_errors',
    help: 'Errors found in the IPAddressPools in the cluster (0 when they are valid).',
    registers: [this.registry],
  });

  readonly leader = new Gauge({
    name: 'herald_controller_leader',
    help: '1 while this replica leads and writes, 0 while it stands by.',
    registers: [this.registry],
  });

  readonly statusWrites = new Counter({
    name: 'herald_controller_service_status_writes_total',
    help: 'Writes to Service status, by result (ok, conflict, error).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly poolStatusWrites = new Counter({
    name: 'herald_controller_pool_status_writes_total',
    help: 'Writes to IPAddressPool status, by result (ok, error).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly events = new Counter({
    name: 'herald_controller_events_total',
    help: 'Kubernetes Events, by result (written, failed, dropped when too many were waiting).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly peakMemory = new Gauge({
    name: 'herald_controller_peak_resident_memory_bytes',
    help: 'The most resident memory the process has used so far (getrusage maxrss), for benchmarks.',
    registers: [this.registry],
    collect() {
      this.set(process.resourceUsage().maxRSS * 1024);
    },
  });

  private readonly knownPools = new Set<string>();

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.leader.set(0);
    this.configStale.set(0);
    this.configErrors.set(0);
  }

  setPools(counts: readonly PoolCounts[]): void {
    const seen = new Set<string>();
    for (const c of counts) {
      seen.add(c.pool);
      this.poolAddresses.set({ pool: c.pool, family: 'IPv4', state: 'assigned' }, Number(c.assignedIPv4));
      this.poolAddresses.set({ pool: c.pool, family: 'IPv4', state: 'available' }, Number(c.availableIPv4));
      this.poolAddresses.set({ pool: c.pool, family: 'IPv6', state: 'assigned' }, Number(c.assignedIPv6));
      this.poolAddresses.set({ pool: c.pool, family: 'IPv6', state: 'available' }, Number(c.availableIPv6));
    }
    for (const pool of this.knownPools) {
      if (seen.has(pool)) continue;
      for (const family of ['IPv4', 'IPv6']) for (const state of ['assigned', 'available']) this.poolAddresses.remove({ pool, family, state });
    }
    this.knownPools.clear();
    for (const pool of seen) this.knownPools.add(pool);
  }
}
