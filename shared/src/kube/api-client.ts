import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import {
  createConfiguration,
  ServerConfiguration,
  type ApiConstructor,
  type ApiType,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';

/**
 * client-node 1.4 builds a new https.Agent for every request (KubeConfig.applySecurityAuthentication),
 * so each call opens a new TLS connection and parses the CA again: a controller writing thousands
 * of statuses spends its time and memory on handshakes. These helpers give every API client of a
 * process one kept-alive agent instead. Authentication headers are still applied per request, so
 * rotating tokens keep working; TLS client material is read once, at start.
 */
export async function keepAliveAgent(kubeConfig: KubeConfig, maxSockets = 32): Promise<Agent | undefined> {
  const cluster = kubeConfig.getCurrentCluster();
  // Proxies and plain HTTP keep client-node's own agents.
  if (cluster === null || cluster.proxyUrl || !cluster.server.startsWith('https:')) return undefined;
  const tls: RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(tls);
  return new Agent({
    keepAlive: true,
    maxSockets,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    pfx: tls.pfx,
    passphrase: tls.passphrase,
    ...(cluster.skipTLSVerify ? { rejectUnauthorized: false } : {}),
    ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
  });
}

/** Like kubeConfig.makeApiClient, but every request goes through `agent` when one is given. */
export function makeApiClient<T extends ApiType>(kubeConfig: KubeConfig, apiClientType: ApiConstructor<T>, agent: Agent | undefined): T {
  if (agent === undefined) return kubeConfig.makeApiClient(apiClientType);
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) throw new Error('the kubeconfig names no current cluster');
  const config = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    promiseMiddleware: [
      {
        // Runs after authentication, which has just set a fresh agent of its own.
        pre: async (context) => {
          context.setAgent(agent);
          return context;
        },
        post: async (response) => response,
      },
    ],
  });
  return new apiClientType(config);
}

/**
 * GETs a collection (`/api/v1/services`) as plain JSON objects, for informers' lists. The generated
 * clients copy every item of a list into their model classes while the response text and the
 * parsed JSON are still held: at 10,000 Services that copy made the list the process's peak of
 * memory. The cache needs only the JSON (watch events deliver nothing else), so nothing is copied.
 * Failures carry `code` (the HTTP status) and `body`, as client-node's errors do. Without an agent
 * (plain HTTP, proxies: see keepAliveAgent) Node's global agents are used.
 */
export async function listPlain<T extends KubernetesObject>(kubeConfig: KubeConfig, agent: Agent | undefined, path: string): Promise<KubernetesListObject<T>> {
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) throw new Error('the kubeconfig names no current cluster');
  const opts: RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(opts);
  const url = new URL(path, cluster.server);
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const headers = { ...opts.headers, Accept: 'application/json' };
    // Without an agent of ours, TLS material goes on the request itself.
    const options: RequestOptions = agent ? { method: 'GET', agent, headers } : { ...opts, method: 'GET', headers };
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', (e) => reject(new Error(`GET ${url.pathname} from ${cluster.server}: ${e.message}`, { cause: e })));
    req.end();
  });
  if (status < 200 || status > 299) {
    throw Object.assign(new Error(`GET ${url.pathname} from ${cluster.server}: HTTP ${status}`), { code: status, body: text });
  }
  return JSON.parse(text) as KubernetesListObject<T>;
}
