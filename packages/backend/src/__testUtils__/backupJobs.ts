/*
 * Runs the backup and restore-test jobs the template generates for real: renders the template,
 * takes the scripts out of its ConfigMap, and runs them with bash as the pod's unprivileged
 * user, with the Secrets' values in the environment, against a real PostgreSQL holding roles,
 * memberships and data, the S3-protocol server and the real readiness backend (backup module,
 * real auth services of backend-defaults, a static token for the jobs).
 */
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { Entity } from '@backstage/catalog-model';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  createWorkDir,
  findBinary,
  s3Client,
  listKeys,
  runJobScript,
  startS3,
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
  BackupInventory,
  backupInventorySchema,
  CheckResult,
} from '@production-readiness/plugin-production-readiness-common';
import { createBlmRenderAction } from '@production-readiness/plugin-scaffolder-backend-module-production-readiness';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const BUCKET = 'backups';
export const JOB_TOKEN = 'inventory-backup-job-token-0123456789';
export const STRANGER_TOKEN = 'some-other-job-token-0123456789abc';
export const DB_REF = 'resource:default/inventory-api-db';
/** The stanza the template names after the database (pgBackRest flavour). */
export const STANZA = 'inventory-api-db';
export const BACKUP_PREFIX = 'pg/inventory-api-db';

/** The service's database: accounts with memberships, and tables with data. */
export const DATABASE_SQL = `
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

export interface BackupJobs {
  work: WorkDir;
  s3: TestS3;
  backend: ReadinessTestBackend;
  /** Runs a generated script as its CronJob would; resolves with its exit code and log. */
  run(
    script: 'backup' | 'restoreTest',
    options?: { token?: string; env?: Record<string, string> },
  ): Promise<{ status: number | null; stderr: string }>;
  /** The check's result for the database entity, after a refresh. */
  check(checkId: string): Promise<CheckResult>;
  /** Runs a generated script and expects it to succeed (a backup job: with nothing on stderr). */
  succeeds(script: 'backup' | 'restoreTest'): Promise<void>;
  /** The inventory the backup job wrote under the backup prefix (`key` relative to it). */
  inventory(key: string): BackupInventory;
  /** The AWS CLI against the S3 server (to read or tamper with what the jobs wrote). */
  aws(...args: string[]): void;
  /** Keys under the backup prefix. */
  keys(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Renders the template for a service with a database backed up with `backupTool`, and starts
 * the S3 server and the readiness backend the jobs push to. The database is the caller's
 * (`env` of `run` says how to reach it).
 */
export async function startBackupJobs(options: {
  backupTool: 'dump' | 'pgbackrest';
  /** Environment of every run (the database connection, pgBackRest options). */
  env: Record<string, string>;
}): Promise<BackupJobs> {
  // What the job's image holds; scripts/bootstrap.sh installs the Debian packages.
  for (const [name, debianPackage] of [
    ['bash', 'bash'],
    ['initdb', 'postgresql'],
    ['aws', 'awscli'],
    ['jq', 'jq'],
    ['curl', 'curl'],
    ['pg_dump', 'postgresql-client'],
    ['pgbackrest', 'pgbackrest'],
  ]) {
    findBinary({ names: [name], debianPackage });
  }
  // The jobs run as the pod's unprivileged user (initdb refuses root).
  const work = createWorkDir('backup-job', unprivilegedUser());
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
        backupTool: options.backupTool,
        backupMethod: 'full',
      },
    }) as any,
  );
  const scripts = writeJobScripts(workspace, work.path);
  const database = parseAllDocuments(
    fs.readFileSync(path.join(workspace, 'catalog-info.yaml'), 'utf8'),
  )
    .map(d => d.toJS() as Entity)
    .find(e => e.kind === 'Resource')!;

  const s3 = await startS3({ buckets: [BUCKET] });
  const backend = await startReadinessTestBackend({
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
      backup: { locations: [s3BackupLocation('main', s3, BUCKET)] },
    },
  });

  const awsEnv = {
    // What a container's PATH holds.
    PATH: '/usr/local/bin:/usr/bin:/bin',
    ...s3JobEnv(s3, BUCKET),
  };

  const jobs: BackupJobs = {
    work,
    s3,
    backend,
    run: (script, runOptions = {}) =>
      runJobScript(scripts[script], work.path, {
        ...awsEnv,
        BACKUP_PREFIX,
        RESTORE_TEST_PREFIX: 'restore-tests/inventory-api-db',
        RETENTION_COUNT: '3',
        STANZA,
        BACKUP_TYPE: 'full',
        ENTITY_REF: DB_REF,
        RTO_SECONDS: '3600',
        EXACT_COUNT_LIMIT: '100000',
        PGDATABASE: 'inventory',
        PRODUCTION_READINESS_URL: backend.baseUrl,
        PRODUCTION_READINESS_TOKEN: runOptions.token ?? JOB_TOKEN,
        ...options.env,
        ...runOptions.env,
      }),
    async succeeds(script) {
      const run = await jobs.run(script);
      expect({ status: run.status, stderr: run.stderr }).toEqual({
        status: 0,
        // A backup job logs nothing on stderr; a restore test's log is shown when it failed.
        stderr: script === 'restoreTest' && run.status === 0 ? run.stderr : '',
      });
    },
    inventory(key) {
      const file = path.join(work.path, 'inventory.json');
      jobs.aws('cp', `s3://${BUCKET}/${BACKUP_PREFIX}/${key}`, file);
      return backupInventorySchema.parse(
        JSON.parse(fs.readFileSync(file, 'utf8')),
      );
    },
    async check(checkId) {
      const report = await backend.refresh(DB_REF, `Bearer ${JOB_TOKEN}`);
      return report.results.find(r => r.checkId === checkId)!;
    },
    aws(...args) {
      const run = spawnSync(
        'aws',
        ['s3', ...args, '--endpoint-url', s3.endpoint, '--only-show-errors'],
        { encoding: 'utf8', env: { ...awsEnv, HOME: work.path } },
      );
      if (run.status !== 0) {
        throw new Error(`aws s3 ${args.join(' ')} failed: ${run.stderr}`);
      }
    },
    keys: async () =>
      (await listKeys(s3Client(s3), BUCKET, `${BACKUP_PREFIX}/`)).map(
        o => o.key,
      ),
    async stop() {
      await backend.stop();
      await s3.stop();
      work.remove();
    },
  };
  return jobs;
}

/** Creates the service's database (DATABASE_SQL) on a PostgreSQL. */
export function createServiceDatabase(connectionString: string): void {
  const created = spawnSync(
    'psql',
    [connectionString, '-X', '-q', '-v', 'ON_ERROR_STOP=1'],
    { encoding: 'utf8', input: DATABASE_SQL },
  );
  if (created.status !== 0) {
    throw new Error(`creating the database failed: ${created.stderr}`);
  }
}

/**
 * Writes the backup and restore-test scripts of the rendered workspace's ConfigMap to `dir`
 * (`backup.sh`, `restore-test.sh`) and returns their paths.
 */
export function writeJobScripts(
  workspace: string,
  dir: string,
): { backup: string; restoreTest: string } {
  const [configMap] = parseAllDocuments(
    fs.readFileSync(
      path.join(workspace, 'deploy/kubernetes/backup/scripts-configmap.yaml'),
      'utf8',
    ),
  ).map(d => d.toJS());
  const data: Record<string, string> = configMap.data;
  const backup = Object.keys(data).find(name => name.startsWith('backup-'));
  if (!backup || !data['restore-test.sh']) {
    throw new Error(
      `The scripts ConfigMap holds ${Object.keys(data).join(', ')}`,
    );
  }
  const scripts = {
    backup: path.join(dir, 'backup.sh'),
    restoreTest: path.join(dir, 'restore-test.sh'),
  };
  fs.writeFileSync(scripts.backup, data[backup]);
  fs.writeFileSync(scripts.restoreTest, data['restore-test.sh']);
  return scripts;
}

/** The backup location's Secret, as the jobs' environment holds it. */
export function s3JobEnv(s3: TestS3, bucket: string): Record<string, string> {
  return {
    S3_BUCKET: bucket,
    S3_ENDPOINT: s3.endpoint,
    AWS_DEFAULT_REGION: s3.region,
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  };
}

/** A `productionReadiness.backup.locations` entry for the S3 server's bucket. */
export function s3BackupLocation(name: string, s3: TestS3, bucket: string) {
  return {
    name,
    type: 's3',
    bucket,
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: s3.credentials,
  };
}
