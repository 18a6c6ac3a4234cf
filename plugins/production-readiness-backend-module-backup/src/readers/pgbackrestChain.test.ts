import { PgBackRestBackup } from './pgbackrest';
import { judgeChain } from './pgbackrestChain';
import { walArchive } from './walArchive';

const backup = (
  id: string,
  minutes: number,
  more: Partial<PgBackRestBackup> = {},
): PgBackRestBackup => ({
  id,
  type: more.prior ? 'incremental' : 'full',
  finishedAt: new Date(Date.UTC(2026, 10, 22, 0, minutes)).toISOString(),
  status: 'succeeded',
  sizeUnit: 'bytes',
  source: 'backup/main/backup.info',
  declaredStoredBytes: 1000,
  needsArchivedWal: true,
  ...more,
});

const segment = (n: number) =>
  `0000000100000000000000${n.toString(16).toUpperCase().padStart(2, '0')}`;
const archive = (...numbers: number[]) =>
  walArchive(
    numbers.map(n => ({
      key: `archive/main/15-1/0000000100000000/${segment(n)}-${'a'.repeat(
        40,
      )}.gz`,
      lastModified: new Date(Date.UTC(2026, 10, 22, 0, n)),
    })),
  );

const FULL = '20261122-000000F';
const INCR = '20261122-000000F_20261122-000500I';
const LATER = '20261122-000000F_20261122-001000I';
const chain = [
  backup(FULL, 1, { archiveStart: segment(2), archiveStop: segment(2) }),
  backup(INCR, 5, {
    prior: FULL,
    archiveStart: segment(4),
    archiveStop: segment(5),
  }),
  backup(LATER, 10, {
    prior: INCR,
    archiveStart: segment(7),
    archiveStop: segment(7),
  }),
];
const stored = (bytes: Record<string, number> = {}) =>
  new Map(chain.map(b => [b.id, bytes[b.id] ?? 1000]));
const verdicts = (judged: ReturnType<typeof judgeChain>) =>
  Object.fromEntries(judged.map(b => [b.id, b.problem ?? b.status]));

describe('judgeChain', () => {
  it('keeps a complete chain whose WAL is archived', () => {
    expect(verdicts(judgeChain(chain, stored(), archive(2, 4, 5, 7)))).toEqual({
      [FULL]: 'succeeded',
      [INCR]: 'succeeded',
      [LATER]: 'succeeded',
    });
  });

  it('fails a truncated backup and every backup that builds on it', () => {
    expect(
      verdicts(judgeChain(chain, stored({ [INCR]: 400 }), archive(2, 4, 5, 7))),
    ).toEqual({
      [FULL]: 'succeeded',
      [INCR]:
        'files missing or truncated: backup.info declares 1000 B stored, the location holds 400 B for it',
      [LATER]: `the backup it builds on, ${INCR}, cannot be restored (files missing or truncated: backup.info declares 1000 B stored, the location holds 400 B for it)`,
    });
  });

  it('fails an incremental whose prior backup is gone, and one whose consistency WAL is missing', () => {
    const judged = judgeChain(
      chain.filter(b => b.id !== FULL),
      stored(),
      archive(2, 4, 7),
    );
    expect(verdicts(judged)).toEqual({
      [INCR]: `the backup it builds on, ${FULL}, is gone from the repository`,
      [LATER]: `the backup it builds on, ${INCR}, cannot be restored (the backup it builds on, ${FULL}, is gone from the repository)`,
    });
    expect(
      verdicts(judgeChain(chain.slice(0, 2), stored(), archive(2, 4))),
    ).toEqual({
      [FULL]: 'succeeded',
      [INCR]: `WAL segment ${segment(
        5,
      )}, needed to make it consistent (${segment(4)} to ${segment(
        5,
      )}), is missing from the archive`,
    });
    // A backup that copied its WAL into itself does not need the archive.
    expect(
      verdicts(
        judgeChain(
          [{ ...chain[0], needsArchivedWal: false }],
          stored(),
          archive(),
        ),
      ),
    ).toEqual({ [FULL]: 'succeeded' });
  });
});
