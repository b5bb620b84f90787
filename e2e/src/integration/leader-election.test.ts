import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { LeaderElector } from '@herald/shared/kube/leader-election.js';
import { createLogger } from '@herald/shared/log/logger.js';
import { waitFor } from '../lab/wait.js';
import { openTestCluster, runSuffix, type TestCluster } from '../harness/cluster.js';

describe('leader election on a Lease @lab', function () {
  this.timeout(30000);
  let cluster: TestCluster;
  before(async () => {
    cluster = await openTestCluster();
  });
  after(async () => {
    await cluster.close();
  });

  function candidate(name: string, lease: string, events: string[]): LeaderElector {
    return new LeaderElector({
      kubeConfig: cluster.kubeConfig,
      namespace: cluster.namespace,
      name: lease,
      identity: name,
      leaseDurationSeconds: 2,
      renewDeadlineMs: 1500,
      retryPeriodMs: 200,
      log: createLogger({ component: name, stream: new PassThrough() }),
      onStartedLeading: () => events.push(`${name} leads`),
      onStoppedLeading: () => events.push(`${name} stops`),
    });
  }

  /** Candidate a leading on a fresh Lease, then candidate b started as its standby. */
  async function leaderAndStandby(): Promise<{ a: LeaderElector; b: LeaderElector; events: string[] }> {
    const lease = `herald-test-${runSuffix()}`;
    const events: string[] = [];
    const a = candidate('a', lease, events);
    const b = candidate('b', lease, events);
    a.start();
    await waitFor(() => a.isLeader, 5000, { what: 'a leading' });
    b.start();
    return { a, b, events };
  }

  it('lets exactly one of two candidates lead, and the standby take over within the lease duration when the leader dies', async () => {
    const { a, b, events } = await leaderAndStandby();
    await new Promise((r) => setTimeout(r, 1000));
    expect([a.isLeader, b.isLeader]).to.deep.equal([true, false]);
    const died = Date.now();
    await a.stop({ release: false });
    await waitFor(() => b.isLeader, 5000, { what: 'b taking over' });
    expect(Date.now() - died).to.be.below(2000 + 2 * 200 + 500);
    expect(events).to.deep.equal(['a leads', 'b leads']);
    await b.stop();
  });

  it('hands over at once when the leader steps down on purpose', async () => {
    const { a, b } = await leaderAndStandby();
    const stepped = Date.now();
    await a.stop();
    await waitFor(() => b.isLeader, 5000, { what: 'b taking over' });
    expect(Date.now() - stepped).to.be.below(1500);
    await b.stop();
  });
});
