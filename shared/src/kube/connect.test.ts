import { expect } from 'chai';
import { chooseKubeConfigSource } from './connect.js';

describe('finding the Kubernetes API', () => {
  const cases: Array<{ title: string; clues: Parameters<typeof chooseKubeConfigSource>[0]; want: string }> = [
    { title: 'an explicit --kubeconfig wins over everything', clues: { flag: '/f', env: '/e', inCluster: true, homeConfig: '/h' }, want: 'flag' },
    { title: 'KUBECONFIG comes next', clues: { env: '/e', inCluster: true, homeConfig: '/h' }, want: 'env' },
    { title: 'inside a pod the service account is used', clues: { inCluster: true, homeConfig: '/h' }, want: 'in-cluster' },
    { title: 'outside a pod ~/.kube/config is the last resort', clues: { inCluster: false, homeConfig: '/h' }, want: 'home' },
    { title: 'an empty KUBECONFIG counts as unset', clues: { env: '', inCluster: false }, want: 'none' },
  ];
  for (const c of cases) {
    it(c.title, () => {
      expect(chooseKubeConfigSource(c.clues).kind).to.equal(c.want);
    });
  }

  it('explains what it looked for when nothing is there', () => {
    const got = chooseKubeConfigSource({ inCluster: false });
    expect(got.kind).to.equal('none');
    if (got.kind === 'none') expect(got.reason).to.match(/--kubeconfig.*KUBECONFIG.*KUBERNETES_SERVICE_HOST/);
  });

  it('splits a KUBECONFIG list', () => {
    const got = chooseKubeConfigSource({ env: '/a::/b', inCluster: false });
    expect(got).to.deep.equal({ kind: 'env', paths: ['/a', '/b'] });
  });
});
