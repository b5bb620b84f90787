import type { IP } from '@herald/shared/net/address.js';
import type { RouteIntent } from '../announce/types.js';
import type { OutboundRoute } from '../bgp/codec/index.js';
import { AS_TRANS, type ExtendedCommunity, type PathAttributes } from '../bgp/messages.js';

/**
 * A decided route as it goes to one session: the route's own attributes plus the next hop (our
 * end of the session) and, for a Local Service, the link-bandwidth extended community. ORIGIN
 * and AS_PATH are the session's to set. The link-bandwidth community is non-transitive, as the
 * draft and FRR's weighted ECMP expect; its AS field is 2 octets, so a 4-octet AS goes as AS_TRANS.
 */
export function outboundRoute(intent: RouteIntent, nextHop: IP, localAsn: number): OutboundRoute {
  const attributes: { -readonly [K in keyof PathAttributes]: PathAttributes[K] } = {};
  if (intent.communities.length > 0) attributes.communities = intent.communities;
  if (intent.largeCommunities.length > 0) attributes.largeCommunities = intent.largeCommunities;
  if (intent.localPref !== undefined) attributes.localPref = intent.localPref;
  if (intent.linkBandwidth !== undefined) {
    const bandwidth: ExtendedCommunity = {
      kind: 'link-bandwidth',
      transitive: false,
      asn: localAsn > 0xffff ? AS_TRANS : localAsn,
      bytesPerSecond: intent.linkBandwidth,
    };
    attributes.extendedCommunities = [bandwidth];
  }
  return { prefix: intent.prefix, attributes, nextHop: nextHop.value };
}
