/**
 * Watch semantics, HTTP-free: where a watch starts (initial ADDED events, replay from a
 * resourceVersion, or 410 Gone when that version has left the history window) and which events a
 * selector lets through (an object that stops matching is DELETED for the watcher, one that starts
 * matching is ADDED), each in the version the client asked for.
 */
import { type StatusBody, badRequest, expired } from './errors.js';
import { type Selection, type Target, matches } from './rest.js';
import type { Change, ObjectStore } from './store.js';
import type { KubeObject } from './types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject | StatusBody;
}

export interface WatchRequest {
  target: Target;
  selection: Selection;
  /** The `resourceVersion` parameter: undefined, '' or '0' start with the current state. */
  resourceVersion: string | undefined;
  sendInitialEvents: boolean;
}

export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** The object of a BOOKMARK event: only kind, apiVersion and the resourceVersion reached. */
export function bookmarkObject(target: Target, resourceVersion: number, annotations?: Record<string, string>): KubeObject {
  const metadata: KubeObject['metadata'] = { resourceVersion: String(resourceVersion) };
  if (annotations) metadata.annotations = annotations;
  return target.kind.toVersion({ apiVersion: '', kind: target.kind.kind, metadata }, target.version);
}

/** What a change looks like to a watcher with this selection, if it sees it at all. */
export function visibleEvent(change: Change, req: WatchRequest): WatchEvent | undefined {
  const { kind, version } = req.target;
  const now = kind.toVersion(change.object, version);
  const before = change.previous ? kind.toVersion(change.previous, version) : undefined;
  const matchesNow = matches(req.selection, now);
  const matchedBefore = before !== undefined && matches(req.selection, before);
  switch (change.type) {
    case 'ADDED':
      return matchesNow ? { type: 'ADDED', object: now } : undefined;
    case 'MODIFIED':
      if (matchesNow && matchedBefore) return { type: 'MODIFIED', object: now };
      if (matchesNow) return { type: 'ADDED', object: now };
      if (matchedBefore) return { type: 'DELETED', object: now };
      return undefined;
    case 'DELETED':
      return matchedBefore || matchesNow ? { type: 'DELETED', object: now } : undefined;
  }
}

/**
 * Starts a watch: sends the events it owes, then follows the store. Returns a cancel function,
 * or sends one ERROR event (410 Expired) and returns undefined when the history is gone.
 */
export function startWatch(store: ObjectStore, req: WatchRequest, emit: (e: WatchEvent) => void): (() => void) | undefined {
  const { target } = req;
  const rv = req.resourceVersion;
  const fromNow = rv === undefined || rv === '' || rv === '0';
  if (!fromNow && !/^\d+$/.test(rv)) throw badRequest(`invalid resourceVersion "${rv}": must be a decimal number`);
  const since = fromNow || req.sendInitialEvents ? store.resourceVersion : Number(rv);
  if (fromNow || req.sendInitialEvents) {
    for (const obj of store.list(target.kind.storageKey, target.namespace)) {
      const versioned = target.kind.toVersion(obj, target.version);
      if (matches(req.selection, versioned)) emit({ type: 'ADDED', object: versioned });
    }
    if (req.sendInitialEvents) {
      emit({ type: 'BOOKMARK', object: bookmarkObject(target, since, { [INITIAL_EVENTS_END]: 'true' }) });
    }
  }
  const started = store.watch(target.kind.storageKey, target.namespace, since, (change) => {
    const e = visibleEvent(change, req);
    if (e) emit(e);
  });
  if (!started.ok) {
    const err = expired(`too old resource version: ${since} (${started.oldest})`);
    emit({ type: 'ERROR', object: err.toStatus() });
    return undefined;
  }
  return started.cancel;
}
