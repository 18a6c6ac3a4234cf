import { newestWalSegment, parseBackupInfo } from './pgbackrest';

// Lines as pgBackRest 2.45 writes them (from the real repository of the integration test).
const INFO = `[backrest]
backrest-format=5
backrest-version="2.45"

[backup:current]
20261122-034149F={"backrest-format":5,"backrest-version":"2.45","backup-archive-start":"000000010000000000000002","backup-archive-stop":"000000010000000000000002","backup-error":false,"backup-info-repo-size":3048804,"backup-info-repo-size-delta":3048804,"backup-info-size":23058124,"backup-info-size-delta":23058124,"backup-lsn-start":"0/2000028","backup-lsn-stop":"0/2000100","backup-timestamp-start":1795318909,"backup-timestamp-stop":1795318912,"backup-type":"full","db-id":1,"option-archive-check":true,"option-archive-copy":false,"option-backup-standby":false,"option-checksum-page":false,"option-compress":true,"option-hardlink":false,"option-online":true}
20261122-034149F_20261122-034155I={"backrest-format":5,"backrest-version":"2.45","backup-archive-start":"000000010000000000000005","backup-archive-stop":"000000010000000000000006","backup-error":true,"backup-info-repo-size":3052981,"backup-info-repo-size-delta":429,"backup-info-size":23090892,"backup-info-size-delta":8458,"backup-prior":"20261122-034149F","backup-timestamp-start":1795318915,"backup-timestamp-stop":1795318917,"backup-type":"incr","db-id":1}

[db]
db-id=1
`;

describe('parseBackupInfo', () => {
  it('reads each backup with type, times, sizes and the error flag', () => {
    expect(parseBackupInfo(INFO, 'backup.info')).toEqual([
      expect.objectContaining({
        id: '20261122-034149F',
        type: 'full',
        status: 'succeeded',
        size: 23058124,
        declaredStoredBytes: 3048804,
        finishedAt: '2026-11-22T03:41:52.000Z',
      }),
      expect.objectContaining({
        id: '20261122-034149F_20261122-034155I',
        type: 'incremental',
        status: 'failed',
        problem: expect.stringContaining('backup-error'),
      }),
    ]);
  });

  it.each([
    ['not an info file', 'hello=world', 'no [backrest] section'],
    [
      'broken JSON',
      '[backrest]\n[backup:current]\nx={"backup-type":',
      'backup x is not valid JSON',
    ],
    [
      'no stop time',
      '[backrest]\n[backup:current]\nx={"backup-type":"full"}',
      'backup x has no valid backup-type or backup-timestamp-stop',
    ],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseBackupInfo(text, 'backup.info')).toThrow(message);
  });
});

describe('newestWalSegment', () => {
  it('picks the highest segment name and ignores .backup and .history files', () => {
    const t = new Date('2026-11-22T00:00:00Z');
    expect(
      newestWalSegment([
        {
          key: 'archive/main/15-1/0000000100000000/000000010000000000000006-0490d65ccc701f8b91ae79ea7c77248a5e23b23d.gz',
          lastModified: t,
        },
        {
          key: 'archive/main/15-1/0000000100000000/000000010000000000000007.00000028.backup',
          lastModified: t,
        },
        {
          key: 'archive/main/15-1/0000000100000000/000000010000000000000005-8b5a6450f1eef1cdd9e8845cc8e778691ae10bcf.gz',
          lastModified: t,
        },
        { key: 'archive/main/15-1/00000002.history', lastModified: t },
      ]),
    ).toMatchObject({ segment: '000000010000000000000006', count: 2 });
  });
});
