/**
 * Test support for the lab API server's own tests: a server on 127.0.0.1 in a fresh temporary
 * folder with a small `widgets.test.heraldlb.io` CRD, a raw HTTPS client, and kubectl.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { type ApiServerOptions, type LabApiServer, startApiServer } from './server.js';

export const WIDGET_CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.test.heraldlb.io
spec:
  group: test.heraldlb.io
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wd]
    categories: [herald]
  versions:
    - name: v1beta1
      served: true
      storage: true
      subresources:
        status: {}
      additionalPrinterColumns:
        - {name: Color, type: string, jsonPath: .spec.color}
        - {name: Size, type: integer, jsonPath: .spec.size}
        - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [color]
              properties:
                color: {type: string, pattern: '^[a-z]+$', maxLength: 12}
                size: {type: integer, minimum: 1, maximum: 10, default: 3}
                mode: {type: string, enum: [fast, slow], default: fast}
                ratio: {type: number}
                tags: {type: array, maxItems: 3, items: {type: string}}
                extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
            status:
              type: object
              properties:
                observedGeneration: {type: integer, format: int64}
                conditions:
                  type: array
                  items:
                    type: object
                    required: [type, status]
                    properties:
                      type: {type: string}
                      status: {type: string, enum: ["True", "False", "Unknown"]}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.test.heraldlb.io
spec:
  group: test.heraldlb.io
  scope: Cluster
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
    - name: v1beta1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
`;

export interface Lab {
  server: LabApiServer;
  dir: string;
  crdsDir: string;
  kc: KubeConfig;
  /** Raw HTTPS request with the lab token (unless `token` is given); the body is parsed when JSON. */
  http(method: string, path: string, opts?: { body?: unknown; raw?: string; headers?: Record<string, string>; token?: string | null }): Promise<HttpResult>;
  /** Runs kubectl against the lab; never throws, resolves with the exit code and output. */
  kubectl(args: string[], opts?: { timeoutMs?: number; input?: string }): Promise<KubectlResult>;
  close(): Promise<void>;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const KUBECTL = process.env.KUBECTL ?? 'kubectl';

export async function startLab(opts: Partial<ApiServerOptions> = {}, existing?: { dir: string }): Promise<Lab> {
  const dir = existing?.dir ?? mkdtempSync(join(tmpdir(), 'herald-apiserver-'));
  const crdsDir = join(dir, 'crds');
  mkdirSync(crdsDir, { recursive: true });
  writeFileSync(join(crdsDir, 'widgets.yaml'), WIDGET_CRD);
  const server = await startApiServer({ listen: ['127.0.0.1'], port: 0, crdsDir, workDir: join(dir, 'work'), ...opts });
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath());
  const caPem = readFileSync(server.caPath);

  const http: Lab['http'] = (method, path, o = {}) =>
    new Promise((resolve, reject) => {
      const url = new URL(path, server.url());
      const headers: Record<string, string> = { Accept: 'application/json', ...(o.headers ?? {}) };
      const token = o.token === undefined ? server.token : o.token;
      if (token !== null) headers.Authorization = `Bearer ${token}`;
      let payload: string | undefined = o.raw;
      if (o.body !== undefined) {
        payload = JSON.stringify(o.body);
        headers['Content-Type'] ??= 'application/json';
      }
      const req = request(url, { method, headers, ca: caPem }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });

  const kubectl: Lab['kubectl'] = (args, o = {}) =>
    new Promise((resolve) => {
      const child = execFile(
        KUBECTL,
        ['--kubeconfig', server.kubeconfigPath(), '--cache-dir', join(dir, 'kube-cache'), ...args],
        { timeout: o.timeoutMs ?? 15_000 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
          if (err && typeof err.code === 'string') {
            resolve({ code: null, stdout, stderr: `${stderr}\nkubectl could not run (${KUBECTL}): ${err.message}` });
            return;
          }
          resolve({ code, stdout, stderr });
        },
      );
      if (o.input !== undefined) child.stdin?.end(o.input);
    });

  return {
    server,
    dir,
    crdsDir,
    kc,
    http,
    kubectl,
    close: async () => {
      await server.close();
      if (!existing) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Status body of a failed client-node call, parsed. */
export function statusOf(e: unknown): { code: number; reason?: string; message?: string; details?: { name?: string; kind?: string; group?: string; causes?: { field?: string; reason: string; message: string }[] } } {
  const err = e as { code?: number; body?: unknown };
  if (typeof err.code !== 'number') throw e;
  const body = typeof err.body === 'string' ? (JSON.parse(err.body) as Record<string, unknown>) : (err.body as Record<string, unknown>);
  return { code: err.code, ...body };
}

/** Awaits a promise that must fail, returning its Status. */
export async function failure(p: Promise<unknown>): Promise<ReturnType<typeof statusOf>> {
  try {
    await p;
  } catch (e) {
    return statusOf(e);
  }
  throw new Error('the request succeeded, but it should have been refused');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `check` returns true, or fails after `timeoutMs` saying what it waited for. */
export async function eventually(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
