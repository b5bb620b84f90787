/**
 * The lab's TLS material and kubeconfigs. A CA and bearer token are made once per work directory
 * and kept (so kubeconfigs survive a restart of the server); the serving certificate is made at
 * every start, for exactly the addresses the server listens on. Uses the `openssl` command.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';

const run = promisify(execFile);

export interface LabCredentials {
  caPath: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  token: string;
}

export const CONTEXT_NAME = 'herald-lab';

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd, timeout: 30_000 });
  } catch (e) {
    const err = e as { stderr?: string; message?: string };
    throw new Error(`openssl ${args[0]} failed in ${cwd}: ${(err.stderr ?? err.message ?? String(e)).trim()}`);
  }
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function ensureCa(dir: string): Promise<void> {
  if (existsSync(join(dir, 'ca.crt')) && existsSync(join(dir, 'ca.key'))) return;
  await writeFile(
    join(dir, 'ca.cnf'),
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = herald-lab-ca',
      '[v3_ca]',
      'basicConstraints = critical,CA:TRUE',
      'keyUsage = critical,keyCertSign,cRLSign,digitalSignature',
      'subjectKeyIdentifier = hash',
      '',
    ].join('\n'),
  );
  await openssl(['req', '-x509', '-new', '-config', 'ca.cnf', '-extensions', 'v3_ca', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650'], dir);
}

/** `IP:127.0.0.1` for addresses, `DNS:name` for host names. */
export function subjectAltNames(hosts: string[]): string {
  const names = new Set(['DNS:localhost', ...hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`))]);
  return [...names].join(',');
}

async function issueServing(dir: string, hosts: string[]): Promise<void> {
  await writeFile(
    join(dir, 'server.ext'),
    [
      'basicConstraints = CA:FALSE',
      'keyUsage = critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage = serverAuth',
      `subjectAltName = ${subjectAltNames(hosts)}`,
      '',
    ].join('\n'),
  );
  await openssl(['req', '-new', ...EC_KEY, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=herald-lab-apiserver'], dir);
  const serial = `0x${randomBytes(16).toString('hex')}`;
  await openssl(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', serial, '-days', '825', '-extfile', 'server.ext', '-out', 'server.crt'],
    dir,
  );
}

async function ensureToken(dir: string): Promise<string> {
  const path = join(dir, 'token');
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  const token = randomBytes(24).toString('hex');
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return token;
}

export async function prepareCredentials(dir: string, hosts: string[]): Promise<LabCredentials> {
  await mkdir(dir, { recursive: true });
  await ensureCa(dir);
  await issueServing(dir, hosts);
  const [caPem, certPem, keyPem, token] = await Promise.all([
    readFile(join(dir, 'ca.crt'), 'utf8'),
    readFile(join(dir, 'server.crt'), 'utf8'),
    readFile(join(dir, 'server.key'), 'utf8'),
    ensureToken(dir),
  ]);
  return { caPath: join(dir, 'ca.crt'), caPem, certPem, keyPem, token };
}

export function serverUrl(host: string, port: number): string {
  return `https://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** A kubeconfig with the CA embedded, so it still works when copied into another mount namespace. */
export function kubeconfigYaml(server: string, caPem: string, token: string): string {
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CONTEXT_NAME, cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: CONTEXT_NAME, user: { token } }],
    contexts: [{ name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: CONTEXT_NAME, namespace: 'default' } }],
    'current-context': CONTEXT_NAME,
    preferences: {},
  });
}

export function kubeconfigFileName(host: string): string {
  return `kubeconfig-${host.replace(/[^A-Za-z0-9.-]/g, '_')}`;
}
