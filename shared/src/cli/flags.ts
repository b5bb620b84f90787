import { parseArgs } from 'node:util';
import { DEFAULT_LOAD_BALANCER_CLASS, DEFAULT_NAMESPACE } from '../api/constants.js';
import { parseDuration } from '../config/duration.js';
import { type LogLevel, parseLogLevel } from '../log/logger.js';

/* Pieces of command-line checking that both programs share; pure. */

export interface ListenAddress {
  host: string;
  port: number;
}

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * parseArgs has no `--flag=false` for booleans (and no --no-flag before Node 22), so both are
 * turned into a plain flag or its negation before parsing.
 */
export function normaliseBooleans(argv: readonly string[], booleanFlags: readonly string[]): { args: string[]; error?: string } {
  const args: string[] = [];
  // The last mention of a flag wins, as with the other flags.
  const last = new Map<string, boolean>();
  for (const arg of argv) {
    const m = /^--(no-)?([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = m?.[2];
    if (!m || !booleanFlags.includes(name ?? '')) {
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

/** A positive duration flag in milliseconds, or the error naming the flag. */
export function durationMs(flag: string, text: string): number | string {
  const parsed = parseDuration(text);
  if (!parsed.ok) return `--${flag}: ${parsed.error}`;
  if (parsed.value <= 0n) return `--${flag} must be longer than zero, not ${JSON.stringify(text)}`;
  return Number(parsed.value / 1_000_000n);
}

export function parseListenAddress(text: string, flag = 'metrics-addr'): ListenAddress | string {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  if (!m) return `--${flag} must be host:port, [ipv6]:port, :port or off, not ${JSON.stringify(text)}`;
  const port = Number(m[3]);
  if (port > 65535) return `--${flag}: port ${port} is above 65535`;
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** The flags every Herald program takes: where the API is, whose Services, logging, metrics. */
export interface CommonFlags {
  kubeconfig: string | undefined;
  namespace: string;
  lbClass: string;
  defaultClass: boolean;
  logLevel: LogLevel;
  metricsAddr: ListenAddress | 'off';
  help: boolean;
}

export const COMMON_BOOLEAN_FLAGS = ['default-class'];

type OptionSpec = { type: 'string' | 'boolean'; default?: string | boolean };

/** parseArgs option specs of the common flags; `metricsAddr` is the program's default. */
export function commonOptions(metricsAddr: string): Record<string, OptionSpec> {
  return {
    kubeconfig: { type: 'string' },
    namespace: { type: 'string', default: DEFAULT_NAMESPACE },
    'lb-class': { type: 'string', default: DEFAULT_LOAD_BALANCER_CLASS },
    'default-class': { type: 'boolean' },
    'no-default-class': { type: 'boolean' },
    'log-level': { type: 'string', default: 'info' },
    'metrics-addr': { type: 'string', default: metricsAddr },
    help: { type: 'boolean', default: false },
  };
}

export function commonUsage(metricsAddr: string): string {
  return `  --kubeconfig PATH       kubeconfig to use (default: KUBECONFIG, then the pod's service account, then ~/.kube/config)
  --namespace NAME        namespace of Herald's resources (default ${DEFAULT_NAMESPACE})
  --lb-class CLASS        spec.loadBalancerClass Herald serves (default ${DEFAULT_LOAD_BALANCER_CLASS})
  --default-class[=BOOL]  also serve LoadBalancer Services without a class (default true; --no-default-class)
  --log-level LEVEL       error, warn, info or debug (default info)
  --metrics-addr ADDR     host:port for /metrics, or "off" (default ${metricsAddr})
`;
}

export type FlagValues = Record<string, string | boolean | undefined>;

/** A boolean flag after normaliseBooleans: on unless its --no- form was given last. */
export function booleanFlag(values: FlagValues, name: string): boolean {
  return values[`no-${name}`] !== true || values[name] === true;
}

/** Checks the common flags out of parseArgs' values; the error names the flag. */
export function readCommonFlags(values: FlagValues): CommonFlags | string {
  const str = (k: string): string => values[k] as string;
  const kubeconfig = values.kubeconfig as string | undefined;
  if (kubeconfig === '') return '--kubeconfig must name a file';
  const namespace = str('namespace');
  if (!DNS_LABEL.test(namespace)) return `--namespace must be a DNS label (lower case letters, digits, '-'), not ${JSON.stringify(namespace)}`;
  const lbClass = str('lb-class');
  const [prefix, name, ...more] = lbClass.split('/');
  if (more.length > 0 || name === undefined || !DNS_SUBDOMAIN.test(prefix ?? '') || !QUALIFIED_NAME.test(name) || lbClass.length > 253) {
    return `--lb-class must be a domain-prefixed name such as ${DEFAULT_LOAD_BALANCER_CLASS}, not ${JSON.stringify(lbClass)}`;
  }
  const logLevel = parseLogLevel(str('log-level'));
  if (logLevel === undefined) return `--log-level must be error, warn, info or debug, not ${JSON.stringify(str('log-level'))}`;
  let metricsAddr: ListenAddress | 'off' = 'off';
  if (str('metrics-addr') !== 'off') {
    const addr = parseListenAddress(str('metrics-addr'));
    if (typeof addr === 'string') return addr;
    metricsAddr = addr;
  }
  return { kubeconfig, namespace, lbClass, defaultClass: booleanFlag(values, 'default-class'), logLevel, metricsAddr, help: values.help === true };
}

/** Runs parseArgs strictly, turning its exception into the error text. */
export function parseStrict(args: string[], options: Record<string, OptionSpec>): FlagValues | string {
  try {
    return parseArgs({ args, strict: true, allowPositionals: false, options }).values;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
