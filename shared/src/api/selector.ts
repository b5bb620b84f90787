import type { LabelSelector, LabelSelectorRequirement } from './meta.js';

export type Labels = Readonly<Record<string, string>>;

function labelValue(labels: Labels | undefined, key: string): string | undefined {
  // Own properties only: a label named "constructor" must not find Object.prototype.constructor.
  if (labels === undefined || !Object.hasOwn(labels, key)) return undefined;
  const value = labels[key];
  return typeof value === 'string' ? value : undefined;
}

function requirementMatches(req: LabelSelectorRequirement, labels: Labels | undefined): boolean {
  const value = labelValue(labels, req.key);
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      // An operator we do not understand selects nothing, as Kubernetes refuses such a selector.
      return false;
  }
}

/**
 * Kubernetes label-selector semantics: every matchLabels entry and every matchExpressions requirement
 * must hold. An empty selector matches every label set.
 */
export function matchesSelector(selector: LabelSelector, labels: Labels | undefined): boolean {
  for (const [key, want] of Object.entries(selector.matchLabels ?? {})) {
    if (labelValue(labels, key) !== want) return false;
  }
  return (selector.matchExpressions ?? []).every((req) => requirementMatches(req, labels));
}

/**
 * True when any selector matches; false for an empty list. Fields where an empty list means "no
 * restriction" (nodeSelectors, serviceSelectors) must say so themselves, because pool selection does not.
 */
export function matchesAnySelector(selectors: readonly LabelSelector[], labels: Labels | undefined): boolean {
  return selectors.some((s) => matchesSelector(s, labels));
}

interface KeyConstraint {
  present: boolean;
  absent: boolean;
  /** Allowed values; undefined while no In / matchLabels names the key. */
  allowed: Set<string> | undefined;
  forbidden: Set<string>;
}

function requirementsOf(selector: LabelSelector): LabelSelectorRequirement[] | undefined {
  const reqs: LabelSelectorRequirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: 'In',
    values: [value],
  }));
  for (const req of selector.matchExpressions ?? []) {
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(req.operator)) return undefined;
    reqs.push(req);
  }
  return reqs;
}

/**
 * Whether some label set could match both selectors. Decided from the selectors alone, so the answer
 * does not change when nodes come, go or are relabelled: two selectors conflict if a node could ever
 * be labelled so that both pick it.
 */
export function selectorsIntersect(a: LabelSelector, b: LabelSelector): boolean {
  const ra = requirementsOf(a);
  const rb = requirementsOf(b);
  if (ra === undefined || rb === undefined) return false;
  const byKey = new Map<string, KeyConstraint>();
  for (const req of [...ra, ...rb]) {
    let c = byKey.get(req.key);
    if (c === undefined) {
      c = { present: false, absent: false, allowed: undefined, forbidden: new Set() };
      byKey.set(req.key, c);
    }
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In': {
        c.present = true;
        const allowed: Set<string> = c.allowed ?? new Set(values);
        c.allowed = new Set(values.filter((v) => allowed.has(v)));
        break;
      }
      case 'NotIn':
        for (const v of values) c.forbidden.add(v);
        break;
      case 'Exists':
        c.present = true;
        break;
      case 'DoesNotExist':
        c.absent = true;
        break;
    }
  }
  for (const c of byKey.values()) {
    if (c.present && c.absent) return false;
    if (c.allowed !== undefined && [...c.allowed].every((v) => c.forbidden.has(v))) return false;
  }
  return true;
}

/**
 * Whether two lists of selectors (each an OR of its selectors) could pick a common object. An empty
 * list stands for "everything", as in every nodeSelectors field.
 */
export function selectorListsIntersect(a: readonly LabelSelector[], b: readonly LabelSelector[]): boolean {
  const la = a.length === 0 ? [{}] : a;
  const lb = b.length === 0 ? [{}] : b;
  return la.some((sa) => lb.some((sb) => selectorsIntersect(sa, sb)));
}
