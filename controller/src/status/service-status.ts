import type { Decision } from '../allocator/index.js';

/** The condition Herald owns on a Service, beside any other controller's. */
export const CONDITION_TYPE = 'heraldlb.io/AddressAllocated';
/** The condition reason for every success, so a kept address does not rewrite a fresh one's status. */
export const ALLOCATED_REASON = 'Allocated';

/*
 * The status parts Herald reads and writes. Structurally a subset of client-node's V1ServiceStatus;
 * times may be Date (from a typed list) or RFC 3339 strings (from a watch event).
 */
export interface IngressView {
  ip?: string;
  hostname?: string;
  ipMode?: string;
  ports?: unknown[];
}

export interface ConditionView {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
  lastTransitionTime?: Date | string;
}

export interface ServiceStatusView {
  loadBalancer?: { ingress?: IngressView[] };
  conditions?: ConditionView[];
  [other: string]: unknown;
}

/** "Serving 10.0.0.1 and fd00::1 from IPAddressPool blue.": the same words for Allocated, Kept and Reallocated. */
export function successMessage(ips: readonly string[], pool: string): string {
  return `Serving ${ips.join(' and ')} from IPAddressPool ${pool}.`;
}

/** RFC 3339 to the second, as metav1.Time is stored. */
export function conditionTime(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, 'Z');
}

export function heraldCondition(status: ServiceStatusView | undefined): ConditionView | undefined {
  return status?.conditions?.find((c) => c.type === CONDITION_TYPE);
}

function desiredCondition(d: Decision, existing: ConditionView | undefined, generation: number | undefined, now: Date): ConditionView {
  const status = d.outcome === 'allocated' ? 'True' : 'False';
  const reason = d.outcome === 'allocated' ? ALLOCATED_REASON : d.reason;
  const message = d.outcome === 'allocated' ? successMessage(d.ips, d.pool) : d.message;
  const unchanged = existing !== undefined && existing.status === status && existing.reason === reason;
  const condition: ConditionView = {
    type: CONDITION_TYPE,
    status,
    reason,
    message,
    lastTransitionTime: unchanged && existing.lastTransitionTime !== undefined ? existing.lastTransitionTime : conditionTime(now),
  };
  if (generation !== undefined) condition.observedGeneration = generation;
  return condition;
}

function sameCondition(a: ConditionView | undefined, b: ConditionView): boolean {
  return (
    a !== undefined &&
    a.status === b.status &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.observedGeneration === b.observedGeneration &&
    a.lastTransitionTime !== undefined
  );
}

/** An ingress entry without ipMode means VIP: API servers before 1.30 drop the field. */
function sameIngress(current: readonly IngressView[], desired: readonly IngressView[]): boolean {
  return (
    current.length === desired.length &&
    current.every((c, i) => {
      const d = desired[i] as IngressView;
      return c.ip === d.ip && c.hostname === d.hostname && (c.ipMode ?? 'VIP') === d.ipMode && (c.ports ?? []).length === 0;
    })
  );
}

function withIngress(status: ServiceStatusView, ingress: IngressView[]): ServiceStatusView {
  const loadBalancer = { ...(status.loadBalancer ?? {}) };
  if (ingress.length > 0) loadBalancer.ingress = ingress;
  else delete loadBalancer.ingress;
  return { ...status, loadBalancer };
}

function withConditions(status: ServiceStatusView, conditions: ConditionView[]): ServiceStatusView {
  const { conditions: _old, ...rest } = status;
  return conditions.length === 0 ? rest : { ...rest, conditions };
}

/**
 * The status a Service should have after a decision, or undefined when it already has it (so the
 * shell writes nothing). Herald owns `loadBalancer.ingress` of the Services it serves and its one
 * condition; other conditions are left as they are. A Service Herald does not serve loses Herald's
 * addresses and condition, but only if the condition shows Herald wrote them: another
 * implementation's status is never touched.
 */
export function desiredServiceStatus(
  d: Decision,
  current: ServiceStatusView | undefined,
  generation: number | undefined,
  now: Date,
): ServiceStatusView | undefined {
  const base: ServiceStatusView = current ?? {};
  const ingress = base.loadBalancer?.ingress ?? [];
  const conditions = base.conditions ?? [];
  const existing = heraldCondition(base);

  if (d.outcome === 'notHandled') {
    if (existing === undefined) return undefined;
    const released = new Set(d.previous);
    const keptIngress = ingress.filter((i) => i.ip === undefined || !released.has(i.ip));
    return withConditions(
      withIngress(base, keptIngress),
      conditions.filter((c) => c.type !== CONDITION_TYPE),
    );
  }

  const wantIngress: IngressView[] = d.ips.map((ip) => ({ ip, ipMode: 'VIP' }));
  const wantCondition = desiredCondition(d, existing, generation, now);
  if (sameIngress(ingress, wantIngress) && sameCondition(existing, wantCondition)) return undefined;
  const nextConditions = existing === undefined ? [...conditions, wantCondition] : conditions.map((c) => (c.type === CONDITION_TYPE ? wantCondition : c));
  return withConditions(withIngress(base, wantIngress), nextConditions);
}

/** The addresses a status lists, in order. */
export function ingressIPs(status: ServiceStatusView | undefined): string[] {
  return (status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => typeof ip === 'string');
}
