// The lab network's public face: import from '@herald/e2e/lab/index.js'.

export { createLab, DEFAULT_NODE_ASN, DEFAULT_ROUTER_ASN } from './lab.js';
export type { Lab, LabDescription, LabHost, LabOptions, LabProcess, NodePeerOptions, BfdTimers, RouterKind, SpawnOptions } from './lab.js';
export { cleanLeftovers, describeLeftovers } from './cleanup.js';
export type { LeftoverReport } from './cleanup.js';
export { bgpNeighbor, bgpNeighbors, routesFor } from './router-view.js';
export type { BgpNeighbor, BgpPath, RouteView } from './router-state.js';
export { neighborMac } from './client-view.js';
export { startGoBgp } from './gobgp.js';
export type { GoBgp, GoBgpOptions, RouteAttributes } from './gobgp.js';
export { waitFor } from './wait.js';
export { CommandError } from './run.js';
