import { KIND } from '@herald/shared/api/constants.js';
import { buildConfig, formatConfigError, type BuildResult, type ConfigError } from '@herald/shared/config/index.js';
import type { IPAddressPool } from '@herald/shared/api/pool.js';
import type { PoolObject } from '../kube/pool-status-writer.js';

/**
 * What of the IPAddressPools matters to allocation: names, labels and specs. Status (which the
 * controller itself writes) and resourceVersions are left out, so a status write does not look
 * like a configuration change.
 */
export function poolFingerprint(pools: readonly PoolObject[]): string {
  const parts = pools
    .map((p) => [p.metadata?.name ?? '', p.metadata?.namespace ?? '', p.metadata?.labels ?? {}, p.spec ?? null] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return JSON.stringify(parts);
}

/** The controller needs pools only; other kinds are the speakers' business. */
export function buildPoolConfig(pools: readonly PoolObject[], namespace: string): BuildResult {
  return buildConfig({ ipAddressPools: pools as readonly IPAddressPool[] }, { namespace });
}

export interface PoolErrorReport {
  /** The IPAddressPool the errors are about, or undefined for errors about no one pool. */
  pool: string | undefined;
  messages: string[];
}

/** Errors grouped by the pool they name, in the order found, for one Warning event per pool. */
export function errorsByPool(errors: readonly ConfigError[]): PoolErrorReport[] {
  const out = new Map<string, PoolErrorReport>();
  for (const e of errors) {
    const pool = e.kind === KIND.IPAddressPool && e.name !== '' ? e.name : undefined;
    const key = pool ?? '';
    const entry = out.get(key) ?? { pool, messages: [] };
    entry.messages.push(formatConfigError(e));
    out.set(key, entry);
  }
  return [...out.values()];
}
