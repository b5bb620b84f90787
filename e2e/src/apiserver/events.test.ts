import { expect } from 'chai';
import { coreEventFromEventsV1, eventsV1FromCoreEvent } from './events.js';
import type { KubeObject } from './types.js';

describe('Event conversion between events.k8s.io/v1 and core/v1', () => {
  const v1: KubeObject = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'e', namespace: 'default' },
    regarding: { kind: 'Service', name: 'web' },
    note: 'Assigned IP',
    reportingController: 'heraldlb.io/controller',
    deprecatedCount: 2,
    reason: 'IPAllocated',
  };

  it('renames regarding, note, reportingController and the deprecated fields', () => {
    expect(coreEventFromEventsV1(v1)).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default' },
      involvedObject: { kind: 'Service', name: 'web' },
      message: 'Assigned IP',
      reportingComponent: 'heraldlb.io/controller',
      count: 2,
      reason: 'IPAllocated',
    });
  });

  it('round-trips', () => {
    expect(eventsV1FromCoreEvent(coreEventFromEventsV1(v1))).to.deep.equal(v1);
  });
});
