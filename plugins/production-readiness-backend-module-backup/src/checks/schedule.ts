import { parseExpression } from 'cron-parser';

const DAY = 86_400_000;
const MAX_CACHED = 1000;
const gaps = new Map<string, number | undefined>();
const PREDEFINED: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
};

/**
 * The longest gap between runs of a cron schedule (over the next runs from `now`), in ms:
 * a backup is overdue once this much time, plus a grace, has passed since the previous one.
 */
export function longestGapMs(cron: string, now: Date): number | undefined {
  // cron-parser takes tens of milliseconds per expression and a fleet shares few schedules;
  // over a dozen runs the longest gap does not depend on the day it is computed.
  if (gaps.has(cron)) {
    return gaps.get(cron);
  }
  const gap = computeLongestGap(cron, now);
  if (gaps.size >= MAX_CACHED) {
    gaps.delete(gaps.keys().next().value!);
  }
  gaps.set(cron, gap);
  return gap;
}

function computeLongestGap(cron: string, now: Date): number | undefined {
  try {
    const expression = parseExpression(PREDEFINED[cron.trim()] ?? cron, {
      currentDate: now,
      tz: 'UTC',
    });
    let previous = expression.next().getTime();
    let longest = 0;
    for (let i = 0; i < 12; i++) {
      const next = expression.next().getTime();
      longest = Math.max(longest, next - previous);
      previous = next;
    }
    return longest > 0 ? longest : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How old the newest backup of a schedule may be: the longest gap plus half of it, at most a
 * day of grace (weekly -> 8 days, daily -> 1.5 days, hourly -> 1.5 hours).
 */
export function allowedAgeMs(cron: string, now: Date): number | undefined {
  const gap = longestGapMs(cron, now);
  return gap === undefined ? undefined : gap + Math.min(gap / 2, DAY);
}
