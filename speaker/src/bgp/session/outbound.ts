import { GRACEFUL_SHUTDOWN, type OutboundRoute } from '../codec/index.js';
import type { PathAttributes } from '../messages.js';
import { ORIGIN } from '../messages.js';

/** How this session shapes the routes it is given before they go on the wire. */
export interface ExportPolicy {
  readonly localAsn: number;
  readonly ibgp: boolean;
  /** RFC 8326: tag every route so the peer prefers other paths before we leave. */
  readonly gracefulShutdown: boolean;
}

/**
 * Herald originates every route it sends, so the session owns AS_PATH: our AS alone towards an
 * eBGP peer, empty towards an iBGP one (RFC 4271 section 5.1.2). LOCAL_PREF goes to iBGP peers only
 * (section 5.1.5). ORIGIN defaults to IGP. Under graceful shutdown the GRACEFUL_SHUTDOWN community
 * is added and, on iBGP, LOCAL_PREF drops to 0 so routers inside the AS move away too.
 */
export function prepareRoute(route: OutboundRoute, policy: ExportPolicy): OutboundRoute {
  const { nextHop: _nextHop, localPref, communities, ...rest } = route.attributes;
  const attributes: PathAttributes = {
    ...rest,
    origin: rest.origin ?? ORIGIN.igp,
    asPath: policy.ibgp ? [] : [{ type: 2, asns: [policy.localAsn] }],
    ...localPrefFor(localPref, policy),
    ...communitiesFor(communities, policy.gracefulShutdown),
  };
  return { ...route, attributes };
}

function localPrefFor(localPref: number | undefined, policy: ExportPolicy): Pick<PathAttributes, 'localPref'> {
  if (!policy.ibgp) return {};
  if (policy.gracefulShutdown) return { localPref: 0 };
  return localPref === undefined ? {} : { localPref };
}

function communitiesFor(communities: readonly number[] | undefined, gracefulShutdown: boolean): Pick<PathAttributes, 'communities'> {
  if (!gracefulShutdown) return communities === undefined ? {} : { communities };
  const list = communities ?? [];
  return { communities: list.includes(GRACEFUL_SHUTDOWN) ? list : [...list, GRACEFUL_SHUTDOWN] };
}
