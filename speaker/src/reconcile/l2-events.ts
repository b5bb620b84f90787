import type { EventSpec } from '@herald/shared/api/event.js';
import type { L2Announcement } from '../announce/l2-types.js';

/** What the responder reports when another station answers for an address this node owns. */
export interface ConflictReport {
  readonly address: string;
  readonly interface: string;
  readonly otherMac: string;
}

/**
 * The event for a Service whose layer-2 announcement from this node changed: when this node takes
 * over its addresses (on which interfaces) and when it stops (and why). Nothing when the Service
 * is gone or only details changed.
 */
export function l2AnnouncementEvent(node: string, before: L2Announcement | undefined, after: L2Announcement | undefined): EventSpec | undefined {
  const was = before?.announced === true;
  if (after === undefined) return undefined;
  if (!was && after.announced) {
    const addresses = after.addresses.filter((a) => a.reason === 'Announced').map((a) => a.address);
    return { type: 'Normal', reason: 'AnnouncedOverL2', message: `announced by node ${node} on ${after.interfaces.join(', ')} (${addresses.join(', ')})` };
  }
  if (was && !after.announced) {
    return { type: 'Normal', reason: 'StoppedAnnouncingOverL2', message: `node ${node} stopped announcing over layer 2: ${after.message}` };
  }
  return undefined;
}

/** The Warning on a Service whose address another station answers for too. */
export function splitBrainEvent(node: string, conflict: ConflictReport): EventSpec {
  return {
    type: 'Warning',
    reason: 'SplitBrain',
    message: `node ${node} owns ${conflict.address} but another station (MAC ${conflict.otherMac}) also answers for it on ${conflict.interface}`,
  };
}
