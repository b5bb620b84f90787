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

export async function openTestCluster(): Promise<TestCluster> {
  const external = process.env.HERALD_KUBECONFIG;
  return external ? openRealCluster(external) : openLabCluster();
}

async function openLabCluster(): Promise<TestCluster> {
  const workDir = await mkdtemp(join(tmpdir(), 'herald-api-'));
  const server = await startApiServer({ listen: ['127.0.0.1'], port: 0, crdsDir: CRDS_DIR, workDir });
  const kubeconfigPath = server.kubeconfigPath('127.0.0.1');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const namespace = await createNamespace(kubeConfig, `herald-test-${runSuffix()}`);
  return {
    kind: 'lab',
    kubeConfig,
    kubeconfigPath,
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
