import type { HeraldConfig } from '@herald/shared/config/types.js';
import { type IP, compareIP, formatIP } from '@herald/shared/net/address.js';
import type { ServiceInput, ServiceKey } from '@herald/shared/service/types.js';
import type { ServiceEndpoints } from './endpoints.js';
import { plainEqual } from './equal.js';
import { type L2Context, type NodeStanding, l2Context, nodeStanding, sameStanding } from './l2-context.js';
import { type AddressResult, type Sharer, assembleAnnouncement, decideAddress } from './l2-decision.js';
import { type InterfaceTable, type NodeInterface, interfaceTable } from './l2-interfaces.js';
import { type Word64, electionKey, ownerScore, precedes } from './l2-owner.js';
import type { L2AddressAnnouncement, L2Announcement, L2Changes, L2Decision, OwnedAddress } from './l2-types.js';
import type { NodeInput } from './node-eligibility.js';
import { type ServiceView, readServiceView } from './service-decision.js';

interface AddressState {
  readonly ip: IP;
  readonly key: Word64;
  readonly sharers: Set<ServiceKey>;
  result?: AddressResult;
}

const NOTHING: L2Changes = { started: [], changed: [], stopped: [], services: new Map() };

function byAddress(a: OwnedAddress, b: OwnedAddress): number {
  return compareIP(a.ip, b.ip);
}

/**
 * decideL2 kept up to date one event at a time. A Service or endpoint event re-elects that
 * Service's addresses (and so the other Services sharing them). A node or membership event
 * re-elects only the addresses it can move: those the changed node owns, those it ranks
 * before the owner for, those without an owner (their reason may change) and shared ones;
 * rendezvous hashing guarantees the rest keep their owner. A change of this node's own standing
 * or of the configuration re-elects everything; an interface change re-chooses interfaces for
 * the addresses this node owns. No I/O, no clock: after any sequence of calls, decision()
 * equals decideL2 of the same inputs.
 */
export class L2Announcer {
  private config: HeraldConfig;
  private readonly nodes = new Map<string, NodeInput>();
  private live: ReadonlySet<string>;
  private standings = new Map<string, NodeStanding>();
  private table: InterfaceTable;
  private ctx: L2Context;
  private readonly views = new Map<ServiceKey, ServiceView>();
  private readonly addressesOf = new Map<ServiceKey, readonly string[]>();
  private readonly endpoints = new Map<ServiceKey, ServiceEndpoints>();
  private readonly addresses = new Map<string, AddressState>();
  private readonly outcomes = new Map<ServiceKey, L2Announcement>();
  private readonly owned = new Map<string, OwnedAddress>();

  constructor(
    config: HeraldConfig,
    private readonly nodeName: string,
    initial: { nodes?: ReadonlyMap<string, NodeInput>; liveMembers?: Iterable<string>; interfaces?: readonly NodeInterface[] } = {},
  ) {
    this.config = config;
    for (const [name, node] of initial.nodes ?? []) this.nodes.set(name, node);
    this.live = new Set(initial.liveMembers ?? []);
    this.table = interfaceTable(initial.interfaces ?? []);
    this.standings = this.allStandings();
    this.ctx = l2Context(config, nodeName, this.standings, this.table);
  }

  /** A new valid configuration: everything is re-elected. */
  setConfig(config: HeraldConfig): L2Changes {
    this.config = config;
    this.standings = this.allStandings();
    this.ctx = l2Context(config, this.nodeName, this.standings, this.table);
    return this.recompute(this.addresses.keys(), this.views.keys());
  }

  /** Every Node, by name. */
  setNodes(nodes: ReadonlyMap<string, NodeInput>): L2Changes {
    const names = new Set([...this.nodes.keys(), ...nodes.keys()]);
    this.nodes.clear();
    for (const [name, node] of nodes) this.nodes.set(name, node);
    return this.restand(names);
  }

  /** A Node was added or changed. One without a name is ignored: nothing could refer to it. */
  updateNode(node: NodeInput): L2Changes {
    const name = node.metadata?.name;
    if (typeof name !== 'string' || name === '') return NOTHING;
    this.nodes.set(name, node);
    return this.restand([name]);
  }

  removeNode(name: string): L2Changes {
    if (!this.nodes.delete(name)) return NOTHING;
    return this.restand([name]);
  }

  /** The node names the membership reports alive, all of them. Leaving this node out releases its addresses (graceful shutdown). */
  setLiveMembers(names: Iterable<string>): L2Changes {
    const next = new Set(names);
    const changed = [...this.live].filter((n) => !next.has(n));
    for (const n of next) if (!this.live.has(n)) changed.push(n);
    this.live = next;
    return this.restand(changed);
  }

  /** This node's interfaces, all of them. */
  setInterfaces(interfaces: readonly NodeInterface[]): L2Changes {
    const next = interfaceTable(interfaces);
    if (next.size === this.table.size && [...next].every(([name, iface]) => plainEqual(this.table.get(name), iface))) return NOTHING;
    this.table = next;
    this.ctx = l2Context(this.config, this.nodeName, this.standings, this.table, this.ctx.advertisementsByPool, this.ctx.spans);
    const mine = [...this.addresses].filter(([, st]) => st.result?.owner?.name === this.nodeName).map(([text]) => text);
    return this.recompute(mine, []);
  }

  /** A Service Herald serves was added or changed. */
  updateService(service: ServiceInput): L2Changes {
    const view = readServiceView(service);
    const texts = view.addresses.map(formatIP);
    const before = this.addressesOf.get(view.key) ?? [];
    for (const text of before) this.addresses.get(text)?.sharers.delete(view.key);
    this.views.set(view.key, view);
    this.addressesOf.set(view.key, texts);
    view.addresses.forEach((ip, i) => {
      const text = texts[i] as string;
      let st = this.addresses.get(text);
      if (st === undefined) this.addresses.set(text, (st = { ip, key: electionKey(text), sharers: new Set() }));
      st.sharers.add(view.key);
    });
    return this.recompute(new Set([...before, ...texts]), [view.key]);
  }

  /** The Service was deleted, or Herald no longer serves it. */
  removeService(key: ServiceKey): L2Changes {
    if (!this.views.delete(key)) return NOTHING;
    const before = this.addressesOf.get(key) ?? [];
    this.addressesOf.delete(key);
    for (const text of before) this.addresses.get(text)?.sharers.delete(key);
    return this.recompute(before, [key]);
  }

  /** The Service's endpoints changed; undefined means it has none. Kept for Services not seen yet. */
  updateEndpoints(key: ServiceKey, endpoints: ServiceEndpoints | undefined): L2Changes {
    if (endpoints === undefined) this.endpoints.delete(key);
    else this.endpoints.set(key, endpoints);
    return this.views.has(key) ? this.recompute(this.addressesOf.get(key) ?? [], [key]) : NOTHING;
  }

  announcement(key: ServiceKey): L2Announcement | undefined {
    return this.outcomes.get(key);
  }

  /** The address if this node answers for it. */
  ownedAddress(address: string): OwnedAddress | undefined {
    return this.owned.get(address);
  }

  /** The whole current decision, in decideL2's order. O(addresses + Services): for start-up and tests, not per event. */
  decision(): L2Decision {
    const services = new Map<ServiceKey, L2Announcement>();
    for (const key of [...this.outcomes.keys()].sort()) services.set(key, this.outcomes.get(key) as L2Announcement);
    const owned = [...this.owned.values()].sort(byAddress);
    return { owned: new Map(owned.map((o) => [o.address, o])), services };
  }

  private allStandings(): Map<string, NodeStanding> {
    const standings = new Map<string, NodeStanding>();
    for (const [name, node] of this.nodes) {
      standings.set(name, nodeStanding(this.config, name, node, this.live.has(name), this.standings.get(name)?.key));
    }
    return standings;
  }

  /** Re-reads these nodes' standings and re-elects the addresses the changes can move. */
  private restand(names: Iterable<string>): L2Changes {
    const moved: NodeStanding[] = [];
    let me = false;
    for (const name of names) {
      const old = this.standings.get(name);
      const node = this.nodes.get(name);
      const next = node === undefined ? undefined : nodeStanding(this.config, name, node, this.live.has(name), old?.key);
      if (sameStanding(old, next)) continue;
      if (next === undefined) this.standings.delete(name);
      else this.standings.set(name, next);
      moved.push((next ?? old) as NodeStanding);
      if (name === this.nodeName) me = true;
    }
    if (moved.length === 0) return NOTHING;
    this.ctx = l2Context(this.config, this.nodeName, this.standings, this.table, this.ctx.advertisementsByPool, this.ctx.spans);
    if (me) return this.recompute(this.addresses.keys(), []);
    const movedNames = new Set(moved.map((s) => s.name));
    const affected: string[] = [];
    for (const [text, st] of this.addresses) {
      const owner = st.result?.owner;
      const score = st.result?.ownerScore;
      if (owner === undefined || score === undefined || st.sharers.size > 1 || movedNames.has(owner.name)) {
        affected.push(text);
        continue;
      }
      for (const s of moved) {
        if (precedes(s, ownerScore(s.key, st.key), owner, score) && this.couldServe(st, s.name)) {
          affected.push(text);
          break;
        }
      }
    }
    return this.recompute(affected, []);
  }

  /** Whether the node can be a candidate for the address at all: a Service holding it is Cluster, or has a ready endpoint there. Node events do not change endpoints. */
  private couldServe(st: AddressState, name: string): boolean {
    for (const key of st.sharers) {
      if (this.views.get(key)?.local !== true) return true;
      if ((this.endpoints.get(key)?.readyByNode.get(name) ?? 0) > 0) return true;
    }
    return false;
  }

  /** Re-elects these addresses, then re-assembles every Service holding one of them and these Services. */
  private recompute(texts: Iterable<string>, services: Iterable<ServiceKey>): L2Changes {
    const touched = new Set<ServiceKey>(services);
    const started: OwnedAddress[] = [];
    const changed: OwnedAddress[] = [];
    const stopped: OwnedAddress[] = [];
    for (const text of [...texts]) {
      const st = this.addresses.get(text);
      let next: OwnedAddress | undefined;
      if (st === undefined || st.sharers.size === 0) this.addresses.delete(text);
      else {
        const keys = [...st.sharers].sort();
        const sharers: Sharer[] = keys.map((key) => ({ view: this.views.get(key) as ServiceView, endpoints: this.endpoints.get(key) }));
        st.result = decideAddress(this.ctx, st.ip, st.key, sharers);
        for (const key of keys) touched.add(key);
        next = st.result.owned;
      }
      const old = this.owned.get(text);
      if (next === undefined) {
        if (old !== undefined) {
          this.owned.delete(text);
          stopped.push(old);
        }
        continue;
      }
      this.owned.set(text, next);
      if (old === undefined) started.push(next);
      else if (!plainEqual(old, next)) changed.push(next);
    }

    const changes = new Map<ServiceKey, L2Announcement | undefined>();
    for (const key of [...touched].sort()) {
      const view = this.views.get(key);
      const old = this.outcomes.get(key);
      if (view === undefined) {
        if (old !== undefined) {
          this.outcomes.delete(key);
          changes.set(key, undefined);
        }
        continue;
      }
      const entries = (this.addressesOf.get(key) ?? []).map((text) => this.addresses.get(text)?.result?.perService.get(key) as L2AddressAnnouncement);
      const next = assembleAnnouncement(this.nodeName, view, entries);
      this.outcomes.set(key, next);
      if (!plainEqual(old, next)) changes.set(key, next);
    }
    return { started: started.sort(byAddress), changed: changed.sort(byAddress), stopped: stopped.sort(byAddress), services: changes };
  }
}
