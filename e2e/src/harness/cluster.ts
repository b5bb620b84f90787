import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_NAMESPACE } from '@herald/shared/api/constants.js';
import { startApiServer } from '../apiserver/server.js';

/**
 * The API an integration suite talks to. Only the connection differs between the lab API server
 * and a real cluster (`HERALD_KUBECONFIG=<file>`): suites take everything else from here.
 */
export interface TestCluster {
  kind: 'lab' | 'real';
  kubeConfig: KubeConfig;
  kubeconfigPath: string;
  /**
   * A kubeconfig that reaches the API at `host`, one of the addresses given to openTestCluster's
   * `listen` (a lab's hostAddress, for programs in the lab's namespaces). A real cluster has one
   * kubeconfig for every caller.
   */
  kubeconfigPathFor(host: string): string;
  /** A namespace of this run's own for Services; deleted on close. */
  namespace: string;
  /** Where Herald's own resources live. */
  heraldNamespace: string;
  close(): Promise<void>;
}

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const CRDS_DIR = join(REPO_ROOT, 'crds');

export function runSuffix(): string {
  return randomBytes(3).toString('hex');
}

export interface TestClusterOptions {
  /** More addresses for the lab API server to listen on besides 127.0.0.1, e.g. a lab's hostAddress. */
  listen?: string[];
}

export async function openTestCluster(opts: TestClusterOptions = {}): Promise<TestCluster> {
  const external = process.env.HERALD_KUBECONFIG;
  return external ? openRealCluster(external) : openLabCluster(opts.listen ?? []);
}

async function openLabCluster(extraListen: string[]): Promise<TestCluster> {
  const workDir = await mkdtemp(join(tmpdir(), 'herald-api-'));
  const server = await startApiServer({ listen: ['127.0.0.1', ...extraListen], port: 0, crdsDir: CRDS_DIR, workDir });
  const kubeconfigPath = server.kubeconfigPath('127.0.0.1');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const namespace = await createNamespace(kubeConfig, `herald-test-${runSuffix()}`);
  return {
    kind: 'lab',
    kubeConfig,
    kubeconfigPath,
    kubeconfigPathFor: (host) => server.kubeconfigPath(host),
    namespace,
    heraldNamespace: DEFAULT_NAMESPACE,
    close: async () => {
      await server.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

async function openRealCluster(kubeconfigPath: string): Promise<TestCluster> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const namespace = await createNamespace(kubeConfig, `herald-test-${runSuffix()}`);
  return {
    kind: 'real',
    kubeConfig,
    kubeconfigPath,
    kubeconfigPathFor: () => kubeconfigPath,
    namespace,
    heraldNamespace: process.env.HERALD_NAMESPACE ?? DEFAULT_NAMESPACE,
    close: async () => {
      await kubeConfig.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace });
    },
  };
}

async function createNamespace(kubeConfig: KubeConfig, name: string): Promise<string> {
  await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return name;
}
