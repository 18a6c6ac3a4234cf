import {
  describeSummary,
  relativeTime,
  summaryParts,
  summaryTime,
} from './summaryTimes';

describe('summary times', () => {
  const now = new Date('2026-12-05T21:00:00.000Z');

  it('writes times in UTC to the second, and what is not a time as it came', () => {
    expect(summaryTime(new Date('2026-12-05T18:04:05.678+01:00'))).toBe(
      '2026-12-05T17:04:05Z',
    );
    expect(summaryTime('2026-12-05T18:04:05.000Z')).toBe(
      '2026-12-05T18:04:05Z',
    );
    expect(summaryTime(0)).toBe('1970-01-01T00:00:00Z');
    expect(summaryTime('yesterday')).toBe('"yesterday"');
  });

  it('cuts a summary into text and times, and renders them as ages', () => {
    const summary = `Newest backup 20261205-180000F finished ${summaryTime(
      '2026-12-05T18:00:00Z',
    )}; restore test due ${summaryTime('2026-12-07T21:00:00Z')}`;
    expect(summaryParts(summary)).toEqual([
      { text: 'Newest backup 20261205-180000F finished ' },
      { at: '2026-12-05T18:00:00Z' },
      { text: '; restore test due ' },
      { at: '2026-12-07T21:00:00Z' },
    ]);
    expect(describeSummary(summary, now)).toBe(
      'Newest backup 20261205-180000F finished 3h ago; restore test due in 2d',
    );
    expect(summaryParts('No time here')).toEqual([{ text: 'No time here' }]);
    expect(relativeTime('2026-12-05T21:00:00Z', now)).toBe('just now');
  });
});
