// When a new owner of an address tells the segment so: the first announcement at once, then
// repeats, because a single frame can be lost and a neighbour may be busy when it arrives.

/**
 * Milliseconds after taking an address over at which the announcements go out: at once, then 4
 * more within 2 s. The gaps double so that most repeats come early, while a lost first frame
 * still matters, and the last comes after a short outage of the link would have ended.
 */
export const DEFAULT_ANNOUNCE_SCHEDULE_MS: readonly number[] = [0, 250, 500, 1000, 2000];

/** Longer than this and the last repeat is no longer about the takeover. */
export const MAX_ANNOUNCE_OFFSET_MS = 60_000;
export const MAX_ANNOUNCEMENTS = 20;

/**
 * Checks a schedule given as an option: 1 to 20 whole milliseconds, the first 0 (the takeover is
 * announced at once, not after a delay), each after the one before, the last within a minute.
 * Throws naming `field` and the value at fault.
 */
export function checkAnnounceSchedule(schedule: readonly number[], field = 'announceScheduleMs'): readonly number[] {
  if (!Array.isArray(schedule) || schedule.length === 0 || schedule.length > MAX_ANNOUNCEMENTS) {
    throw new Error(`${field}: expected a list of 1 to ${MAX_ANNOUNCEMENTS} offsets in milliseconds, got ${JSON.stringify(schedule)}`);
  }
  schedule.forEach((offset, i) => {
    if (!Number.isInteger(offset) || offset < 0 || offset > MAX_ANNOUNCE_OFFSET_MS) {
      throw new Error(`${field}[${i}]: ${JSON.stringify(offset)} is not a whole number of milliseconds from 0 to ${MAX_ANNOUNCE_OFFSET_MS}`);
    }
    if (i === 0 && offset !== 0) throw new Error(`${field}[0]: ${offset}; the first announcement goes out at once (0)`);
    const previous = schedule[i - 1];
    if (previous !== undefined && offset <= previous) {
      throw new Error(`${field}[${i}]: ${offset} is not after ${field}[${i - 1}] (${previous})`);
    }
  });
  return [...schedule];
}

/**
 * How long from `now` until announcement number `sent` (0-based) is due, for a takeover at
 * `startedAt`: 0 when it is already late, undefined when the schedule is done. Measured from the
 * takeover rather than from the previous announcement, so that a late timer does not push every
 * later repeat back.
 */
export function nextAnnouncementDelay(schedule: readonly number[], sent: number, startedAt: number, now: number): number | undefined {
  const offset = schedule[sent];
  if (offset === undefined) return undefined;
  return Math.max(0, startedAt + offset - now);
}
