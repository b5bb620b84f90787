// The addresses a node owns in layer-2 mode and the interfaces it answers for each on, as the
// responder's caller gives them, in canonical form; kept up to date one change at a time, each
// change saying which (address, interface) pairs to start and which to stop. No I/O, no clock.

import { type Family, type IP, formatIP, parseIPResult } from '@herald/shared/net/address.js';
import type { ParseResult } from '@herald/shared/net/result.js';

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
 * What changed in the owned set, addresses written as the caller writes them: those owned now or
 * owned differently (the whole new value), and those no longer owned. An address both removed
 * and set ends up set.
 */
export interface OwnedChange {
  readonly set?: ReadonlyMap<string, OwnedAddress>;
  readonly removed?: Iterable<string>;
}

export interface OwnedPlan {
  /** Pairs to stop at once: no longer owned there. */
  readonly stop: readonly string[];
  /** Pairs to start (announce, answer, probe) once their interface has a socket. */
  readonly start: readonly OwnedPair[];
}

interface Canonical {
  readonly address: string;
  readonly family: Family;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameOwned(a: OwnedAddress, b: OwnedAddress): boolean {
  return a === b || (sameList(a.interfaces, b.interfaces) && sameList(a.services, b.services));
}

function union(a: readonly string[] | undefined, b: readonly string[]): string[] {
  return [...new Set([...(a ?? []), ...b])];
}

/**
 * The owned set, kept one change at a time, so that a change costs what it touches and not the
 * size of the set: an address is parsed once, when it first comes, and only the pairs of the
 * addresses a change names are compared. Addresses are held in canonical text (so that
 * `2001:DB8::7` matches what a frame says); two spellings of one address have their interfaces
 * and Services merged, in the order the spellings came.
 */
export class OwnedTable {
  /** As the caller gave them. */
  private readonly given = new Map<string, OwnedAddress>();
  /** The canonical form of each address given, kept while it is given so that it is parsed once. */
  private readonly canonical = new Map<string, Canonical>();
  /** Canonical text to the spellings given for it. */
  private readonly spellings = new Map<string, string[]>();
  private readonly owned = new Map<string, OwnedEntry>();
  /** Interface name to the pairs on it, by key: the interfaces in use are its keys. */
  private readonly pairs = new Map<string, Map<string, OwnedPair>>();

  /** `parse` is replaceable so that tests can count the addresses read. */
  constructor(private readonly parse: (text: string) => ParseResult<IP> = parseIPResult) {}

  /** Canonical text to its interfaces, Services and family: what answers are decided from. */
  get entries(): OwnedSet {
    return this.owned;
  }

  /** Every interface some owned address needs. */
  interfaces(): Iterable<string> {
    return this.pairs.keys();
  }

  usesInterface(name: string): boolean {
    return this.pairs.has(name);
  }

  /** The pairs wanted on one interface. */
  pairsOn(name: string): Iterable<OwnedPair> {
    return this.pairs.get(name)?.values() ?? [];
  }

  /**
   * The change that turns what was given so far into `whole`: addresses with a new value (by
   * identity, else by content) and addresses left out. Reads no address.
   */
  changeTo(whole: ReadonlyMap<string, OwnedAddress>): OwnedChange {
    const set = new Map<string, OwnedAddress>();
    for (const [text, entry] of whole) {
      const before = this.given.get(text);
      if (before === undefined || !sameOwned(before, entry)) set.set(text, entry);
    }
    const removed = [...this.given.keys()].filter((text) => !whole.has(text));
    return { set, removed };
  }

  /**
   * Applies `change`; returns the pairs to stop and to start. Throws naming the address, changing
   * nothing, when one set is not an address or has no interface: both are the caller's mistakes.
   */
  update(change: OwnedChange): OwnedPlan {
    const read = new Map<string, Canonical>();
    for (const [text, entry] of change.set ?? []) {
      read.set(text, this.canonical.get(text) ?? this.read(text));
      if (entry.interfaces.length === 0) throw new Error(`owned address ${text}: interfaces: empty; name at least one`);
    }

    const touched = new Map<string, Family>();
    for (const text of change.removed ?? []) {
      const canonical = this.canonical.get(text);
      if (canonical === undefined) continue;
      this.given.delete(text);
      this.canonical.delete(text);
      const rest = (this.spellings.get(canonical.address) ?? []).filter((t) => t !== text);
      if (rest.length === 0) this.spellings.delete(canonical.address);
      else this.spellings.set(canonical.address, rest);
      touched.set(canonical.address, canonical.family);
    }
    for (const [text, entry] of change.set ?? []) {
      const canonical = read.get(text) as Canonical;
      if (!this.canonical.has(text)) {
        this.canonical.set(text, canonical);
        this.spellings.set(canonical.address, [...(this.spellings.get(canonical.address) ?? []), text]);
      }
      this.given.set(text, entry);
      touched.set(canonical.address, canonical.family);
    }

    const stop: string[] = [];
    const start: OwnedPair[] = [];
    for (const [address, family] of touched) {
      const before = this.owned.get(address)?.interfaces ?? [];
      const after = this.merged(address, family);
      if (after === undefined) this.owned.delete(address);
      else this.owned.set(address, after);
      const now = after?.interfaces ?? [];
      for (const name of before) if (!now.includes(name)) stop.push(this.removePair(address, name));
      for (const name of now) if (!before.includes(name)) start.push(this.addPair(address, family, name));
    }
    return { stop, start };
  }

  private read(text: string): Canonical {
    const parsed = this.parse(text);
    if (!parsed.ok) throw new Error(`owned address ${JSON.stringify(text)}: ${parsed.error}`);
    return { address: formatIP(parsed.value), family: parsed.value.family };
  }

  private merged(address: string, family: Family): OwnedEntry | undefined {
    const texts = this.spellings.get(address);
    if (texts === undefined) return undefined;
    let interfaces: string[] | undefined;
    let services: string[] | undefined;
    for (const text of texts) {
      const entry = this.given.get(text) as OwnedAddress;
      interfaces = union(interfaces, entry.interfaces);
      services = union(services, entry.services);
    }
    return { family, interfaces: interfaces ?? [], services: services ?? [] };
  }

  private addPair(address: string, family: Family, name: string): OwnedPair {
    const key = pairKey(address, name);
    const pair: OwnedPair = { key, address, family, interface: name };
    let on = this.pairs.get(name);
    if (on === undefined) this.pairs.set(name, (on = new Map()));
    on.set(key, pair);
    return pair;
  }

  private removePair(address: string, name: string): string {
    const key = pairKey(address, name);
    const on = this.pairs.get(name);
    on?.delete(key);
    if (on?.size === 0) this.pairs.delete(name);
    return key;
  }
}
