import type { API_VERSION } from './constants.js';
import type { ObjectMeta } from './meta.js';

/** One per announced Service: which node answers ARP / NDP for it, on which interfaces. Written by the speaker. */
export interface ServiceL2Status {
  apiVersion: typeof API_VERSION;
  kind: 'ServiceL2Status';
  metadata: ObjectMeta;
  spec?: Record<string, never>;
  status?: ServiceL2StatusStatus;
}

export interface ServiceL2StatusStatus {
  node?: string;
  serviceName?: string;
  serviceNamespace?: string;
  interfaces?: Array<{ name: string }>;
}

/** One per (Service, node) announced over BGP: the peers the node means to announce it to. */
export interface ServiceBGPStatus {
  apiVersion: typeof API_VERSION;
  kind: 'ServiceBGPStatus';
  metadata: ObjectMeta;
  spec?: Record<string, never>;
  status?: ServiceBGPStatusStatus;
}

export interface ServiceBGPStatusStatus {
  node?: string;
  serviceName?: string;
  serviceNamespace?: string;
  /** BGPPeer names: intent, not session state. */
  peers?: string[];
}
