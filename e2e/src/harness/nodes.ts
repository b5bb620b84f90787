import type { V1Node } from '@kubernetes/client-node';
import type { LabHost } from '../lab/index.js';

/** The Node object a kubelet on this lab host would have registered: name, addresses, Ready. */
export function labNodeObject(host: LabHost): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: host.name,
      labels: { 'kubernetes.io/hostname': host.name, 'kubernetes.io/os': 'linux' },
    },
    status: {
      addresses: [
        { type: 'InternalIP', address: host.ipv4 },
        { type: 'InternalIP', address: host.ipv6 },
        { type: 'Hostname', address: host.name },
      ],
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'lab node' },
        { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', message: 'lab node' },
      ],
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: 'lab',
        kernelVersion: '',
        kubeProxyVersion: '',
        kubeletVersion: 'v1.32.0-lab',
        machineID: '',
        operatingSystem: 'linux',
        osImage: 'herald lab namespace',
        systemUUID: '',
      },
    },
  };
}
