import { Duration } from 'luxon';
import ms from 'ms';

/**
 * Parses a duration written by a person in an annotation or record: short forms such as
 * `30m`, `24h`, `7d`, `1.5d` or ISO 8601 such as `PT24H`. Returns milliseconds, or undefined
 * when the text is not a positive duration.
 *
 * @public
 */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text === 'number') {
    return Number.isFinite(text) && text > 0 ? text : undefined;
  }
  if (typeof text !== 'string') {
    return undefined;
  }
  const trimmed = text.trim();
  if (/^P/i.test(trimmed)) {
    const iso = Duration.fromISO(trimmed.toUpperCase());
    return iso.isValid && iso.toMillis() > 0 ? iso.toMillis() : undefined;
  }
  // `ms` reads a bare number as milliseconds; a person writing "24" means something else.
  if (!/^\d+(\.\d+)?\s*[a-z]+$/i.test(trimmed)) {
    return undefined;
  }
  const value = ms(trimmed as ms.StringValue);
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? value
    : undefined;
}

/** Formats milliseconds for summaries: `36h`, `2d 4h`, `45m`. @public */
export function formatDuration(millis: number): string {
  const duration = Duration.fromMillis(Math.abs(millis)).shiftTo(
    'days',
    'hours',
    'minutes',
  );
  const parts: string[] = [];
  if (duration.days >= 1) parts.push(`${Math.floor(duration.days)}d`);
  if (duration.hours >= 1) parts.push(`${Math.floor(duration.hours)}h`);
  if (parts.length < 2 && duration.minutes >= 1 && duration.days < 1) {
    parts.push(`${Math.floor(duration.minutes)}m`);
  }
  return parts.length
    ? parts.join(' ')
    : `${Math.round(Math.abs(millis) / 1000)}s`;
}

const PROMETHEUS_DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/**
 * Parses a duration as Prometheus, Loki and VictoriaMetrics write them in configs, flags and
 * APIs: one or more `<number><unit>` parts with units `ms`, `s`, `m`, `h`, `d`, `w`, `y`
 * (365 days), e.g. `15s`, `1m30s`, `744h`, `30d`, `0s`. Returns milliseconds (0 included), or
 * undefined when the text is not such a duration.
 *
 * @public
 */
export function parsePrometheusDuration(text: unknown): number | undefined {
  if (
    typeof text !== 'string' ||
    !/^(\d+(\.\d+)?(ms|s|m|h|d|w|y))+$/.test(text)
  ) {
    return undefined;
  }
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g)) {
    total += Number(m[1]) * PROMETHEUS_DURATION_UNITS[m[2]];
  }
  return total;
}
