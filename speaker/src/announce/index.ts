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
