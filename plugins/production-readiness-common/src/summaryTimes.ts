import { formatDuration } from './durations';

/**
 * Points in time inside check summaries.
 *
 * A summary says when something happened as an absolute time, never as an age ("3h ago"):
 * an unchanged result then reads the same at every refresh, so it is not rewritten, and
 * whoever shows it renders the age at the moment of reading (the tab: "3h ago", with the
 * time as tooltip). API clients read the time as written.
 */

/** `2026-12-05T18:04:05Z`: ISO 8601 in UTC, to the second. */
const SUMMARY_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/g;

/**
 * A point in time as a summary writes it: `2026-12-05T18:04:05Z`. A value that is not a
 * time is written as it came, so a summary never hides what an upstream said.
 *
 * @public
 */
export function summaryTime(at: Date | string | number): string {
  const date = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(date.getTime())) {
    return `"${String(at)}"`;
  }
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** A summary cut into text and the points in time it names. @public */
export type SummaryPart = { text: string } | { at: string };

/** Cuts a summary into text and the points in time written by {@link summaryTime}. @public */
export function summaryParts(summary: string): SummaryPart[] {
  const parts: SummaryPart[] = [];
  let last = 0;
  for (const match of summary.matchAll(SUMMARY_TIME)) {
    const index = match.index ?? 0;
    if (index > last) {
      parts.push({ text: summary.slice(last, index) });
    }
    parts.push({ at: match[0] });
    last = index + match[0].length;
  }
  if (last < summary.length) {
    parts.push({ text: summary.slice(last) });
  }
  return parts;
}

/** A point in time as an age or a delay from `now`: `3h ago`, `in 2d`. @public */
export function relativeTime(at: string, now: Date): string {
  const delta = now.getTime() - Date.parse(at);
  if (Math.abs(delta) < 1000) {
    return 'just now';
  }
  return delta > 0
    ? `${formatDuration(delta)} ago`
    : `in ${formatDuration(delta)}`;
}

/** A summary with its points in time as ages from `now`, for plain-text readers. @public */
export function describeSummary(summary: string, now: Date): string {
  return summaryParts(summary)
    .map(part => ('at' in part ? relativeTime(part.at, now) : part.text))
    .join('');
}
