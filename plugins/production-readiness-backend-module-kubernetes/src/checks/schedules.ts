import { parseExpression } from 'cron-parser';

/**
 * The time before which the newest success of a scheduled job must not be: the second most
 * recent time the schedule fired. A success after it means at most the current run is
 * missing (it may still be running); anything older means a whole scheduled run failed or
 * never happened. Returns an error text when the schedule cannot be read.
 */
export function successDeadline(
  schedule: string,
  now: Date,
  timeZone?: string,
): { deadline: Date; previous: Date } | { error: string } {
  let expression = schedule.trim();
  let tz = timeZone;
  // Kubernetes accepts CRON_TZ= / TZ= prefixes; cron-parser does not.
  const prefixed = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(expression);
  if (prefixed) {
    tz = tz ?? prefixed[1];
    expression = prefixed[2];
  }
  try {
    const it = parseExpression(expression, {
      currentDate: now,
      tz: tz ?? 'UTC',
    });
    const previous = it.prev().toDate();
    const deadline = it.prev().toDate();
    return { deadline, previous };
  } catch (e) {
    return {
      error: `schedule "${schedule.slice(0, 80)}" cannot be read: ${
        e instanceof Error ? e.message : String(e)
      }`,
    };
  }
}
