// Layer-2 mode end to end: three node namespaces run the real speaker, a client on the same segment
// resolves the Service address (IPv4 and IPv6), only a node with an endpoint owns it under
// externalTrafficPolicy Local, and the client's neighbour entry follows the owner when the owner's
// speaker is killed or stopped.

import { expect } from 'chai';
import { serviceL2Statuses } from '../harness/bgp-status.js';
import { FAILOVER_LIMIT_MS, L2_SERVICE, l2Lab } from '../harness/l2-lab.js';
import { useSpeakerLab } from '../harness/speaker-lab-suite.js';

describe('layer-2 mode: one node answers for a Service address, and the answer moves when its speaker goes @lab', function () {
  this.timeout(90_000);
  const s = useSpeakerLab({ nodes: 3, router: 'frr', ipv6Sessions: false });
  const l2 = l2Lab(s);

  it("points the client's neighbour entry at the owner, and at a new owner within seconds of the owner's speaker being killed (SIGKILL)", async () => {
    const { namespace, addresses, speakers, first } = await l2.ownerSetUp();
    const address = addresses[0] ?? '';
    const killedAt = Date.now();
    speakers.get(first)?.kill('SIGKILL');
    const moved = await l2.entryMoves(address, l2.host(first).mac, killedAt);
    const next = await l2.owner(namespace, first);
    console.log(`      SIGKILL of ${first}'s speaker: the client's entry moved to ${next} after ${moved.ms} ms`);
    expect(moved.mac).to.equal(l2.host(next).mac);
    expect(moved.ms).to.be.below(FAILOVER_LIMIT_MS);
  });

  it('moves the address at once when the owner stops gracefully (SIGTERM: leave)', async () => {
    const { namespace, addresses, speakers, first } = await l2.ownerSetUp();
    const address = addresses[0] ?? '';
    const stoppedAt = Date.now();
    const stopping = speakers.get(first);
    stopping?.kill('SIGTERM');
    const moved = await l2.entryMoves(address, l2.host(first).mac, stoppedAt);
    const next = await l2.owner(namespace, first);
    console.log(`      SIGTERM of ${first}'s speaker: the client's entry moved to ${next} after ${moved.ms} ms`);
    expect(moved.mac).to.equal(l2.host(next).mac);
    // No failure detection to wait for: the leave message moves it.
    expect(moved.ms).to.be.below(500);
    await stopping?.exited;
    expect(stopping?.exitCode).to.equal(0);
    expect((await serviceL2Statuses(s.cluster, namespace, L2_SERVICE)).map((st) => st.status?.node)).to.deep.equal([next]);
  });

  it("answers neighbour discovery for an IPv6 Service address: the client's IPv6 entry points at the owner", async () => {
    const range = `${l2.ipv6Base()}a:200/126`;
    // Single-stack: each address is elected on its own, so a dual-stack Service's two addresses may have two owners and two statuses.
    const { addresses, first } = await l2.ownerSetUp({ addresses: [range], spec: { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv6'] } });
    const [address = ''] = addresses;
    expect(address, `the Service's address, from ${range}`).to.match(new RegExp(`^${l2.ipv6Base()}a:20[0-3]$`));
    console.log(`      ${address}: the client's entry points at ${first}`);
  });

  it('with externalTrafficPolicy Local, only the node with an endpoint owns the address', async () => {
    const { namespace, first } = await l2.ownerSetUp({ spec: { externalTrafficPolicy: 'Local' }, endpoints: { node2: 1 } });
    expect(first).to.equal('node2');
    expect((await serviceL2Statuses(s.cluster, namespace, L2_SERVICE)).map((st) => st.status?.node)).to.deep.equal(['node2']);
  });
});
