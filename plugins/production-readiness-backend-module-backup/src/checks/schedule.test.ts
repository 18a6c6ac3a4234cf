import { allowedAgeMs, longestGapMs } from './schedule';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const now = new Date('2026-11-22T12:00:00Z');

describe('schedule allowances', () => {
  it.each([
    ['0 3 * * 0', 8 * DAY],
    ['0 2 * * *', 1.5 * DAY],
    ['@daily', 1.5 * DAY],
    ['0 * * * *', 1.5 * HOUR],
  ])('allows a backup of "%s" to be %p ms old', (cron, expected) => {
    expect(allowedAgeMs(cron, now)).toBe(expected);
  });

  it('uses the longest gap, so weekday schedules allow for the weekend', () => {
    expect(longestGapMs('0 2 * * 1-5', now)).toBe(3 * DAY);
  });

  it('returns undefined for a schedule it cannot read', () => {
    expect(allowedAgeMs('every day at two', now)).toBeUndefined();
  });
});
