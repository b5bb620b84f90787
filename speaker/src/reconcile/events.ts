import type { EventSpec } from '@herald/shared/api/event.js';
import type { ServiceAnnouncement } from '../announce/types.js';

/**
 * The event for a Service whose announcement from this node changed: when the node starts
 * announcing it (to which peers) and when it stops (and why). Nothing when a Service is gone
 * (there is no object left to hang the event on) or when only details changed.
 */
export function announcementEvent(node: string, before: ServiceAnnouncement | undefined, after: ServiceAnnouncement | undefined): EventSpec | undefined {
  const was = before?.announced === true;
  if (after === undefined) return undefined;
  if (!was && after.announced) {
    return { type: 'Normal', reason: 'AnnouncedOverBGP', message: `node ${node} announces ${after.prefixes.join(', ')} to BGP peers ${after.peers.join(', ')}` };
  }
  if (was && !after.announced) {
    return { type: 'Normal', reason: 'StoppedAnnouncingOverBGP', message: `node ${node} stopped announcing over BGP: ${after.message}` };
  }
  return undefined;
}
