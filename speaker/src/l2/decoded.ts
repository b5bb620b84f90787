// What a decoder returns: the value, or why the frame is dropped. Decoders never throw on what
// arrives from the wire; the caller drops the frame and counts it under `reason`.

/**
 * Why a frame was dropped: a small fixed set, so that it can label a counter. `detail` says the
 * rest in words (offsets, values) for logs.
 */
export type DropReason =
  /** Shorter than its headers or its own length fields say. */
  | 'truncated'
  /** Neither ARP nor an ICMPv6 Neighbor Solicitation / Advertisement. */
  | 'unsupported'
  /** The Ethernet source, ARP sender or a link-layer option is a multicast or broadcast MAC. */
  | 'bad-link-address'
  /** ARP for other than Ethernet and IPv4 (hardware type 1, protocol 0x0800, lengths 6 and 4). */
  | 'arp-not-ethernet-ipv4'
  /** An ARP operation other than request (1) and reply (2). */
  | 'arp-operation'
  /** IP version not 6, or a payload length the frame does not hold. */
  | 'ipv6-header'
  /** Neighbor Discovery with a hop limit other than 255: it may come from off-link (RFC 4861 7.1). */
  | 'hop-limit'
  | 'checksum'
  /** ICMP code not 0, a target that is multicast, or a rule of RFC 4861 7.1.1 / 7.1.2 broken. */
  | 'ndp-invalid'
  /** A Neighbor Discovery option of length 0 or running past the message. */
  | 'ndp-option';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: DropReason; detail: string };

export function decoded<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

export function dropped<T>(reason: DropReason, detail: string): Decoded<T> {
  return { ok: false, reason, detail };
}
