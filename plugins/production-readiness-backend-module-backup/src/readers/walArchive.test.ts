import {
  firstMissing,
  segmentBytesOf,
  walArchive,
  walFact,
} from './walArchive';

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 22, 0, minutes));

/** Objects as pgBackRest archives them: `<segment>-<sha1>.gz`, `.backup` and `.history` files. */
function archived(...names: string[]) {
  return names.map((name, i) => ({
    key: /^[0-9A-F]{24}$/.test(name)
      ? `archive/main/15-1/${name.slice(0, 16)}/${name}-${'0'.repeat(40)}.gz`
      : `archive/main/15-1/${name}`,
    lastModified: at(i),
  }));
}

describe('walArchive and walFact', () => {
  it('finds the newest segment, and ignores .backup and .history files', () => {
    const archive = walArchive(
      archived(
        '000000010000000000000005',
        '0000000100000000000000FF.00000028.backup',
        '000000010000000000000006',
        '00000002.history',
      ),
    );
    expect(walFact(archive)).toEqual({
      segment: '000000010000000000000006',
      archivedAt: at(2).toISOString(),
      key: expect.stringContaining('000000010000000000000006-'),
      count: 2,
    });
    expect(walFact(walArchive([]))).toBeUndefined();
  });

  it('rolls a backup forward as far as the segments run without a gap, across a 4 GiB log boundary and a timeline switch', () => {
    const archive = walArchive(
      archived(
        '0000000100000000000000FE',
        '0000000100000000000000FF',
        '000000010000000100000000',
        '000000020000000100000001',
        '000000020000000100000002',
      ),
    );
    expect(walFact(archive, '0000000100000000000000FE')).toMatchObject({
      segment: '000000020000000100000002',
      reached: { segment: '000000020000000100000002' },
    });
    expect(walFact(archive, '0000000100000000000000FE')?.gap).toBeUndefined();
  });

  it('names the first missing segment after the backup and the last one before it', () => {
    const archive = walArchive(
      archived(
        '000000010000000000000004',
        '000000010000000000000005',
        '000000010000000000000007',
      ),
    );
    expect(walFact(archive, '000000010000000000000004')).toMatchObject({
      segment: '000000010000000000000007',
      reached: {
        segment: '000000010000000000000005',
        archivedAt: at(1).toISOString(),
      },
      gap: {
        after: '000000010000000000000005',
        missing: '000000010000000000000006',
      },
    });
    // The backup's own stop segment is missing.
    expect(walFact(archive, '000000010000000000000003')).toMatchObject({
      gap: { missing: '000000010000000000000003' },
    });
    expect(
      firstMissing(
        archive,
        '000000010000000000000004',
        '000000010000000000000007',
      ),
    ).toBe('000000010000000000000006');
    expect(
      firstMissing(
        archive,
        '000000010000000000000004',
        '000000010000000000000005',
      ),
    ).toBeUndefined();
  });

  it('reads the segment size from where a backup started', () => {
    expect(segmentBytesOf('0/5000028', '000000010000000000000005')).toBe(
      16 * 2 ** 20,
    );
    // 64 MiB segments: LSN 1/8000028 is segment 0x20 of log 1.
    expect(segmentBytesOf('1/8000028', '000000010000000100000002')).toBe(
      64 * 2 ** 20,
    );
    expect(segmentBytesOf(undefined, '000000010000000000000005')).toBe(
      undefined,
    );
  });
});
