import { Fragment } from 'react';
import {
  describeSummary,
  relativeTime,
  summaryParts,
} from '@production-readiness/plugin-production-readiness-common';
import { formatDate } from './formatDate';

/**
 * A check summary as people read it: the points in time it names (absolute in the API, so
 * an unchanged result is not rewritten) shown as ages, "3h ago", with the time as tooltip.
 */
export function SummaryText(props: { summary: string }) {
  const now = new Date();
  return (
    <>
      {summaryParts(props.summary).map((part, i) =>
        'at' in part ? (
          <time key={i} dateTime={part.at} title={formatDate(part.at)}>
            {relativeTime(part.at, now)}
          </time>
        ) : (
          <Fragment key={i}>{part.text}</Fragment>
        ),
      )}
    </>
  );
}

/** A check summary as plain text (tooltips, list secondaries), with ages from now. */
export function summaryAsText(summary: string): string {
  return describeSummary(summary, new Date());
}
