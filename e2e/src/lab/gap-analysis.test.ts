import { expect } from 'chai';
import {
  analyzeProbes,
  firstAnswerByOther,
  gapAround,
  parseNeighborMonitorLine,
  parsePingLine,
  parseProbeLines,
  type ProbeLine,
} from './gap-analysis.js';

const ready = (at = 1000): ProbeLine => ({ t: 'ready', at, kind: 'http', intervalMs: 10, timeoutMs: 500 });
const answered = (seq: number, by: string, rtt = 2): ProbeLine => ({ t: 'probe', seq, sentAt: 1000 + seq * 10, answeredAt: 1000 + seq * 10 + rtt, by });
const lost = (seq: number): ProbeLine => ({ t: 'probe', seq, sentAt: 1000 + seq * 10, answeredAt: null, by: null, error: 'timeout' });

describe('gap analysis of a client probing an address', () => {
  it('finds no gap when every probe was answered, and one span per answering node', () => {
    const r = analyzeProbes([ready(), answered(1, 'node1'), answered(2, 'node1'), answered(3, 'node2'), { t: 'end', at: 1040 }]);
    expect(r.sent).to.equal(3);
    expect(r.answered).to.equal(3);
    expect(r.gaps).to.deep.equal([]);
    expect(r.longestGapMs).to.equal(0);
    expect(r.answeredBy.map((s) => [s.node, s.answered])).to.deep.equal([
      ['node1', 2],
      ['node2', 1],
    ]);
  });

  it('measures a gap from the first unanswered probe to the next answered one', () => {
    const r = analyzeProbes([ready(), answered(1, 'node1'), lost(2), lost(3), lost(4), answered(5, 'node2'), { t: 'end', at: 1060 }]);
    expect(r.gaps).to.deep.equal([{ start: 1020, end: 1050, ms: 30, lost: 3, closed: true }]);
    expect(r.longestGapMs).to.equal(30);
  });

  it('counts a probe answered after the timeout as lost (a retransmitted SYN is not the address answering in time)', () => {
    const late: ProbeLine = { t: 'probe', seq: 2, sentAt: 1020, answeredAt: 1020 + 501, by: 'node2' };
    const r = analyzeProbes([ready(), answered(1, 'node1'), late, answered(3, 'node2'), { t: 'end', at: 1040 }]);
    expect(r.answered).to.equal(2);
    expect(r.gaps.map((g) => g.ms)).to.deep.equal([10]);
  });

  it('orders probes by sequence, not by when their answers came', () => {
    const r = analyzeProbes([ready(), answered(2, 'node1'), answered(1, 'node1', 30), lost(3), answered(4, 'node1'), { t: 'end', at: 1050 }]);
    expect(r.probes.map((p) => p.seq)).to.deep.equal([1, 2, 3, 4]);
    expect(r.gaps.map((g) => g.start)).to.deep.equal([1030]);
  });

  it('leaves a gap open when no probe was answered after it, ending when probing stopped', () => {
    const r = analyzeProbes([ready(), answered(1, 'node1'), lost(2), lost(3), { t: 'end', at: 1100 }]);
    expect(r.gaps).to.deep.equal([{ start: 1020, end: 1100, ms: 80, lost: 2, closed: false }]);
  });

  it('takes the longest gap that had not ended before the fault as the failover gap', () => {
    const r = analyzeProbes([ready(), lost(1), answered(2, 'node1'), lost(3), answered(4, 'node1'), lost(5), lost(6), lost(7), answered(8, 'node2'), { t: 'end', at: 1100 }]);
    expect(gapAround(r, 1025)?.ms).to.equal(30);
    expect(gapAround(r, 1081)).to.equal(undefined);
    expect(firstAnswerByOther(r, 'node1', 1025)).to.deep.equal({ node: 'node2', answeredAt: 1082 });
    expect(firstAnswerByOther(r, 'node2', 1025)).to.deep.equal({ node: 'node1', answeredAt: 1042 });
  });

  it('names who answered a ping from the MAC the neighbour entry held at the time', () => {
    const macToNode = new Map([
      ['02:48:4c:05:00:0b', 'node1'],
      ['02:48:4c:05:00:0c', 'node2'],
    ]);
    const ping = (seq: number, at: number): ProbeLine => ({ t: 'probe', seq, sentAt: at - 0.1, answeredAt: at, by: null });
    const r = analyzeProbes(
      [
        { ...(ready() as Extract<ProbeLine, { t: 'ready' }>), kind: 'ping' },
        { t: 'neigh', at: 999, mac: '02:48:4c:05:00:0b', state: 'REACHABLE' },
        ping(1, 1010),
        { t: 'neigh', at: 1015, mac: '02:48:4c:05:00:0c', state: 'STALE' },
        ping(2, 1020),
        { t: 'end', at: 1030 },
      ],
      { macToNode },
    );
    expect(r.probes.map((p) => p.by)).to.deep.equal(['node1', 'node2']);
    expect(r.neighbor.map((n) => n.node)).to.deep.equal(['node1', 'node2']);
  });

  it("places ping's unanswered echoes on the line between the answered ones around them", () => {
    const r = analyzeProbes([
      { ...(ready() as Extract<ProbeLine, { t: 'ready' }>), kind: 'ping' },
      { t: 'probe', seq: 1, sentAt: 1000, answeredAt: 1000.1, by: null },
      { t: 'probe', seq: 2, sentAt: null, answeredAt: null, by: null, noticedAt: 1032 },
      { t: 'probe', seq: 3, sentAt: null, answeredAt: null, by: null, noticedAt: 1048 },
      { t: 'probe', seq: 4, sentAt: 1048, answeredAt: 1048.1, by: null },
      { t: 'end', at: 1060 },
    ]);
    expect(r.probes.map((p) => p.sentAt)).to.deep.equal([1000, 1016, 1032, 1048]);
    expect(r.gaps).to.deep.equal([{ start: 1016, end: 1048, ms: 32, lost: 2, closed: true }]);
  });

  it('lets a late echo reply replace its earlier "no answer yet"', () => {
    const r = analyzeProbes([
      ready(),
      { t: 'probe', seq: 1, sentAt: null, answeredAt: null, by: null, noticedAt: 1010 },
      { t: 'probe', seq: 1, sentAt: 1000, answeredAt: 1012, by: null },
      { t: 'end', at: 1020 },
    ]);
    expect(r.answered).to.equal(1);
  });

  it('refuses output without a ready line, and leaves out a torn last line', () => {
    expect(() => analyzeProbes([])).to.throw(/no ready line/);
    const text = `${JSON.stringify(ready())}\n${JSON.stringify(answered(1, 'node1'))}\n{"t":"pro`;
    expect(parseProbeLines(text)).to.have.length(2);
    expect(() => parseProbeLines(`{"t":\n${JSON.stringify(ready())}\n`)).to.throw(/line 1 is not JSON/);
  });
});

describe('reading ip monitor neigh and ping -D -O', () => {
  it('reads changes of the entry for the probed address only', () => {
    expect(parseNeighborMonitorLine('198.18.5.200 dev eth0 lladdr 02:48:4C:05:00:0C REACHABLE', '198.18.5.200')).to.deep.equal({ mac: '02:48:4c:05:00:0c', state: 'REACHABLE' });
    expect(parseNeighborMonitorLine('198.18.5.200 lladdr 02:48:4c:05:00:0c STALE ', '198.18.5.200')).to.deep.equal({ mac: '02:48:4c:05:00:0c', state: 'STALE' });
    expect(parseNeighborMonitorLine('198.18.5.200 dev eth0 FAILED', '198.18.5.200')).to.deep.equal({ mac: null, state: 'FAILED' });
    expect(parseNeighborMonitorLine('Deleted 198.18.5.200 dev eth0 lladdr 02:48:4c:05:00:0c STALE', '198.18.5.200')).to.deep.equal({ mac: null, state: 'DELETED' });
    expect(parseNeighborMonitorLine('198.18.5.2001 dev eth0 lladdr 02:48:4c:05:00:0c STALE', '198.18.5.200')).to.equal(undefined);
    expect(parseNeighborMonitorLine('198.18.5.11 dev eth0 lladdr 02:48:4c:05:00:0b STALE', '198.18.5.200')).to.equal(undefined);
  });

  it("reads ping's replies and notices of unanswered echoes with their timestamps", () => {
    expect(parsePingLine('[1795559751.677961] 64 bytes from 198.18.185.200: icmp_seq=40 ttl=64 time=0.051 ms')).to.deep.equal({
      seq: 40,
      kind: 'reply',
      at: 1795559751677.961,
      rttMs: 0.051,
    });
    expect(parsePingLine('[1795559751.365874] no answer yet for icmp_seq=20')).to.deep.equal({ seq: 20, kind: 'no-answer', at: 1795559751365.874 });
    expect(parsePingLine('PING 198.18.185.200 (198.18.185.200) 56(84) bytes of data.')).to.equal(undefined);
  });
});
