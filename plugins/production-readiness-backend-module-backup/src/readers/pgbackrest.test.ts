import { parseBackupInfo } from './pgbackrest';

// Lines as pgBackRest 2.45 writes them (from the real repository of the integration test).
const INFO = `[backrest]
backrest-format=5
backrest-version="2.45"

[backup:current]
20261122-034149F={"backrest-format":5,"backrest-version":"2.45","backup-archive-start":"000000010000000000000002","backup-archive-stop":"000000010000000000000002","backup-error":false,"backup-info-repo-size":3048804,"backup-info-repo-size-delta":3048804,"backup-info-size":23058124,"backup-info-size-delta":23058124,"backup-lsn-start":"0/2000028","backup-lsn-stop":"0/2000100","backup-timestamp-start":1795318909,"backup-timestamp-stop":1795318912,"backup-type":"full","db-id":1,"option-archive-check":true,"option-archive-copy":false,"option-backup-standby":false,"option-checksum-page":false,"option-compress":true,"option-hardlink":false,"option-online":true}
20261122-034149F_20261122-034155I={"backrest-format":5,"backrest-version":"2.45","backup-archive-start":"000000010000000000000005","backup-archive-stop":"000000010000000000000006","backup-error":true,"backup-info-repo-size":3052981,"backup-info-repo-size-delta":429,"backup-info-size":23090892,"backup-info-size-delta":8458,"backup-prior":"20261122-034149F","backup-timestamp-start":1795318915,"backup-timestamp-stop":1795318917,"backup-type":"incr","db-id":1}

[db]
db-catalog-version=202209061
db-id=2
db-system-id=7715982492523423050
db-version="15"

[db:history]
2={"db-catalog-version":202209061,"db-control-version":1300,"db-system-id":7715982492523423050,"db-version":"15"}
1={"db-catalog-version":202107181,"db-control-version":1300,"db-system-id":7015982492523423050,"db-version":"14"}

[backrest]
backrest-checksum="a1f8471f6f635b491796608e2e29937f206a3eaa"
`;

describe('parseBackupInfo', () => {
  it('reads each backup with type, times, sizes and the error flag', () => {
    const info = parseBackupInfo(INFO, 'backup.info');
    expect(info.backups).toEqual([
      expect.objectContaining({
        id: '20261122-034149F',
        type: 'full',
        status: 'succeeded',
        size: 23058124,
        declaredStoredBytes: 3048804,
        finishedAt: '2026-11-22T03:41:52.000Z',
        dbId: 1,
        archiveStart: '000000010000000000000002',
        archiveStop: '000000010000000000000002',
        lsnStart: '0/2000028',
        needsArchivedWal: true,
      }),
      expect.objectContaining({
        id: '20261122-034149F_20261122-034155I',
        type: 'incremental',
        status: 'failed',
        problem: expect.stringContaining('backup-error'),
        prior: '20261122-034149F',
      }),
    ]);
    // The current cluster, and every cluster the stanza held (a stanza upgrade from 14 to 15).
    expect(info).toMatchObject({
      dbId: 2,
      dbVersion: '15',
      clusters: [
        { dbId: 1, version: '14' },
        { dbId: 2, version: '15' },
      ],
    });
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
