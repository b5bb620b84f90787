/**
 * The parts of a core/v1 Node the speaker reads. Structurally a subset of @kubernetes/client-node's
 * V1Node, so the shell passes watch objects straight in. Everything is optional because the API
 * server prunes empty fields; null is read as absent.
 */
export interface NodeInput {
  metadata?: {
    name?: string;
    labels?: Readonly<Record<string, string>>;
  };
  spec?: {
    taints?: ReadonlyArray<{ key?: string; value?: string; effect?: string }>;
  };
  status?: {
    conditions?: ReadonlyArray<{ type?: string; status?: string; reason?: string }>;
  };
}

/** Set by the node lifecycle or an administrator when a node is shut down for good (non-graceful node shutdown). */
export const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service';
/** Kubernetes' own label for "keep this node out of every external load balancer". */
export const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

export type NodeIneligibleReason = 'NodeNotReady' | 'NodeNetworkUnavailable' | 'NodeOutOfService' | 'NodeExcludedByLabel';

export interface NodeProblem {
  reason: NodeIneligibleReason;
  /** An English sentence naming the node, e.g. "node n1 is not Ready (Ready is False, reason KubeletNotReady)". */
  message: string;
}

/**
 * Whether a node may announce Service addresses, in BGP and in layer 2 mode alike. `problems`
 * lists every rule the node breaks, in the order of NodeIneligibleReason; the first is the one to
 * report when only one fits.
 */
export interface NodeEligibility {
  eligible: boolean;
  problems: NodeProblem[];
}

/** A list field as a list: a watch may carry anything a buggy writer stored, and one odd field must not throw. */
function listOf<T>(value: readonly T[] | null | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

function isObject<T>(value: T | null | undefined): value is T & object {
  return typeof value === 'object' && value !== null;
}

function condition(node: NodeInput, type: string): { status: string | undefined; reason: string | undefined } | undefined {
  for (const c of listOf(node.status?.conditions)) {
    if (isObject(c) && c.type === type) {
      return { status: typeof c.status === 'string' ? c.status : undefined, reason: typeof c.reason === 'string' && c.reason !== '' ? c.reason : undefined };
    }
  }
  return undefined;
}

function because(reason: string | undefined): string {
  return reason === undefined ? '' : `, reason ${reason}`;
}

/**
 * A node does not announce when it is not Ready (its Ready condition is missing, False or
 * Unknown), when NetworkUnavailable is True, when it carries the out-of-service taint (any
 * effect), or when it has the exclude-from-external-load-balancers label (any value, as the
 * Kubernetes service controller reads it).
 */
export function nodeEligibility(node: NodeInput): NodeEligibility {
  const name = typeof node.metadata?.name === 'string' ? node.metadata.name : '';
  const problems: NodeProblem[] = [];

  const ready = condition(node, 'Ready');
  if (ready?.status !== 'True') {
    problems.push({
      reason: 'NodeNotReady',
      message:
        ready === undefined
          ? `node ${name} is not Ready (it reports no Ready condition yet)`
          : `node ${name} is not Ready (Ready is ${ready.status ?? 'unset'}${because(ready.reason)})`,
    });
  }

  const network = condition(node, 'NetworkUnavailable');
  if (network?.status === 'True') {
    problems.push({ reason: 'NodeNetworkUnavailable', message: `node ${name} has its network unavailable (NetworkUnavailable is True${because(network.reason)})` });
  }

  const outOfService = listOf(node.spec?.taints).find((t) => isObject(t) && t.key === OUT_OF_SERVICE_TAINT);
  if (outOfService !== undefined) {
    const effect = typeof outOfService.effect === 'string' ? ` (effect ${outOfService.effect})` : '';
    problems.push({ reason: 'NodeOutOfService', message: `node ${name} is tainted ${OUT_OF_SERVICE_TAINT}${effect}` });
  }

  const labels = node.metadata?.labels;
  if (isObject(labels) && Object.hasOwn(labels, EXCLUDE_LABEL)) {
    problems.push({ reason: 'NodeExcludedByLabel', message: `node ${name} is labelled ${EXCLUDE_LABEL}` });
  }

  return { eligible: problems.length === 0, problems };
}
