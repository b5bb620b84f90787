import type { Agent } from 'node:https';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION } from '@herald/shared/api/constants.js';
import { RESOURCE_LIST } from '@herald/shared/config/resource-lists.js';
import type { ConfigResources } from '@herald/shared/config/types.js';
import { listPlain } from '@herald/shared/kube/api-client.js';
import { Informer, type InformerHandlers } from '@herald/shared/kube/informer.js';
import type { Logger } from '@herald/shared/log/logger.js';

/** Which input changed: configuration (any Herald kind or a Secret), a Service, an EndpointSlice, a Node. */
export type SourceKind = 'config' | 'service' | 'endpointslice' | 'node';

export interface SourcesOptions {
  kubeConfig: KubeConfig;
  agent: Agent | undefined;
  /** Herald's namespace: configuration objects and password Secrets are read from it. */
  namespace: string;
  log: Logger;
  onChange: (kind: SourceKind, obj: KubernetesObject, deleted: boolean) => void;
}

const CONFIG_KINDS = ['IPAddressPool', 'L2Advertisement', 'BGPAdvertisement', 'BGPPeer', 'BFDProfile', 'Community'] as const;
type ConfigKind = (typeof CONFIG_KINDS)[number];


/** Server-side apply bookkeeping and last-applied annotations: never read, often the bulk of an object. */
function slim<T extends KubernetesObject>(obj: T): T {
  if (obj.metadata) {
    delete obj.metadata.managedFields;
    if (obj.metadata.annotations) delete obj.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
  }
  return obj;
}

/** A Node as the speaker reads it: labels, taints, conditions; not images, not capacity. */
function slimNode(obj: KubernetesObject): KubernetesObject {
  const n = slim(obj) as KubernetesObject & { spec?: { taints?: unknown }; status?: { conditions?: unknown; addresses?: unknown } };
  return { apiVersion: n.apiVersion, kind: n.kind, metadata: n.metadata, spec: { taints: n.spec?.taints }, status: { conditions: n.status?.conditions, addresses: n.status?.addresses } } as KubernetesObject;
}

/**
 * Every informer the speaker runs: Herald's configuration kinds and Secrets in Herald's namespace,
 * Services, EndpointSlices and Nodes cluster-wide. Caches survive the API server going away (the
 * informers restart their watches with backoff), so what was announced stays announced.
 */
export class Sources {
  readonly config: ReadonlyMap<ConfigKind | 'Secret', Informer<KubernetesObject>>;
  readonly services: Informer<KubernetesObject>;
  readonly endpointSlices: Informer<KubernetesObject>;
  readonly nodes: Informer<KubernetesObject>;
  private readonly all: Informer<KubernetesObject>[];

  constructor(o: SourcesOptions) {
    const make = (name: string, path: string, kind: SourceKind, transform: (obj: KubernetesObject) => KubernetesObject = slim): Informer<KubernetesObject> => {
      const informer = new Informer<KubernetesObject>({
        kubeConfig: o.kubeConfig,
        name,
        path,
        list: () => listPlain<KubernetesObject>(o.kubeConfig, o.agent, path),
        log: o.log,
        transform,
      });
      const handlers: InformerHandlers<KubernetesObject> = {
        add: (obj) => o.onChange(kind, obj, false),
        update: (obj) => o.onChange(kind, obj, false),
        delete: (obj) => o.onChange(kind, obj, true),
      };
      informer.on(handlers);
      return informer;
    };
    const config = new Map<ConfigKind | 'Secret', Informer<KubernetesObject>>();
    for (const kind of CONFIG_KINDS) {
      config.set(kind, make(PLURAL[kind], `/apis/${GROUP}/${VERSION}/namespaces/${o.namespace}/${PLURAL[kind]}`, 'config'));
    }
    config.set('Secret', make('secrets', `/api/v1/namespaces/${o.namespace}/secrets`, 'config'));
    this.config = config;
    this.services = make('services', '/api/v1/services', 'service');
    this.endpointSlices = make('endpointslices', '/apis/discovery.k8s.io/v1/endpointslices', 'endpointslice');
    this.nodes = make('nodes', '/api/v1/nodes', 'node', slimNode);
    this.all = [...config.values(), this.services, this.endpointSlices, this.nodes];
  }

  start(): void {
    for (const i of this.all) i.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((i) => i.stop()));
  }

  get synced(): Promise<void> {
    return Promise.all(this.all.map((i) => i.synced)).then(() => undefined);
  }

  /** The cached configuration objects, as buildConfig reads them. */
  configResources(): ConfigResources {
    const out: Record<string, unknown[]> = {};
    for (const kind of CONFIG_KINDS) out[RESOURCE_LIST[kind] ?? kind] = this.config.get(kind)?.list() ?? [];
    out.secrets = this.config.get('Secret')?.list() ?? [];
    return out as ConfigResources;
  }
}
