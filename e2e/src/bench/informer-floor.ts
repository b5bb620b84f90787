// The floor a controller's own memory and start-up are compared with: a bare Node process that
// lists and watches every Service through the same informer, and does nothing else.
// Prints one JSON line: { syncedMs, services, vmHwmKiB }.

import { readFileSync } from 'node:fs';
import { CoreV1Api, KubeConfig, type V1Service } from '@kubernetes/client-node';
import { Informer } from '@herald/shared/kube/informer.js';

export function peakRssKiB(pid: number | 'self'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
  if (!m?.[1]) throw new Error(`/proc/${pid}/status has no VmHWM line`);
  return Number(m[1]);
}

async function main(): Promise<void> {
  const started = Date.now();
  const kubeconfig = process.argv[2];
  if (!kubeconfig) throw new Error('usage: informer-floor.js KUBECONFIG');
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const informer = new Informer<V1Service>({ kubeConfig: kc, name: 'services', path: '/api/v1/services', list: () => core.listServiceForAllNamespaces() });
  informer.start();
  await informer.synced;
  const syncedMs = Date.now() - started;
  process.stdout.write(`${JSON.stringify({ syncedMs, services: informer.list().length, vmHwmKiB: peakRssKiB('self') })}\n`);
  await informer.stop();
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\//, ''))) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`informer-floor: ${String(e)}\n`);
      process.exit(1);
    },
  );
}
