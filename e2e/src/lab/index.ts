// The lab network's public face: import from '@herald/e2e/lab/index.js'.

export { createLab, DEFAULT_NODE_ASN, DEFAULT_ROUTER_ASN } from './lab.js';
export type { Lab, LabDescription, LabHost, LabOptions, LabProcess, NodePeerOptions, BfdTimers, RouterKind, SpawnOptions } from './lab.js';
export { ROUTER_KINDS } from './router-config.js';
export { cleanLeftovers, describeLeftovers } from './cleanup.js';
export type { LeftoverReport } from './cleanup.js';
export { bgpNeighbor, bgpNeighbors, routesFor } from './router-view.js';
export type { BgpNeighbor, BgpPath, RouteView } from './router-state.js';
export { routeCountOnRouter, waitForRouteCount, waitForSessionState } from './route-count.js';
export type { RouteCountOptions, RouteCountReached, RouteCountWait } from './route-count.js';
export { neighborMac } from './client-view.js';
export { clientRequest, clientRequests } from './client-http.js';
export type { ClientDistribution, ClientRequestOptions, ClientResponse } from './client-http.js';
export { addServiceAddress, removeServiceAddress, startResponder, SERVICE_DEVICE } from './responder.js';
export type { Responder } from './responder.js';
export { startGoBgp } from './gobgp.js';
export type { GoBgp, GoBgpOptions, RouteAttributes } from './gobgp.js';
export { goBgpPathCount, injectRoutes, measureGoBgpRouteLoad, withdrawAllRoutes } from './gobgp-bulk.js';
export type { RouteLoad, RouteLoadOptions } from './gobgp-bulk.js';
export { consecutiveHostRoutes } from './mrt.js';
export { peakRssBytes, resetPeakRss } from './procs.js';
export { waitFor } from './wait.js';
export { CommandError } from './run.js';
