/*
 * The backup job the template generates reports every run to Production Readiness: its
 * generated backup-dump.sh runs for real (dash, pg_dumpall/pg_dump against a real PostgreSQL,
 * the AWS CLI against an S3-protocol server, jq, curl), with the generated entity of its
 * database, against the real readiness backend with the backup module and the real auth
 * services of backend-defaults (a backend.auth.externalAccess static token).
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
  WorkDir,
} from '@internal/test-servers';
import {
  ReadinessTestBackend,
  startReadinessTestBackend,
} from '@production-readiness/plugin-production-readiness-backend/testUtils';
import backupModule from '@production-readiness/plugin-production-readiness-backend-module-backup';
import { CheckResult } from '@production-readiness/plugin-production-readiness-common';
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

describe('the generated backup job pushes each run', () => {
  let work: WorkDir;
  let s3: TestS3;
  let postgres: TestPostgres;
  let backend: ReadinessTestBackend;
  let script: string;

  beforeAll(async () => {
    // What the job's image holds; scripts/bootstrap.sh installs the Debian packages.
    for (const [name, debianPackage] of [
      ['dash', 'dash'],
      ['aws', 'awscli'],
      ['jq', 'jq'],
      ['curl', 'curl'],
      ['pg_dump', 'postgresql-client'],
    ]) {
      findBinary({ names: [name], debianPackage });
    }
    work = createWorkDir('backup-job');
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
    script = path.join(work.path, 'backup-dump.sh');
    fs.writeFileSync(script, configMap.data['backup-dump.sh']);
    const entities = parseAllDocuments(
      fs.readFileSync(path.join(workspace, 'catalog-info.yaml'), 'utf8'),
    ).map(d => d.toJS() as Entity);
    const database = entities.find(e => e.kind === 'Resource')!;

    [s3, postgres] = await Promise.all([
      startS3({ buckets: [BUCKET] }),
      startPostgres(),
    ]);
    const created = spawnSync(
      'psql',
      [
        postgres.connectionString,
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        'create database inventory',
      ],
      { encoding: 'utf8' },
    );
    if (created.status !== 0) {
      throw new Error(`create database failed: ${created.stderr}`);
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

  /** Runs the generated script as its CronJob would, with the Secrets' values in the environment. */
  function runJob(
    options: { token?: string; pgPort?: number } = {},
  ): Promise<{ status: number | null; stderr: string }> {
    const scratch = fs.mkdtempSync(path.join(work.path, 'scratch-'));
    // Asynchronously: the backend the job pushes to answers from this process.
    const job = spawn('dash', [script], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH,
        SCRATCH: scratch,
        HOME: scratch,
        BACKUP_PREFIX: `pg/inventory-api-db`,
        RESTORE_TEST_PREFIX: 'restore-tests/inventory-api-db',
        RETENTION_COUNT: '3',
        ENTITY_REF: DB_REF,
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
});
