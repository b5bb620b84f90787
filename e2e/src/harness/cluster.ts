import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_NAMESPACE } from '@herald/shared/api/constants.js';
import { startApiServer, type ApiServerOptions } from '../apiserver/server.js';
import { startApiProcess, type ApiServerHandle } from './api-process.js';

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
  /**
   * Takes the API server away: every connection drops, later ones are refused. Lab only (made
   * with `restartable`); its objects are kept for startServer().
   */
  stopServer(): Promise<void>;
  /** Brings a stopped lab API server back on the same addresses and port, with its objects. */
  startServer(): Promise<void>;
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
  /** Lab only: keep the API server's objects on disk, so stopServer() and startServer() can take it away and bring it back. */
  restartable?: boolean;
  /**
   * Lab only: run the lab API server in a process of its own rather than in the test's, so that
   * a benchmark's client work and a server busy with thousands of writes do not share one event
   * loop (the test's clock, its clients and the server would all stall each other).
   */
  serverProcess?: boolean;
}

export async function openTestCluster(opts: TestClusterOptions = {}): Promise<TestCluster> {
  const external = process.env.HERALD_KUBECONFIG;
  return external ? openRealCluster(external) : openLabCluster(opts.listen ?? [], opts.restartable ?? false, opts.serverProcess ?? false);
}

async function openLabCluster(extraListen: string[], restartable: boolean, serverProcess: boolean): Promise<TestCluster> {
  const workDir = await mkdtemp(join(tmpdir(), 'herald-api-'));
  const options = { listen: ['127.0.0.1', ...extraListen], crdsDir: CRDS_DIR, workDir, ...(restartable ? { stateDir: join(workDir, 'state') } : {}) };
  const launch: (o: ApiServerOptions) => Promise<ApiServerHandle> = serverProcess ? startApiProcess : startApiServer;
  const first = await launch({ ...options, port: 0 });
  // The CA, token and kubeconfig files stay in workDir, so clients keep working across a restart on the same port.
  let server: ApiServerHandle | undefined = first;
  const kubeconfigPath = first.kubeconfigPath('127.0.0.1');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const namespace = await createNamespace(kubeConfig, `herald-test-${runSuffix()}`);
  return {
    kind: 'lab',
    kubeConfig,
    kubeconfigPath,
    kubeconfigPathFor: (host) => first.kubeconfigPath(host),
    namespace,
    heraldNamespace: DEFAULT_NAMESPACE,
    stopServer: async () => {
      if (!restartable) throw new Error('the lab API server was opened without `restartable`: stopping it would lose its objects');
      await server?.close();
      server = undefined;
    },
    startServer: async () => {
      if (!restartable) throw new Error('the lab API server was opened without `restartable`: it cannot be started again');
      server ??= await launch({ ...options, port: first.port });
    },
    close: async () => {
      await server?.close();
      server = undefined;
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
    stopServer: () => Promise.reject(new Error(`the API server of a real cluster (${kubeconfigPath}) is not the test's to stop; run this test against the lab API server`)),
    startServer: () => Promise.reject(new Error(`the API server of a real cluster (${kubeconfigPath}) is not the test's to start`)),
    close: async () => {
      await kubeConfig.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace });
    },
  };
}

async function createNamespace(kubeConfig: KubeConfig, name: string): Promise<string> {
  await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return name;
}
