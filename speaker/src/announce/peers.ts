import { matchesAnySelector } from '@herald/shared/api/selector.js';
import type { PeerConfig } from '@herald/shared/config/types.js';
import type { Family } from '@herald/shared/net/address.js';
import type { NodeInput } from './node-eligibility.js';

/** The node's labels, or undefined when the node is unknown or has none (then only selector-free lists select it). */
function nodeLabels(node: NodeInput | undefined): Readonly<Record<string, string>> | undefined {
  const labels = node?.metadata?.labels;
  return typeof labels === 'object' && labels !== null ? labels : undefined;
}

/** Whether a nodeSelectors field selects the node: an empty list selects every node. */
export function selectsNode(nodeSelectors: PeerConfig['nodeSelectors'], node: NodeInput | undefined): boolean {
  return nodeSelectors.length === 0 || matchesAnySelector(nodeSelectors, nodeLabels(node));
}

/**
 * The BGPPeers this node opens sessions to: those whose nodeSelectors select it (all of them when
 * empty), in configuration order (by name). Eligibility does not matter here: a NotReady node
 * keeps its sessions and withdraws its routes, so it can announce again the moment it is Ready.
 */
export function peersForNode(peers: readonly PeerConfig[], node: NodeInput | undefined): PeerConfig[] {
  return peers.filter((p) => selectsNode(p.nodeSelectors, node));
}

/**
 * Whether a session to this peer carries routes of this family. A peer reached at an address
 * carries that address's family, as MetalLB does without dualStackAddressFamily: the session's
 * own local address is then a next hop of the right family. An unnumbered peer (interface)
 * carries both, as FRR's unnumbered peering does.
 */
export function peerCarries(peer: PeerConfig, family: Family): boolean {
  return peer.address === undefined ? peer.interface !== undefined : peer.address.family === family;
}
