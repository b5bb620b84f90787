import {
  COMMON_BOOLEAN_FLAGS,
  type CommonFlags,
  DNS_SUBDOMAIN,
  booleanFlag,
  commonOptions,
  commonUsage,
  durationMs,
  normaliseBooleans,
  parseStrict,
  readCommonFlags,
} from '@herald/shared/cli/flags.js';

export interface Flags extends CommonFlags {
  leaderElect: boolean;
  leaseName: string;
  leaseDurationSeconds: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  identity: string;
}

/** What the identity defaults to, passed in so parsing stays pure. */
export interface FlagEnvironment {
  podName?: string | undefined;
  hostname: string;
  pid: number;
}

export type FlagsResult = { ok: true; flags: Flags } | { ok: false; error: string };

const METRICS_ADDR = '0.0.0.0:7472';

export const USAGE = `Usage: herald-controller [flags]

${commonUsage(METRICS_ADDR)}  --leader-elect[=BOOL]   campaign for a Lease before writing (default true; --no-leader-elect)
  --lease-name NAME       the Lease's name (default herald-controller)
  --lease-duration DUR    how long a Lease holds without renewal, whole seconds (default 15s)
  --renew-deadline DUR    a leader that cannot renew for this long steps down (default 10s)
  --retry-period DUR      how often to renew or look at the Lease (default 2s)
  --identity ID           this replica's name in the Lease (default POD_NAME, else hostname_pid)
  --help                  print this and exit
`;

const BOOLEAN_FLAGS = [...COMMON_BOOLEAN_FLAGS, 'leader-elect'];

/** Reads and checks the command line. Every error names the flag and says what it accepts. */
export function parseFlags(argv: readonly string[], env: FlagEnvironment): FlagsResult {
  const normalised = normaliseBooleans(argv, BOOLEAN_FLAGS);
  if (normalised.error) return { ok: false, error: normalised.error };
  const values = parseStrict(normalised.args, {
    ...commonOptions(METRICS_ADDR),
    'leader-elect': { type: 'boolean' },
    'no-leader-elect': { type: 'boolean' },
    'lease-name': { type: 'string', default: 'herald-controller' },
    'lease-duration': { type: 'string', default: '15s' },
    'renew-deadline': { type: 'string', default: '10s' },
    'retry-period': { type: 'string', default: '2s' },
    identity: { type: 'string' },
  });
  if (typeof values === 'string') return { ok: false, error: values };
  const common = readCommonFlags(values);
  if (typeof common === 'string') return { ok: false, error: common };
  const str = (k: string): string => values[k] as string;

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
      ...common,
      leaderElect: booleanFlag(values, 'leader-elect'),
      leaseName,
      leaseDurationSeconds: lease / 1000,
      renewDeadlineMs: renew,
      retryPeriodMs: retry,
      identity,
    },
  };
}
