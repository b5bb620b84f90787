import type { IP } from '@herald/shared/net/address.js';

export interface RouterIdSources {
  /** The BGPPeer's routerID. */
  readonly explicit?: IP;
  /** Addresses of this node in order of preference: the session's source address, then the node's own. */
  readonly addresses?: readonly IP[];
  readonly nodeName: string;
}

/**
 * The BGP identifier of a session, decided the same way on every run so a restarted speaker comes
 * back with the identity its peers knew: the configured routerID; else the first non-zero IPv4
 * address offered (the session's source address, then the node's addresses); else the 32-bit
 * FNV-1a hash of the node name's UTF-8 bytes, which is non-zero for every name but a vanishing
 * few (those get 1). The hash keeps IPv6-only nodes distinct without any configuration.
 */
export function deriveRouterId(sources: RouterIdSources): number {
  if (sources.explicit !== undefined) {
    if (sources.explicit.family !== 4 || sources.explicit.value === 0n) {
      throw new RangeError(`routerID for node ${sources.nodeName} must be a non-zero IPv4 address`);
    }
    return Number(sources.explicit.value);
  }
  const ipv4 = sources.addresses?.find((ip) => ip.family === 4 && ip.value !== 0n);
  if (ipv4 !== undefined) return Number(ipv4.value);
  const hash = fnv1a32(new TextEncoder().encode(sources.nodeName));
  return hash === 0 ? 1 : hash;
}

function fnv1a32(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
