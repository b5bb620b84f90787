import type { PoolCounts } from '../allocator/index.js';

/**
 * IPAddressPool status as the CRD declares it: IPv4 counts are integers, IPv6 counts decimal
 * strings, because a /64 alone holds more addresses than an integer field carries exactly.
 */
export interface PoolStatus {
  assignedIPv4: number;
  availableIPv4: number;
  assignedIPv6: string;
  availableIPv6: string;
}

export function poolStatusOf(c: PoolCounts): PoolStatus {
  return {
    assignedIPv4: Number(c.assignedIPv4),
    availableIPv4: Number(c.availableIPv4),
    assignedIPv6: c.assignedIPv6.toString(),
    availableIPv6: c.availableIPv6.toString(),
  };
}

/** Whether a pool's current status (any shape) already says what `want` says. */
export function samePoolStatus(current: unknown, want: PoolStatus): boolean {
  if (typeof current !== 'object' || current === null) return false;
  const c = current as Record<string, unknown>;
  return (
    c.assignedIPv4 === want.assignedIPv4 &&
    c.availableIPv4 === want.availableIPv4 &&
    c.assignedIPv6 === want.assignedIPv6 &&
    c.availableIPv6 === want.availableIPv6
  );
}
