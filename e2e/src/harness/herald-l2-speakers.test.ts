import { expect } from 'chai';
import type { LogLine } from './controller-process.js';
import { answersFor, seesUp } from './herald-l2-speakers.js';

const line = (message: string, fields: Record<string, unknown> = {}): LogLine => ({ level: 'info', message, ...fields });

describe("Herald's layer-2 speakers in the failover bench: reading ownership and membership from the logs", () => {
  it('takes the last answering line for the address as the answer, and ignores other addresses', () => {
    const lines = [line('answering for', { address: '198.18.1.200' }), line('stopped answering for', { address: '198.18.1.200' }), line('answering for', { address: '198.18.1.201' })];
    expect(answersFor(lines, '198.18.1.200')).to.equal(false);
    expect(answersFor(lines, '198.18.1.201')).to.equal(true);
    expect(answersFor([...lines, line('answering for', { address: '198.18.1.200' })], '198.18.1.200')).to.equal(true);
  });

  it('says a speaker that never logged the address does not answer for it', () => {
    expect(answersFor([line('layer-2 mode started')], '198.18.1.200')).to.equal(false);
  });

  it('sees a member up only when its last membership line for that member says up', () => {
    const lines = [line('member up', { member: 'node2' }), line('member down', { member: 'node2', reason: 'failed' }), line('member up', { member: 'node3' })];
    expect(seesUp(lines, 'node2')).to.equal(false);
    expect(seesUp(lines, 'node3')).to.equal(true);
    expect(seesUp([...lines, line('member up', { member: 'node2' })], 'node2')).to.equal(true);
    expect(seesUp(lines, 'node4')).to.equal(false);
  });
});
