import { expect } from 'chai';
import { parseFlags, type Flags } from './flags.js';

const env = { hostname: 'node-1', pid: 42 };

function flags(argv: string[], e: { podName?: string; hostname: string; pid: number } = env): Flags {
  const r = parseFlags(argv, e);
  if (!r.ok) throw new Error(`expected ${argv.join(' ')} to parse: ${r.error}`);
  return r.flags;
}

describe('controller command line', () => {
  it('defaults to MetalLB-like behaviour', () => {
    expect(flags([])).to.deep.equal({
      kubeconfig: undefined,
      namespace: 'herald-system',
      lbClass: 'heraldlb.io/herald',
      defaultClass: true,
      logLevel: 'info',
      metricsAddr: { host: '0.0.0.0', port: 7472 },
      leaderElect: true,
      leaseName: 'herald-controller',
      leaseDurationSeconds: 15,
      renewDeadlineMs: 10000,
      retryPeriodMs: 2000,
      identity: 'node-1_42',
      help: false,
    });
  });

  const accepted: [argv: string[], expected: Partial<Flags>][] = [
    [['--kubeconfig', '/tmp/k'], { kubeconfig: '/tmp/k' }],
    [['--namespace=lb'], { namespace: 'lb' }],
    [['--lb-class', 'example.com/lb'], { lbClass: 'example.com/lb' }],
    [['--default-class=false'], { defaultClass: false }],
    [['--no-default-class'], { defaultClass: false }],
    [['--no-default-class', '--default-class'], { defaultClass: true }],
    [['--default-class'], { defaultClass: true }],
    [['--log-level', 'debug'], { logLevel: 'debug' }],
    [['--metrics-addr', 'off'], { metricsAddr: 'off' }],
    [['--metrics-addr', '127.0.0.1:0'], { metricsAddr: { host: '127.0.0.1', port: 0 } }],
    [['--metrics-addr', ':9000'], { metricsAddr: { host: '0.0.0.0', port: 9000 } }],
    [['--metrics-addr', '[::1]:7472'], { metricsAddr: { host: '::1', port: 7472 } }],
    [['--leader-elect=false'], { leaderElect: false }],
    [['--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms'], { leaseDurationSeconds: 3, renewDeadlineMs: 2000, retryPeriodMs: 500 }],
    [['--lease-duration', '1m'], { leaseDurationSeconds: 60 }],
    [['--identity', 'replica-a'], { identity: 'replica-a' }],
    [['--lease-name', 'lb.lease'], { leaseName: 'lb.lease' }],
    [['--help'], { help: true }],
  ];
  for (const [argv, expected] of accepted) {
    it(`accepts ${argv.join(' ')}`, () => {
      const got = flags(argv);
      const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, got[k as keyof Flags]]));
      expect(picked).to.deep.equal(expected);
    });
  }

  it('takes the identity from POD_NAME when it is set', () => {
    expect(flags([], { podName: 'herald-controller-7d9f', hostname: 'h', pid: 1 }).identity).to.equal('herald-controller-7d9f');
  });

  const refused: [argv: string[], error: RegExp][] = [
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['extra'], /positional/i],
    [['--namespace', 'Herald_System'], /--namespace must be a DNS label/],
    [['--lb-class', 'herald'], /--lb-class must be a domain-prefixed name/],
    [['--lb-class', 'a/b/c'], /--lb-class must be a domain-prefixed name/],
    [['--default-class=maybe'], /--default-class must be true or false, not "maybe"/],
    [['--no-leader-elect=true'], /--no-leader-elect takes no value/],
    [['--log-level', 'verbose'], /--log-level must be error, warn, info or debug, not "verbose"/],
    [['--metrics-addr', '7472'], /--metrics-addr must be host:port/],
    [['--metrics-addr', 'localhost:70000'], /port 70000 is above 65535/],
    [['--lease-duration', '15'], /--lease-duration: "15" is not a duration/],
    [['--lease-duration', '2500ms', '--renew-deadline', '2s', '--retry-period', '1s'], /--lease-duration must be whole seconds/],
    [['--lease-duration', '0s'], /--lease-duration must be longer than zero/],
    [['--renew-deadline', '15s'], /--renew-deadline \(15s\) must be shorter than --lease-duration \(15s\)/],
    [['--retry-period', '10s'], /--retry-period \(10s\) must be shorter than --renew-deadline \(10s\)/],
    [['--lease-name', 'Lease!'], /--lease-name must be a DNS subdomain name/],
    [['--identity', ' '], /--identity must not be empty/],
    [['--kubeconfig='], /--kubeconfig must name a file/],
    [['--namespace'], /argument missing/],
  ];
  for (const [argv, error] of refused) {
    it(`refuses ${argv.join(' ')} saying what is wrong`, () => {
      const r = parseFlags(argv, env);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.error).to.match(error);
    });
  }
});
