/*
 * The controller's pure core: which Services Herald serves, which addresses they get, and why not.
 * Plain data in, plain data out; no Kubernetes client, no I/O, no clock, no randomness.
 *
 * The shell, once per leadership term and after the first valid configuration (README.md):
 *   const a = new Allocator(config, { loadBalancerClass, defaultImplementation });
 *   for (const ns of namespaces) a.setNamespaceLabels(name, labels);
 *   write(a.adopt(allServices));              // one decision per Service
 * then per watch event, each followed by write(a.retryPending()):
 *   write(a.reconcile(service));              // added or changed
 *   write(a.remove({ namespace, name }));     // deleted
 *   write(a.setConfig(newValidConfig));       // only the Services that had to move
 *   write(a.setNamespaceLabels(ns, labels));  // only the Services that had to move
 * and for pool status: a.poolCounts().
 */
export { Allocator } from './allocator.js';
export { classifyService } from '@herald/shared/service/request.js';
export type {
  AllocatorOptions,
  Assignment,
  AllocatedDecision,
  Decision,
  FailedDecision,
  FailureReason,
  NotHandledDecision,
  NotHandledReason,
  PoolCounts,
  SuccessReason,
} from './types.js';
export type { IPFamilyPolicy, ServiceInput, ServiceKey, ServiceRef } from '@herald/shared/service/types.js';
export { serviceKey } from '@herald/shared/service/types.js';
