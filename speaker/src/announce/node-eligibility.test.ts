import { expect } from 'chai';
import { EXCLUDE_LABEL, type NodeInput, OUT_OF_SERVICE_TAINT, nodeEligibility } from './node-eligibility.js';
import { node } from './test-fixtures.js';

describe('node eligibility', () => {
  const rows: Array<{ title: string; node: NodeInput; reasons: string[]; messages?: string[] }> = [
    { title: 'a Ready node announces', node: node('n1'), reasons: [] },
    {
      title: 'a node whose Ready condition is False does not',
      node: node('n1', { ready: 'False' }),
      reasons: ['NodeNotReady'],
      messages: ['node n1 is not Ready (Ready is False, reason KubeletNotReady)'],
    },
    { title: 'a node whose Ready condition is Unknown does not', node: node('n1', { ready: 'Unknown' }), reasons: ['NodeNotReady'] },
    {
      title: 'a node that reports no Ready condition yet does not',
      node: node('n1', { ready: 'missing' }),
      reasons: ['NodeNotReady'],
      messages: ['node n1 is not Ready (it reports no Ready condition yet)'],
    },
    {
      title: 'a node whose network is unavailable does not',
      node: node('n1', { networkUnavailable: true }),
      reasons: ['NodeNetworkUnavailable'],
      messages: ['node n1 has its network unavailable (NetworkUnavailable is True, reason NoRouteCreated)'],
    },
    { title: 'NetworkUnavailable False is fine', node: node('n1', { networkUnavailable: false }), reasons: [] },
    {
      title: 'a node tainted out-of-service does not, whatever the effect',
      node: node('n1', { taints: [{ key: OUT_OF_SERVICE_TAINT, effect: 'NoExecute' }] }),
      reasons: ['NodeOutOfService'],
      messages: ['node n1 is tainted node.kubernetes.io/out-of-service (effect NoExecute)'],
    },
    { title: 'other taints do not matter', node: node('n1', { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }), reasons: [] },
    {
      title: 'a node labelled exclude-from-external-load-balancers does not, whatever the value',
      node: node('n1', { labels: { [EXCLUDE_LABEL]: '' } }),
      reasons: ['NodeExcludedByLabel'],
      messages: ['node n1 is labelled node.kubernetes.io/exclude-from-external-load-balancers'],
    },
    {
      title: 'every broken rule is listed, NotReady first',
      node: node('n1', { ready: 'False', networkUnavailable: true, taints: [{ key: OUT_OF_SERVICE_TAINT }], labels: { [EXCLUDE_LABEL]: 'true' } }),
      reasons: ['NodeNotReady', 'NodeNetworkUnavailable', 'NodeOutOfService', 'NodeExcludedByLabel'],
    },
  ];
  for (const row of rows) {
    it(row.title, () => {
      const got = nodeEligibility(row.node);
      expect(got.problems.map((p) => p.reason)).to.deep.equal(row.reasons);
      expect(got.eligible).to.equal(row.reasons.length === 0);
      if (row.messages !== undefined) expect(got.problems.map((p) => p.message)).to.deep.equal(row.messages);
    });
  }

  it('reads a node with null or odd fields without throwing, as not Ready', () => {
    const odd = { metadata: { name: 'n1', labels: null }, spec: { taints: null }, status: { conditions: [null, { type: 'Ready' }] } } as unknown as NodeInput;
    expect(nodeEligibility(odd).problems.map((p) => p.message)).to.deep.equal(['node n1 is not Ready (Ready is unset)']);
  });
});
