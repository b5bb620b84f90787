import { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, PLURAL, STATUS_LABEL, VERSION } from '@herald/shared/api/constants.js';
import type { ServiceBGPStatus } from '@herald/shared/api/status.js';
import type { TestCluster } from './cluster.js';

/** The ServiceBGPStatus objects the speakers hold for one Service (one per announcing node), sorted by node. */
export async function serviceBgpStatuses(cluster: TestCluster, namespace: string, name: string): Promise<ServiceBGPStatus[]> {
  const list = (await cluster.kubeConfig.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: cluster.heraldNamespace,
    plural: PLURAL.ServiceBGPStatus,
    labelSelector: `${STATUS_LABEL.serviceNamespace}=${namespace},${STATUS_LABEL.serviceName}=${name}`,
  })) as { items: ServiceBGPStatus[] };
  return list.items.sort((a, b) => (a.status?.node ?? '').localeCompare(b.status?.node ?? ''));
}
