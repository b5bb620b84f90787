import { CoreV1Api, CustomObjectsApi, DiscoveryV1Api, type V1EndpointSlice } from '@kubernetes/client-node';
import { GROUP, KIND, PLURAL, VERSION } from '@herald/shared/api/constants.js';
import type { BFDProfileSpec } from '@herald/shared/api/bfd.js';
import type { BGPAdvertisementSpec, L2AdvertisementSpec } from '@herald/shared/api/advertisements.js';
import type { BGPPeerSpec } from '@herald/shared/api/bgp-peer.js';
import type { CommunitySpec } from '@herald/shared/api/community.js';
import { apiErrorCode } from '@herald/shared/kube/errors.js';
import type { TestCluster } from './cluster.js';

type ConfigKind = typeof KIND.BGPPeer | typeof KIND.BGPAdvertisement | typeof KIND.L2Advertisement | typeof KIND.Community | typeof KIND.BFDProfile;

/** The label a Node selector picks one lab node by (labNodeObject sets it). */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** The label the EndpointSlice controller puts on a slice: the Service it belongs to. */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/**
 * What speaker suites write besides pools and Services: BGP configuration (BGPPeer,
 * BGPAdvertisement, Community, BFDProfile), L2Advertisements, password and membership Secrets in Herald's namespace, and the
 * EndpointSlices a kube-controller-manager would write (the lab has none). Everything written is
 * remembered and deleted by cleanup(), also after a failed test.
 */
export class BgpObjects {
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly discovery: DiscoveryV1Api;
  private readonly config = new Map<string, { kind: ConfigKind; name: string }>();
  private readonly secrets = new Set<string>();
  private readonly slices = new Map<string, { namespace: string; name: string }>();

  constructor(readonly cluster: TestCluster) {
    this.core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    this.custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    this.discovery = cluster.kubeConfig.makeApiClient(DiscoveryV1Api);
  }

  peer(name: string, spec: BGPPeerSpec): Promise<void> {
    return this.create(KIND.BGPPeer, name, spec);
  }

  advertisement(name: string, spec: BGPAdvertisementSpec): Promise<void> {
    return this.create(KIND.BGPAdvertisement, name, spec);
  }

  l2Advertisement(name: string, spec: L2AdvertisementSpec): Promise<void> {
    return this.create(KIND.L2Advertisement, name, spec);
  }

  community(name: string, spec: CommunitySpec): Promise<void> {
    return this.create(KIND.Community, name, spec);
  }

  bfdProfile(name: string, spec: BFDProfileSpec): Promise<void> {
    return this.create(KIND.BFDProfile, name, spec);
  }

  /** A Secret in Herald's namespace with a `password` key, as a BGPPeer's passwordSecret names it. */
  async passwordSecret(name: string, password: string): Promise<void> {
    this.secrets.add(name);
    await this.core.createNamespacedSecret({
      namespace: this.cluster.heraldNamespace,
      body: { metadata: { name, namespace: this.cluster.heraldNamespace }, type: 'kubernetes.io/basic-auth', data: { password: Buffer.from(password).toString('base64') } },
    });
  }

  /** The layer-2 membership's Secret in Herald's namespace: the shared key under `secretkey`, as the speaker's --members-secret names it. */
  async membersSecret(name: string, key: Buffer): Promise<void> {
    this.secrets.add(name);
    await this.core.createNamespacedSecret({
      namespace: this.cluster.heraldNamespace,
      body: { metadata: { name, namespace: this.cluster.heraldNamespace }, type: 'Opaque', data: { secretkey: key.toString('base64') } },
    });
  }

  /**
   * Writes (creates or replaces) the Service's one EndpointSlice: `readyPerNode[node]` ready
   * endpoints on each node, as the EndpointSlice controller would for that many running pods.
   */
  async endpoints(namespace: string, service: string, readyPerNode: Readonly<Record<string, number>>): Promise<void> {
    const name = `${service}-lab`;
    let pod = 0;
    const body: V1EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name, namespace, labels: { [SERVICE_NAME_LABEL]: service } },
      addressType: 'IPv4',
      ports: [{ name: 'p80-tcp', port: 80, protocol: 'TCP' }],
      endpoints: Object.entries(readyPerNode).flatMap(([nodeName, count]) =>
        Array.from({ length: count }, () => {
          pod++;
          return {
            addresses: [`10.244.${Math.floor(pod / 250)}.${(pod % 250) + 1}`],
            conditions: { ready: true, serving: true, terminating: false },
            nodeName,
            targetRef: { kind: 'Pod', namespace, name: `${service}-${pod}` },
          };
        }),
      ),
    };
    const key = `${namespace}/${name}`;
    if (!this.slices.has(key)) {
      this.slices.set(key, { namespace, name });
      await this.discovery.createNamespacedEndpointSlice({ namespace, body });
      return;
    }
    const current = await this.discovery.readNamespacedEndpointSlice({ namespace, name });
    await this.discovery.replaceNamespacedEndpointSlice({ namespace, name, body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion } } });
  }

  async cleanup(): Promise<void> {
    for (const [key, s] of [...this.slices]) {
      await ignoreNotFound(() => this.discovery.deleteNamespacedEndpointSlice({ namespace: s.namespace, name: s.name }));
      this.slices.delete(key);
    }
    for (const [key, o] of [...this.config]) {
      await ignoreNotFound(() =>
        this.custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.cluster.heraldNamespace, plural: PLURAL[o.kind], name: o.name }),
      );
      this.config.delete(key);
    }
    for (const name of [...this.secrets]) {
      await ignoreNotFound(() => this.core.deleteNamespacedSecret({ namespace: this.cluster.heraldNamespace, name }));
      this.secrets.delete(name);
    }
  }

  private async create(kind: ConfigKind, name: string, spec: object): Promise<void> {
    this.config.set(`${kind}/${name}`, { kind, name });
    await this.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.cluster.heraldNamespace,
      plural: PLURAL[kind],
      body: { apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name, namespace: this.cluster.heraldNamespace }, spec },
    });
  }
}

async function ignoreNotFound(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (e) {
    if (apiErrorCode(e) !== 404) throw e;
  }
}

/** A node selector that picks exactly one lab node. */
export function onNode(name: string): { matchLabels: Record<string, string> } {
  return { matchLabels: { [HOSTNAME_LABEL]: name } };
}

/** A node selector that picks these lab nodes by name. */
export function onNodes(names: readonly string[]): { matchExpressions: Array<{ key: string; operator: 'In'; values: string[] }> } {
  return { matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [...names] }] };
}
