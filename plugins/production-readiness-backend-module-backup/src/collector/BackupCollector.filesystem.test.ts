import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import { BACKUP_MODULE_ANNOTATIONS } from '../annotations';
import { evaluateOnFolder } from '../__testUtils__/evaluate';

const DAY = 86_400_000;
const now = new Date();
const at = (msAgo: number) => new Date(now.getTime() - msAgo);

/** A WAL-G sentinel in the shape of wal-g's BackupSentinelDto (internal/databases/postgres). */
function walgSentinel(options: {
  delta?: string;
  uncompressed: number;
  compressed: number;
}) {
  return JSON.stringify({
    LSN: 33554472,
    ...(options.delta
      ? {
          DeltaFrom: options.delta,
          DeltaFullName: 'base_000000010000000000000002',
          DeltaCount: 1,
          DeltaLSN: 33554472,
        }
      : {}),
    PgVersion: 150004,
    FinishLSN: 33554696,
    SystemIdentifier: 7311234567890123456,
    UncompressedSize: options.uncompressed,
    CompressedSize: options.compressed,
    DataCatalogSize: options.uncompressed,
    Spec: null,
    UserData: null,
  });
}

/** A `velero-backup.json` in the shape Velero stores: the Backup resource with its status. */
function veleroBackup(
  name: string,
  options: {
    phase: string;
    completed: Date;
    items: number;
    errors?: number;
    ttlDays?: number;
  },
) {
  return JSON.stringify({
    kind: 'Backup',
    apiVersion: 'velero.io/v1',
    metadata: {
      name,
      namespace: 'velero',
      labels: { 'velero.io/schedule-name': 'orders-daily' },
      creationTimestamp: new Date(
        options.completed.getTime() - 60_000,
      ).toISOString(),
    },
    spec: {
      includedNamespaces: ['orders'],
      storageLocation: 'default',
      ttl: `${(options.ttlDays ?? 30) * 24}h0m0s`,
    },
    status: {
      version: 1,
      formatVersion: '1.1.0',
      phase: options.phase,
      startTimestamp: new Date(
        options.completed.getTime() - 60_000,
      ).toISOString(),
      completionTimestamp: options.completed.toISOString(),
      expiration: new Date(
        options.completed.getTime() + (options.ttlDays ?? 30) * DAY,
      ).toISOString(),
      errors: options.errors ?? 0,
      warnings: 0,
      progress: { totalItems: options.items, itemsBackedUp: options.items },
    },
  });
}

describe('backup collector on a filesystem location with WAL-G, Velero and dump metadata', () => {
  let root: string;
  let outside: string;

  const write = (key: string, content: string | Buffer, written: Date) => {
    const path = join(root, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    utimesSync(path, written, written);
  };

  const evaluate = (annotations: Record<string, string>, name = 'db') =>
    evaluateOnFolder({ root, name, annotations, now });

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'pr-backup-fs-'));
    outside = mkdtempSync(join(tmpdir(), 'pr-backup-outside-'));
    writeFileSync(join(outside, 'backup.info'), '[backrest]\n');
    // WAL-G: a weekly full and daily deltas, the newest delta shrunk to a tenth.
    write(
      'walg/payments/basebackups_005/base_000000010000000000000002_backup_stop_sentinel.json',
      walgSentinel({ uncompressed: 50_000_000, compressed: 9_000 }),
      at(6 * DAY),
    );
    write(
      'walg/payments/basebackups_005/base_000000010000000000000002/tar_partitions/part_1.tar.br',
      Buffer.alloc(9_000),
      at(6 * DAY),
    );
    for (const [i, size] of [
      [4, 900_000],
      [5, 950_000],
      [6, 920_000],
      [7, 90_000],
    ] as const) {
      const name = `base_00000001000000000000000${i}_D_000000010000000000000002`;
      write(
        `walg/payments/basebackups_005/${name}_backup_stop_sentinel.json`,
        walgSentinel({
          delta: 'base_000000010000000000000002',
          uncompressed: size,
          compressed: 100,
        }),
        at((8 - i) * DAY),
      );
      write(
        `walg/payments/basebackups_005/${name}/tar_partitions/part_1.tar.br`,
        Buffer.alloc(100),
        at((8 - i) * DAY),
      );
    }
    // A restore test of a backup taken 20 days ago: backups began before the oldest kept one.
    write(
      'restore-tests/payments/20261102T040000Z-restore-test.json',
      JSON.stringify({
        entityRef: 'resource:default/db',
        backupId: 'base_000000010000000000000001',
        backupTakenAt: at(20 * DAY).toISOString(),
        startedAt: at(20 * DAY - 3_600_000).toISOString(),
        finishedAt: at(20 * DAY - 3_000_000).toISOString(),
        status: 'succeeded',
        durationSeconds: 600,
        validations: [{ name: 'rows', expected: 1, actual: 1, ok: true }],
      }),
      at(20 * DAY - 3_000_000),
    );
    write(
      'walg/payments/wal_005/000000010000000000000007.br',
      'wal',
      at(2 * 3_600_000),
    );
    write(
      'walg/payments/wal_005/000000010000000000000008.br',
      'wal',
      at(10 * 60_000),
    );
    // Velero: a good backup, then a partially failed one.
    write(
      'velero/backups/orders-daily-20261120/velero-backup.json',
      veleroBackup('orders-daily-20261120', {
        phase: 'Completed',
        completed: at(2 * DAY),
        items: 240,
      }),
      at(2 * DAY),
    );
    write(
      'velero/backups/orders-daily-20261121/velero-backup.json',
      veleroBackup('orders-daily-20261121', {
        phase: 'PartiallyFailed',
        completed: at(DAY),
        items: 239,
        errors: 2,
        ttlDays: 3,
      }),
      at(DAY),
    );
    write(
      'velero/backups/orders-daily-20261121/orders-daily-20261121-logs.gz',
      'x',
      at(DAY),
    );
    // Dumps with a manifest saying the newest one failed, and an empty one before.
    write('dumps/users/users-2026-11-19.dump', Buffer.alloc(0), at(3 * DAY));
    write(
      'dumps/users/users-2026-11-20.dump',
      Buffer.alloc(4096, 1),
      at(2 * DAY),
    );
    write('dumps/users/users-2026-11-21.dump', Buffer.alloc(10, 1), at(DAY));
    write(
      'dumps/users/users-2026-11-21.dump.manifest.json',
      JSON.stringify({ status: 'failed', error: 'pg_dump: connection lost' }),
      at(DAY),
    );
    // Another layout: a folder per night with the dump, its checksum file and the schema.
    for (const [night, bytes] of [
      [3, 52_000],
      [2, 53_500],
      [1, 54_100],
    ]) {
      const day = `2026-11-${22 - night}`;
      write(
        `dumps/ledger/${day}/db.sql.gz`,
        Buffer.alloc(bytes, 7),
        at(night * DAY),
      );
      write(
        `dumps/ledger/${day}/db.sql.gz.sha256`,
        `${'ab'.repeat(32)}  db.sql.gz\n`,
        at(night * DAY),
      );
      write(
        `dumps/ledger/${day}/schema.sql`,
        'create table t (id int);',
        at(night * DAY),
      );
    }
    // Dumps whose manifests record their SHA-256; the newest was overwritten afterwards.
    for (const [night, fill, written] of [
      [2, 4, 4],
      [1, 5, 6],
    ]) {
      const day = `2026-11-${22 - night}`;
      write(
        `dumps/audit/${day}.dump`,
        Buffer.alloc(8192, written),
        at(night * DAY),
      );
      write(
        `dumps/audit/${day}.dump.manifest.json`,
        JSON.stringify({
          status: 'succeeded',
          finishedAt: at(night * DAY).toISOString(),
          sizeBytes: 8192,
          sha256: createHash('sha256')
            .update(Buffer.alloc(8192, fill))
            .digest('hex'),
        }),
        at(night * DAY),
      );
    }
    // A symbolic link out of the location must never be followed.
    mkdirSync(join(root, 'escape/backup'), { recursive: true });
    symlinkSync(outside, join(root, 'escape/backup/main'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('reads WAL-G sentinels: deltas are incremental, a shrunk delta fails size sanity, WAL is fresh', async () => {
    const results = await evaluate({
      [ANNOTATIONS.backupPrefix]: 'walg/payments',
      [ANNOTATIONS.backupTool]: 'wal-g',
      [BACKUP_MODULE_ANNOTATIONS.pitr]: '15m',
      [ANNOTATIONS.backupPlan]:
        'what: payments\nmethod: incremental\nschedule: "0 2 * * *"\nfullSchedule: "0 3 * * 0"\nrpo: 26h\nrto: 1h\nretention: 7d\nprocedure: wal-g backup-fetch',
    });
    expect(results['backup.fresh']).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining(
        'Newest successful backup base_000000010000000000000007_D_000000010000000000000002 (incr) finished 1d ago',
      ),
    });
    expect(results['backup.size-sane']).toMatchObject({
      status: 'fail',
      summary:
        'Newest backup base_000000010000000000000007_D_000000010000000000000002 is 88 KiB, 90% smaller than the median 898 KiB of the 3 earlier incr backups',
    });
    expect(results['backup.method']).toMatchObject({ status: 'pass' });
    expect(results['backup.pitr-wal']).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(
        /^Newest WAL segment 000000010000000000000008 archived 10m ago \(limit 15m\)$/,
      ),
    });
    // Six days of backups and a plan keeping seven: nothing can have been pruned yet.
    expect(results['backup.retention']).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(
        /^Retention not reached yet: the oldest successful backup finished 6d ago, the plan keeps 7d, and backups began only 6d ago/,
      ),
    });
    // A restore test of a 20-day-old backup shows that backups began earlier: pruned too soon.
    const pruned = await evaluate({
      [ANNOTATIONS.backupPrefix]: 'walg/payments',
      [ANNOTATIONS.backupTool]: 'wal-g',
      [ANNOTATIONS.restoreTestPrefix]: 'restore-tests/payments',
      [ANNOTATIONS.backupPlan]:
        'what: payments\nmethod: incremental\nschedule: "0 2 * * *"\nfullSchedule: "0 3 * * 0"\nrpo: 26h\nrto: 1h\nretention: 7d\nprocedure: wal-g backup-fetch',
    });
    expect(pruned['backup.retention']).toMatchObject({
      status: 'fail',
      summary:
        'Retention below plan: the oldest successful backup finished 6d ago, the plan keeps 7d',
    });
  });

  it('reads Velero backups: a partially failed newest backup fails, items are the size, TTL below retention fails', async () => {
    const results = await evaluate({
      [ANNOTATIONS.backupPrefix]: 'velero',
      [ANNOTATIONS.backupTool]: 'velero',
      [ANNOTATIONS.backupPlan]:
        'what: orders namespace\nmethod: full\nschedule: "0 1 * * *"\nrpo: 26h\nrto: 2h\nretention: 2d\nprocedure: velero restore create --from-backup <name>',
    });
    expect(results['backup.errors']).toMatchObject({
      status: 'fail',
      summary:
        'Newest backup orders-daily-20261121 partially failed 1d ago: phase PartiallyFailed; 2 errors',
      // Stored with the time, so that the result reads the same at the next refresh.
      storedSummary: expect.stringMatching(
        /^Newest backup orders-daily-20261121 partially failed \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z: phase/,
      ),
    });
    expect(results['backup.fresh']).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(
        'Newest successful backup orders-daily-20261120 (full) finished 2d ago, older than the RPO of 1d 2h',
      ),
    });
    expect(results['backup.size-sane']).toMatchObject({
      status: 'pass',
      summary:
        'Newest backup orders-daily-20261120 is 240 items; no earlier full backup to compare with',
    });
  });

  it('reads dumps with manifests: a failed dump is not counted, an empty one is garbage', async () => {
    const results = await evaluate({
      [ANNOTATIONS.backupPrefix]: 'dumps/users',
      [ANNOTATIONS.backupTool]: 'dump',
      [ANNOTATIONS.backupPlan]:
        'what: users\nmethod: full\nschedule: "0 2 * * *"\nrpo: 3d\nrto: 1h\nretentionCount: 3\nprocedure: pg_restore',
    });
    expect(results['backup.errors']).toMatchObject({
      status: 'fail',
      summary:
        'Newest backup users-2026-11-21.dump failed 1d ago: manifest says failed: pg_dump: connection lost',
    });
    expect(results['backup.fresh']).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining(
        'Newest successful backup users-2026-11-20.dump (full) finished 2d ago',
      ),
    });
    expect(results['backup.retention']).toMatchObject({
      status: 'fail',
      summary: 'Retention below plan: 2 successful backups kept, plan keeps 3',
    });
  });

  it('reads another dump layout by the documented pattern: one backup per dump, companions ignored', async () => {
    const plan = {
      [ANNOTATIONS.backupPrefix]: 'dumps/ledger',
      [ANNOTATIONS.backupTool]: 'dump',
      [ANNOTATIONS.backupPlan]:
        'what: ledger\nmethod: full\nschedule: "0 2 * * *"\nrpo: 2d\nrto: 1h\nretentionCount: 3\nprocedure: pg_restore',
    };
    const results = await evaluate({
      ...plan,
      [BACKUP_MODULE_ANNOTATIONS.dumpPattern]: '*/db.sql.gz',
    });
    expect(results['backup.retention']).toMatchObject({ status: 'pass' });
    expect(results['backup.retention'].summary).toContain(
      '3 successful backups',
    );
    expect(results['backup.size-sane']).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining('2026-11-21/db.sql.gz'),
    });
    // Without the pattern, every checksum and schema file would count as a backup of its own.
    const unpatterned = await evaluate(plan);
    expect(unpatterned['backup.retention'].summary).toContain(
      '9 successful backups',
    );
  });

  it.each([
    ['../other/*.dump', 'must be relative to the backup prefix'],
    ['!*.sha256', 'must name the dumps, not exclude them'],
  ])(
    'says what is wrong with the dump pattern %p instead of reading anything',
    async (pattern, why) => {
      const results = await evaluate({
        [ANNOTATIONS.backupPrefix]: 'dumps/ledger',
        [ANNOTATIONS.backupTool]: 'dump',
        [BACKUP_MODULE_ANNOTATIONS.dumpPattern]: pattern,
      });
      expect(results['backup.fresh']).toMatchObject({
        status: 'unknown',
        summary: expect.stringContaining(
          `annotation production-readiness.io/backup-dump-pattern "${pattern}" ${why}`,
        ),
      });
    },
  );

  it('fails a dump whose file no longer has the SHA-256 its manifest recorded', async () => {
    const results = await evaluate({
      [ANNOTATIONS.backupPrefix]: 'dumps/audit',
      [ANNOTATIONS.backupTool]: 'dump',
    });
    expect(results['backup.errors']).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(
        "Newest backup 2026-11-21.dump failed 1d ago: its content's SHA-256 is",
      ),
    });
    expect(results['backup.errors'].evidence![0].value).toMatchObject({
      checksum: 'SHA-256 differs from the manifest',
    });
  });

  it('does not follow a symbolic link out of the location', async () => {
    const results = await evaluate({
      [ANNOTATIONS.backupPrefix]: 'escape',
      [ANNOTATIONS.backupTool]: 'pgbackrest',
    });
    expect(results['backup.location-reachable']).toMatchObject({
      status: 'pass',
      summary: 'Location nfs listed: 0 objects under prefix "escape/"',
    });
    expect(results['backup.fresh'].status).toBe('unknown');
  });

  it('fails reachability when the folder does not exist', async () => {
    const results = await evaluateOnFolder({
      root: join(root, 'not-mounted'),
      name: 'db',
      annotations: {},
    });
    expect(results['backup.location-reachable']).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(
        /^location "nfs" \(folder .*not-mounted\): listing failed: it does not exist \(ENOENT\)$/,
      ),
    });
  });
});
