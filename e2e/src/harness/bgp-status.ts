import { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, PLURAL, STATUS_LABEL, VERSION } from '@herald/shared/api/constants.js';
import type { ServiceBGPStatus, ServiceL2Status } from '@herald/shared/api/status.js';
import type { TestCluster } from './cluster.js';

/** The ServiceBGPStatus objects the speakers hold for one Service (one per announcing node), sorted by node. */
export function serviceBgpStatuses(cluster: TestCluster, namespace: string, name: string): Promise<ServiceBGPStatus[]> {
  return statuses<ServiceBGPStatus>(cluster, PLURAL.ServiceBGPStatus, namespace, name);
}

/** The ServiceL2Status objects the speakers hold for one Service (the owning node's, and any a killed speaker left), sorted by node. */
export function serviceL2Statuses(cluster: TestCluster, namespace: string, name: string): Promise<ServiceL2Status[]> {
  return statuses<ServiceL2Status>(cluster, PLURAL.ServiceL2Status, namespace, name);
}

async function statuses<T extends { status?: { node?: string } }>(cluster: TestCluster, plural: string, namespace: string, name: string): Promise<T[]> {
  const list = (await cluster.kubeConfig.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: cluster.heraldNamespace,
    plural,
    labelSelector: `${STATUS_LABEL.serviceNamespace}=${namespace},${STATUS_LABEL.serviceName}=${name}`,
  })) as { items: T[] };
  return list.items.sort((a, b) => (a.status?.node ?? '').localeCompare(b.status?.node ?? ''));
}
