export { decideBgp } from './decide.js';
export { Announcer, type AnnouncerChanges } from './announcer.js';
export { diffRoutes, sameAttributes, sameRoute } from './diff.js';
export {
  type EndpointInput,
  type EndpointSliceInput,
  EndpointSliceIndex,
  NO_ENDPOINTS,
  SERVICE_NAME_LABEL,
  type ServiceEndpoints,
  endpointReady,
  readEndpoints,
  readServiceEndpoints,
  sliceServiceKey,
} from './endpoints.js';
export {
  EXCLUDE_LABEL,
  type NodeEligibility,
  type NodeIneligibleReason,
  type NodeInput,
  type NodeProblem,
  OUT_OF_SERVICE_TAINT,
  nodeEligibility,
} from './node-eligibility.js';
export { peerCarries, peersForNode } from './peers.js';
export { comparePrefixes, prefixOf, prefixText } from './prefix.js';
export { LINK_BANDWIDTH_PER_ENDPOINT } from './service-decision.js';
export type * from './types.js';
export { L2Announcer } from './l2-announcer.js';
export { type NodeStanding } from './l2-context.js';
export { decideL2 } from './l2-decision.js';
export {
  type AnnounceInterface,
  type InterfaceAddress,
  type InterfaceChoice,
  type NodeInterface,
  type OsInterfaceAddress,
  type OsInterfaces,
  chooseInterfaces,
  interfaceTable,
  nodeInterfaces,
  subnetContains,
} from './l2-interfaces.js';
export { type Word64, compareWords, elect, electionKey, mix64, ownerScore } from './l2-owner.js';
export type * from './l2-types.js';
