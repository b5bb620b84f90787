import { PassThrough } from 'node:stream';
import type { KubernetesObject } from '@kubernetes/client-node';
import { createLogger, type Logger } from '@herald/shared/log/logger.js';

/** The Service's one EndpointSlice in `default`: `byNode[node]` ready endpoints on each node. */
export function slice(service: string, byNode: Record<string, number>, name = `${service}-abc`): KubernetesObject {
  const endpoints = Object.entries(byNode).flatMap(([nodeName, n]) =>
    Array.from({ length: n }, (_, i) => ({ addresses: [`10.1.${nodeName.length}.${i}`], nodeName, conditions: { ready: true } })),
  );
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { namespace: 'default', name, labels: { 'kubernetes.io/service-name': service } }, endpoints } as KubernetesObject;
}

/** A debug logger whose JSON lines are parsed into `logs` as they are written. */
export function collectingLogger(): { log: Logger; logs: Array<Record<string, unknown>> } {
  const logs: Array<Record<string, unknown>> = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  return { log: createLogger({ component: 'speaker', level: 'debug', stream }), logs };
}
