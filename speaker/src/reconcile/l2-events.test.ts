import { expect } from 'chai';
import type { L2Announcement } from '../announce/l2-types.js';
import { l2AnnouncementEvent, splitBrainEvent } from './l2-events.js';

function announcement(announced: boolean, o: Partial<L2Announcement> = {}): L2Announcement {
  return {
    key: 'default/web',
    node: 'n1',
    announced,
    role: announced ? 'owner' : 'candidate',
    reason: announced ? 'Announced' : 'OwnedByOtherNode',
    message: announced ? 'n1 answers for 198.51.100.7' : '198.51.100.7 of default/web is answered for by node n2',
    interfaces: announced ? ['eth1'] : [],
    addresses: [{ address: '198.51.100.7', owner: announced ? 'n1' : 'n2', role: announced ? 'owner' : 'candidate', reason: announced ? 'Announced' : 'OwnedByOtherNode', message: '', interfaces: announced ? ['eth1'] : [] }],
    ...o,
  };
}

describe('layer-2 events on a Service', () => {
  it('says which node announces it on which interface when this node takes it over', () => {
    expect(l2AnnouncementEvent('n1', announcement(false), announcement(true))).to.deep.equal({ type: 'Normal', reason: 'AnnouncedOverL2', message: 'announced by node n1 on eth1 (198.51.100.7)' });
    expect(l2AnnouncementEvent('n1', undefined, announcement(true))?.reason).to.equal('AnnouncedOverL2');
  });

  it('says why when this node stops announcing it', () => {
    expect(l2AnnouncementEvent('n1', announcement(true), announcement(false))).to.deep.equal({
      type: 'Normal',
      reason: 'StoppedAnnouncingOverL2',
      message: 'node n1 stopped announcing over layer 2: 198.51.100.7 of default/web is answered for by node n2',
    });
  });

  it('stays quiet while nothing changes for the Service, and for a Service that is gone', () => {
    expect(l2AnnouncementEvent('n1', announcement(true), announcement(true, { interfaces: ['eth1', 'eth2'] }))).to.equal(undefined);
    expect(l2AnnouncementEvent('n1', announcement(false), announcement(false))).to.equal(undefined);
    expect(l2AnnouncementEvent('n1', announcement(true), undefined)).to.equal(undefined);
  });

  it('names the other station\'s MAC in a split-brain warning', () => {
    expect(splitBrainEvent('n1', { address: '2001:db8::7', interface: 'eth1', otherMac: '02:00:00:00:00:09' })).to.deep.equal({
      type: 'Warning',
      reason: 'SplitBrain',
      message: 'node n1 owns 2001:db8::7 but another station (MAC 02:00:00:00:00:09) also answers for it on eth1',
    });
  });
});
