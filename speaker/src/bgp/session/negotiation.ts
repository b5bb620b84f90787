import { type BgpError, OPEN_ERROR, myAsField, peerAsOf, sessionCodecOptions } from '../codec/index.js';
import type { AddressFamily, Capability, OpenMessage, SessionCodecOptions } from '../messages.js';
import { ERROR_CODE } from '../messages.js';
import { IPV4_UNICAST, type SessionConfig, familyText, sameFamily } from './config.js';

const BGP_VERSION = 4;
/** RFC 4271 section 4.2: a hold time of 1 or 2 seconds is refused. */
const MIN_HOLD_TIME_SECONDS = 3;

/** What both OPENs agreed on: fixed from OpenConfirm until the connection closes. */
export interface NegotiatedSession {
  /** The peer's real AS: from its 4-octet AS capability when present, else the OPEN's field. */
  readonly peerAsn: number;
  readonly peerRouterId: number;
  /** Decided by the AS numbers, so a dynamic peer (internal/external) is classified here. */
  readonly ibgp: boolean;
  /** 0 means neither side runs a hold timer nor sends keepalives. */
  readonly holdTimeSeconds: number;
  readonly keepaliveMs: number;
  /** Families both sides offered; only these carry routes and get an End-of-RIB. */
  readonly families: readonly AddressFamily[];
  readonly codec: SessionCodecOptions;
  /** Both sides advertised graceful restart. */
  readonly gracefulRestart: boolean;
  /** The peer can be asked to resend its routes; kept for logs. */
  readonly peerRouteRefresh: boolean;
  readonly peerCapabilities: readonly Capability[];
}

export type Negotiation = { ok: true; session: NegotiatedSession } | { ok: false; error: BgpError };

/** The OPEN we send. A 4-octet local AS goes in the capability; the 2-octet field says AS_TRANS. */
export function buildOpen(config: SessionConfig): OpenMessage {
  const capabilities: Capability[] = config.families.map((family) => ({ kind: 'multiprotocol', family }));
  capabilities.push({ kind: 'route-refresh' }, { kind: 'four-octet-as', asn: config.localAsn }, { kind: 'extended-message' });
  if (config.gracefulRestart) {
    capabilities.push({
      kind: 'graceful-restart',
      restarting: false,
      notification: false,
      restartTimeSeconds: config.restartTimeSeconds,
      // The node forwards to its Services whether or not the speaker runs, so forwarding survives a restart.
      families: config.families.map((family) => ({ family, forwardingPreserved: true })),
    });
  }
  return {
    type: 'open',
    version: BGP_VERSION,
    myAS: myAsField(config.localAsn),
    holdTimeSeconds: config.holdTimeSeconds,
    bgpIdentifier: config.routerId,
    capabilities,
  };
}

/** Checks the peer's OPEN against our configuration and works out what the session runs with. */
export function negotiate(open: OpenMessage, config: SessionConfig): Negotiation {
  const peer = `peer ${config.peerName}`;
  if (open.version !== BGP_VERSION) {
    return refuse(OPEN_ERROR.unsupportedVersionNumber, Uint8Array.of(0, BGP_VERSION),
      `${peer} speaks BGP version ${open.version}; only version ${BGP_VERSION} is supported`);
  }
  const peerAsn = peerAsOf(open);
  const asProblem = peerAsnProblem(peerAsn, config);
  if (asProblem !== undefined) return refuse(OPEN_ERROR.badPeerAs, new Uint8Array(0), `${peer} ${asProblem}`);
  const ibgp = peerAsn === config.localAsn;

  if (open.bgpIdentifier === 0) {
    return refuse(OPEN_ERROR.badBgpIdentifier, new Uint8Array(0), `${peer} sent BGP identifier 0.0.0.0`);
  }
  if (ibgp && open.bgpIdentifier === config.routerId) {
    return refuse(OPEN_ERROR.badBgpIdentifier, new Uint8Array(0),
      `${peer} is iBGP and has our own BGP identifier ${formatRouterId(config.routerId)}; set a distinct routerID`);
  }

  if (open.holdTimeSeconds > 0 && open.holdTimeSeconds < MIN_HOLD_TIME_SECONDS) {
    return refuse(OPEN_ERROR.unacceptableHoldTime, new Uint8Array(0),
      `${peer} offered a hold time of ${open.holdTimeSeconds} s; it must be 0 or at least ${MIN_HOLD_TIME_SECONDS} s`);
  }
  const holdTimeSeconds = Math.min(open.holdTimeSeconds, config.holdTimeSeconds);

  const peerFamilies = advertisedFamilies(open.capabilities);
  const families = config.families.filter((ours) => peerFamilies.some((theirs) => sameFamily(ours, theirs)));
  if (families.length === 0) {
    return refuse(OPEN_ERROR.unsupportedCapability, multiprotocolCapabilityBytes(config.families),
      `${peer} offers ${peerFamilies.map(familyText).join(', ') || 'no address family'}, ` +
        `none of which we speak (${config.families.map(familyText).join(', ')})`);
  }

  return {
    ok: true,
    session: {
      peerAsn,
      peerRouterId: open.bgpIdentifier,
      ibgp,
      holdTimeSeconds,
      keepaliveMs: keepaliveMs(holdTimeSeconds, config.keepaliveTimeSeconds),
      families,
      codec: sessionCodecOptions(buildOpen(config), open, ibgp),
      gracefulRestart: config.gracefulRestart && open.capabilities.some((c) => c.kind === 'graceful-restart'),
      peerRouteRefresh: open.capabilities.some((c) => c.kind === 'route-refresh'),
      peerCapabilities: open.capabilities,
    },
  };
}

/**
 * The keepalive interval: our configured one, but never more than a third of the negotiated hold
 * time (RFC 4271 section 10), so three keepalives fit in one hold time. A configured 0 means "a
 * third of the hold time".
 */
export function keepaliveMs(holdTimeSeconds: number, configuredKeepaliveSeconds: number): number {
  if (holdTimeSeconds === 0) return 0;
  const third = Math.floor((holdTimeSeconds * 1000) / 3);
  return configuredKeepaliveSeconds > 0 ? Math.min(configuredKeepaliveSeconds * 1000, third) : third;
}

/** The codec options before OPENs are exchanged: RFC 6793 keeps OPEN's AS field 2-octet anyway. */
export function initialCodecOptions(ibgp: boolean): SessionCodecOptions {
  return { fourOctetAs: false, extendedMessage: false, ibgp };
}

export function formatRouterId(id: number): string {
  return [24, 16, 8, 0].map((shift) => (id >>> shift) & 0xff).join('.');
}

function peerAsnProblem(peerAsn: number, config: SessionConfig): string | undefined {
  const { peerAsn: expected, localAsn } = config;
  if (expected === undefined) return undefined;
  if (expected === 'internal') {
    return peerAsn === localAsn ? undefined : `has AS ${peerAsn}, but is configured as internal (AS ${localAsn})`;
  }
  if (expected === 'external') {
    return peerAsn !== localAsn ? undefined : `has our own AS ${peerAsn}, but is configured as external`;
  }
  return peerAsn === expected ? undefined : `has AS ${peerAsn}, but is configured with peerASN ${expected}`;
}

/** RFC 4760 section 8: a speaker that sends no multiprotocol capability speaks IPv4 unicast only. */
function advertisedFamilies(capabilities: readonly Capability[]): AddressFamily[] {
  const families = capabilities.flatMap((c) => (c.kind === 'multiprotocol' ? [c.family] : []));
  return families.length > 0 ? families : [IPV4_UNICAST];
}

/** RFC 5492 section 5: the NOTIFICATION data lists the capabilities at fault, here ours. */
function multiprotocolCapabilityBytes(families: readonly AddressFamily[]): Uint8Array {
  const MULTIPROTOCOL_CODE = 1;
  const bytes = new Uint8Array(families.length * 6);
  families.forEach((family, i) => {
    bytes.set([MULTIPROTOCOL_CODE, 4, family.afi >> 8, family.afi & 0xff, 0, family.safi], i * 6);
  });
  return bytes;
}

function refuse(subcode: number, data: Uint8Array, reason: string): Negotiation {
  return { ok: false, error: { code: ERROR_CODE.openMessage, subcode, data, reason } };
}
