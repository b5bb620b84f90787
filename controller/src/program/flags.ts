import { parseArgs } from 'node:util';
import { DEFAULT_LOAD_BALANCER_CLASS, DEFAULT_NAMESPACE } from '@herald/shared/api/constants.js';
import { parseDuration } from '@herald/shared/config/duration.js';
import { parseLogLevel, type LogLevel } from '@herald/shared/log/logger.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface Flags {
  kubeconfig: string | undefined;
  namespace: string;
  lbClass: string;
  defaultClass: boolean;
  logLevel: LogLevel;
  metricsAddr: ListenAddress | 'off';
  leaderElect: boolean;
  leaseName: string;
  leaseDurationSeconds: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  identity: string;
  help: boolean;
}

/** What the identity defaults to, passed in so parsing stays pure. */
export interface FlagEnvironment {
  podName?: string | undefined;
  hostname: string;
  pid: number;
}

export type FlagsResult = { ok: true; flags: Flags } | { ok: false; error: string };

export const USAGE = `Usage: herald-controller [flags]

  --kubeconfig PATH       kubeconfig to use (default: KUBECONFIG, then the pod's service account, then ~/.kube/config)
  --namespace NAME        namespace of Herald's resources and Lease (default ${DEFAULT_NAMESPACE})
  --lb-class CLASS        spec.loadBalancerClass Herald serves (default ${DEFAULT_LOAD_BALANCER_CLASS})
  --default-class[=BOOL]  also serve LoadBalancer Services without a class (default true; --no-default-class)
  --log-level LEVEL       error, warn, info or debug (default info)
  --metrics-addr ADDR     host:port for /metrics, or "off" (default 0.0.0.0:7472)
  --leader-elect[=BOOL]   campaign for a Lease before writing (default true; --no-leader-elect)
  --lease-name NAME       the Lease's name (default herald-controller)
  --lease-duration DUR    how long a Lease holds without renewal, whole seconds (default 15s)
  --renew-deadline DUR    a leader that cannot renew for this long steps down (default 10s)
  --retry-period DUR      how often to renew or look at the Lease (default 2s)
  --identity ID           this replica's name in the Lease (default POD_NAME, else hostname_pid)
  --help                  print this and exit
`;

const BOOLEAN_FLAGS = ['default-class', 'leader-elect'] as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * parseArgs has no `--flag=false` for booleans (and no --no-flag before Node 22), so both are
 * turned into a plain flag or its negation before parsing.
 */
function normaliseBooleans(argv: readonly string[]): { args: string[]; error?: string } {
  const args: string[] = [];
  // The last mention of a flag wins, as with the other flags.
  const last = new Map<string, boolean>();
  for (const arg of argv) {
    const m = /^--(no-)?([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = m?.[2];
    if (!m || !(BOOLEAN_FLAGS as readonly string[]).includes(name ?? '')) {
      args.push(arg);
      continue;
    }
    const negated = m[1] !== undefined;
    const text = m[3];
    if (text !== undefined && negated) return { args, error: `--no-${name} takes no value (got ${JSON.stringify(text)})` };
    let value = !negated;
    if (text !== undefined) {
      if (text === 'true') value = true;
      else if (text === 'false') value = false;
      else return { args, error: `--${name} must be true or false, not ${JSON.stringify(text)}` };
    }
    last.set(name as string, value);
  }
  for (const [name, value] of last) args.push(value ? `--${name}` : `--no-${name}`);
  return { args };
}

function durationMs(flag: string, text: string): number | string {
  const parsed = parseDuration(text);
  if (!parsed.ok) return `--${flag}: ${parsed.error}`;
  if (parsed.value <= 0n) return `--${flag} must be longer than zero, not ${JSON.stringify(text)}`;
  return Number(parsed.value / 1_000_000n);
}

export function parseListenAddress(text: string): ListenAddress | string {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  if (!m) return `--metrics-addr must be host:port, [ipv6]:port, :port or off, not ${JSON.stringify(text)}`;
  const port = Number(m[3]);
  if (port > 65535) return `--metrics-addr: port ${port} is above 65535`;
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** Reads and checks the command line. Every error names the flag and says what it accepts. */
export function parseFlags(argv: readonly string[], env: FlagEnvironment): FlagsResult {
  const normalised = normaliseBooleans(argv);
  if (normalised.error) return { ok: false, error: normalised.error };
  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({
      args: normalised.args,
      strict: true,
      allowPositionals: false,
      options: {
        kubeconfig: { type: 'string' },
        namespace: { type: 'string', default: DEFAULT_NAMESPACE },
        'lb-class': { type: 'string', default: DEFAULT_LOAD_BALANCER_CLASS },
        'default-class': { type: 'boolean' },
        'no-default-class': { type: 'boolean' },
        'log-level': { type: 'string', default: 'info' },
        'metrics-addr': { type: 'string', default: '0.0.0.0:7472' },
        'leader-elect': { type: 'boolean' },
        'no-leader-elect': { type: 'boolean' },
        'lease-name': { type: 'string', default: 'herald-controller' },
        'lease-duration': { type: 'string', default: '15s' },
        'renew-deadline': { type: 'string', default: '10s' },
        'retry-period': { type: 'string', default: '2s' },
        identity: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    values = parsed.values;
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  const str = (k: string): string => values[k] as string;
  const bool = (k: string): boolean => values[`no-${k}`] !== true || values[k] === true;

  const kubeconfig = values.kubeconfig as string | undefined;
  if (kubeconfig === '') return { ok: false, error: '--kubeconfig must name a file' };
  const namespace = str('namespace');
  if (!DNS_LABEL.test(namespace)) return { ok: false, error: `--namespace must be a DNS label (lower case letters, digits, '-'), not ${JSON.stringify(namespace)}` };
  const lbClass = str('lb-class');
  const [prefix, name, ...more] = lbClass.split('/');
  if (more.length > 0 || name === undefined || !DNS_SUBDOMAIN.test(prefix ?? '') || !QUALIFIED_NAME.test(name) || lbClass.length > 253) {
    return { ok: false, error: `--lb-class must be a domain-prefixed name such as ${DEFAULT_LOAD_BALANCER_CLASS}, not ${JSON.stringify(lbClass)}` };
  }
  const logLevel = parseLogLevel(str('log-level'));
  if (logLevel === undefined) return { ok: false, error: `--log-level must be error, warn, info or debug, not ${JSON.stringify(str('log-level'))}` };
  let metricsAddr: ListenAddress | 'off' = 'off';
  if (str('metrics-addr') !== 'off') {
    const addr = parseListenAddress(str('metrics-addr'));
    if (typeof addr === 'string') return { ok: false, error: addr };
    metricsAddr = addr;
  }
  const leaseName = str('lease-name');
  if (!DNS_SUBDOMAIN.test(leaseName) || leaseName.length > 253) return { ok: false, error: `--lease-name must be a DNS subdomain name, not ${JSON.stringify(leaseName)}` };

  const lease = durationMs('lease-duration', str('lease-duration'));
  if (typeof lease === 'string') return { ok: false, error: lease };
  if (lease % 1000 !== 0) return { ok: false, error: `--lease-duration must be whole seconds (a Lease counts in seconds), not ${JSON.stringify(str('lease-duration'))}` };
  const renew = durationMs('renew-deadline', str('renew-deadline'));
  if (typeof renew === 'string') return { ok: false, error: renew };
  const retry = durationMs('retry-period', str('retry-period'));
  if (typeof retry === 'string') return { ok: false, error: retry };
  if (renew >= lease) return { ok: false, error: `--renew-deadline (${str('renew-deadline')}) must be shorter than --lease-duration (${str('lease-duration')}), or a standby could take over while the leader still writes` };
  if (retry >= renew) return { ok: false, error: `--retry-period (${str('retry-period')}) must be shorter than --renew-deadline (${str('renew-deadline')}), or the leader gets no second try to renew` };

  const identity = (values.identity as string | undefined) ?? (env.podName || `${env.hostname}_${env.pid}`);
  if (identity.trim() === '') return { ok: false, error: '--identity must not be empty' };

  return {
    ok: true,
    flags: {
      kubeconfig,
      namespace,
      lbClass,
      defaultClass: bool('default-class'),
      logLevel,
      metricsAddr,
      leaderElect: bool('leader-elect'),
      leaseName,
      leaseDurationSeconds: lease / 1000,
      renewDeadlineMs: renew,
      retryPeriodMs: retry,
      identity,
      help: values.help === true,
    },
  };
}
