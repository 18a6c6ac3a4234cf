import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import { BACKUP_MODULE_ANNOTATIONS } from '../annotations';
import { createBackupChecks } from '../checks/backupChecks';
import { readBackupModuleSettings } from '../config';
import {
  CountingProxy,
  startCountingProxy,
} from '../__testUtils__/countingProxy';
import { database, evaluateFleet, s3Location } from '../__testUtils__/evaluate';
import {
  INCREMENTAL_PLAN,
  PgBackRestFixture,
  restoreIntoScratch,
  startPgBackRest,
  STANZA,
} from '../__testUtils__/pgbackrest';
import {
  deleteKeys,
  listKeys,
  putObjects,
  s3Client,
  startS3,
  TestS3,
  uploadFolder,
} from '@internal/test-servers';
import { BackupCollector } from './BackupCollector';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

jest.setTimeout(180_000);

const BUCKET = 'backups';
const PREFIX = 'pg/orders-db/';
const RESTORE_PREFIX = 'restore-tests/orders-db/';
const HOUR = 3_600_000;

const ordersDb: Entity = database('orders-db', {
  [ANNOTATIONS.backupLocation]: 'main',
  [ANNOTATIONS.backupPrefix]: 'pg/orders-db',
  [ANNOTATIONS.backupTool]: 'pgbackrest',
  [ANNOTATIONS.restoreTestPrefix]: 'restore-tests/orders-db',
  [ANNOTATIONS.backupPlan]: INCREMENTAL_PLAN,
  [BACKUP_MODULE_ANNOTATIONS.pitr]: '1h',
});

describe('backup checks on a real pgBackRest repository in S3-protocol storage', () => {
  let fixture: PgBackRestFixture;
  let s3: TestS3;
  let proxy: CountingProxy;
  let client: S3Client;
  let labels: { full: string; diff: string; incr: string };
  let expectedRows: string;

  const settings = () =>
    readBackupModuleSettings(
      new ConfigReader({
        productionReadiness: {
          backup: {
            locations: [s3Location('main', s3, BUCKET, proxy.baseUrl)],
            requestTimeout: { seconds: 20 },
          },
        },
      }),
    );

  const evaluate = async (entities: Entity[] = [ordersDb], now?: Date) => {
    const { locations, checks } = settings();
    const results = await evaluateFleet({
      collector: BackupCollector.create({ locations }),
      checks: createBackupChecks(checks),
      entities,
      now,
    });
    return results.get('resource:default/orders-db')!;
  };

  beforeAll(async () => {
    [fixture, s3] = await Promise.all([
      startPgBackRest(),
      startS3({ buckets: [BUCKET] }),
    ]);
    proxy = await startCountingProxy(s3.endpoint);
    client = s3Client(s3);
    const port = fixture.postgres.port;
    await fixture.psql(
      port,
      `CREATE ROLE orders_app LOGIN; CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL); INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 1000) g`,
    );
    await fixture.pgbackrest('stanza-create');
    await fixture.pgbackrest('--type=full', 'backup');
    await fixture.psql(
      port,
      `INSERT INTO users (email) SELECT 'late' || g || '@example.com' FROM generate_series(1, 500) g`,
    );
    await fixture.pgbackrest('--type=diff', 'backup');
    await fixture.psql(
      port,
      `INSERT INTO users (email) SELECT 'later' || g || '@example.com' FROM generate_series(1, 250) g`,
    );
    await fixture.pgbackrest('--type=incr', 'backup');
    expectedRows = await fixture.psql(port, 'SELECT count(*) FROM users');
    const info = JSON.parse(
      await fixture.pgbackrest('--output=json', 'info'),
    )[0];
    const byType = (type: string) =>
      info.backup.find((b: any) => b.type === type).label;
    labels = {
      full: byType('full'),
      diff: byType('diff'),
      incr: byType('incr'),
    };
    await uploadFolder(client, BUCKET, fixture.repoPath, PREFIX);
  });

  afterAll(async () => {
    await proxy?.stop();
    await Promise.all([fixture?.stop(), s3?.stop()]);
  });

  it('passes freshness, errors, size, retention, method and WAL checks on the real backups', async () => {
    const results = await evaluate();
    expect(results['backup.location-reachable']).toMatchObject({
      status: 'pass',
    });
    expect(results['backup.fresh']).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(
        new RegExp(
          // PITR is declared: the recovery point is the newest WAL replayable after the backup.
          `^Recovery point: WAL segment [0-9A-F]{24} archived (.* ago|just now), replayable without a gap from incr backup ${labels.incr} \\(finished .* ago\\), within the RPO of 1h$`,
        ),
      ),
    });
    expect(results['backup.errors']).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining(
        'The last 3 backups finished without errors',
      ),
    });
    expect(results['backup.size-sane']).toMatchObject({ status: 'pass' });
    expect(results['backup.retention']).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining('3 successful backups kept'),
    });
    expect(results['backup.method']).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(
        /^Backups follow the incremental plan: incr .* ago \(within 1h 30m\); full .* ago \(within 8d\)$/,
      ),
    });
    expect(results['backup.pitr-wal']).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(
        /^Newest WAL segment [0-9A-F]{24} archived/,
      ),
    });
    // No restore test has run yet: backups are not proven.
    expect(results['backup.restore-tested']).toMatchObject({
      status: 'fail',
      summary: `No restore-test records under prefix "${RESTORE_PREFIX}" of location main, and none pushed to the API: the backups were never proven restorable`,
    });
    expect(results['backup.restore-within-rto']).toMatchObject({
      status: 'unknown',
    });
  });

  it('restores the newest backup into a scratch PostgreSQL, validates it, and the restore checks pass', async () => {
    const startedAt = new Date();
    const restored = await restoreIntoScratch(fixture);
    let rows: string;
    let role: string;
    try {
      rows = await fixture.psql(restored.port, 'SELECT count(*) FROM users');
      role = await fixture.psql(
        restored.port,
        "SELECT count(*) FROM pg_roles WHERE rolname = 'orders_app'",
      );
    } finally {
      await restored.stop();
    }
    const finishedAt = new Date();
    expect(rows).toBe(expectedRows);
    const info = await fixture.pgbackrest('--output=json', 'info');
    const incr = JSON.parse(info)[0].backup.find(
      (b: any) => b.label === labels.incr,
    );
    const record = {
      entityRef: 'resource:default/orders-db',
      backupId: labels.incr,
      backupTakenAt: new Date(incr.timestamp.stop * 1000).toISOString(),
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      status: 'succeeded',
      durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
      // What it compared: the one application role and the one table of the database.
      inventory: {
        backupId: labels.incr,
        checksum: createHash('sha256')
          .update(
            readFileSync(
              join(
                fixture.repoPath,
                'backup',
                fixture.stanza,
                labels.incr,
                'backup.manifest',
              ),
            ),
          )
          .digest('hex'),
        roles: 1,
        tables: 1,
      },
      validations: [
        {
          kind: 'table',
          name: 'users row count',
          expected: Number(expectedRows),
          actual: Number(rows),
          ok: rows === expectedRows,
        },
        {
          kind: 'role',
          name: 'role orders_app exists',
          expected: 1,
          actual: Number(role),
          ok: role === '1',
        },
      ],
    };
    await putObjects(client, BUCKET, {
      [`${RESTORE_PREFIX}${finishedAt
        .toISOString()
        .replace(/[:.]/g, '-')}.restore-test.json`]: JSON.stringify(record),
    });

    const results = await evaluate();
    expect(results['backup.restore-tested']).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(
        new RegExp(
          `^Backup ${labels.incr} \\(.*old\\) restored (.* ago|just now) with 2 validations ok, covering the 1 roles and 1 tables of its inventory$`,
        ),
      ),
    });
    expect(results['backup.restore-tested'].evidence?.[0]).toMatchObject({
      value: {
        validations: [
          `users row count: ok (expected ${expectedRows}, actual ${expectedRows})`,
          'role orders_app exists: ok (expected 1, actual 1)',
        ],
      },
    });
    expect(results['backup.restore-within-rto']).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining('within the RTO of 10m'),
    });
  });

  it('fails freshness and method once the newest backup is older than the RPO', async () => {
    const results = await evaluate([ordersDb], new Date(Date.now() + 3 * HOUR));
    expect(results['backup.fresh']).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(
        new RegExp(
          `^Recovery point: WAL segment [0-9A-F]{24} archived 3h ago, replayable without a gap from incr backup ${labels.incr} \\(finished 3h ago\\), older than the RPO of 1h$`,
        ),
      ),
    });
    expect(results['backup.method']).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(
        `newest incr backup ${labels.incr} is 3h old; "0 * * * *" needs one within 1h 30m`,
      ),
    });
  });

  it("fails size sanity when the newest backup's files are emptied in storage", async () => {
    const files = (
      await listKeys(
        client,
        BUCKET,
        `${PREFIX}backup/${STANZA}/${labels.incr}/`,
      )
    ).filter(f => !/backup\.manifest(\.copy)?$/.test(f.key));
    expect(files.length).toBeGreaterThan(0);
    await putObjects(
      client,
      BUCKET,
      Object.fromEntries(files.map(f => [f.key, Buffer.alloc(0)])),
    );

    const results = await evaluate();
    expect(results['backup.size-sane']).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(
        new RegExp(
          `^Newest backup ${labels.incr}: pgbackrest metadata declares \\d+(\\.\\d)? (B|KiB) stored, but the location holds 0 B for it$`,
        ),
      ),
    });
    expect(results['backup.fresh'].status).toBe('pass');
  });

  it('fails the WAL check when the archived WAL is missing', async () => {
    const wal = await listKeys(client, BUCKET, `${PREFIX}archive/${STANZA}/`);
    await deleteKeys(
      client,
      BUCKET,
      wal.filter(w => /[0-9A-F]{24}-/.test(w.key)).map(w => w.key),
    );
    const results = await evaluate();
    expect(results['backup.pitr-wal']).toMatchObject({
      status: 'fail',
      summary: `No archived WAL segments under prefix "${PREFIX}" of location main (stanza ${STANZA}): point-in-time recovery is impossible`,
    });
  });

  it('fails the restore check when the newest restore test failed', async () => {
    const now = new Date();
    await putObjects(client, BUCKET, {
      [`${RESTORE_PREFIX}${now
        .toISOString()
        .replace(/[:.]/g, '-')}-late.restore-test.json`]: JSON.stringify({
        backupId: labels.incr,
        startedAt: new Date(now.getTime() - 60_000).toISOString(),
        finishedAt: now.toISOString(),
        status: 'failed',
        durationSeconds: 60,
        validations: [
          {
            name: 'users row count',
            expected: Number(expectedRows),
            actual: 0,
            ok: false,
          },
        ],
      }),
    });
    const results = await evaluate();
    expect(results['backup.restore-tested']).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(
        new RegExp(
          `^Latest restore test of backup ${labels.incr} failed (.* ago|just now) \\(failed validations: users row count\\)$`,
        ),
      ),
    });
    // The RTO check measures the latest successful restore.
    expect(results['backup.restore-within-rto'].status).toBe('pass');
  });

  it('makes the same upstream calls for 1 entity and for 500 entities', async () => {
    const fleet: Entity[] = [ordersDb];
    for (let i = 1; i < 500; i++) {
      fleet.push(
        database(`db-${i}`, {
          [ANNOTATIONS.backupLocation]: 'main',
          [ANNOTATIONS.backupPrefix]: i % 2 ? 'pg/orders-db' : `dumps/db-${i}`,
          [ANNOTATIONS.backupTool]: i % 2 ? 'pgbackrest' : 'dump',
          [ANNOTATIONS.backupPlan]: INCREMENTAL_PLAN,
        }),
      );
    }
    const { locations, checks } = settings();
    const run = async (
      entities: Entity[],
      collector = BackupCollector.create({ locations }),
    ) => {
      proxy.reset();
      await evaluateFleet({
        collector,
        checks: createBackupChecks(checks),
        entities,
      });
      return [...proxy.requests];
    };
    const one = await run([ordersDb]);
    const many = await run(fleet);
    const lists = (requests: string[]) =>
      requests.filter(r => r.includes('list-type=2')).length;
    expect(many.length).toBe(one.length);
    expect(lists(many)).toBe(lists(one));
    // A second refresh with the same collector reads only what changed: nothing.
    const collector = BackupCollector.create({ locations });
    await run(fleet, collector);
    const again = await run(fleet, collector);
    expect(again.length).toBe(lists(one));
    // eslint-disable-next-line no-console
    console.log(
      `upstream calls: 1 entity ${one.length} (${lists(
        one,
      )} listing pages), 500 entities ${many.length} (${lists(
        many,
      )} listing pages), 500 entities warm ${again.length}`,
    );
  });

  it('reads the S3 objects back as uploaded (sanity of the harness)', async () => {
    const object = await client.send(
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: `${PREFIX}backup/${STANZA}/backup.info`,
      }),
    );
    expect(await object.Body!.transformToString()).toContain(`${labels.full}=`);
  });
});
