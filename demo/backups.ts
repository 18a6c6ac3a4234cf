/*
 * Real backup artifacts for the demo: for each demo database a real PostgreSQL with data,
 * users and roles, backed up by the template's own pgBackRest backup job (a full, then an
 * incremental: real pgBackRest, and the inventory of roles and tables it records in the
 * bucket), and for every database but payments-db the template's restore-test job (the newest
 * backup restored into a scratch PostgreSQL, every role and table compared with the inventory,
 * its record written to the bucket). The jobs run with bash as they run in their pods; the
 * repositories are uploaded to the demo S3 server afterwards (pgBackRest's S3 driver speaks
 * only HTTPS, the demo's S3 server HTTP), where the backup module reads them.
 *
 * Two demo states are made from real backups by what happens to them afterwards, the way
 * they happen in real life (both are printed when the stack starts):
 * - inventory-db: the newest backup's files arrive empty in the bucket ("garbage backup");
 * - ledger-db: the backup job has failed for three nights (its CronJob's failed Jobs are in the
 *   demo cluster, demo/kubernetes/manifests.ts; its backup.info times and its restore
 *   test record are moved back three days).
 * payments-db never had a restore test.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import {
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  deleteKeys,
  listKeys,
  PgBackRestFixture,
  runJobScript,
  startPgBackRest,
} from '@internal/test-servers';
import {
  EVIDENCE_OWNER,
  RestoreTestRecord,
  restoreTestRecordSchema,
} from '@production-readiness/plugin-production-readiness-common';
import { backupJobScripts } from '@production-readiness/plugin-scaffolder-backend-module-production-readiness';

const execFileAsync = promisify(execFile);

export const BACKUP_BUCKET = 'demo-backups';
const DAY_SECONDS = 24 * 3600;

/** What happens to a database's backups after pgBackRest took them. */
type Fate = 'kept' | 'newest-emptied' | 'aged-3-days';

interface DemoDatabase {
  entity: string;
  stanza: string;
  fate: Fate;
  restoreTest: boolean;
  /** Rows in the main table before the full backup and added before the incremental one. */
  rows: [number, number];
  /** The prefix names its entity (production-readiness.json), as the template's jobs write it. */
  namesEntity?: boolean;
}

export const DEMO_DATABASES: DemoDatabase[] = [
  {
    entity: 'orders-db',
    stanza: 'orders',
    fate: 'kept',
    restoreTest: true,
    rows: [1500, 250],
    namesEntity: true,
  },
  {
    entity: 'payments-db',
    stanza: 'payments',
    fate: 'kept',
    restoreTest: false,
    rows: [800, 120],
  },
  {
    entity: 'inventory-db',
    stanza: 'inventory',
    fate: 'newest-emptied',
    restoreTest: true,
    rows: [2000, 300],
  },
  {
    entity: 'ledger-db',
    stanza: 'ledger',
    fate: 'aged-3-days',
    restoreTest: true,
    rows: [3000, 500],
  },
];

/** What was produced, kept in `.data/demo/backups.json`. */
export interface BackupsState {
  producedAt: string;
  databases: Array<{
    entity: string;
    fate: Fate;
    backups: Array<{ label: string; type: string; stoppedAt: string }>;
    rows: number;
  }>;
  restoreTests: RestoreTestRecord[];
  seconds: number;
}

interface PgBackRestInfo {
  backup: Array<{
    label: string;
    type: string;
    timestamp: { start: number; stop: number };
  }>;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(path);
    return entry.isFile() ? [path] : [];
  });
}

/** Moves every backup's start/stop time in a pgBackRest backup.info back by `seconds`. */
export function ageBackupInfo(text: string, seconds: number): string {
  return text.replace(
    /"backup-timestamp-(start|stop)":(\d+)/g,
    (_m, which, value) =>
      `"backup-timestamp-${which}":${Number(value) - seconds}`,
  );
}

function ageRecord(
  record: RestoreTestRecord,
  seconds: number,
): RestoreTestRecord {
  const back = (iso: string) =>
    new Date(Date.parse(iso) - seconds * 1000).toISOString();
  return {
    ...record,
    backupTakenAt: record.backupTakenAt && back(record.backupTakenAt),
    startedAt: back(record.startedAt),
    finishedAt: back(record.finishedAt),
  };
}

async function seed(
  fixture: PgBackRestFixture,
  db: DemoDatabase,
  rows: number,
) {
  const { port } = fixture.postgres;
  const app = `${db.stanza}_app`;
  await fixture.psql(
    port,
    `CREATE ROLE ${app} LOGIN;
     CREATE ROLE ${db.stanza}_readonly NOLOGIN;
     CREATE TABLE IF NOT EXISTS records (id bigserial PRIMARY KEY, customer text NOT NULL,
       amount_cents bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
     GRANT SELECT ON records TO ${db.stanza}_readonly;
     GRANT SELECT, INSERT, UPDATE ON records TO ${app};`,
  );
  await insertRows(fixture, rows);
}

async function insertRows(fixture: PgBackRestFixture, rows: number) {
  await fixture.psql(
    fixture.postgres.port,
    `INSERT INTO records (customer, amount_cents)
       SELECT 'customer-' || (g % 97), (g * 37) % 100000 FROM generate_series(1, ${rows}) g;`,
  );
}

/** Runs one of the template's job scripts on a demo database; fails on a non-zero exit. */
async function runJob(
  fixture: PgBackRestFixture,
  db: DemoDatabase,
  job: { name: string; script: string },
  env: Record<string, string>,
): Promise<void> {
  const run = await runJobScript(job.script, fixture.workDir.path, {
    PGBACKREST_CONFIG: fixture.configPath,
    PGHOST: '127.0.0.1',
    PGPORT: String(fixture.postgres.port),
    PGUSER: 'postgres',
    PGDATABASE: 'postgres',
    STANZA: db.stanza,
    ENTITY_REF: `resource:default/${db.entity}`,
    BACKUP_PREFIX: `pgbackrest/${db.entity}`,
    RESTORE_TEST_PREFIX: `restore-tests/${db.entity}`,
    RTO_SECONDS: '3600',
    EXACT_COUNT_LIMIT: '100000',
    // The backup module reads what the jobs write to the bucket; they push nothing.
    PRODUCTION_READINESS_URL: '',
    ...env,
  });
  if (run.status !== 0) {
    throw new Error(
      `${db.entity}: the ${job.name} job exited with ${run.status}: ${run.stderr}`,
    );
  }
}

/** The newest restore-test record the job wrote under the entity's restore-test prefix. */
async function newestRecord(
  s3: S3Client,
  db: DemoDatabase,
): Promise<{ key: string; record: RestoreTestRecord }> {
  const keys = (
    await listKeys(s3, BACKUP_BUCKET, `restore-tests/${db.entity}/`)
  )
    .map(o => o.key)
    .sort();
  const key = keys[keys.length - 1];
  const answer = await s3.send(
    new GetObjectCommand({ Bucket: BACKUP_BUCKET, Key: key }),
  );
  return {
    key,
    record: restoreTestRecordSchema.parse(
      JSON.parse(await answer.Body!.transformToString()),
    ),
  };
}

async function upload(
  s3: S3Client,
  key: string,
  body: Buffer | string,
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: BACKUP_BUCKET,
      Key: key,
      Body: body,
      ContentLength: Buffer.byteLength(body),
    }),
  );
}

async function produceOne(
  db: DemoDatabase,
  s3: S3Client,
  jobEnv: Record<string, string>,
  log: (line: string) => void,
): Promise<{
  state: BackupsState['databases'][number];
  record?: RestoreTestRecord;
}> {
  const fixture = await startPgBackRest({ stanza: db.stanza });
  try {
    const scripts = backupJobScripts('pgbackrest');
    const backupJob = {
      name: 'backup',
      script: join(fixture.workDir.path, 'backup-pgbackrest.sh'),
    };
    const restoreJob = {
      name: 'restore-test',
      script: join(fixture.workDir.path, 'restore-test.sh'),
    };
    writeFileSync(backupJob.script, scripts.backup);
    writeFileSync(restoreJob.script, scripts.restoreTest);
    await seed(fixture, db, db.rows[0]);
    await fixture.pgbackrest('stanza-create');
    await runJob(fixture, db, backupJob, { ...jobEnv, BACKUP_TYPE: 'full' });
    await insertRows(fixture, db.rows[1]);
    await runJob(fixture, db, backupJob, { ...jobEnv, BACKUP_TYPE: 'incr' });
    const [info] = JSON.parse(
      await fixture.pgbackrest('info', '--output=json'),
    ) as PgBackRestInfo[];
    const newest = info.backup[info.backup.length - 1];
    const total = db.rows[0] + db.rows[1];
    const shift = db.fate === 'aged-3-days' ? 3 * DAY_SECONDS : 0;
    let record: RestoreTestRecord | undefined;
    if (db.restoreTest) {
      await runJob(fixture, db, restoreJob, jobEnv);
      const written = await newestRecord(s3, db);
      record = written.record;
      if (shift) {
        // The restore test ran right after the backup it restored, so it ages with it.
        record = ageRecord(record, shift);
        await deleteKeys(s3, BACKUP_BUCKET, [written.key]);
        const stamp = record.finishedAt
          .replace(/[-:]/g, '')
          .replace(/\..*/, '');
        await upload(
          s3,
          `restore-tests/${db.entity}/${stamp}Z-restore-test.json`,
          `${JSON.stringify(record, null, 2)}\n`,
        );
      }
    }

    const prefix = `pgbackrest/${db.entity}`;
    const emptied = `backup/${db.stanza}/${newest.label}/`;
    for (const file of listFiles(fixture.repoPath)) {
      const key = relative(fixture.repoPath, file);
      let body: Buffer | string = readFileSync(file);
      if (db.fate === 'newest-emptied' && key.startsWith(emptied)) {
        body = Buffer.alloc(0);
      }
      if (
        db.fate === 'aged-3-days' &&
        /^backup\/[^/]+\/backup\.info(\.copy)?$/.test(key)
      ) {
        body = ageBackupInfo(body.toString('utf8'), 3 * DAY_SECONDS);
      }
      await upload(s3, `${prefix}/${key}`, body);
    }
    if (!db.namesEntity) {
      // The backup job names its entity at the prefix's root; this prefix stays unnamed,
      // like one whose backups were set up before the template.
      await deleteKeys(s3, BACKUP_BUCKET, [
        `${prefix}/${EVIDENCE_OWNER.backupPrefixManifest}`,
      ]);
    }
    log(
      `${db.entity}: pgBackRest ${info.backup
        .map(b => `${b.type} ${b.label}`)
        .join(', ')}; ${total} rows${
        record
          ? `; restore test ${record.status} in ${record.durationSeconds} s`
          : ''
      }`,
    );
    return {
      state: {
        entity: db.entity,
        fate: db.fate,
        rows: total,
        backups: info.backup.map(b => ({
          label: b.label,
          type: b.type,
          stoppedAt: new Date((b.timestamp.stop - shift) * 1000).toISOString(),
        })),
      },
      record,
    };
  } finally {
    await fixture.stop();
  }
}

/** Whether pgBackRest and PostgreSQL are installed (checked before anything is started). */
export async function backupToolsAvailable(): Promise<string | undefined> {
  try {
    await execFileAsync('pgbackrest', ['version']);
  } catch {
    return 'pgbackrest is not installed (Debian package "pgbackrest")';
  }
  const pgBin = ['18', '17', '16', '15', '14'].some(v => {
    try {
      return statSync(`/usr/lib/postgresql/${v}/bin/initdb`).isFile();
    } catch {
      return false;
    }
  });
  return pgBin
    ? undefined
    : 'PostgreSQL is not installed (Debian package "postgresql")';
}

/** Takes the demo databases' backups and uploads them with the restore-test record. */
export async function produceDemoBackups(
  s3: S3Client,
  jobEnv: Record<string, string>,
  log: (line: string) => void,
): Promise<BackupsState> {
  const started = Date.now();
  const results = await Promise.all(
    DEMO_DATABASES.map(db => produceOne(db, s3, jobEnv, log)),
  );
  return {
    producedAt: new Date().toISOString(),
    databases: results.map(r => r.state),
    restoreTests: results.flatMap(r => (r.record ? [r.record] : [])),
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}
