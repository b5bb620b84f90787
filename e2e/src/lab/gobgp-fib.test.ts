import { expect } from 'chai';
import { applyChanges, kernelRouteCommands, parseMonitorLine } from './gobgp-fib.js';
import { GOBGP_MONITOR_LINES } from './samples-bgp.js';

describe("carrying gobgpd's forwarding set into the kernel", () => {
  const [bothV4 = '', bothV6 = '', oneV4 = '', oneV6 = '', goneV6 = ''] = GOBGP_MONITOR_LINES;

  it('takes every path of an event as a next hop of its prefix', () => {
    expect([...parseMonitorLine(bothV4)]).to.deep.equal([['198.51.100.7/32', ['10.99.0.2', '10.99.0.3']]]);
    expect([...parseMonitorLine(bothV6)]).to.deep.equal([['2001:db8::7/128', ['fd99::2', 'fd99::3']]]);
  });

  it('shrinks the set when a node withdraws and empties it when the last one does', () => {
    expect([...parseMonitorLine(oneV4)]).to.deep.equal([['198.51.100.7/32', ['10.99.0.3']]]);
    expect([...parseMonitorLine(oneV6)]).to.deep.equal([['2001:db8::7/128', ['fd99::2']]]);
    expect([...parseMonitorLine(goneV6)]).to.deep.equal([['2001:db8::7/128', []]]);
  });

  it('reads the empty dump of an empty table as no change', () => {
    expect(parseMonitorLine('[]').size).to.equal(0);
    expect(parseMonitorLine('').size).to.equal(0);
  });

  it('rejects a line that is not a list of paths, quoting it', () => {
    expect(() => parseMonitorLine('rpc error: connection refused')).to.throw(/not JSON.*rpc error/);
    expect(() => parseMonitorLine('{"a":1}')).to.throw(/expected a list of paths/);
  });

  it('installs one next hop plainly, several as a multipath route, and deletes an emptied prefix', () => {
    const changes = new Map([
      ['198.51.100.7/32', ['198.18.1.11']],
      ['198.51.100.8/32', ['198.18.1.11', '198.18.1.12']],
      ['2001:db8::7/128', []],
    ]);
    expect(kernelRouteCommands(changes, 'eth0')).to.deep.equal([
      'route replace 198.51.100.7/32 proto bgp metric 20 via 198.18.1.11 dev eth0',
      'route replace 198.51.100.8/32 proto bgp metric 20 nexthop via 198.18.1.11 dev eth0 nexthop via 198.18.1.12 dev eth0',
      'route del 2001:db8::7/128 proto bgp metric 20',
    ]);
  });

  it('remembers what it installed, so it can remove exactly that on exit', () => {
    const installed = new Map<string, readonly string[]>();
    applyChanges(installed, parseMonitorLine(bothV4));
    applyChanges(installed, parseMonitorLine(bothV6));
    applyChanges(installed, parseMonitorLine(goneV6));
    expect([...installed.keys()]).to.deep.equal(['198.51.100.7/32']);
  });
});
