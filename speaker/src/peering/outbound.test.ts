import { expect } from 'chai';
import { parseIP } from '@herald/shared/net/address.js';
import type { RouteIntent } from '../announce/types.js';
import { AS_TRANS } from '../bgp/messages.js';
import { outboundRoute } from './outbound.js';

const self = parseIP('198.18.7.11')!;
const intent: RouteIntent = {
  prefix: { family: 4, network: 0xc6336401n, length: 32 },
  communities: [(64500 << 16) | 100],
  largeCommunities: [{ globalAdministrator: 64500, localData1: 1, localData2: 2 }],
  services: ['default/web'],
};

describe('routes as a session sends them', () => {
  it('carry our end of the session as next hop and the communities decided', () => {
    expect(outboundRoute(intent, self, 64512)).to.deep.equal({
      prefix: intent.prefix,
      nextHop: self.value,
      attributes: { communities: intent.communities, largeCommunities: intent.largeCommunities },
    });
  });

  it('carry LOCAL_PREF only when the decision set it (iBGP peers)', () => {
    expect(outboundRoute({ ...intent, localPref: 150 }, self, 64512).attributes.localPref).to.equal(150);
    expect(outboundRoute(intent, self, 64512).attributes).not.to.have.property('localPref');
  });

  it('carry the node share of a Local Service as a non-transitive link-bandwidth community', () => {
    expect(outboundRoute({ ...intent, linkBandwidth: 250_000 }, self, 64512).attributes.extendedCommunities).to.deep.equal([
      { kind: 'link-bandwidth', transitive: false, asn: 64512, bytesPerSecond: 250_000 },
    ]);
  });

  it('write AS_TRANS in the link-bandwidth community of a 4-octet AS', () => {
    const [community] = outboundRoute({ ...intent, linkBandwidth: 125_000 }, self, 4_200_000_000).attributes.extendedCommunities ?? [];
    expect(community).to.include({ asn: AS_TRANS });
  });

  it('carry no empty attribute lists', () => {
    const bare = outboundRoute({ ...intent, communities: [], largeCommunities: [] }, self, 64512);
    expect(bare.attributes).to.deep.equal({});
  });
});
