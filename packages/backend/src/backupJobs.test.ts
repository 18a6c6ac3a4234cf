/*
 * The backup and restore-test jobs the template generates (dump flavour) run for real: bash,
 * pg_dumpall/pg_dump/pg_restore/initdb against a real PostgreSQL with roles, memberships and
 * data, the AWS CLI against an S3-protocol server, jq, curl; with the generated entity of
 * their database, against the real readiness backend with the backup module and the real
 * auth services of backend-defaults (a backend.auth.externalAccess static token).
 * - the backup job reports every run, and records an inventory next to each dump;
 * - the restore test proves the roles and the data came back, and fails (exit code, record,
 *   check) naming what did not.
 */
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { Entity } from '@backstage/catalog-model';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  createWorkDir,
  findBinary,
  freePort,
  listKeys,
  s3Client,
  startPostgres,
  startS3,
  TestPostgres,
  TestS3,
  unprivilegedUser,
  WorkDir,
} from '@internal/test-servers';
import {
  ReadinessTestBackend,
  startReadinessTestBackend,
} from '@production-readiness/plugin-production-readiness-backend/testUtils';
import backupModule from '@production-readiness/plugin-production-readiness-backend-module-backup';
import {
  backupInventorySchema,
  CheckResult,
} from '@production-readiness/plugin-production-readiness-common';
import { createBlmRenderAction } from '@production-readiness/plugin-scaffolder-backend-module-production-readiness';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

jest.setTimeout(180_000);

const BUCKET = 'backups';
const JOB_TOKEN = 'inventory-backup-job-token-0123456789';
const STRANGER_TOKEN = 'some-other-job-token-0123456789abc';
const DB_REF = 'resource:default/inventory-api-db';
const jobUser = unprivilegedUser();

/** The service's database: accounts with memberships, and tables with data. */
const DATABASE_SQL = `
create role app_owner nologin;
create role app_reader login password 'reader-secret';
create role app_writer login password 'writer-secret';
grant app_reader to app_writer;
create database inventory owner app_owner;
\\c inventory
set role app_owner;
create table public.items (id int primary key, name text not null);
insert into public.items select i, 'item ' || i from generate_series(1, 1200) i;
create table public.stock (item_id int references public.items, warehouse text, quantity int);
insert into public.stock select i % 1200 + 1, 'wh-' || (i % 3), i from generate_series(1, 3000) i;
grant select on all tables in schema public to app_reader;
grant insert, update on public.stock to app_writer;
`;

describe('the generated backup and restore-test jobs', () => {
  let work: WorkDir;
  let s3: TestS3;
  let postgres: TestPostgres;
  let backend: ReadinessTestBackend;
  let scripts: { backup: string; restoreTest: string };

  beforeAll(async () => {
    // What the job's image holds; scripts/bootstrap.sh installs the Debian packages.
    for (const [name, debianPackage] of [
      ['bash', 'bash'],
      ['initdb', 'postgresql'],
      ['aws', 'awscli'],
      ['jq', 'jq'],
      ['curl', 'curl'],
      ['pg_dump', 'postgresql-client'],
    ]) {
      findBinary({ names: [name], debianPackage });
    }
    // The jobs run as the pod's unprivileged user (initdb refuses root).
    work = createWorkDir('backup-job', jobUser);
    const workspace = path.join(work.path, 'workspace');
    fs.mkdirSync(workspace);
    await createBlmRenderAction().handler(
      createMockActionContext({
        workspacePath: workspace,
        input: {
          name: 'inventory-api',
          owner: 'group:default/team-inventory',
          system: 'webshop',
          lifecycle: 'production',
          image: 'ghcr.io/acme/inventory-api',
          alertReceiver: 'team-inventory',
          onCall: 'pagerduty:P123ABC',
          runbookUrl: 'https://backstage.example.com/runbook/',
          database: true,
          backupLocation: 'main',
          backupTool: 'dump',
          backupMethod: 'full',
        },
      }) as any,
    );
    const [configMap] = parseAllDocuments(
      fs.readFileSync(
        path.join(workspace, 'deploy/kubernetes/backup/scripts-configmap.yaml'),
        'utf8',
      ),
    ).map(d => d.toJS());
    scripts = {
      backup: path.join(work.path, 'backup-dump.sh'),
      restoreTest: path.join(work.path, 'restore-test.sh'),
    };
    fs.writeFileSync(scripts.backup, configMap.data['backup-dump.sh']);
    fs.writeFileSync(scripts.restoreTest, configMap.data['restore-test.sh']);
    const entities = parseAllDocuments(
      fs.readFileSync(path.join(workspace, 'catalog-info.yaml'), 'utf8'),
    ).map(d => d.toJS() as Entity);
    const database = entities.find(e => e.kind === 'Resource')!;

    [s3, postgres] = await Promise.all([
      startS3({ buckets: [BUCKET] }),
      startPostgres(),
    ]);
    // The database the service works with, and the accounts that work with it.
    const created = spawnSync(
      'psql',
      [postgres.connectionString, '-X', '-q', '-v', 'ON_ERROR_STOP=1'],
      { encoding: 'utf8', input: DATABASE_SQL },
    );
    if (created.status !== 0) {
      throw new Error(`creating the database failed: ${created.stderr}`);
    }

    backend = await startReadinessTestBackend({
      entities: [database],
      features: [backupModule],
      // The real auth and permission services: static tokens, their access restrictions.
      services: [
        authServiceFactory,
        httpAuthServiceFactory,
        permissionsServiceFactory,
      ],
      rootConfig: {
        permission: { enabled: true },
        backend: {
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: { token: JOB_TOKEN, subject: 'inventory-backup-job' },
              },
              {
                type: 'static',
                options: { token: STRANGER_TOKEN, subject: 'stranger-job' },
              },
            ],
          },
        },
      },
      config: {
        refresh: { minInterval: { milliseconds: 1 } },
        pushedResults: {
          principals: [{ subject: 'inventory-backup-job', entities: [DB_REF] }],
        },
        backup: {
          locations: [
            {
              name: 'main',
              type: 's3',
              bucket: BUCKET,
              endpoint: s3.endpoint,
              region: s3.region,
              forcePathStyle: true,
              credentials: s3.credentials,
            },
          ],
        },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await Promise.all([s3?.stop(), postgres?.stop()]);
    work?.remove();
  });

  /** Runs a generated script as its CronJob would, with the Secrets' values in the environment. */
  function runJob(
    options: {
      script?: 'backup' | 'restoreTest';
      token?: string;
      pgPort?: number;
    } = {},
  ): Promise<{ status: number | null; stderr: string }> {
    const scratch = fs.mkdtempSync(path.join(work.path, 'scratch-'));
    if (jobUser) {
      fs.chownSync(scratch, jobUser.uid, jobUser.gid);
    }
    // Asynchronously: the backend the job pushes to answers from this process.
    const job = spawn('bash', [scripts[options.script ?? 'backup']], {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...jobUser,
      env: {
        // What a container's PATH holds.
        PATH: '/usr/local/bin:/usr/bin:/bin',
        SCRATCH: scratch,
        HOME: scratch,
        BACKUP_PREFIX: `pg/inventory-api-db`,
        RESTORE_TEST_PREFIX: 'restore-tests/inventory-api-db',
        RETENTION_COUNT: '3',
        ENTITY_REF: DB_REF,
        RTO_SECONDS: '3600',
        EXACT_COUNT_LIMIT: '100000',
        S3_BUCKET: BUCKET,
        S3_ENDPOINT: s3.endpoint,
        AWS_DEFAULT_REGION: s3.region,
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        PGHOST: '127.0.0.1',
        PGPORT: String(options.pgPort ?? postgres.port),
        PGUSER: 'postgres',
        PGDATABASE: 'inventory',
        PRODUCTION_READINESS_URL: backend.baseUrl,
        PRODUCTION_READINESS_TOKEN: options.token ?? JOB_TOKEN,
      },
    });
    let stderr = '';
    job.stderr.setEncoding('utf8').on('data', chunk => {
      stderr += chunk;
    });
    return new Promise((resolve, reject) => {
      job.on('error', reject);
      job.on('close', status => resolve({ status, stderr }));
    });
  }

  /** The dumps under the prefix, newest first (named by their UTC start time). */
  const dumps = async () =>
    (await listKeys(s3Client(s3), BUCKET, 'pg/inventory-api-db/'))
      .map(o => path.basename(o.key))
      .filter(name => name.endsWith('.dump'))
      .sort()
      .reverse();

  async function check(checkId: string): Promise<CheckResult> {
    const report = await backend.refresh(DB_REF, `Bearer ${JOB_TOKEN}`);
    return report.results.find(r => r.checkId === checkId)!;
  }

  it('writes the backup to the bucket and pushes a succeeded backup-run record', async () => {
    const run = await runJob();
    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    const dump = (await dumps())[0];
    expect(dump).toBeDefined();
    // The location's metadata describes the backup the job pushed a run of: it is read from
    // there, and the pushed run is not counted a second time.
    const errors = await check('backup.errors');
    expect(errors.status).toBe('pass');
    expect(errors.evidence.map(e => e.source)).toEqual(['backup:main']);
  });

  it('pushes a failed run when pg_dump fails, so backup.errors fails at once', async () => {
    const run = await runJob({ pgPort: await freePort() });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/pg_dumpall: error: connection to server/);
    const errors = await check('backup.errors');
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
    const run = await runJob({ token: STRANGER_TOKEN });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(
      'Production Readiness did not take the backup-run record: {"error":{"name":"NotAllowedError","message":"Service principal stranger-job may not push results: it is not named in productionReadiness.pushedResults.principals"',
    );
    // Its backup still reached the bucket; the job's failure shows that it could not report.
    expect((await dumps())[0] >= `${startedAt}.dump`).toBe(true);
  });

  /** Runs the AWS CLI against the test's S3 server (to tamper with a backup). */
  function aws(...args: string[]): void {
    const run = spawnSync(
      'aws',
      ['s3', ...args, '--endpoint-url', s3.endpoint, '--only-show-errors'],
      {
        encoding: 'utf8',
        env: {
          PATH: '/usr/local/bin:/usr/bin:/bin',
          HOME: work.path,
          AWS_DEFAULT_REGION: s3.region,
          AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        },
      },
    );
    if (run.status !== 0) {
      throw new Error(`aws s3 ${args.join(' ')} failed: ${run.stderr}`);
    }
  }

  /** Takes a backup with the generated job and returns the dump's name. */
  async function backUp(): Promise<string> {
    const run = await runJob();
    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    return (await dumps())[0];
  }

  it('records an inventory of the roles and rows next to each dump', async () => {
    const dump = await backUp();
    const file = path.join(work.path, 'inventory.json');
    aws(
      'cp',
      `s3://${BUCKET}/pg/inventory-api-db/${dump}.inventory.json`,
      file,
    );
    const inventory = backupInventorySchema.parse(
      JSON.parse(fs.readFileSync(file, 'utf8')),
    );
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
    expect(fs.readFileSync(file, 'utf8')).not.toMatch(/SCRAM|md5|secret/);
  });

  it('restores the newest dump, finds every role, membership and row, and the restore check passes', async () => {
    const dump = await backUp();
    const restore = await runJob({ script: 'restoreTest' });
    // (Its log, stderr, is shown when it failed.)
    expect({ status: restore.status, stderr: restore.stderr }).toEqual({
      status: 0,
      stderr: restore.status === 0 ? restore.stderr : '',
    });
    const restored = await check('backup.restore-tested');
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
    aws(
      'rm',
      `s3://${BUCKET}/pg/inventory-api-db/${dump.replace(
        /\.dump$/,
        '',
      )}.globals.sql`,
    );
    const restore = await runJob({ script: 'restoreTest' });
    expect(restore.status).not.toBe(0);
    expect(restore.stderr).toContain(
      'FAILED: role app_reader restored with its attributes and memberships: expected login true, superuser false, replication false, password set, member of [], found missing after restore',
    );
    const restored = await check('backup.restore-tested');
    expect(restored.status).toBe('fail');
    expect(restored.summary).toMatch(
      /failed validations: .*role app_owner restored with its attributes and memberships, role app_reader restored with its attributes and memberships, role app_writer restored/,
    );
  });

  it('fails, exits non-zero and names the table when a table is missing from the dump', async () => {
    const dump = await backUp();
    // The dump in the bucket lost a table after the job recorded its inventory.
    const tampered = path.join(work.path, 'tampered.dump');
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
    aws('cp', tampered, `s3://${BUCKET}/pg/inventory-api-db/${dump}`);
    const restore = await runJob({ script: 'restoreTest' });
    expect(restore.status).not.toBe(0);
    expect(restore.stderr).toContain(
      'FAILED: table public.stock restored with its rows: expected 3000 rows, found missing after restore',
    );
    expect(restore.stderr).toMatch(/FAILED: dump .* is the one inventoried/);
    const restored = await check('backup.restore-tested');
    expect(restored.status).toBe('fail');
    expect(restored.summary).toMatch(
      /failed validations: .*table public\.stock restored with its rows/,
    );
  });
});
