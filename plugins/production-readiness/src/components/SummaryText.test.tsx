import { render, screen } from '@testing-library/react';
import { SummaryText, summaryAsText } from './SummaryText';

describe('SummaryText', () => {
  const threeHoursAgo = new Date(Date.now() - 3 * 3_600_000 - 60_000);
  const at = `${threeHoursAgo.toISOString().slice(0, 19)}Z`;
  const summary = `Newest successful backup 20261205-180000F (full) finished ${at}, within the RPO of 1d`;

  it('shows the times of a summary as ages, with the time as tooltip', () => {
    render(<SummaryText summary={summary} />);
    const time = screen.getByText('3h 1m ago');
    expect(time.tagName).toBe('TIME');
    expect(time).toHaveAttribute('dateTime', at);
    expect(time.getAttribute('title')).toMatch(/\d{4}/);
    expect(time.parentElement).toHaveTextContent(
      'Newest successful backup 20261205-180000F (full) finished 3h 1m ago, within the RPO of 1d',
    );
  });

  it('writes the same as plain text, and leaves summaries without times alone', () => {
    expect(summaryAsText(summary)).toBe(
      'Newest successful backup 20261205-180000F (full) finished 3h 1m ago, within the RPO of 1d',
    );
    expect(summaryAsText('3 of 3 replicas ready')).toBe(
      '3 of 3 replicas ready',
    );
  });
});
