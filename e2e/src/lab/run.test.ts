import { expect } from 'chai';
import { CommandError, formatArgv, inNetns, run, runSync } from './run.js';

describe('running commands', () => {
  it('resolves to standard output and feeds standard input', async () => {
    expect(await run(['cat'], { input: 'hello\n' })).to.equal('hello\n');
    expect(runSync(['cat'], { input: 'hi' })).to.equal('hi');
  });

  it('fails with the command, its exit status and its stderr', async () => {
    const err = await run(['sh', '-c', 'echo broken >&2; exit 3']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(CommandError);
    expect((err as CommandError).message).to.equal("command failed (exit 3): sh -c 'echo broken >&2; exit 3'\nbroken");
    expect(() => runSync(['sh', '-c', 'echo nope >&2; exit 2'])).to.throw(CommandError, /exit 2.*\n.*nope/);
  });

  it('says when a command could not start or ran out of time', async () => {
    const missing = await run(['/nonexistent/tool']).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(missing?.message).to.match(/could not start: .*ENOENT.*\/nonexistent\/tool/);
    const slow = await run(['sleep', '5'], { timeoutMs: 50 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(slow?.message).to.equal("command failed (timed out after 50 ms): sleep 5");
  });

  it('quotes arguments only where a shell would need it', () => {
    expect(formatArgv(['vtysh', '-c', 'show bgp summary json'])).to.equal("vtysh -c 'show bgp summary json'");
    expect(formatArgv(['echo', "it's"])).to.equal("echo 'it'\\''s'");
  });

  it('runs a command inside a namespace through ip netns exec', () => {
    expect(inNetns('hl3fa201-node1', ['ping', '-c', '1', '198.18.42.1'])).to.deep.equal([
      'ip', 'netns', 'exec', 'hl3fa201-node1', 'ping', '-c', '1', '198.18.42.1',
    ]);
  });
});
