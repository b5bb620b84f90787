import type { PeerConfig } from '@herald/shared/config/types.js';
import type { IP } from '@herald/shared/net/address.js';
import type { BgpSessionOptions } from '../bgp/session/session.js';
import { deriveRouterId } from '../bgp/session/router-id.js';

/** What a BgpSession is built from, decided from a BGPPeer and this node; pure. */
export type PeerSettings = Omit<BgpSessionOptions, 'peerName' | 'logger' | 'connect' | 'passive' | 'families' | 'gracefulRestartTimeSeconds'>;

export type PeerSettingsResult = { ok: true; settings: PeerSettings } | { ok: false; error: string };

/**
 * The session settings for a peer on this node. Unnumbered peers (spec.interface) and VRFs need
 * what the speaker does not do yet, and are refused with a message naming the peer.
 */
export function peerSettings(peer: PeerConfig, node: { name: string; addresses: readonly IP[] }): PeerSettingsResult {
  if (peer.address === undefined) {
    return { ok: false, error: `BGPPeer ${peer.name}: unnumbered peering (spec.interface ${peer.interface ?? ''}) is not supported by Herald's speaker yet; set spec.peerAddress` };
  }
  if (peer.vrf !== '') {
    return { ok: false, error: `BGPPeer ${peer.name}: spec.vrf ${peer.vrf} is not supported by Herald's speaker yet; peer from the default VRF` };
  }
  let routerId: number;
  try {
    routerId = deriveRouterId({
      ...(peer.routerID === undefined ? {} : { explicit: peer.routerID }),
      addresses: [...(peer.sourceAddress === undefined ? [] : [peer.sourceAddress]), ...node.addresses],
      nodeName: node.name,
    });
  } catch (e) {
    return { ok: false, error: `BGPPeer ${peer.name}: spec.routerID: ${e instanceof Error ? e.message : String(e)}` };
  }
  return {
    ok: true,
    settings: {
      peerAddress: peer.address,
      peerPort: peer.port,
      peerASN: peer.peerASN ?? peer.dynamicASN ?? 'external',
      localASN: peer.myASN,
      routerId,
      ...(peer.sourceAddress === undefined ? {} : { sourceAddress: peer.sourceAddress }),
      holdTimeSeconds: peer.holdTimeSeconds,
      keepaliveTimeSeconds: peer.keepaliveTimeSeconds,
      connectTimeSeconds: peer.connectTimeSeconds,
      ...(peer.password === undefined ? {} : { password: peer.password }),
      gracefulRestart: peer.gracefulRestart,
      ibgp: peer.ibgp,
      ebgpMultiHop: peer.ebgpMultiHop,
    },
  };
}

/** Equal settings (BFD profile included) mean the running session can stay as it is. */
export function settingsFingerprint(settings: PeerSettings, bfdProfile: unknown): string {
  return JSON.stringify({ settings, bfdProfile }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
