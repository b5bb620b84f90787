// HTTP requests from the client namespace, with curl, as a user outside the cluster makes them.

import { CURL_WRITE_OUT, parseCurlTransfers, type ClientResponse } from './curl-output.js';
import type { Lab } from './lab.js';
import { CommandError } from './run.js';

export type { ClientResponse } from './curl-output.js';

export interface ClientRequestOptions {
  /** Per request (default 3 s). */
  timeoutSec?: number;
}

export interface ClientDistribution {
  responses: ClientResponse[];
  /** How many answers carried each body (a responder's body is its node's name). */
  byBody: Record<string, number>;
  /** Requests that got no HTTP answer. */
  failed: number;
}

/** One request; a connection that fails resolves with status 0 and curl's error, it does not throw. */
export async function clientRequest(lab: Lab, url: string, opts: ClientRequestOptions = {}): Promise<ClientResponse> {
  const [response] = await curl(lab, url, 1, opts);
  if (!response) throw new Error(`client request ${url}: curl reported no transfer`);
  return response;
}

/**
 * `n` requests, each on a new connection (new source port), so the router's ECMP hash spreads
 * them as it spreads real clients.
 */
export async function clientRequests(lab: Lab, url: string, n: number, opts: ClientRequestOptions = {}): Promise<ClientDistribution> {
  if (!Number.isInteger(n) || n < 1) throw new Error(`client requests: n=${n} is not a whole number above 0`);
  const responses = await curl(lab, url, n, opts);
  const byBody: Record<string, number> = {};
  let failed = 0;
  for (const r of responses) {
    if (r.status === 0) failed++;
    else byBody[r.body] = (byBody[r.body] ?? 0) + 1;
  }
  return { responses, byBody, failed };
}

async function curl(lab: Lab, url: string, n: number, opts: ClientRequestOptions): Promise<ClientResponse[]> {
  const timeout = opts.timeoutSec ?? 3;
  const argv = [
    'curl',
    '-sS',
    // Brackets of IPv6 literals are addresses, not globs.
    '-g',
    '--noproxy', '*',
    '--max-time', String(timeout),
    '-H', 'Connection: close',
    '-w', CURL_WRITE_OUT,
    ...Array<string>(n).fill(url),
  ];
  let stdout: string;
  let stderr = '';
  try {
    stdout = await lab.exec(lab.client, argv, { timeoutMs: (timeout * n + 10) * 1000 });
  } catch (e) {
    // curl goes on after a failed transfer and exits with the last one's error; each transfer's outcome is in stdout.
    if (!(e instanceof CommandError) || !e.exit.startsWith('exit ')) throw e;
    stdout = e.stdout;
    stderr = e.stderr;
  }
  return parseCurlTransfers(stdout, stderr);
}
