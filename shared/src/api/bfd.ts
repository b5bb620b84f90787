import type { API_VERSION } from './constants.js';
import type { ObjectMeta } from './meta.js';

export interface BFDProfile {
  apiVersion: typeof API_VERSION;
  kind: 'BFDProfile';
  metadata: ObjectMeta;
  spec?: BFDProfileSpec;
}

/** Intervals in milliseconds. Defaults are FRR's, so a profile moved from MetalLB behaves the same. */
export interface BFDProfileSpec {
  /** 10..60000, default 300. */
  receiveInterval?: number;
  /** 10..60000, default 300. */
  transmitInterval?: number;
  /** 2..255, default 3. */
  detectMultiplier?: number;
  /** 10..60000, default 50. */
  echoInterval?: number;
  echoMode?: boolean;
  passiveMode?: boolean;
  /** 1..254, default 254; multihop sessions only. */
  minimumTtl?: number;
}

export const BFD_DEFAULTS = {
  receiveInterval: 300,
  transmitInterval: 300,
  detectMultiplier: 3,
  echoInterval: 50,
  echoMode: false,
  passiveMode: false,
  minimumTtl: 254,
} as const;

export const BFD_LIMITS = {
  interval: { min: 10, max: 60000 },
  detectMultiplier: { min: 2, max: 255 },
  minimumTtl: { min: 1, max: 254 },
} as const;
