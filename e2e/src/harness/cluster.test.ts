import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import { startApiServer, type LabApiServer } from '../apiserver/server.js';
import { CRDS_DIR, openTestCluster } from './cluster.js';

async function namespaceExists(cluster: { kubeConfig: import('@kubernetes/client-node').KubeConfig }, name: string): Promise<boolean> {
  const list = await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespace();
  return list.items.some((n) => n.metadata?.name === name);
}

describe('integration suites find their cluster @lab', () => {
  const saved = process.env.HERALD_KUBECONFIG;
  afterEach(() => {
    if (saved === undefined) delete process.env.HERALD_KUBECONFIG;
    else process.env.HERALD_KUBECONFIG = saved;
  });

  it('start a lab API server of their own when HERALD_KUBECONFIG is unset, with a namespace for the run', async () => {
    delete process.env.HERALD_KUBECONFIG;
    const cluster = await openTestCluster();
    try {
      expect(cluster.kind).to.equal('lab');
      expect(cluster.namespace).to.match(/^herald-test-[0-9a-f]{6}$/);
      expect(await namespaceExists(cluster, cluster.namespace)).to.equal(true);
      expect(await namespaceExists(cluster, cluster.heraldNamespace)).to.equal(true);
    } finally {
      await cluster.close();
    }
  });

  it('take a restartable lab API server away and bring it back on the same port, with its objects', async () => {
    delete process.env.HERALD_KUBECONFIG;
    const cluster = await openTestCluster({ restartable: true });
    try {
      const server = cluster.kubeConfig.getCurrentCluster()?.server;
      await cluster.stopServer();
      const refused = await namespaceExists(cluster, cluster.namespace).then(
        () => 'answered',
        (e: Error) => e.message,
      );
      expect(refused).to.match(/ECONNREFUSED/);
      await cluster.startServer();
      expect(cluster.kubeConfig.getCurrentCluster()?.server).to.equal(server);
      expect(await namespaceExists(cluster, cluster.namespace)).to.equal(true);
    } finally {
      await cluster.close();
    }
  });

  it('refuse to stop a lab API server that was not made restartable, as its objects would be lost', async () => {
    delete process.env.HERALD_KUBECONFIG;
    const cluster = await openTestCluster();
    try {
      const err = await cluster.stopServer().then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).to.match(/without `restartable`/);
      expect(await namespaceExists(cluster, cluster.namespace)).to.equal(true);
    } finally {
      await cluster.close();
    }
  });

  it('run the lab API server in a process of its own when asked, which can be taken away and brought back like the in-process one', async () => {
    delete process.env.HERALD_KUBECONFIG;
    const cluster = await openTestCluster({ serverProcess: true, restartable: true });
    const port = cluster.kubeConfig.getCurrentCluster()?.server.split(':').at(-1);
    const serving = (): string[] => execFileSync('ss', ['-Htlnp', `sport = :${port}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    try {
      expect(await namespaceExists(cluster, cluster.namespace)).to.equal(true);
      const owner = /pid=(\d+),/.exec(serving().join('\n'))?.[1];
      expect(owner, 'the process that listens').to.be.a('string').and.not.equal(String(process.pid));
      await cluster.stopServer();
      expect(await namespaceExists(cluster, cluster.namespace).catch((e: Error) => e.message)).to.match(/ECONNREFUSED/);
      await cluster.startServer();
      expect(await namespaceExists(cluster, cluster.namespace)).to.equal(true);
    } finally {
      await cluster.close();
    }
    expect(serving(), 'nothing listens once closed').to.deep.equal([]);
  });

  describe('given HERALD_KUBECONFIG', () => {
    let dir: string;
    let existing: LabApiServer;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'herald-real-'));
      // Any API server reached only through a kubeconfig stands for a real cluster here.
      existing = await startApiServer({ listen: ['127.0.0.1'], port: 0, crdsDir: CRDS_DIR, workDir: dir });
    });
    after(async () => {
      await existing.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('use that cluster, only the connection differing, and remove their namespace afterwards', async () => {
      process.env.HERALD_KUBECONFIG = existing.kubeconfigPath();
      const cluster = await openTestCluster();
      expect(cluster.kind).to.equal('real');
      expect(cluster.kubeconfigPath).to.equal(existing.kubeconfigPath());
      expect(cluster.kubeConfig.getCurrentCluster()?.server).to.equal(existing.url());
      expect(await namespaceExists(cluster, cluster.namespace)).to.equal(true);
      await cluster.close();
      const after = (await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespace()).items.find((n) => n.metadata?.name === cluster.namespace);
      expect(after === undefined || after.metadata?.deletionTimestamp !== undefined, 'the run namespace is gone or going').to.equal(true);
    });
  });
});
