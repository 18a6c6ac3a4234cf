/*
 * The backup and restore-test jobs the template generates (dump flavour) run for real: bash,
 * pg_dumpall/pg_dump/pg_restore/initdb against a real PostgreSQL with roles, memberships and
 * data, the AWS CLI against an S3-protocol server, jq, curl; with the generated entity of
 * their database, against the real readiness backend (see __testUtils__/backupJobs.ts).
 * - the backup job reports every run, and records an inventory next to each dump;
 * - the restore test proves the roles and the data came back, and fails (exit code, record,
 *   check) naming what did not.
 */
import { freePort, startPostgres, TestPostgres } from '@internal/test-servers';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  BACKUP_PREFIX,
  BackupJobs,
  BUCKET,
  createServiceDatabase,
  DB_REF,
  startBackupJobs,
  STRANGER_TOKEN,
} from './__testUtils__/backupJobs';

jest.setTimeout(180_000);

describe('the generated backup and restore-test jobs (pg_dump)', () => {
  let postgres: TestPostgres;
  let jobs: BackupJobs;

  beforeAll(async () => {
    postgres = await startPostgres();
    // The database the service works with, and the accounts that work with it.
    createServiceDatabase(postgres.connectionString);
    jobs = await startBackupJobs({
      backupTool: 'dump',
      env: {
        PGHOST: '127.0.0.1',
        PGPORT: String(postgres.port),
        PGUSER: 'postgres',
      },
    });
  });

  afterAll(async () => {
    await jobs?.stop();
    await postgres?.stop();
  });

  /** The dumps under the prefix, newest first (named by their UTC start time). */
  const dumps = async () =>
    (await jobs.keys())
      .map(key => path.basename(key))
      .filter(name => name.endsWith('.dump'))
      .sort()
      .reverse();

  it('writes the backup to the bucket and pushes a succeeded backup-run record', async () => {
    await jobs.succeeds('backup');
    const dump = (await dumps())[0];
    expect(dump).toBeDefined();
    // The location's metadata describes the backup the job pushed a run of: it is read from
    // there, and the pushed run is not counted a second time.
    const errors = await jobs.check('backup.errors');
    expect(errors.status).toBe('pass');
    expect(errors.evidence.map(e => e.source)).toEqual(['backup:main']);
    // Its manifest records the dump's SHA-256, and the dump in the bucket was checked with it.
    expect(errors.evidence[0].value).toMatchObject({
      id: dump,
      checksum: 'SHA-256 matches the manifest',
    });
  });

  it('pushes a failed run when pg_dump fails, so backup.errors fails at once', async () => {
    const run = await jobs.run('backup', {
      env: { PGPORT: String(await freePort()) },
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/pg_dumpall: error: connection to server/);
    const errors = await jobs.check('backup.errors');
    expect(errors.status).toBe('fail');
    expect(errors.summary).toMatch(
      /^Newest backup \d{8}T\d{6}Z\.dump failed \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z: backup script exited with status \d+; see the job log$/,
    );
    expect(errors.evidence[0].source).toBe(
      'pushed by service:inventory-backup-job',
    );
  });

  it('fails a job whose push is refused, with the answer in its log', async () => {
    const startedAt = new Date().toISOString().replace(/[-:]|\.\d+/g, '');
    const run = await jobs.run('backup', { token: STRANGER_TOKEN });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(
      'Production Readiness did not take the backup-run record: {"error":{"name":"NotAllowedError","message":"Service principal stranger-job may not push results: it is not named in productionReadiness.pushedResults.principals"',
    );
    // Its backup still reached the bucket; the job's failure shows that it could not report.
    expect((await dumps())[0] >= `${startedAt}.dump`).toBe(true);
  });

  /** Takes a backup with the generated job and returns the dump's name. */
  async function backUp(): Promise<string> {
    await jobs.succeeds('backup');
    return (await dumps())[0];
  }

  it('fails the newest dump once its object in the bucket is replaced by one of the same size', async () => {
    const dump = await backUp();
    const key = `s3://${BUCKET}/${BACKUP_PREFIX}/${dump}`;
    const file = path.join(jobs.work.path, 'replaced.dump');
    jobs.aws('cp', key, file);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(file, bytes);
    jobs.aws('cp', file, key);
    const errors = await jobs.check('backup.errors');
    expect(errors.status).toBe('fail');
    expect(errors.summary).toContain(`Newest backup ${dump} failed`);
    expect(errors.summary).toMatch(
      /its content's SHA-256 is [0-9a-f]{64}, its manifest recorded [0-9a-f]{64}: corrupted or replaced after the backup/,
    );
    // The next backup is whole again.
    await backUp();
    await expect(jobs.check('backup.errors')).resolves.toMatchObject({
      status: 'warn',
    });
  });

  it('records an inventory of the roles and rows next to each dump', async () => {
    const dump = await backUp();
    const inventory = jobs.inventory(`${dump}.inventory.json`);
    expect(inventory).toMatchObject({
      entityRef: DB_REF,
      backupId: dump,
      checksum: { algorithm: 'sha256', of: dump },
      database: 'inventory',
      exactCountLimit: 100000,
    });
    expect(inventory.databases).toEqual(
      expect.arrayContaining(['inventory', 'postgres']),
    );
    expect(inventory.roles.filter(r => r.name.startsWith('app_'))).toEqual([
      {
        name: 'app_owner',
        login: false,
        superuser: false,
        replication: false,
        passwordSet: false,
        memberOf: [],
      },
      {
        name: 'app_reader',
        login: true,
        superuser: false,
        replication: false,
        passwordSet: true,
        memberOf: [],
      },
      {
        name: 'app_writer',
        login: true,
        superuser: false,
        replication: false,
        passwordSet: true,
        memberOf: ['app_reader'],
      },
    ]);
    expect(inventory.tables).toEqual([
      { schema: 'public', name: 'items', rows: 1200, estimated: false },
      { schema: 'public', name: 'stock', rows: 3000, estimated: false },
    ]);
    // No password hash is recorded anywhere.
    expect(JSON.stringify(inventory)).not.toMatch(/SCRAM|md5|secret/);
  });

  it('restores the newest dump, finds every role, membership and row, and the restore check passes', async () => {
    const dump = await backUp();
    await jobs.succeeds('restoreTest');
    const restored = await jobs.check('backup.restore-tested');
    expect(restored.status).toBe('pass');
    const record = restored.evidence[0].value as {
      backupId: string;
      validations: string[];
    };
    const validations = record.validations;
    expect(validations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^role app_writer restored with its attributes and memberships: ok \(expected login true, superuser false, replication false, password set, member of \[app_reader\]/,
        ),
        'table public.items restored with its rows: ok (expected 1200 rows, actual 1200 rows)',
        'table public.stock restored with its rows: ok (expected 3000 rows, actual 3000 rows)',
        expect.stringMatching(/^dump .* is the one inventoried: ok/),
        expect.stringMatching(/^restored within the RTO: ok/),
      ]),
    );
    expect(record.backupId).toBe(dump.replace(/\.dump$/, ''));
  });

  it('fails, exits non-zero and names the roles when the roles did not make it into the backup', async () => {
    const dump = await backUp();
    // The globals went missing after the job recorded its inventory.
    jobs.aws(
      'rm',
      `s3://${BUCKET}/${BACKUP_PREFIX}/${dump.replace(
        /\.dump$/,
        '',
      )}.globals.sql`,
    );
    const restore = await jobs.run('restoreTest');
    expect(restore.status).not.toBe(0);
    expect(restore.stderr).toContain(
      'FAILED: role app_reader restored with its attributes and memberships: expected login true, superuser false, replication false, password set, member of [], found missing after restore',
    );
    const restored = await jobs.check('backup.restore-tested');
    expect(restored.status).toBe('fail');
    expect(restored.summary).toMatch(
      /failed validations: .*role app_owner restored with its attributes and memberships, role app_reader restored with its attributes and memberships, role app_writer restored/,
    );
  });

  it('fails, exits non-zero and names the table when a table is missing from the dump', async () => {
    const dump = await backUp();
    // The dump in the bucket lost a table after the job recorded its inventory.
    const tampered = path.join(jobs.work.path, 'tampered.dump');
    const dumped = spawnSync(
      'pg_dump',
      [
        postgres.connectionString.replace(/\/postgres$/, '/inventory'),
        '-Fc',
        '-T',
        'public.stock',
        '-f',
        tampered,
      ],
      { encoding: 'utf8' },
    );
    expect(dumped.stderr).toBe('');
    jobs.aws('cp', tampered, `s3://${BUCKET}/${BACKUP_PREFIX}/${dump}`);
    const restore = await jobs.run('restoreTest');
    expect(restore.status).not.toBe(0);
    expect(restore.stderr).toContain(
      'FAILED: table public.stock restored with its rows: expected 3000 rows, found missing after restore',
    );
    expect(restore.stderr).toMatch(/FAILED: dump .* is the one inventoried/);
    const restored = await jobs.check('backup.restore-tested');
    expect(restored.status).toBe('fail');
    expect(restored.summary).toMatch(
      /failed validations: .*table public\.stock restored with its rows/,
    );
  });
});
