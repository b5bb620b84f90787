/*
 * The subset of Kubernetes' own object types that Herald's resources embed. Plain interfaces, so the
 * pure core never needs the Kubernetes client library.
 */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  /** Required and non-empty for In and NotIn; must be empty for Exists and DoesNotExist. */
  values?: string[];
}

/** Kubernetes' LabelSelector: matchLabels and matchExpressions are ANDed; an empty selector matches everything. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** A reference to a Secret; Herald reads Secrets only from its own namespace. */
export interface SecretReference {
  name?: string;
  namespace?: string;
}

/** The part of a core/v1 Secret that Herald reads (a BGPPeer's passwordSecret). */
export interface Secret {
  apiVersion?: 'v1';
  kind?: 'Secret';
  metadata: ObjectMeta;
  type?: string;
  /** Values are base64, as the API serves them. */
  data?: Record<string, string>;
  /** Plain-text values; only seen in manifests, the API server folds them into data. */
  stringData?: Record<string, string>;
}
