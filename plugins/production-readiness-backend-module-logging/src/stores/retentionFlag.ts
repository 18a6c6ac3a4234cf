import { parsePrometheusDuration } from '@production-readiness/plugin-production-readiness-common';

/** VictoriaMetrics counts a month as 31 days in retention flags. */
const MONTH_MS = 31 * 86_400_000;

/**
 * Reads VictoriaLogs' `-retentionPeriod` as VictoriaMetrics' `flagutil.RetentionDuration` does:
 * `<n>M` and a bare number are months of 31 days; otherwise a duration such as `7d`, `1y`, `2w`
 * (lower-case `m` is minutes, which VictoriaLogs refuses for retention).
 */
export function parseRetentionFlag(value: string): number | undefined {
  const months = /^\d+(\.\d+)?M?$/.test(value)
    ? Number(value.replace(/M$/, ''))
    : undefined;
  if (months !== undefined) return months * MONTH_MS;
  return parsePrometheusDuration(value.toLowerCase());
}
