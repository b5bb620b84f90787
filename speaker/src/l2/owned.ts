// The addresses a node owns in layer-2 mode and the interfaces it answers for each on, as the
// responder's caller gives them, in canonical form; and the difference between what the responder
// is doing and what it should be doing, one (address, interface) pair at a time.

import { type Family, formatIP, parseIPResult } from '@herald/shared/net/address.js';

export interface OwnedAddress {
  /** Interfaces, by name, to answer and announce the address on; chosen by the caller. */
  readonly interfaces: readonly string[];
  /** The Services (namespace/name) the address belongs to: named in conflict reports. */
  readonly services: readonly string[];
}

export interface OwnedEntry extends OwnedAddress {
  readonly family: Family;
}

/** Keyed by canonical address text, as the frame decoders write addresses. */
export type OwnedSet = ReadonlyMap<string, OwnedEntry>;

/** One address on one interface: the unit that is announced, answered and probed for. */
export interface OwnedPair {
  readonly key: string;
  readonly address: string;
  readonly family: Family;
  readonly interface: string;
}

export function pairKey(address: string, interfaceName: string): string {
  return `${interfaceName} ${address}`;
}

/**
 * Canonical text for every address (so that `2001:DB8::7` matches what a frame says), with the
 * interfaces and services of addresses that are equal once canonical merged. Throws naming the
 * address when it is not one, or when it has no interface: both are the caller's mistakes.
 */
export function normalizeOwned(owned: ReadonlyMap<string, OwnedAddress>): Map<string, OwnedEntry> {
  const normalized = new Map<string, OwnedEntry>();
  for (const [text, entry] of owned) {
    const parsed = parseIPResult(text);
    if (!parsed.ok) throw new Error(`owned address ${JSON.stringify(text)}: ${parsed.error}`);
    if (entry.interfaces.length === 0) throw new Error(`owned address ${text}: interfaces: empty; name at least one`);
    const address = formatIP(parsed.value);
    const before = normalized.get(address);
    normalized.set(address, {
      family: parsed.value.family,
      interfaces: union(before?.interfaces, entry.interfaces),
      services: union(before?.services, entry.services),
    });
  }
  return normalized;
}

function union(a: readonly string[] | undefined, b: readonly string[]): string[] {
  return [...new Set([...(a ?? []), ...b])];
}

export function ownedPairs(owned: OwnedSet): Map<string, OwnedPair> {
  const pairs = new Map<string, OwnedPair>();
  for (const [address, entry] of owned) {
    for (const name of entry.interfaces) {
      const key = pairKey(address, name);
      pairs.set(key, { key, address, family: entry.family, interface: name });
    }
  }
  return pairs;
}

export interface OwnedPlan {
  /** Pairs to stop at once: no longer owned there, or their interface is no longer in use. */
  readonly stop: readonly string[];
  /** Pairs to start (announce, answer, probe) once their interface has a socket. */
  readonly start: readonly OwnedPair[];
  /** Every interface some owned address needs. */
  readonly interfaces: ReadonlySet<string>;
}

/**
 * From the pairs running now and the owned set wanted: what to stop, what to start. A pair that
 * runs and is still wanted is left alone, so that its announcements and probes go on undisturbed.
 */
export function planOwned(running: Iterable<string>, wanted: OwnedSet): OwnedPlan {
  const pairs = ownedPairs(wanted);
  const runningKeys = new Set(running);
  return {
    stop: [...runningKeys].filter((key) => !pairs.has(key)),
    start: [...pairs.values()].filter((pair) => !runningKeys.has(pair.key)),
    interfaces: new Set([...pairs.values()].map((pair) => pair.interface)),
  };
}
