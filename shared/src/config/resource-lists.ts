import type { HeraldKind } from '../api/constants.js';
import type { ConfigResources } from './types.js';

/** Which list of ConfigResources holds each configuration kind (the status kinds are not configuration). */
export const RESOURCE_LIST: Readonly<Partial<Record<HeraldKind, keyof ConfigResources>>> = {
  IPAddressPool: 'ipAddressPools',
  L2Advertisement: 'l2Advertisements',
  BGPAdvertisement: 'bgpAdvertisements',
  BGPPeer: 'bgpPeers',
  BFDProfile: 'bfdProfiles',
  Community: 'communities',
};
