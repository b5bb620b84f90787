// Names of everything a lab creates. Every name starts with the run's prefix so that cleanup can
// find a lab by name alone, and every interface name fits Linux's 15-character limit.

export const PREFIX_PATTERN = /^hl[0-9a-f]{6}$/;
/** Nodes are numbered .11 upwards and the client is .100, so at most 89 nodes fit. */
export const MAX_NODES = 89;
const IFNAMSIZ = 15;

/** What a lab namespace is for: the switch, the router, node1..N, the client. */
export type Role = 'sw' | 'router' | 'client' | `node${number}`;

export function prefixFromBytes(bytes: Uint8Array): string {
  if (bytes.length < 3) throw new Error(`lab prefix: need 3 random bytes, got ${bytes.length}`);
  return 'hl' + Array.from(bytes.subarray(0, 3), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function checkPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `lab prefix ${JSON.stringify(prefix)}: must be "hl" and 6 lowercase hex digits, ` +
        'so that cleanup can recognise what the lab left behind',
    );
  }
}

export function checkNodeCount(nodes: number): void {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new Error(`lab nodes: ${nodes} is not a whole number from 1 to ${MAX_NODES}`);
  }
}

export function namespaceName(prefix: string, role: Role): string {
  return checkedIfName(`${prefix}-${role}`);
}

/** The management veth end that stays in the root namespace. */
export function hostLinkName(prefix: string): string {
  return checkedIfName(`${prefix}-m`);
}

function checkedIfName(name: string): string {
  if (name.length > IFNAMSIZ) throw new Error(`lab name ${name}: longer than ${IFNAMSIZ} characters`);
  return name;
}

export const LEFTOVER_NAMESPACE = /^(hl[0-9a-f]{6})-(sw|router|client|node\d+)$/;
export const LEFTOVER_LINK = /^(hl[0-9a-f]{6})-m$/;

/** The lab prefix a namespace or root link name belongs to, if it is a lab's. */
export function labPrefixOf(name: string): string | undefined {
  return (LEFTOVER_NAMESPACE.exec(name) ?? LEFTOVER_LINK.exec(name))?.[1];
}
