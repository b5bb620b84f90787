import { expect } from 'chai';
import fc from 'fast-check';
import { Simulator } from './simulator.js';

/** Forms the group: members start `stagger` ms apart and get 3 s to find each other. */
function formed(members: number, seed: number, stagger = 10, network = {}): Simulator {
  const sim = new Simulator({ members, seed, network });
  sim.startAll(stagger);
  sim.run(members * stagger + 3000);
  return sim;
}

/** The running members that do not yet hold `name` dead (or departed). */
function notYetDown(sim: Simulator, name: string): string[] {
  return sim.running().filter((o) => {
    const status = sim.statusOf(o, name);
    return status !== 'dead' && status !== 'left';
  });
}

describe('membership in the simulator', () => {
  it('with no faults, every member comes to see the same group: all of it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer(), fc.integer({ min: 0, max: 100 }), (n, seed, stagger) => {
        const sim = formed(n, seed, stagger);
        const everyone = [...sim.names].sort();
        for (const name of sim.names) expect(sim.view(name)).to.deep.equal(everyone);
        expect(sim.changes.filter((c) => c.to !== 'alive')).to.deep.equal([]);
      }),
      { numRuns: 30 },
    );
  });

  it('a killed member is declared dead by every other within 1.5 s', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer(), fc.nat(), fc.integer({ min: 0, max: 1000 }), (n, seed, pick, offset) => {
        const sim = formed(n, seed);
        sim.run(sim.now + offset);
        const victim = sim.names[pick % n] ?? 'm0';
        const killedAt = sim.now;
        sim.kill(victim);
        sim.run(killedAt + 1500);
        expect(notYetDown(sim, victim)).to.deep.equal([]);
        const wrongly = sim.changes.filter((c) => c.name !== victim && c.to === 'dead');
        expect(wrongly).to.deep.equal([]);
      }),
      { numRuns: 40 },
    );
  });

  /** 60 s of a group of 3-8 members set up by `lossy`: nobody may be declared dead. */
  function noDeaths(lossy: (n: number, seed: number, loss: number) => Simulator, maxLoss: number): void {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 8 }), fc.integer(), fc.double({ min: 0, max: maxLoss, noNaN: true }), (n, seed, loss) => {
        const sim = lossy(n, seed, loss);
        sim.startAll(10);
        sim.run(60_000);
        expect(sim.changes.filter((c) => c.to === 'dead')).to.deep.equal([]);
        for (const name of sim.names) expect(sim.view(name)).to.have.length(n);
      }),
      { numRuns: 8 },
    );
  }

  it('with up to 10% of all datagrams lost, nobody is declared dead in 60 s', () => {
    noDeaths((n, seed, loss) => new Simulator({ members: n, seed, network: { loss } }), 0.1);
  });

  it('a member losing up to 20% of its datagrams is suspected at most, never declared dead, in 60 s', () => {
    noDeaths((n, seed, loss) => {
      const sim = new Simulator({ members: n, seed });
      sim.setLoss('m0', loss);
      return sim;
    }, 0.2);
  });

  it('a member whose process stalls for up to 300 ms is suspected at most, never declared dead', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 8 }), fc.integer(), fc.array(fc.integer({ min: 50, max: 300 }), { minLength: 5, maxLength: 15 }), (n, seed, stalls) => {
        const sim = formed(n, seed);
        stalls.forEach((ms, i) => {
          sim.stall(`m${i % n}`, ms);
          sim.run(sim.now + 1000 + ms);
        });
        expect(sim.changes.filter((c) => c.to === 'dead')).to.deep.equal([]);
      }),
      { numRuns: 15 },
    );
  });

  it('a member that leaves is dropped by every other within a few milliseconds, without suspicion', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer(), fc.nat(), (n, seed, pick) => {
        const sim = formed(n, seed);
        const leaver = sim.names[pick % n] ?? 'm0';
        const leftAt = sim.now;
        sim.leave(leaver);
        sim.run(leftAt + 10);
        expect(notYetDown(sim, leaver)).to.deep.equal([]);
        sim.run(leftAt + 5000);
        expect(sim.changes.filter((c) => c.name === leaver && c.at >= leftAt).map((c) => c.to)).to.satisfy((tos: string[]) => tos.every((t) => t === 'left'));
      }),
      { numRuns: 30 },
    );
  });

  it('a dead member that restarts comes back everywhere, at a higher incarnation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10 }), fc.integer(), fc.nat(), (n, seed, pick) => {
        const sim = formed(n, seed);
        const victim = sim.names[pick % n] ?? 'm0';
        sim.kill(victim);
        sim.run(sim.now + 2000);
        expect(notYetDown(sim, victim)).to.deep.equal([]);
        sim.restart(victim, 0);
        sim.run(sim.now + 2000);
        for (const name of sim.names) expect(sim.view(name)).to.have.length(n);
        expect(sim.endpoint(victim).members.self.incarnation).to.be.greaterThan(0);
      }),
      { numRuns: 25 },
    );
  });

  it('a member cut off long enough to be declared dead rejoins when its link comes back', () => {
    const sim = formed(6, 7);
    sim.setLoss('m2', 1);
    sim.run(sim.now + 3000);
    expect(notYetDown(sim, 'm2')).to.deep.equal(['m2']);
    sim.setLoss('m2', 0);
    sim.run(sim.now + 5000);
    for (const name of sim.names) expect(sim.view(name)).to.have.length(6);
  });

  it('a member with another key never gets in: its datagrams are dropped as unauthenticated', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.integer(), (n, seed) => {
        const sim = formed(n, seed);
        sim.add('intruder', Buffer.alloc(32, 0x5a));
        sim.start('intruder');
        sim.run(sim.now + 3000);
        const group = sim.names.filter((x) => x !== 'intruder');
        for (const name of group) expect(sim.view(name)).to.not.include('intruder');
        expect(group.reduce((sum, name) => sum + (sim.drops(name).get('auth') ?? 0), 0)).to.be.greaterThan(0);
        expect(sim.view('intruder')).to.deep.equal(['intruder']);
      }),
      { numRuns: 15 },
    );
  });

  it('runs the same way twice from the same seed', () => {
    const run = (): string => {
      const sim = formed(5, 42, 10, { loss: 0.05 });
      sim.kill('m3');
      sim.run(sim.now + 2000);
      return JSON.stringify(sim.changes);
    };
    expect(run()).to.equal(run());
  });
});
