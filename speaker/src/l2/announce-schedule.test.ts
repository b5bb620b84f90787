import { expect } from 'chai';
import { DEFAULT_ANNOUNCE_SCHEDULE_MS, checkAnnounceSchedule, nextAnnouncementDelay } from './announce-schedule.js';

describe('takeover announcement schedule', () => {
  it('by default announces at once, then 4 more times within 2 s', () => {
    expect(DEFAULT_ANNOUNCE_SCHEDULE_MS).to.deep.equal([0, 250, 500, 1000, 2000]);
    expect(checkAnnounceSchedule(DEFAULT_ANNOUNCE_SCHEDULE_MS)).to.deep.equal([0, 250, 500, 1000, 2000]);
  });

  it('accepts a single announcement', () => {
    expect(checkAnnounceSchedule([0])).to.deep.equal([0]);
  });

  const bad: [string, number[], string][] = [
    ['an empty list', [], 'announceScheduleMs: expected a list of 1 to 20 offsets in milliseconds, got []'],
    ['a first announcement that is not at once', [100, 200], 'announceScheduleMs[0]: 100; the first announcement goes out at once (0)'],
    ['offsets out of order', [0, 500, 250], 'announceScheduleMs[2]: 250 is not after announceScheduleMs[1] (500)'],
    ['the same offset twice', [0, 250, 250], 'announceScheduleMs[2]: 250 is not after announceScheduleMs[1] (250)'],
    ['a fraction of a millisecond', [0, 2.5], 'announceScheduleMs[1]: 2.5 is not a whole number of milliseconds from 0 to 60000'],
    ['a negative offset', [0, -1], 'announceScheduleMs[1]: -1 is not a whole number'],
    ['an offset past a minute', [0, 60001], 'announceScheduleMs[1]: 60001 is not a whole number'],
    ['more than 20 announcements', Array.from({ length: 21 }, (_, i) => i), 'announceScheduleMs: expected a list of 1 to 20'],
  ];
  for (const [what, schedule, message] of bad) {
    it(`refuses ${what}, naming the entry`, () => {
      expect(() => checkAnnounceSchedule(schedule)).to.throw(message);
    });
  }

  it('names the field it was given', () => {
    expect(() => checkAnnounceSchedule([5], 'spec.announce')).to.throw('spec.announce[0]: 5;');
  });

  it('times each announcement from the takeover, so that a late timer does not delay the later ones', () => {
    const schedule = [0, 250, 500];
    expect(nextAnnouncementDelay(schedule, 0, 1000, 1000)).to.equal(0);
    expect(nextAnnouncementDelay(schedule, 1, 1000, 1000)).to.equal(250);
    expect(nextAnnouncementDelay(schedule, 2, 1000, 1300)).to.equal(200);
    expect(nextAnnouncementDelay(schedule, 2, 1000, 1600)).to.equal(0);
  });

  it('says when the schedule is done', () => {
    expect(nextAnnouncementDelay([0, 250], 2, 0, 300)).to.equal(undefined);
  });
});
