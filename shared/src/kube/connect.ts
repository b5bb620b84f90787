import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Where the API connection comes from, in the order controller-runtime and kubectl users expect. */
export type KubeConfigSource =
  | { kind: 'flag'; path: string }
  | { kind: 'env'; paths: string[] }
  | { kind: 'in-cluster' }
  | { kind: 'home'; path: string };

export interface KubeConfigClues {
  /** `--kubeconfig` */
  flag?: string | undefined;
  /** `KUBECONFIG`, possibly a list */
  env?: string | undefined;
  /** `KUBERNETES_SERVICE_HOST` set and a service-account token mounted */
  inCluster: boolean;
  /** ~/.kube/config when it exists */
  homeConfig?: string | undefined;
}

/**
 * An explicit flag wins, then KUBECONFIG, then the pod's service account, then ~/.kube/config:
 * an operator debugging a pod with a kubeconfig in hand expects the file they named to count.
 */
export function chooseKubeConfigSource(clues: KubeConfigClues): KubeConfigSource | { kind: 'none'; reason: string } {
  if (clues.flag) return { kind: 'flag', path: clues.flag };
  const envPaths = (clues.env ?? '').split(delimiter).filter((p) => p.length > 0);
  if (envPaths.length > 0) return { kind: 'env', paths: envPaths };
  if (clues.inCluster) return { kind: 'in-cluster' };
  if (clues.homeConfig) return { kind: 'home', path: clues.homeConfig };
  return {
    kind: 'none',
    reason:
      'no Kubernetes API found: --kubeconfig not given, KUBECONFIG unset, not running in a pod ' +
      '(KUBERNETES_SERVICE_HOST unset or no service-account token), and ~/.kube/config missing',
  };
}

export function describeSource(source: KubeConfigSource): string {
  switch (source.kind) {
    case 'flag':
      return `--kubeconfig ${source.path}`;
    case 'env':
      return `KUBECONFIG=${source.paths.join(delimiter)}`;
    case 'in-cluster':
      return 'in-cluster service account';
    case 'home':
      return source.path;
  }
}

/** Loads the API connection the way every Kubernetes client does; throws with the reason when there is none. */
export function loadKubeConfig(flag?: string): { kubeConfig: KubeConfig; source: KubeConfigSource } {
  const home = join(homedir(), '.kube', 'config');
  const source = chooseKubeConfigSource({
    flag,
    env: process.env.KUBECONFIG,
    inCluster: Boolean(process.env.KUBERNETES_SERVICE_HOST) && existsSync(SERVICE_ACCOUNT_TOKEN),
    homeConfig: existsSync(home) ? home : undefined,
  });
  if (source.kind === 'none') throw new Error(source.reason);
  const kubeConfig = new KubeConfig();
  switch (source.kind) {
    case 'flag':
    case 'home':
      kubeConfig.loadFromFile(source.path);
      break;
    case 'env':
      kubeConfig.loadFromDefault();
      break;
    case 'in-cluster':
      kubeConfig.loadFromCluster();
      break;
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new Error(`${describeSource(source)}: the current context names no cluster`);
  }
  return { kubeConfig, source };
}
