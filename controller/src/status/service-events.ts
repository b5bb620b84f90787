import type { EventSpec } from '@herald/shared/api/event.js';
import type { Decision } from '../allocator/index.js';
import { heraldCondition, type ServiceStatusView } from './service-status.js';

const list = (ips: readonly string[]): string => ips.join(' and ');

/**
 * The events a decision deserves, given the status the Service had before Herald wrote the new
 * one. Called only when the status changed, so an unchanged decision never repeats its events.
 */
export function serviceEvents(d: Decision, before: ServiceStatusView | undefined): EventSpec[] {
  const out: EventSpec[] = [];
  const now: readonly string[] = d.ips;
  const gone = d.previous.filter((ip) => !now.includes(ip));
  switch (d.outcome) {
    case 'allocated': {
      if (d.previous.length === 0) {
        out.push({ type: 'Normal', reason: 'AddressAllocated', message: `Allocated ${list(d.ips)} from IPAddressPool ${d.pool}.` });
      } else if (gone.length > 0 || now.some((ip) => !d.previous.includes(ip))) {
        out.push({
          type: 'Normal',
          reason: 'AddressReallocated',
          message: `Moved from ${list(d.previous)} to ${list(d.ips)} (IPAddressPool ${d.pool}): ${d.message}`,
        });
      } else if (heraldCondition(before)?.status !== 'True') {
        // Same addresses, but the Service was not shown as served before (adopted, or a request fixed).
        out.push({ type: 'Normal', reason: 'AddressAllocated', message: `Serving ${list(d.ips)} from IPAddressPool ${d.pool}.` });
      }
      break;
    }
    case 'failed': {
      if (gone.length > 0) {
        out.push({ type: 'Normal', reason: 'AddressReleased', message: `Released ${list(gone)}: ${d.reason}.` });
      }
      out.push({ type: 'Warning', reason: 'AllocationFailed', message: `${d.reason}: ${d.message}` });
      break;
    }
    case 'notHandled': {
      if (d.reason !== 'Deleted' && gone.length > 0) {
        out.push({ type: 'Normal', reason: 'AddressReleased', message: `Released ${list(gone)}: ${d.message}` });
      }
      break;
    }
  }
  for (const w of d.warnings) out.push({ type: 'Warning', reason: 'AllocationWarning', message: w });
  return out;
}
