import { Entity } from '@backstage/catalog-model';
import {
  ReadinessTestBackend,
  startReadinessTestBackend,
} from '@production-readiness/plugin-production-readiness-backend/testUtils';
import {
  ANNOTATIONS,
  BackupRunRecord,
  CheckResult,
  describeSummary,
  RestoreTestRecord,
  summaryTime,
} from '@production-readiness/plugin-production-readiness-common';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { productionReadinessModuleBackup } from './module';

jest.setTimeout(60_000);

const INVENTORY = 'resource:default/inventory-db';
const STOCK = 'resource:default/stock-db';

const database = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: `${name}-db`,
    namespace: 'default',
    annotations: {
      [ANNOTATIONS.backupLocation]: 'nfs',
      [ANNOTATIONS.backupTool]: 'dump',
      [ANNOTATIONS.backupPrefix]: `pg/${name}`,
      [ANNOTATIONS.restoreTestPrefix]: `restore-tests/${name}`,
      [ANNOTATIONS.backupPlan]: [
        `what: ${name} database`,
        'method: full',
        'schedule: "0 2 * * *"',
        'rpo: 24h',
        'rto: 1h',
        'retentionCount: 1',
        'procedure: https://runbooks.example.com/restore',
      ].join('\n'),
    },
  },
  spec: { type: 'database', owner: `team-${name}` },
});

const minutesAgo = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000).toISOString();

function restoreTest(
  status: RestoreTestRecord['status'],
  finishedMinutesAgo: number,
  entityRef = INVENTORY,
): RestoreTestRecord {
  return {
    entityRef,
    backupId: 'inventory.dump',
    backupTakenAt: minutesAgo(finishedMinutesAgo + 60),
    startedAt: minutesAgo(finishedMinutesAgo + 10),
    finishedAt: minutesAgo(finishedMinutesAgo),
    status,
    durationSeconds: 600,
    // Compared with the inventory the backup job recorded: one role, one table.
    inventory: {
      backupId: 'inventory.dump',
      checksum: 'a'.repeat(64),
      roles: 1,
      tables: 1,
    },
    validations: [
      {
        kind: 'role',
        name: 'role app_reader restored with its attributes and memberships',
        expected: 'login true',
        actual: 'login true',
        ok: true,
      },
      {
        kind: 'table',
        name: 'orders rows',
        expected: '1200 rows',
        actual: status === 'succeeded' ? '1200 rows' : '0 rows',
        ok: status === 'succeeded',
      },
    ],
  };
}

// The restore-test and backup jobs of inventory-db push their records to the API, next to
// what the backup location holds; the newest record counts, whichever source it came from.
describe('pushed restore tests and backup runs count next to the location', () => {
  let root: string;
  let backend: ReadinessTestBackend;

  /** Writes an object, last modified `minutes` ago (the dump reader's backup time). */
  const write = (key: string, content: string | Buffer, minutes = 0) => {
    mkdirSync(dirname(join(root, key)), { recursive: true });
    writeFileSync(join(root, key), content);
    const modified = new Date(Date.now() - minutes * 60_000);
    utimesSync(join(root, key), modified, modified);
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'pr-backup-pushed-'));
    write('pg/inventory/inventory.dump', Buffer.alloc(4096, 1), 180);
    write(
      'restore-tests/inventory/2026.restore-test.json',
      JSON.stringify(restoreTest('succeeded', 120)),
    );
    write('pg/stock/stock.dump', Buffer.alloc(4096, 1), 180);
    write(
      'restore-tests/stock/2026.restore-test.json',
      JSON.stringify(restoreTest('succeeded', 30, STOCK)),
    );
    backend = await startReadinessTestBackend({
      features: [productionReadinessModuleBackup],
      entities: [database('inventory'), database('stock')],
      config: {
        refresh: { minInterval: { milliseconds: 1 } },
        // The restore-test and backup jobs push as a service principal (the mock's subject).
        pushedResults: {
          principals: [
            {
              subject: 'external:test-service',
              owners: ['team-inventory', 'team-stock'],
            },
          ],
        },
        backup: {
          locations: [{ name: 'nfs', type: 'filesystem', path: root }],
        },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const push = async (
    type: string,
    payload: RestoreTestRecord | BackupRunRecord,
    entityRef = INVENTORY,
  ) => {
    const response = await backend.pushResult({
      entityRef,
      type,
      observedAt: payload.finishedAt,
      payload,
    });
    expect(response.status).toBe(201);
  };
  const result = async (
    checkId: string,
    entityRef = INVENTORY,
  ): Promise<CheckResult> => {
    const report = await backend.refresh(entityRef);
    return report.results.find(r => r.checkId === checkId)!;
  };

  it('turns the restore check from pass to fail with a failed pushed record, and back with a succeeded one', async () => {
    const before = await result('backup.restore-tested');
    expect(before).toMatchObject({
      status: 'pass',
      evidence: [
        expect.objectContaining({
          source: 'backup:nfs',
          value: expect.objectContaining({
            record: 'restore-tests/inventory/2026.restore-test.json',
          }),
        }),
        expect.anything(),
      ],
    });

    await push('restore-test', restoreTest('failed', 5));
    const failed = await result('backup.restore-tested');
    expect(failed.status).toBe('fail');
    expect(describeSummary(failed.summary, new Date())).toMatch(
      /^Latest restore test of backup inventory\.dump failed 5m ago \(failed validations: orders rows\)/,
    );
    expect(failed.evidence[0]).toMatchObject({
      source: 'pushed by service:external:test-service',
      value: expect.objectContaining({
        status: 'failed',
        record: expect.stringMatching(
          /^record [0-9a-f-]{36} pushed by service:external:test-service at /,
        ),
      }),
    });

    await push('restore-test', restoreTest('succeeded', 1));
    const passed = await result('backup.restore-tested');
    expect(passed.status).toBe('pass');
    expect(passed.evidence[0].source).toBe(
      'pushed by service:external:test-service',
    );
    // The report lists what was pushed, newest first, with who pushed it.
    const { pushed } = await backend.refresh(INVENTORY);
    expect(pushed.map(p => [p.type, p.status, p.pushedBy])).toEqual([
      ['restore-test', 'succeeded', 'service:external:test-service'],
      ['restore-test', 'failed', 'service:external:test-service'],
    ]);
  });

  it('keeps the newest record by observation time, whichever source and arrival order', async () => {
    // A record that arrives late but was observed earlier does not replace a newer one...
    await push('restore-test', restoreTest('failed', 600));
    expect((await result('backup.restore-tested')).evidence[0]).toMatchObject({
      source: 'pushed by service:external:test-service',
      value: expect.objectContaining({ status: 'succeeded' }),
    });
    // ...and a pushed record older than the location's newest does not count.
    await push('restore-test', restoreTest('failed', 90, STOCK), STOCK);
    const stock = await result('backup.restore-tested', STOCK);
    expect(stock).toMatchObject({ status: 'pass' });
    expect(stock.evidence[0]).toMatchObject({
      source: 'backup:nfs',
      value: expect.objectContaining({ status: 'succeeded' }),
    });
  });

  it('shows a failed backup run at once, although the location holds a good backup', async () => {
    expect(await result('backup.errors')).toMatchObject({ status: 'pass' });
    const finishedAt = minutesAgo(2);
    await push('backup-run', {
      entityRef: INVENTORY,
      backupId: 'inventory-tonight.dump',
      startedAt: minutesAgo(3),
      finishedAt,
      status: 'failed',
      error: 'pg_dump: error: connection to server failed',
    });
    const errors = await result('backup.errors');
    expect(errors.status).toBe('fail');
    expect(errors.summary).toBe(
      `Newest backup inventory-tonight.dump failed ${summaryTime(
        finishedAt,
      )}: pg_dump: error: connection to server failed`,
    );
    expect(errors.evidence[0].source).toBe(
      'pushed by service:external:test-service',
    );
    // The location's backup still meets the RPO: freshness counts successful runs only.
    const fresh = await result('backup.fresh');
    expect(fresh.status).toBe('pass');
    expect(describeSummary(fresh.summary, new Date())).toMatch(
      /^Newest successful backup inventory\.dump \(full\) finished 3h ago/,
    );
  });

  it('fails a restore test that names no backup inventory, or compared only part of it', async () => {
    const validation = (kind: 'role' | 'table', name: string) => ({
      kind,
      name: `${kind} ${name} restored`,
      expected: 'present',
      actual: 'present',
      ok: true,
    });
    const record = (validations: RestoreTestRecord['validations']) => ({
      ...restoreTest('succeeded', 0),
      inventory: {
        backupId: 'inventory.dump',
        checksum: 'a'.repeat(64),
        roles: 2,
        tables: 1,
      },
      validations,
    });
    // A record that names no inventory proves no account came back.
    const { inventory: _none, ...withoutInventory } = record([
      validation('table', 'orders'),
    ]);
    await push('restore-test', withoutInventory);
    const uninventoried = await result('backup.restore-tested');
    expect(uninventoried.status).toBe('fail');
    expect(uninventoried.summary).toBe(
      'Latest restore test of backup inventory.dump compared no backup inventory: nothing shows that the roles and the tables the database held at backup time came back',
    );

    await push(
      'restore-test',
      record([validation('role', 'app_reader'), validation('table', 'orders')]),
    );
    const partial = await result('backup.restore-tested');
    expect(partial.status).toBe('fail');
    expect(partial.summary).toBe(
      'Latest restore test of backup inventory.dump compared 1 of the 2 roles and 1 of the 1 tables of its backup inventory: what was not compared may not have come back',
    );

    await push(
      'restore-test',
      record([
        validation('role', 'app_reader'),
        validation('role', 'app_writer'),
        validation('table', 'orders'),
      ]),
    );
    const complete = await result('backup.restore-tested');
    expect(complete.status).toBe('pass');
    expect(complete.summary).toMatch(
      /with 3 validations ok, covering the 2 roles and 1 tables of its inventory$/,
    );
  });
});
