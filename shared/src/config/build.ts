import { KIND, DEFAULT_NAMESPACE } from '../api/constants.js';
import { selectorListsIntersect } from '../api/selector.js';
import { type BGPAdvertisementDraft, checkLocalPrefConflicts, readBGPAdvertisement, readL2Advertisement } from './advertisements.js';
import { readBFDProfile } from './bfd-profiles.js';
import { readCommunityAliases } from './communities.js';
import type { ConfigError } from './errors.js';
import { intake } from './objects.js';
import { type PeerDraft, checkDuplicatePeers, readPeer } from './peers.js';
import { type PoolDraft, checkPoolOverlaps, readPool } from './pools.js';
import { compareStrings, get, isRecord } from './read.js';
import { indexSecrets } from './secrets.js';
import type {
  BFDProfileConfig,
  BGPAdvertisementConfig,
  BuildOptions,
  ConfigResources,
  HeraldConfig,
  L2AdvertisementConfig,
  PeerConfig,
  PoolConfig,
} from './types.js';

export type BuildResult = { ok: true; config: HeraldConfig } | { ok: false; errors: ConfigError[] };

/**
 * Validates every Herald object together and returns the configuration the controller and speakers
 * run on, or every error found (never just the first). Pure and total: the same input gives the same
 * output, and no input shape makes it throw.
 */
export function buildConfig(resources: ConfigResources, options: BuildOptions = {}): BuildResult {
  const errors: ConfigError[] = [];
  try {
    const config = build(resources, options.namespace ?? DEFAULT_NAMESPACE, errors);
    return errors.length === 0 && config !== undefined ? { ok: true, config } : { ok: false, errors: groupByObject(errors) };
  } catch (e) {
    // A bug must not take the caller down with it: the running configuration stays, and the report says why.
    errors.push({
      kind: 'Configuration',
      namespace: options.namespace ?? DEFAULT_NAMESPACE,
      name: '',
      field: '',
      message: `internal error while validating (please report it): ${e instanceof Error ? e.message : String(e)}`,
    });
    return { ok: false, errors };
  }
}

const KIND_ORDER: readonly string[] = Object.values(KIND);

/**
 * Errors come out of the checks stage by stage; an operator reads them per object. A stable sort by
 * kind (in KIND order) and name keeps each object's errors together and in the order they were found.
 */
function groupByObject(errors: ConfigError[]): ConfigError[] {
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => KIND_ORDER.indexOf(a.e.kind) - KIND_ORDER.indexOf(b.e.kind) || compareStrings(a.e.namespace, b.e.namespace) || compareStrings(a.e.name, b.e.name) || a.i - b.i)
    .map(({ e }) => e);
}

function list(resources: unknown, key: keyof ConfigResources): unknown {
  return isRecord(resources) ? get(resources, key) : undefined;
}

function build(resources: ConfigResources, namespace: string, errors: ConfigError[]): HeraldConfig | undefined {
  if (!isRecord(resources)) {
    errors.push({ kind: 'Configuration', namespace, name: '', field: '', message: 'expected an object holding the lists of Herald resources' });
    return undefined;
  }
  const poolIntakes = intake(KIND.IPAddressPool, list(resources, 'ipAddressPools'), namespace, errors);
  const l2Intakes = intake(KIND.L2Advertisement, list(resources, 'l2Advertisements'), namespace, errors);
  const bgpAdIntakes = intake(KIND.BGPAdvertisement, list(resources, 'bgpAdvertisements'), namespace, errors);
  const peerIntakes = intake(KIND.BGPPeer, list(resources, 'bgpPeers'), namespace, errors);
  const bfdIntakes = intake(KIND.BFDProfile, list(resources, 'bfdProfiles'), namespace, errors);
  const communityIntakes = intake(KIND.Community, list(resources, 'communities'), namespace, errors);
  const secrets = indexSecrets(list(resources, 'secrets'), namespace);

  const bfdProfiles = new Map<string, BFDProfileConfig | undefined>();
  for (const it of bfdIntakes) bfdProfiles.set(it.name, readBFDProfile(it));

  const aliases = readCommunityAliases(communityIntakes);

  const pools: PoolDraft[] = poolIntakes.map(readPool);
  checkPoolOverlaps(pools);

  const peers: PeerDraft[] = peerIntakes.map((it) => readPeer(it, { namespace, bfdProfiles, secrets }));
  checkDuplicatePeers(peers);

  const adContext = { namespace, pools, peerNames: peerIntakes.map((it) => it.name), aliases };
  const l2 = l2Intakes.map((it) => readL2Advertisement(it, adContext));
  const bgpAds = bgpAdIntakes.map((it) => readBGPAdvertisement(it, adContext));
  checkLocalPrefConflicts(bgpAds, pools, new Map(peers.map((p) => [p.intake.name, p.ibgp])));
  checkEchoMode(peers, bgpAds, pools, bfdProfiles);

  if (errors.length > 0) return undefined;
  return {
    namespace,
    pools: pools.map((p) => p.config).filter((c): c is PoolConfig => c !== undefined),
    l2Advertisements: l2.filter((c): c is L2AdvertisementConfig => c !== undefined),
    bgpAdvertisements: bgpAds.map((d) => d.config).filter((c): c is BGPAdvertisementConfig => c !== undefined),
    peers: peers.map((p) => p.config).filter((c): c is PeerConfig => c !== undefined),
    bfdProfiles: [...bfdProfiles.values()].filter((c): c is BFDProfileConfig => c !== undefined),
    communities: [...aliases.values()],
  };
}

/**
 * BFD echo mode does not work for IPv6, so a peer whose profile turns it on must not be sent IPv6
 * prefixes: an advertisement that reaches the peer (by its peers list, from a node both select)
 * with a pool holding IPv6 addresses is a conflict, reported on the peer.
 */
function checkEchoMode(
  peers: readonly PeerDraft[],
  ads: readonly BGPAdvertisementDraft[],
  pools: readonly PoolDraft[],
  bfdProfiles: ReadonlyMap<string, BFDProfileConfig | undefined>,
): void {
  const hasIPv6 = new Set(pools.filter((p) => p.entries.some((e) => e.range.family === 6)).map((p) => p.intake.name));
  for (const peer of peers) {
    const profile = peer.bfdProfileName === undefined ? undefined : bfdProfiles.get(peer.bfdProfileName);
    if (profile === undefined || !profile.echoMode) continue;
    for (const ad of ads) {
      if (!ad.peers.includes(peer.intake.name) || !selectorListsIntersect(ad.nodeSelectors, peer.nodeSelectors)) continue;
      const pool = ad.pools.find((p) => hasIPv6.has(p));
      if (pool === undefined) continue;
      peer.intake.report.error(
        'spec.bfdProfile',
        `BFDProfile ${JSON.stringify(profile.name)} turns on echo mode, which does not work for IPv6, and ${ad.intake.report.label} ` +
          `sends this peer the IPv6 addresses of IPAddressPool ${pool}; turn echoMode off or keep IPv6 pools away from this peer`,
      );
      peer.config = undefined;
      break;
    }
  }
}
