import type { DynamicASN } from '../api/bgp-peer.js';
import type { LabelSelector } from '../api/meta.js';
import { selectorListsIntersect } from '../api/selector.js';
import { type IP, familyName, formatIP, parseIPResult } from '../net/address.js';
import { formatSeconds, parseWholeSeconds } from './duration.js';
import type { Intake } from './objects.js';
import { type Json, get, interfaceNameProblem, readBoolean, readInteger, readObject, readString } from './read.js';
import { passwordProblem, secretPassword } from './secrets.js';
import { readSelectors } from './selectors.js';
import type { BFDProfileConfig, PeerConfig } from './types.js';

const MAX_ASN = 4294967295;
/** The hold time travels in a 16-bit field of the OPEN message. */
const MAX_TIMER = 65535;
/** RFC 4271 section 4.2: a hold time is 0 or at least 3 seconds. */
const MIN_HOLD = 3;
/** Used when neither holdTime nor keepaliveTime is set (RFC 4271's suggested 90 s, and MetalLB's). */
export const DEFAULT_HOLD_SECONDS = 90;
/**
 * RFC 4271's suggested ConnectRetryTime, and FRR's default, so a MetalLB manifest moved from FRR mode
 * keeps its timing.
 */
export const DEFAULT_CONNECT_SECONDS = 120;
export const DEFAULT_PEER_PORT = 179;

export interface PeerContext {
  readonly namespace: string;
  /** Every BFDProfile by name; undefined for a profile that exists but has errors of its own. */
  readonly bfdProfiles: ReadonlyMap<string, BFDProfileConfig | undefined>;
  readonly secrets: ReadonlyMap<string, Json>;
}

/** A peer being validated; the parts checks across peers need are kept even when others fail. */
export interface PeerDraft {
  readonly intake: Intake;
  /** VRF plus address or interface: two peers with one key must not share a node. */
  readonly sessionKey?: string;
  /** "192.0.2.1" or "interface eth1", for messages. */
  readonly target?: string;
  readonly targetField: string;
  readonly vrf: string;
  readonly nodeSelectors: readonly LabelSelector[];
  /** Unknown when the ASNs did not parse. */
  readonly ibgp?: boolean;
  readonly bfdProfileName?: string;
  config?: PeerConfig;
}

/** '' reads as unset, as Go's zero value does in MetalLB, so a manifest written for it means the same. */
function readOptionalText(it: Intake, key: string): string | undefined {
  const v = readString(it.report, it.spec, key, 'spec');
  return v === '' ? undefined : v;
}

function readAddress(it: Intake, key: string): IP | undefined {
  const text = readOptionalText(it, key);
  if (text === undefined) return undefined;
  const parsed = parseIPResult(text);
  if (!parsed.ok) {
    it.report.error(`spec.${key}`, parsed.error);
    return undefined;
  }
  return parsed.value;
}

function readSeconds(it: Intake, key: string): number | undefined {
  const text = readString(it.report, it.spec, key, 'spec');
  if (text === undefined) return undefined;
  const parsed = parseWholeSeconds(text);
  if (!parsed.ok) {
    it.report.error(`spec.${key}`, parsed.error);
    return undefined;
  }
  return parsed.value;
}

interface Timers {
  hold: number;
  keepalive: number;
  connect: number;
}

/**
 * Hold and keepalive as BGP uses them: when only one is set the other follows (keepalive = hold/3,
 * rounded down, or hold = 3 × keepalive); when neither is set, 90 s and 30 s.
 */
function readTimers(it: Intake): Timers {
  const r = it.report;
  const hold = readSeconds(it, 'holdTime');
  const keepalive = readSeconds(it, 'keepaliveTime');
  const connect = readSeconds(it, 'connectTime');
  let holdOk = hold !== undefined;
  if (hold !== undefined && hold > 0 && hold < MIN_HOLD) {
    r.error('spec.holdTime', `${formatSeconds(hold)} is too short: a hold time is 0 (no keepalives) or at least ${MIN_HOLD}s`);
    holdOk = false;
  } else if (hold !== undefined && hold > MAX_TIMER) {
    r.error('spec.holdTime', `${formatSeconds(hold)} is too long: BGP carries at most ${MAX_TIMER}s`);
    holdOk = false;
  }
  let keepaliveOk = keepalive !== undefined;
  if (keepalive !== undefined && keepalive > MAX_TIMER) {
    r.error('spec.keepaliveTime', `${formatSeconds(keepalive)} is too long: at most ${MAX_TIMER}s`);
    keepaliveOk = false;
  }
  let timers: Timers = { hold: DEFAULT_HOLD_SECONDS, keepalive: DEFAULT_HOLD_SECONDS / 3, connect: DEFAULT_CONNECT_SECONDS };
  if (hold !== undefined && keepalive !== undefined) {
    if (holdOk && keepaliveOk && keepalive > hold) {
      r.error('spec.keepaliveTime', `${formatSeconds(keepalive)} is longer than holdTime ${formatSeconds(hold)}; the peer would drop the session between keepalives`);
    } else if (holdOk && keepaliveOk && keepalive === 0 && hold > 0) {
      r.error('spec.keepaliveTime', `0 sends no keepalives, so the session would expire after holdTime ${formatSeconds(hold)}; set holdTime to 0 as well`);
    }
    timers = { ...timers, hold, keepalive };
  } else if (hold !== undefined) {
    timers = { ...timers, hold, keepalive: Math.floor(hold / 3) };
  } else if (keepalive !== undefined) {
    if (keepaliveOk && keepalive * 3 > MAX_TIMER) {
      r.error('spec.keepaliveTime', `${formatSeconds(keepalive)} would make the hold time (3 × keepalive) longer than ${MAX_TIMER}s; set holdTime too`);
    }
    timers = { ...timers, hold: keepalive * 3, keepalive };
  }
  if (connect !== undefined) {
    if (connect < 1 || connect > MAX_TIMER) r.error('spec.connectTime', `${formatSeconds(connect)} is out of range: must be between 1s and ${MAX_TIMER}s`);
    timers = { ...timers, connect };
  }
  return timers;
}

function readASNs(it: Intake): { myASN?: number; peerASN?: number; dynamicASN?: DynamicASN; ibgp?: boolean } {
  const r = it.report;
  const myASN = readInteger(r, it.spec, 'myASN', 'spec', { min: 0, max: MAX_ASN });
  if (get(it.spec, 'myASN') === undefined) r.error('spec.myASN', 'is required: the AS number Herald speaks for');
  else if (myASN === 0) r.error('spec.myASN', 'AS 0 is reserved (RFC 7607) and cannot be the local AS');
  // 0 reads as unset, as in MetalLB, where peerASN 0 is Go's zero value.
  const peerASNRead = readInteger(r, it.spec, 'peerASN', 'spec', { min: 0, max: MAX_ASN });
  const peerASNBad = get(it.spec, 'peerASN') !== undefined && peerASNRead === undefined;
  const peerASN = peerASNRead === 0 ? undefined : peerASNRead;
  const dynamicText = readOptionalText(it, 'dynamicASN');
  let dynamicASN: DynamicASN | undefined;
  if (dynamicText === 'internal' || dynamicText === 'external') dynamicASN = dynamicText;
  else if (dynamicText !== undefined) r.error('spec.dynamicASN', `${JSON.stringify(dynamicText)} is not one of internal, external`);
  if (peerASN !== undefined && dynamicASN !== undefined) {
    r.error('spec.dynamicASN', 'is set together with peerASN; set exactly one of them');
  } else if (peerASN === undefined && dynamicText === undefined && !peerASNBad) {
    r.error('spec.peerASN', 'is required unless dynamicASN is set; set exactly one of them');
  }
  const out: { myASN?: number; peerASN?: number; dynamicASN?: DynamicASN; ibgp?: boolean } = {};
  if (myASN !== undefined && myASN !== 0) out.myASN = myASN;
  if (peerASN !== undefined) out.peerASN = peerASN;
  if (dynamicASN !== undefined) out.dynamicASN = dynamicASN;
  if (dynamicASN !== undefined) out.ibgp = dynamicASN === 'internal';
  else if (peerASN !== undefined && out.myASN !== undefined) out.ibgp = peerASN === out.myASN;
  return out;
}

function readPassword(it: Intake, ctx: PeerContext): string | undefined {
  const r = it.report;
  const password = readOptionalText(it, 'password');
  const ref = readObject(r, it.spec, 'passwordSecret', 'spec');
  if (password !== undefined) {
    const problem = passwordProblem(password);
    if (problem !== undefined) r.error('spec.password', problem);
  }
  if (ref === undefined) return password;
  if (password !== undefined) {
    r.error('spec.passwordSecret', 'is set together with password; set one of them');
    return undefined;
  }
  const name = readString(r, ref, 'name', 'spec.passwordSecret');
  const namespace = readString(r, ref, 'namespace', 'spec.passwordSecret');
  if (namespace !== undefined && namespace !== '' && namespace !== ctx.namespace) {
    r.error('spec.passwordSecret.namespace', `is ${JSON.stringify(namespace)}; Herald reads Secrets only from its own namespace ${ctx.namespace}`);
    return undefined;
  }
  if (name === undefined || name === '') {
    if (get(ref, 'name') === undefined || name === '') r.error('spec.passwordSecret.name', 'is required');
    return undefined;
  }
  const secret = ctx.secrets.get(name);
  const label = `Secret ${ctx.namespace}/${name}`;
  if (secret === undefined) {
    r.error('spec.passwordSecret.name', `${label} does not exist`, { missingReference: true });
    return undefined;
  }
  const resolved = secretPassword(secret, label);
  if (!resolved.ok) {
    r.error('spec.passwordSecret', resolved.error);
    return undefined;
  }
  const problem = passwordProblem(resolved.value);
  if (problem !== undefined) {
    r.error('spec.passwordSecret', `the password in ${label} ${problem}`);
    return undefined;
  }
  return resolved.value;
}

function readNetdevName(it: Intake, key: string, what: string): string | undefined {
  const name = readOptionalText(it, key);
  if (name === undefined) return undefined;
  const problem = interfaceNameProblem(name);
  if (problem !== undefined) {
    it.report.error(`spec.${key}`, `${problem} (${what})`);
    return undefined;
  }
  return name;
}

/** Checks one BGPPeer on its own and resolves its Secret and BFDProfile. */
export function readPeer(it: Intake, ctx: PeerContext): PeerDraft {
  const r = it.report;
  const asns = readASNs(it);
  const written = (key: string): boolean => get(it.spec, key) !== undefined && get(it.spec, key) !== '';
  const addressWritten = written('peerAddress');
  const interfaceWritten = written('interface');
  const address = readAddress(it, 'peerAddress');
  const iface = readNetdevName(it, 'interface', 'the interface for unnumbered peering');
  if (addressWritten && interfaceWritten) r.error('spec.interface', 'is set together with peerAddress; set exactly one of them');
  else if (!addressWritten && !interfaceWritten) r.error('spec.peerAddress', 'is required unless interface is set; set exactly one of them');
  const sourceAddress = readAddress(it, 'sourceAddress');
  if (sourceAddress !== undefined && address !== undefined && sourceAddress.family !== address.family) {
    r.error('spec.sourceAddress', `${formatIP(sourceAddress)} is ${familyName(sourceAddress.family)} but peerAddress ${formatIP(address)} is ${familyName(address.family)}`);
  }
  const routerID = readAddress(it, 'routerID');
  if (routerID !== undefined && (routerID.family !== 4 || routerID.value === 0n)) {
    r.error('spec.routerID', `${formatIP(routerID)} cannot be a BGP identifier: it must be a non-zero IPv4 address`);
  }
  const port = readInteger(r, it.spec, 'peerPort', 'spec', { min: 1, max: 65535 }) ?? DEFAULT_PEER_PORT;
  const timers = readTimers(it);
  const nodeSelectors = readSelectors(r, it.spec, 'nodeSelectors', 'spec');
  const password = readPassword(it, ctx);
  const bfdProfileName = readOptionalText(it, 'bfdProfile');
  let bfdProfile: BFDProfileConfig | undefined;
  if (bfdProfileName !== undefined) {
    if (!ctx.bfdProfiles.has(bfdProfileName)) {
      r.error('spec.bfdProfile', `BFDProfile ${JSON.stringify(bfdProfileName)} does not exist in ${ctx.namespace}`, { missingReference: true });
    } else bfdProfile = ctx.bfdProfiles.get(bfdProfileName);
  }
  const ebgpMultiHop = readBoolean(r, it.spec, 'ebgpMultiHop', 'spec', false);
  if (ebgpMultiHop && asns.ibgp === true) {
    r.error('spec.ebgpMultiHop', 'applies only to eBGP, and this peer is iBGP (peerASN equals myASN, or dynamicASN is internal)');
  }
  const gracefulRestart = readBoolean(r, it.spec, 'enableGracefulRestart', 'spec', false);
  const vrf = readNetdevName(it, 'vrf', 'the VRF device name') ?? '';

  const target = address !== undefined ? formatIP(address) : iface !== undefined ? `interface ${iface}` : undefined;
  const draft: PeerDraft = {
    intake: it,
    ...(target !== undefined && !(addressWritten && interfaceWritten)
      ? { sessionKey: `${vrf}\u0000${address !== undefined ? formatIP(address) : `if:${iface ?? ''}`}`, target }
      : {}),
    targetField: address !== undefined ? 'spec.peerAddress' : 'spec.interface',
    vrf,
    nodeSelectors,
    ...(asns.ibgp !== undefined ? { ibgp: asns.ibgp } : {}),
    ...(bfdProfileName !== undefined ? { bfdProfileName } : {}),
  };
  if (r.failed || asns.myASN === undefined || asns.ibgp === undefined) return draft;
  draft.config = {
    name: it.name,
    myASN: asns.myASN,
    ...(asns.peerASN !== undefined ? { peerASN: asns.peerASN } : {}),
    ...(asns.dynamicASN !== undefined ? { dynamicASN: asns.dynamicASN } : {}),
    ibgp: asns.ibgp,
    ...(address !== undefined ? { address } : {}),
    ...(iface !== undefined ? { interface: iface } : {}),
    ...(sourceAddress !== undefined ? { sourceAddress } : {}),
    port,
    holdTimeSeconds: timers.hold,
    keepaliveTimeSeconds: timers.keepalive,
    connectTimeSeconds: timers.connect,
    ...(routerID !== undefined ? { routerID } : {}),
    nodeSelectors,
    ...(password !== undefined ? { password } : {}),
    ...(bfdProfile !== undefined ? { bfdProfile } : {}),
    ebgpMultiHop,
    gracefulRestart,
    vrf,
  };
  return draft;
}

/**
 * A node can hold one session to a router address (per VRF). Two BGPPeers with the same address and
 * VRF conflict when their nodeSelectors could ever pick the same node; the later one by name is
 * reported, naming the first it collides with.
 */
export function checkDuplicatePeers(drafts: readonly PeerDraft[]): void {
  for (const [j, later] of drafts.entries()) {
    if (later.sessionKey === undefined) continue;
    const earlier = drafts
      .slice(0, j)
      .find((d) => d.sessionKey === later.sessionKey && selectorListsIntersect(d.nodeSelectors, later.nodeSelectors));
    if (earlier === undefined) continue;
    const vrf = later.vrf === '' ? 'the default VRF' : `VRF ${later.vrf}`;
    later.intake.report.error(
      later.targetField,
      `${earlier.intake.report.label} already peers with ${later.target ?? ''} in ${vrf}, and the nodeSelectors of the two can select the same node; a node holds one session per router address`,
    );
    later.config = undefined;
  }
}
