/**
 * Alertmanager's time intervals (`time_intervals`, and the legacy `mute_time_intervals`), read
 * as its `timeinterval` package reads them: an interval is a list of periods; a period holds a
 * time when every field it sets holds (times of day, weekdays, days of the month, months,
 * years, in its `location`, UTC by default); an interval holds when any of its periods does.
 */

/** An inclusive range of numbers, e.g. weekdays 1..5. */
type NumberRange = [number, number];

/** One period of a time interval. */
export interface TimePeriod {
  /** Minutes of the day, `[start, end)`. */
  times?: NumberRange[];
  /** 0 = Sunday … 6 = Saturday. */
  weekdays?: NumberRange[];
  /** 1…31, or negative from the end of the month (-1 = last day). */
  daysOfMonth?: NumberRange[];
  /** 1…12. */
  months?: NumberRange[];
  years?: NumberRange[];
  location: string;
}

const WEEKDAYS = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function ranges(
  values: unknown,
  read: (text: string) => number,
  what: string,
): NumberRange[] | undefined {
  if (values === undefined || values === null) return undefined;
  if (!Array.isArray(values)) throw new Error(`${what} is not a list`);
  return values.map(value => {
    const text = String(value).trim().toLowerCase();
    // A negative day of month ("-3:-1") keeps its minus signs: split on the colon only.
    const [from, to = from] = text.split(':');
    return [read(from), read(to)];
  });
}

const named = (names: string[], what: string) => (text: string) => {
  const index = names.indexOf(text);
  const number = Number(text);
  if (index >= 0) return what === 'month' ? index + 1 : index;
  if (
    what === 'month' &&
    Number.isInteger(number) &&
    number >= 1 &&
    number <= 12
  )
    return number;
  throw new Error(`${text} is not a ${what}`);
};

const integer = (what: string) => (text: string) => {
  const number = Number(text);
  if (!Number.isInteger(number)) throw new Error(`${text} is not a ${what}`);
  return number;
};

function minutesOf(text: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(String(text).trim());
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!match || minutes > 24 * 60 || Number(match[2]) > 59) {
    throw new Error(`${text} is not a time of day (HH:MM)`);
  }
  return minutes;
}

/** Reads the `time_intervals` entries of one named interval. */
export function readTimePeriods(raw: unknown, name: string): TimePeriod[] {
  if (!Array.isArray(raw)) {
    throw new Error(`time interval ${name} has no time_intervals list`);
  }
  return raw.map((entry: Record<string, unknown> | null) => {
    const period = entry ?? {};
    const location =
      typeof period.location === 'string' && period.location !== 'Local'
        ? period.location
        : 'UTC';
    try {
      Intl.DateTimeFormat('en-US', { timeZone: location });
    } catch {
      throw new Error(`time interval ${name}: unknown location ${location}`);
    }
    return {
      times: (period.times as Array<Record<string, unknown>> | undefined)?.map(
        t => [minutesOf(String(t.start_time)), minutesOf(String(t.end_time))],
      ) as NumberRange[] | undefined,
      weekdays: ranges(period.weekdays, named(WEEKDAYS, 'weekday'), 'weekdays'),
      daysOfMonth: ranges(
        period.days_of_month,
        integer('day of month'),
        'days_of_month',
      ),
      months: ranges(period.months, named(MONTHS, 'month'), 'months'),
      years: ranges(period.years, integer('year'), 'years'),
      location,
    };
  });
}

/** The calendar fields of an instant in a time zone. */
interface LocalTime {
  minute: number;
  weekday: number;
  day: number;
  daysInMonth: number;
  month: number;
  year: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(at: Date, location: string): LocalTime {
  let format = formatters.get(location);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: location,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'long',
    });
    formatters.set(location, format);
  }
  const parts = Object.fromEntries(
    format.formatToParts(at).map(p => [p.type, p.value]),
  );
  const year = Number(parts.year);
  const month = Number(parts.month);
  return {
    minute: Number(parts.hour) * 60 + Number(parts.minute),
    weekday: WEEKDAYS.indexOf(String(parts.weekday).toLowerCase()),
    day: Number(parts.day),
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
    month,
    year,
  };
}

const within = (value: number, list: NumberRange[] | undefined) =>
  list === undefined || list.some(([from, to]) => value >= from && value <= to);

/** Whether one period holds at `at`. */
function periodHolds(period: TimePeriod, at: Date): boolean {
  const t = localTime(at, period.location);
  const times =
    period.times === undefined ||
    period.times.some(([start, end]) => t.minute >= start && t.minute < end);
  const days =
    period.daysOfMonth === undefined ||
    period.daysOfMonth.some(([from, to]) => {
      const day = (d: number) => (d < 0 ? t.daysInMonth + d + 1 : d);
      return t.day >= day(from) && t.day <= day(to);
    });
  return (
    times &&
    days &&
    within(t.weekday, period.weekdays) &&
    within(t.month, period.months) &&
    within(t.year, period.years)
  );
}

/** Whether a named interval (any of its periods) holds at `at`. */
export function intervalHolds(periods: TimePeriod[], at: Date): boolean {
  return periods.some(period => periodHolds(period, at));
}
