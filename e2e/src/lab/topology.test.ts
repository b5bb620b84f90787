import { expect } from 'chai';
import { segmentFor } from './addressing.js';
import { planTopology } from './topology.js';

describe('lab topology plan', () => {
  const plan = planTopology('hl3fa201', segmentFor(42), 3);

  it('has a switch, a router, the nodes and a client, each in its own namespace', () => {
    expect(plan.namespaces).to.deep.equal([
      'hl3fa201-sw',
      'hl3fa201-router',
      'hl3fa201-node1',
      'hl3fa201-node2',
      'hl3fa201-node3',
      'hl3fa201-client',
    ]);
    expect(plan.router).to.include({ ipv4: '198.18.42.1', ipv6: 'fd2a:18::1', iface: 'eth0', netns: 'hl3fa201-router' });
    expect(plan.nodes.map((n) => n.ipv4)).to.deep.equal(['198.18.42.11', '198.18.42.12', '198.18.42.13']);
    expect(plan.client).to.include({ ipv4: '198.18.42.100', ipv6: 'fd2a:18::100' });
    expect(plan.hostAddress).to.equal('198.18.42.254');
  });

  it('creates every veth straight into its namespaces, leaving only the management link in the root', () => {
    const veths = plan.create.filter((l) => l.includes('type veth'));
    expect(veths).to.have.length(6);
    for (const line of veths.slice(0, 5)) expect(line).to.match(/^link add eth0 netns hl3fa201-\w+ type veth peer name \w+ netns hl3fa201-sw$/);
    expect(veths[5]).to.equal('link add hl3fa201-m type veth peer name host netns hl3fa201-sw');
    expect(plan.hostLinkBatch).to.deep.equal(['addr add 198.18.42.254/24 dev hl3fa201-m', 'link set hl3fa201-m up']);
  });

  it('puts every host port and the management port on the bridge', () => {
    const sw = plan.perNamespace.find((n) => n.netns === 'hl3fa201-sw');
    for (const port of ['router', 'node1', 'node2', 'node3', 'client', 'host']) {
      expect(sw?.ipBatch).to.include(`link set ${port} master br0 up`);
    }
  });

  it('makes the router forward without redirects and hash ECMP by ports', () => {
    const router = plan.perNamespace.find((n) => n.netns === 'hl3fa201-router');
    expect(router?.sysctls).to.include.members([
      'net.ipv4.ip_forward=1',
      'net.ipv6.conf.all.forwarding=1',
      'net.ipv4.conf.all.send_redirects=0',
      'net.ipv4.conf.eth0.send_redirects=0',
      'net.ipv4.fib_multipath_hash_policy=1',
    ]);
    expect(router?.ipBatch.some((l) => l.startsWith('route add'))).to.equal(false);
  });

  it('routes nodes and the client through the router, with ARP and redirect settings of their role', () => {
    const node = plan.perNamespace.find((n) => n.netns === 'hl3fa201-node2');
    const client = plan.perNamespace.find((n) => n.netns === 'hl3fa201-client');
    for (const host of [node, client]) {
      expect(host?.ipBatch).to.include.members(['route add 0.0.0.0/0 via 198.18.42.1', 'route add ::/0 via fd2a:18::1']);
    }
    expect(node?.sysctls).to.include.members(['net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2']);
    expect(client?.sysctls).to.include.members(['net.ipv4.conf.all.accept_redirects=0', 'net.ipv6.conf.all.accept_redirects=0']);
    expect(node?.ipBatch).to.include('addr add fd2a:18::12/64 dev eth0 nodad');
    expect(node?.ipBatch).to.include('link set eth0 address 02:48:4c:2a:00:0c');
  });
});
