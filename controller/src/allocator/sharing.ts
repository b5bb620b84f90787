import type { Family } from '@herald/shared/net/address.js';
import type { ServiceKey, ServiceRef } from '@herald/shared/service/types.js';
import type { PoolState } from './pools.js';

/** What sharing rules need to know about one Service on an address. */
export interface Sharer {
  key: ServiceKey;
  ref: ServiceRef;
  sharingKey?: string;
  /** "TCP/80", unique. */
  ports: readonly string[];
  backend: string;
}

/**
 * One address in use: by one Service, or by several sharing it. Taken from its pool once.
 * Users are a short array rather than a map: an address has one user, rarely a handful, and a
 * full /16 holds 65,534 of these, so the lighter they are the less the garbage collector walks.
 */
export class AddressUse {
  readonly users: Sharer[] = [];

  constructor(
    readonly pool: PoolState,
    readonly family: Family,
    readonly value: bigint,
    readonly ordinal: bigint,
    readonly text: string,
  ) {}

  /** Every user carries the same key (sharing requires it), so any user's key is the address's key. */
  get sharingKey(): string | undefined {
    return this.users[0]?.sharingKey;
  }

  user(key: ServiceKey): Sharer | undefined {
    return this.users.find((u) => u.key === key);
  }

  add(s: Sharer): void {
    this.users.push(s);
  }

  /** Removes a user; true when nobody uses the address any more. */
  delete(key: ServiceKey): boolean {
    const i = this.users.findIndex((u) => u.key === key);
    if (i >= 0) this.users.splice(i, 1);
    return this.users.length === 0;
  }
}

export interface SharingConflict {
  reason: 'AddressInUse' | 'SharingRuleBroken';
  with: ServiceRef;
  message: string;
}

function name(ref: ServiceRef): string {
  return `${ref.namespace}/${ref.name}`;
}

function policyOf(backend: string): string {
  return backend === 'Cluster' ? 'Cluster' : 'Local';
}

/**
 * Whether `candidate` may join the Services already on `use`. The rules are symmetric (both must
 * carry the same key, the same backend, and no protocol/port pair may repeat), so checking the
 * candidate against every current user checks both directions.
 */
export function sharingConflict(use: AddressUse, candidate: Sharer): SharingConflict | undefined {
  const ip = use.text;
  for (const holder of use.users) {
    if (holder.key === candidate.key) continue;
    const who = holder.ref;
    if (holder.sharingKey === undefined) {
      return { reason: 'AddressInUse', with: who, message: `${ip} is in use by ${name(who)}, which does not allow sharing (no allow-shared-ip annotation)` };
    }
    if (candidate.sharingKey === undefined) {
      return {
        reason: 'AddressInUse',
        with: who,
        message: `${ip} is in use by ${name(who)}; to share it, give this Service the annotation heraldlb.io/allow-shared-ip: ${holder.sharingKey}`,
      };
    }
    if (holder.sharingKey !== candidate.sharingKey) {
      return {
        reason: 'SharingRuleBroken',
        with: who,
        message: `${ip} is shared by ${name(who)} under key "${holder.sharingKey}", and this Service's allow-shared-ip key is "${candidate.sharingKey}"`,
      };
    }
    if (holder.backend !== candidate.backend) {
      const message =
        policyOf(holder.backend) !== policyOf(candidate.backend)
          ? `Services sharing an address must use the same externalTrafficPolicy: ${name(who)} on ${ip} uses ${policyOf(holder.backend)} and this Service uses ${policyOf(candidate.backend)}`
          : `Services sharing an address with externalTrafficPolicy Local must select the same pods: ${name(who)} on ${ip} has a different spec.selector`;
      return { reason: 'SharingRuleBroken', with: who, message };
    }
  }
  for (const port of candidate.ports) {
    const owner = use.users.find((u) => u.key !== candidate.key && u.ports.includes(port));
    if (owner === undefined) continue;
    return { reason: 'SharingRuleBroken', with: owner.ref, message: `port ${port} is already used by ${name(owner.ref)} on ${ip}` };
  }
  return undefined;
}
