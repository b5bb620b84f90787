import {
  COMMON_BOOLEAN_FLAGS,
  type CommonFlags,
  DNS_SUBDOMAIN,
  commonOptions,
  commonUsage,
  durationMs,
  normaliseBooleans,
  parseStrict,
  readCommonFlags,
} from '@herald/shared/cli/flags.js';
import { formatIP, parseIP } from '@herald/shared/net/address.js';
import { DEFAULT_PROTOCOL_CONFIG, type ProtocolConfig, protocolConfig } from '../members/config.js';

export interface Flags extends CommonFlags {
  /** The Node this speaker runs on: what it announces and which peers it opens are decided for it. */
  nodeName: string;
  /** TCP port to accept BGP connections on (collisions, passive peers); 0 accepts none. */
  listenPort: number;
  /** How long routes carry GRACEFUL_SHUTDOWN (RFC 8326) before the sessions close on SIGTERM. */
  gracefulShutdownDelayMs: number;
  /** UDP port of the layer-2 membership, the same on every speaker. */
  membersPort: number;
  /** Secret in Herald's namespace whose data key `secretkey` holds the membership's shared key. */
  membersSecret: string;
  /** Address the membership binds to and is reached at; default (undefined): the Node's first InternalIP. */
  membersBind: string | undefined;
  /** The membership's probe interval and suspicion multiplier (the rest keep their defaults). */
  membersProtocol: Pick<ProtocolConfig, 'probeIntervalMs' | 'ackTimeoutMs' | 'suspicionMult'>;
}

/** What flags default to from the environment, passed in so parsing stays pure. */
export interface FlagEnvironment {
  /** NODE_NAME, as a DaemonSet sets it from the downward API (spec.nodeName). */
  nodeName?: string | undefined;
}

export type FlagsResult = { ok: true; flags: Flags } | { ok: false; error: string };

const METRICS_ADDR = '0.0.0.0:7473';

export const USAGE = `Usage: herald-speaker [flags]

${commonUsage(METRICS_ADDR)}  --node-name NAME        the Node this speaker runs on (default: NODE_NAME)
  --listen-port PORT      accept BGP connections on this TCP port, 0 for none (default 179)
  --graceful-shutdown-delay DUR
                          on SIGTERM, announce with the GRACEFUL_SHUTDOWN community for this long
                          before closing the sessions (default 5s; 0s closes at once)
  --members-port PORT     UDP port of the layer-2 membership, the same on every node (default 7946)
  --members-secret NAME   Secret in Herald's namespace whose key "secretkey" holds the membership's
                          shared key, 16 bytes or more (default herald-memberlist); without it
                          layer-2 mode does not start
  --members-bind ADDRESS  address the membership binds to and is reached at (default: the Node's
                          first InternalIP)
  --members-probe-interval DUR
                          how often each speaker probes another, 100ms to 200ms (default 100ms);
                          a probe waits half of it for the direct answer; the same on every node
  --members-suspicion-mult N
                          how many probe intervals a silent member stays suspect before it is
                          declared dead, 1 to 10 (default 2.5). The defaults move an address in
                          about 0.4-0.5 s and ride out a speaker stalled for 300 ms. 1.25 moves it
                          in about 0.3 s, like keepalived with 100 ms adverts, but a speaker
                          stalled for more than about 175 ms loses its addresses for a moment
  --help                  print this and exit
`;

/** Reads and checks the command line. Every error names the flag and says what it accepts. */
export function parseFlags(argv: readonly string[], env: FlagEnvironment): FlagsResult {
  const normalised = normaliseBooleans(argv, COMMON_BOOLEAN_FLAGS);
  if (normalised.error) return { ok: false, error: normalised.error };
  const values = parseStrict(normalised.args, {
    ...commonOptions(METRICS_ADDR),
    'node-name': { type: 'string' },
    'listen-port': { type: 'string', default: '179' },
    'graceful-shutdown-delay': { type: 'string', default: '5s' },
    'members-port': { type: 'string', default: '7946' },
    'members-secret': { type: 'string', default: 'herald-memberlist' },
    'members-bind': { type: 'string' },
    'members-probe-interval': { type: 'string', default: `${DEFAULT_PROTOCOL_CONFIG.probeIntervalMs}ms` },
    'members-suspicion-mult': { type: 'string', default: String(DEFAULT_PROTOCOL_CONFIG.suspicionMult) },
  });
  if (typeof values === 'string') return { ok: false, error: values };
  const common = readCommonFlags(values);
  if (typeof common === 'string') return { ok: false, error: common };
  if (common.help) return { ok: true, flags: { ...common, nodeName: '', listenPort: 0, gracefulShutdownDelayMs: 0, membersPort: 0, membersSecret: '', membersBind: undefined, membersProtocol: DEFAULT_PROTOCOL_CONFIG } };

  const nodeName = (values['node-name'] as string | undefined) ?? env.nodeName ?? '';
  if (nodeName === '') return { ok: false, error: '--node-name (or NODE_NAME) must name the Node this speaker runs on' };
  if (!DNS_SUBDOMAIN.test(nodeName) || nodeName.length > 253) return { ok: false, error: `--node-name must be a Node name (a DNS subdomain), not ${JSON.stringify(nodeName)}` };

  const portText = values['listen-port'] as string;
  const listenPort = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(listenPort >= 0 && listenPort <= 65535)) return { ok: false, error: `--listen-port must be a TCP port 0..65535 (0: accept no connections), not ${JSON.stringify(portText)}` };

  const delayText = values['graceful-shutdown-delay'] as string;
  let gracefulShutdownDelayMs = 0;
  if (!/^0+[a-z]*$/.test(delayText)) {
    const delay = durationMs('graceful-shutdown-delay', delayText);
    if (typeof delay === 'string') return { ok: false, error: delay };
    gracefulShutdownDelayMs = delay;
  }

  const membersPortText = values['members-port'] as string;
  const membersPort = /^[0-9]{1,5}$/.test(membersPortText) ? Number(membersPortText) : NaN;
  if (!(membersPort >= 1 && membersPort <= 65535)) return { ok: false, error: `--members-port must be a UDP port 1..65535, not ${JSON.stringify(membersPortText)}` };

  const membersSecret = values['members-secret'] as string;
  if (!DNS_SUBDOMAIN.test(membersSecret) || membersSecret.length > 253) return { ok: false, error: `--members-secret must be a Secret name (a DNS subdomain), not ${JSON.stringify(membersSecret)}` };

  const bindText = values['members-bind'] as string | undefined;
  let membersBind: string | undefined;
  if (bindText !== undefined) {
    const ip = parseIP(bindText);
    if (ip === undefined) return { ok: false, error: `--members-bind must be an IPv4 or IPv6 address, not ${JSON.stringify(bindText)}` };
    membersBind = formatIP(ip);
  }
  const membersProtocol = readMembersProtocol(values['members-probe-interval'] as string, values['members-suspicion-mult'] as string);
  if (typeof membersProtocol === 'string') return { ok: false, error: membersProtocol };
  return { ok: true, flags: { ...common, nodeName, listenPort, gracefulShutdownDelayMs, membersPort, membersSecret, membersBind, membersProtocol } };
}

function readMembersProtocol(intervalText: string, multText: string): Flags['membersProtocol'] | string {
  const probeIntervalMs = durationMs('members-probe-interval', intervalText);
  if (typeof probeIntervalMs === 'string') return probeIntervalMs;
  const suspicionMult = /^[0-9]+(\.[0-9]+)?$/.test(multText) ? Number(multText) : NaN;
  // Half the interval for the direct ack leaves the other half for the indirect probes.
  const ackTimeoutMs = Math.round(probeIntervalMs / 2);
  const checked = protocolConfig({ probeIntervalMs, ackTimeoutMs, suspicionMult });
  if (checked.ok) return { probeIntervalMs, ackTimeoutMs, suspicionMult };
  const error = checked.errors[0] ?? '';
  if (error.startsWith('members.probeIntervalMs')) return `--members-probe-interval must be from 100ms to 200ms, not ${JSON.stringify(intervalText)}`;
  if (error.startsWith('members.suspicionMult')) return `--members-suspicion-mult must be a number from 1 to 10, not ${JSON.stringify(multText)}`;
  return `--members-probe-interval ${intervalText}: ${error}`;
}
