import { expect } from 'chai';
import { CoreV1Api } from '@kubernetes/client-node';
import { keepAliveAgent, makeApiClient } from '@herald/shared/kube/api-client.js';
import { openTestCluster, type TestCluster } from '../harness/cluster.js';

describe('API clients sharing one kept-alive agent @lab', function () {
  this.timeout(20000);
  let cluster: TestCluster;
  before(async () => {
    cluster = await openTestCluster();
  });
  after(async () => {
    await cluster.close();
  });

  it('makes one call after another over a single TLS connection, authenticated as the kubeconfig says', async () => {
    const agent = await keepAliveAgent(cluster.kubeConfig);
    if (agent === undefined) throw new Error('expected an agent for an https server without a proxy');
    let connections = 0;
    const create = agent.createConnection.bind(agent);
    agent.createConnection = ((...args: Parameters<typeof create>) => {
      connections++;
      return create(...args);
    }) as typeof agent.createConnection;
    const api = makeApiClient(cluster.kubeConfig, CoreV1Api, agent);
    for (let i = 0; i < 20; i++) await api.listNamespacedService({ namespace: cluster.namespace });
    expect(connections).to.equal(1);
    agent.destroy();
  });
});
