import type { KubernetesObject } from '@kubernetes/client-node';
import { type IP, parseIP } from '@herald/shared/net/address.js';

/** The InternalIP addresses of a Node object, in the order the kubelet wrote them. */
export function nodeAddresses(node: KubernetesObject | undefined): IP[] {
  const addresses = (node as { status?: { addresses?: { type?: string; address?: string }[] } } | undefined)?.status?.addresses ?? [];
  const out: IP[] = [];
  for (const a of addresses) {
    const ip = a.type === 'InternalIP' && typeof a.address === 'string' ? parseIP(a.address) : undefined;
    if (ip !== undefined) out.push(ip);
  }
  return out;
}
