import type { ServiceKey, ServiceRef } from '@herald/shared/service/types.js';

export interface AllocatorOptions {
  /** The spec.loadBalancerClass Herald serves. Default `heraldlb.io/herald`. */
  loadBalancerClass?: string;
  /**
   * Whether Herald is the cluster's default load balancer, i.e. also serves LoadBalancer Services
   * with no spec.loadBalancerClass. Default true (as MetalLB without --lb-class).
   */
  defaultImplementation?: boolean;
}

/** A fresh address (Allocated), the same addresses as before (Kept), or a changed set (Reallocated). */
export type SuccessReason = 'Allocated' | 'Kept' | 'Reallocated';

export type FailureReason =
  /** No pool allows the Service's namespace or labels (details: one line per pool). */
  | 'NoPoolAllowed'
  /** Every pool the Service may use is out of addresses of the family it needs. */
  | 'PoolExhausted'
  /** The address it asks for (or holds in status) is held by another Service that does not share. */
  | 'AddressInUse'
  /** The address is held by a Service it could share with, but a sharing rule fails (which, with whom). */
  | 'SharingRuleBroken'
  /** No pool the Service may use has the address family it needs (or RequireDualStack: both). */
  | 'FamilyUnavailable'
  /** A requested address is in no pool, or is an address a pool never hands out. */
  | 'RequestedAddressNotInPool'
  /** The requested pool (or the pool of a requested address) does not allow this Service. */
  | 'RequestedPoolNotAllowed'
  /** The address-pool annotation names a pool that does not exist. */
  | 'RequestedPoolUnknown'
  /** A malformed field or annotation; the message names it. */
  | 'InvalidRequest';

/** Why a Service is not Herald's (any more). The shell releases and clears the status Herald wrote. */
export type NotHandledReason = 'NotLoadBalancer' | 'OtherLoadBalancerClass' | 'NoLoadBalancerClass' | 'Deleted';

interface DecisionBase {
  service: ServiceRef;
  key: ServiceKey;
  /**
   * The addresses the Service had before this decision: what the allocator last decided for it, or,
   * the first time it sees the Service, the addresses in its status. Primary family first.
   */
  previous: string[];
  /** The addresses it has now: exactly what status.loadBalancer.ingress should list, primary family first. */
  ips: string[];
  /** The pool of ips[0]; absent when ips is empty. */
  pool?: string;
  /** One or more English sentences for the condition message and the event. */
  message: string;
  /** Things worth a Warning event that did not stop the decision (deprecated annotation, single-stack fallback). */
  warnings: string[];
}

export interface AllocatedDecision extends DecisionBase {
  outcome: 'allocated';
  reason: SuccessReason;
  pool: string;
}

export interface FailedDecision extends DecisionBase {
  outcome: 'failed';
  reason: FailureReason;
  /** The parts of the message one per line (per pool for NoPoolAllowed, PoolExhausted, FamilyUnavailable). */
  details: string[];
  /** The Service holding the address, for AddressInUse and SharingRuleBroken. */
  conflictsWith?: ServiceRef;
  /**
   * Empty, except for InvalidRequest: a Service whose request cannot be read keeps the addresses it
   * already had (when its pool still allows it), rather than losing them over a typo.
   */
  ips: string[];
}

export interface NotHandledDecision extends DecisionBase {
  outcome: 'notHandled';
  reason: NotHandledReason;
  /** Always empty; `previous` lists what was released. */
  ips: [];
}

export type Decision = AllocatedDecision | FailedDecision | NotHandledDecision;

/** Per-pool counts for IPAddressPool status. A shared address counts once. Exact, also for IPv6. */
export interface PoolCounts {
  pool: string;
  assignedIPv4: bigint;
  availableIPv4: bigint;
  assignedIPv6: bigint;
  availableIPv6: bigint;
}

/** What a Service holds now. */
export interface Assignment {
  service: ServiceRef;
  ips: string[];
  pool: string;
}
