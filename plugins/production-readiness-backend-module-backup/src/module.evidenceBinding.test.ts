import { Entity } from '@backstage/catalog-model';
import {
  ReadinessTestBackend,
  startReadinessTestBackend,
} from '@production-readiness/plugin-production-readiness-backend/testUtils';
import {
  ANNOTATIONS,
  EVIDENCE_OWNER,
} from '@production-readiness/plugin-production-readiness-common';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { productionReadinessModuleBackup } from './module';

jest.setTimeout(60_000);

function database(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        [ANNOTATIONS.backupLocation]: 'nfs',
        [ANNOTATIONS.backupTool]: 'dump',
        ...annotations,
      },
    },
    spec: { type: 'database', owner: `team-${name}` },
  };
}

const ref = (name: string) => `resource:default/${name}`;

const record = (entityRef?: string) =>
  JSON.stringify({
    ...(entityRef ? { entityRef } : {}),
    backupId: 'x.dump',
    startedAt: '2026-12-01T03:00:00Z',
    finishedAt: '2026-12-01T03:05:00Z',
    status: 'succeeded',
    durationSeconds: 300,
  });

describe('backup prefixes and restore-test records count for one entity only', () => {
  let root: string;
  let backend: ReadinessTestBackend;

  const write = (key: string, content: string | Buffer) => {
    mkdirSync(dirname(join(root, key)), { recursive: true });
    writeFileSync(join(root, key), content);
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'pr-backup-binding-'));
    for (const db of [
      'pg/orders',
      'pg/stock',
      'other/billing',
      'other/audit',
    ]) {
      write(`${db}/2026-12-01.dump`, Buffer.alloc(4096, 1));
    }
    // stock's prefix names its entity; billing's and audit's restore tests share a folder.
    write(
      `pg/stock/${EVIDENCE_OWNER.backupPrefixManifest}`,
      JSON.stringify({ [EVIDENCE_OWNER.recordField]: ref('stock-db') }),
    );
    write('restore-tests/anonymous.restore-test.json', record());
    backend = await startReadinessTestBackend({
      features: [productionReadinessModuleBackup],
      entities: [
        database('orders-db', { [ANNOTATIONS.backupPrefix]: 'pg/orders' }),
        // orders-db's catalog-info copied under a new name.
        database('orders-db-copy', { [ANNOTATIONS.backupPrefix]: 'pg/orders' }),
        // A prefix containing every database's backups.
        database('all-dbs', { [ANNOTATIONS.backupPrefix]: 'pg' }),
        database('stock-db', { [ANNOTATIONS.backupPrefix]: 'pg/stock' }),
        database('stock-db-copy', { [ANNOTATIONS.backupPrefix]: 'pg/stock/' }),
        ...['billing', 'audit'].map(db =>
          database(`${db}-db`, {
            [ANNOTATIONS.backupPrefix]: `other/${db}`,
            [ANNOTATIONS.restoreTestPrefix]: 'restore-tests',
          }),
        ),
      ],
      config: {
        refresh: { minInterval: { milliseconds: 1 } },
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

  const reachable = async (name: string) =>
    (await backend.refresh(ref(name))).results.find(
      r => r.checkId === 'backup.location-reachable',
    );
  const evidence = async (name: string) =>
    ((await reachable(name))?.evidence ?? []).map(e => String(e.value));

  it('fails both entities naming one prefix, and a prefix containing another, each naming the others', async () => {
    for (const name of ['orders-db', 'orders-db-copy', 'stock-db', 'all-dbs']) {
      await reachable(name);
    }
    expect(await evidence('orders-db')).toEqual([
      `backup-prefix nfs/pg/orders/ (selected by ${
        ANNOTATIONS.backupPrefix
      }=pg/orders/) is also claimed by ${ref('all-dbs')} (nfs/pg/), ${ref(
        'orders-db-copy',
      )}`,
    ]);
    const allDbs = (await evidence('all-dbs')).join('\n');
    for (const name of ['orders-db', 'orders-db-copy', 'stock-db']) {
      expect(allDbs).toContain(ref(name));
    }
    expect((await reachable('orders-db-copy'))?.remediation).toContain(
      EVIDENCE_OWNER.backupPrefixManifest,
    );
  });

  it('gives a prefix whose manifest names its entity to that entity alone', async () => {
    expect(await reachable('stock-db')).toMatchObject({ status: 'pass' });
    expect(await evidence('stock-db-copy')).toEqual([
      expect.stringMatching(/names resource:default\/stock-db as its entity$/),
    ]);
  });

  it('contests a restore-test record naming no entity in a shared folder, and not one naming its entity', async () => {
    await reachable('billing-db');
    expect(await evidence('audit-db')).toEqual([
      `restore-test-record nfs/restore-tests/anonymous.restore-test.json (selected by ${
        ANNOTATIONS.restoreTestPrefix
      }=restore-tests/) is also claimed by ${ref('billing-db')}`,
    ]);
    write('restore-tests/anonymous.restore-test.json', record(ref('audit-db')));
    expect(await reachable('audit-db')).toMatchObject({ status: 'pass' });
    expect(await reachable('billing-db')).toMatchObject({ status: 'pass' });
  });
});
