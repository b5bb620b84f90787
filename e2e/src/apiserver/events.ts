/**
 * Events are stored once, in core/v1 shape, and also served as events.k8s.io/v1, as the real
 * server does: a controller writing events.k8s.io Events is seen by `kubectl describe`, which
 * reads core/v1 Events by `involvedObject`. Pure field renames.
 */
import type { KubeObject } from './types.js';

/** events.k8s.io/v1 field ↔ core/v1 field. */
const RENAMES: [string, string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

function rename(obj: KubeObject, pairs: [string, string][], apiVersion: string): KubeObject {
  const out: KubeObject = { ...obj, apiVersion, kind: 'Event' };
  for (const [from, to] of pairs) {
    if (from in out) {
      out[to] = out[from];
      delete out[from];
    }
  }
  return out;
}

export function coreEventFromEventsV1(obj: KubeObject): KubeObject {
  return rename(obj, RENAMES, 'v1');
}

export function eventsV1FromCoreEvent(obj: KubeObject): KubeObject {
  return rename(
    obj,
    RENAMES.map(([a, b]) => [b, a]),
    'events.k8s.io/v1',
  );
}
