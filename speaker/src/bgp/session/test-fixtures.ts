import type { Capability, OpenMessage } from '../messages.js';
import { BOTH_UNICAST_FAMILIES, IPV4_UNICAST, IPV6_UNICAST, type SessionConfig } from './config.js';

/** Test support: an eBGP session from AS 64512 (10.0.0.1) to a peer "tor" in AS 64513. */
export const TEST_CONFIG: SessionConfig = {
  peerName: 'tor',
  localAsn: 64512,
  routerId: 0x0a000001,
  peerAsn: 64513,
  holdTimeSeconds: 90,
  keepaliveTimeSeconds: 30,
  connectTimeSeconds: 120,
  gracefulRestart: false,
  restartTimeSeconds: 120,
  passive: false,
  families: BOTH_UNICAST_FAMILIES,
};

export const MP_BOTH: readonly Capability[] = [
  { kind: 'multiprotocol', family: IPV4_UNICAST },
  { kind: 'multiprotocol', family: IPV6_UNICAST },
];

/** The OPEN "tor" (AS 64513, 10.0.0.2) sends: both families, 4-octet AS, hold 90 s. */
export function peerOpen(overrides: Partial<OpenMessage> = {}): OpenMessage {
  return {
    type: 'open',
    version: 4,
    myAS: 64513,
    holdTimeSeconds: 90,
    bgpIdentifier: 0x0a000002,
    capabilities: [...MP_BOTH, { kind: 'four-octet-as', asn: 64513 }],
    ...overrides,
  };
}
