import { expect } from 'chai';
import type { ServiceAnnouncement } from '../announce/types.js';
import { announcementEvent } from './events.js';

function announcement(announced: boolean, message = ''): ServiceAnnouncement {
  return {
    key: 'default/web',
    node: 'n1',
    announced,
    reason: announced ? 'Announced' : 'NoLocalReadyEndpoints',
    message,
    peers: announced ? ['router-v4', 'router-v6'] : [],
    prefixes: announced ? ['198.51.100.1/32', '2001:db8:100::10/128'] : [],
    addresses: [],
    warnings: [],
  };
}

describe('speaker events on a Service', () => {
  it('says when the node starts announcing, with the prefixes and peers', () => {
    expect(announcementEvent('n1', undefined, announcement(true))).to.deep.equal({
      type: 'Normal',
      reason: 'AnnouncedOverBGP',
      message: 'node n1 announces 198.51.100.1/32, 2001:db8:100::10/128 to BGP peers router-v4, router-v6',
    });
  });

  it('says when the node stops announcing, and why', () => {
    const why = 'node n1 has no ready endpoint of default/web and its externalTrafficPolicy is Local';
    expect(announcementEvent('n1', announcement(true), announcement(false, why))).to.deep.equal({
      type: 'Normal',
      reason: 'StoppedAnnouncingOverBGP',
      message: `node n1 stopped announcing over BGP: ${why}`,
    });
  });

  it('stays quiet while nothing changes for the Service, and for a Service that is gone', () => {
    expect(announcementEvent('n1', announcement(true), announcement(true))).to.equal(undefined);
    expect(announcementEvent('n1', announcement(false), announcement(false))).to.equal(undefined);
    expect(announcementEvent('n1', announcement(true), undefined)).to.equal(undefined);
  });
});
