import { expect } from 'chai';
import { type Flags, parseFlags } from './flags.js';

function flags(argv: string[], nodeName?: string): Flags {
  const r = parseFlags(argv, { nodeName });
  if (!r.ok) throw new Error(`expected ${argv.join(' ')} to parse: ${r.error}`);
  return r.flags;
}

function error(argv: string[], nodeName?: string): string {
  const r = parseFlags(argv, { nodeName });
  if (r.ok) throw new Error(`expected ${argv.join(' ')} to be refused`);
  return r.error;
}

describe('speaker command line', () => {
  it('takes the node name from NODE_NAME and defaults the rest', () => {
    expect(flags([], 'worker-1')).to.deep.equal({
      kubeconfig: undefined,
      namespace: 'herald-system',
      lbClass: 'heraldlb.io/herald',
      defaultClass: true,
      logLevel: 'info',
      metricsAddr: { host: '0.0.0.0', port: 7473 },
      help: false,
      nodeName: 'worker-1',
      listenPort: 179,
      gracefulShutdownDelayMs: 5000,
      membersPort: 7946,
      membersSecret: 'herald-memberlist',
      membersBind: undefined,
      membersProtocol: { probeIntervalMs: 100, ackTimeoutMs: 50, suspicionMult: 2.5 },
    });
  });

  it('reads the membership probe interval and suspicion multiplier, and refuses values the protocol does not allow', () => {
    const f = flags(['--node-name=n1', '--members-probe-interval=150ms', '--members-suspicion-mult=1.25']);
    expect(f.membersProtocol).to.deep.equal({ probeIntervalMs: 150, ackTimeoutMs: 75, suspicionMult: 1.25 });
    expect(error(['--node-name=n1', '--members-probe-interval=50ms'])).to.equal('--members-probe-interval must be from 100ms to 200ms, not "50ms"');
    expect(error(['--node-name=n1', '--members-probe-interval=fast'])).to.match(/^--members-probe-interval: /);
    expect(error(['--node-name=n1', '--members-suspicion-mult=0.5'])).to.equal('--members-suspicion-mult must be a number from 1 to 10, not "0.5"');
    expect(error(['--node-name=n1', '--members-suspicion-mult=two'])).to.equal('--members-suspicion-mult must be a number from 1 to 10, not "two"');
  });

  it('reads the layer-2 membership flags, writing the bind address canonically', () => {
    const f = flags(['--node-name=n1', '--members-port=7950', '--members-secret=l2-key', '--members-bind=2001:DB8::0:5']);
    expect([f.membersPort, f.membersSecret, f.membersBind]).to.deep.equal([7950, 'l2-key', '2001:db8::5']);
  });

  it('refuses a membership port outside 1..65535, a Secret name that is not one, and a bind address that is not an address', () => {
    expect(error(['--node-name=n1', '--members-port=0'])).to.equal('--members-port must be a UDP port 1..65535, not "0"');
    expect(error(['--node-name=n1', '--members-port=70000'])).to.contain('--members-port');
    expect(error(['--node-name=n1', '--members-secret=Not_A_Name'])).to.equal('--members-secret must be a Secret name (a DNS subdomain), not "Not_A_Name"');
    expect(error(['--node-name=n1', '--members-bind=node-1'])).to.equal('--members-bind must be an IPv4 or IPv6 address, not "node-1"');
  });

  it('prefers --node-name over NODE_NAME', () => {
    expect(flags(['--node-name', 'worker-2'], 'worker-1').nodeName).to.equal('worker-2');
  });

  it('accepts a listen port of 0 (accept no connections) and a zero shutdown delay', () => {
    const f = flags(['--node-name=n1', '--listen-port=0', '--graceful-shutdown-delay=0s']);
    expect(f.listenPort).to.equal(0);
    expect(f.gracefulShutdownDelayMs).to.equal(0);
  });

  it('reads the shutdown delay as a duration', () => {
    expect(flags(['--node-name=n1', '--graceful-shutdown-delay', '1500ms']).gracefulShutdownDelayMs).to.equal(1500);
  });

  it('prints help without a node name', () => {
    expect(flags(['--help']).help).to.equal(true);
  });

  const refused: [argv: string[], message: RegExp][] = [
    [[], /--node-name \(or NODE_NAME\) must name the Node/],
    [['--node-name', 'Worker_1'], /--node-name must be a Node name/],
    [['--node-name=n1', '--listen-port', '70000'], /--listen-port must be a TCP port 0..65535/],
    [['--node-name=n1', '--listen-port', 'bgp'], /--listen-port must be a TCP port/],
    [['--node-name=n1', '--graceful-shutdown-delay', 'soon'], /--graceful-shutdown-delay/],
    [['--node-name=n1', '--log-level', 'loud'], /--log-level must be error, warn, info or debug/],
    [['--node-name=n1', '--metrics-addr', 'nowhere'], /--metrics-addr must be host:port/],
    [['--node-name=n1', '--bogus'], /bogus/],
  ];
  for (const [argv, message] of refused) {
    it(`refuses ${argv.join(' ') || 'no node name'}`, () => {
      expect(error(argv)).to.match(message);
    });
  }
});
