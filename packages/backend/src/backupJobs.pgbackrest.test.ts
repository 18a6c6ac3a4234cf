/*
 * The backup and restore-test jobs the template generates (pgBackRest flavour) run for real:
 * bash, pgbackrest (backup, check, info, repo-get, restore), psql, pg_ctl against a real
 * PostgreSQL with WAL archiving, roles, memberships and data; inventories and records through
 * the AWS CLI to an S3-protocol server; pushed to the real readiness backend (see
 * __testUtils__/backupJobs.ts).
 *
 * The one difference from the generated manifests: the pgBackRest repository is a posix folder
 * (PGBACKREST_CONFIG names it) instead of the bucket, because pgBackRest's S3 driver speaks
 * only HTTPS and the S3-protocol server here speaks HTTP. The scripts are the same either way:
 * they take every pgBackRest option from the environment.
 */
import { PgBackRestFixture, startPgBackRest } from '@internal/test-servers';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  BACKUP_PREFIX,
  BackupJobs,
  BUCKET,
  createServiceDatabase,
  DB_REF,
  STANZA,
  startBackupJobs,
} from './__testUtils__/backupJobs';

jest.setTimeout(240_000);

describe('the generated backup and restore-test jobs (pgBackRest)', () => {
  let pg: PgBackRestFixture;
  let jobs: BackupJobs;
  /** Runs a statement in the service's database. */
  const sql = (statement: string) => {
    const run = spawnSync(
      'psql',
      [
        pg.postgres.connectionString.replace(/\/postgres$/, '/inventory'),
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        statement,
      ],
      { encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
  };

  beforeAll(async () => {
    pg = await startPgBackRest({ stanza: STANZA });
    createServiceDatabase(pg.postgres.connectionString);
    await pg.pgbackrest('stanza-create');
    jobs = await startBackupJobs({
      backupTool: 'pgbackrest',
      env: {
        PGBACKREST_CONFIG: pg.configPath,
        PGHOST: '127.0.0.1',
        PGPORT: String(pg.postgres.port),
        PGUSER: 'postgres',
      },
    });
  });

  afterAll(async () => {
    await jobs?.stop();
    await pg?.stop();
  });

  /** Takes a backup with the generated job and returns its pgBackRest label. */
  async function backUp(): Promise<string> {
    await jobs.succeeds('backup');
    const [info] = JSON.parse(await pg.pgbackrest('info', '--output=json'));
    return info.backup[info.backup.length - 1].label;
  }

  it('backs up, records the inventory at an archived WAL position, restores to exactly that position and passes', async () => {
    // An inventory of a backup pgBackRest has expired goes with it.
    const expired = `${BACKUP_PREFIX}/inventory/20200101-000000F.inventory.json`;
    const stale = path.join(jobs.work.path, 'stale.json');
    fs.writeFileSync(stale, '{}');
    jobs.aws('cp', stale, `s3://${BUCKET}/${expired}`);
    const label = await backUp();
    expect(await jobs.keys()).toEqual(
      expect.arrayContaining([
        `${BACKUP_PREFIX}/inventory/${label}.inventory.json`,
      ]),
    );
    expect(await jobs.keys()).not.toContain(expired);
    const inventory = jobs.inventory(`inventory/${label}.inventory.json`);
    expect(inventory).toMatchObject({
      entityRef: DB_REF,
      backupId: label,
      checksum: {
        algorithm: 'sha256',
        of: `backup/${STANZA}/${label}/backup.manifest`,
      },
      lsn: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/),
      tables: [
        { schema: 'public', name: 'items', rows: 1200, estimated: false },
        { schema: 'public', name: 'stock', rows: 3000, estimated: false },
      ],
    });
    expect(inventory.roles.find(r => r.name === 'app_writer')).toEqual({
      name: 'app_writer',
      login: true,
      superuser: false,
      replication: false,
      passwordSet: true,
      memberOf: ['app_reader'],
    });

    // Rows written after the inventory are not what it describes: the restore stops before them.
    sql(
      `insert into public.items select i, 'late ' || i from generate_series(5001, 5500) i`,
    );
    await jobs.succeeds('restoreTest');
    const restored = await jobs.check('backup.restore-tested');
    expect(restored.status).toBe('pass');
    expect(restored.summary).toContain(
      `covering the ${inventory.roles.length} roles and 2 tables of its inventory`,
    );
    const record = restored.evidence[0].value as {
      backupId: string;
      validations: string[];
    };
    expect(record.backupId).toBe(label);
    expect(record.validations).toEqual(
      expect.arrayContaining([
        `backup ${label} recovered to the inventory's WAL position ${inventory.lsn} and promoted: ok (expected recovered and promoted, actual recovered and promoted)`,
        expect.stringMatching(
          new RegExp(
            `^backup ${label} is the one inventoried \\(sha256 of its manifest\\): ok`,
          ),
        ),
        'database inventory restored: ok (expected inventory, actual inventory)',
        expect.stringMatching(
          /^role app_writer restored with its attributes and memberships: ok \(expected login true, superuser false, replication false, password set, member of \[app_reader\]/,
        ),
        'table public.items restored with its rows: ok (expected 1200 rows, actual 1200 rows)',
        'table public.stock restored with its rows: ok (expected 3000 rows, actual 3000 rows)',
      ]),
    );
    sql('delete from public.items where id > 5000');
  });

  it('fails, exits non-zero and names the table whose rows a physical backup does not hold (unlogged)', async () => {
    sql(
      `create unlogged table public.sessions as select i as id from generate_series(1, 500) i`,
    );
    try {
      await backUp();
      const restore = await jobs.run('restoreTest');
      expect(restore.status).not.toBe(0);
      expect(restore.stderr).toContain(
        'FAILED: table public.sessions restored with its rows: expected 500 rows, found 0 rows',
      );
      const restored = await jobs.check('backup.restore-tested');
      expect(restored.status).toBe('fail');
      expect(restored.summary).toMatch(
        /failed validations: table public\.sessions restored with its rows\)$/,
      );
    } finally {
      sql('drop table public.sessions');
    }
  });

  it('fails and exits non-zero when the backup lost the file holding the roles', async () => {
    const label = await backUp();
    // pg_authid (global/1260) went missing from the backup after the job recorded it.
    const backupDir = path.join(
      pg.repoPath,
      'backup',
      STANZA,
      label,
      'pg_data',
    );
    const authid = fs
      .readdirSync(path.join(backupDir, 'global'))
      .find(name => /^1260(\.|$)/.test(name))!;
    fs.rmSync(path.join(backupDir, 'global', authid));
    const restore = await jobs.run('restoreTest');
    expect(restore.status).not.toBe(0);
    expect(restore.stderr).toMatch(
      new RegExp(
        `FAILED: pgbackrest restore of backup ${label}: expected restored, found .*1260`,
      ),
    );
    const restored = await jobs.check('backup.restore-tested');
    expect(restored.status).toBe('fail');
    expect(restored.summary).toContain(
      `failed validations: pgbackrest restore of backup ${label}`,
    );
  });
});
