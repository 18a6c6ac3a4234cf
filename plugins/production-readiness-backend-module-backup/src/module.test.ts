import { Entity } from '@backstage/catalog-model';
import { startReadinessTestBackend } from '@production-readiness/plugin-production-readiness-backend/testUtils';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productionReadinessModuleBackup } from './module';

jest.setTimeout(60_000);

describe('backup module installed in the production-readiness backend', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'pr-backup-module-'));
    mkdirSync(join(root, 'dumps/orders'), { recursive: true });
    writeFileSync(
      join(root, 'dumps/orders/orders-latest.dump'),
      Buffer.alloc(0),
    );
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('evaluates the backup checks of an entity on refresh', async () => {
    const entities: Entity[] = [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'orders',
          namespace: 'default',
          annotations: {
            [ANNOTATIONS.backupLocation]: 'nfs',
            [ANNOTATIONS.backupPrefix]: 'dumps/orders',
            [ANNOTATIONS.backupTool]: 'dump',
            [ANNOTATIONS.backupPlan]:
              'what: orders\nmethod: full\nschedule: "0 2 * * *"\nrpo: 26h\nrto: 1h\nretentionCount: 7\nprocedure: pg_restore the newest dump',
          },
        },
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner: 'team-orders',
        },
      },
    ];
    const backend = await startReadinessTestBackend({
      features: [productionReadinessModuleBackup],
      entities,
      config: {
        backup: {
          locations: [{ name: 'nfs', type: 'filesystem', path: root }],
        },
      },
    });
    try {
      const report = await backend.refresh('component:default/orders');
      const moduleChecks = report.results.filter(
        r =>
          r.checkId.startsWith('backup.') &&
          !r.checkId.startsWith('backup.dependencies-') &&
          r.checkId !== 'backup.plan',
      );
      expect(backend.statuses({ ...report, results: moduleChecks })).toEqual({
        'backup.location-reachable': 'pass',
        'backup.fresh': 'pass',
        'backup.errors': 'pass',
        'backup.size-sane': 'fail',
        // One dump so far, taken just now: nothing can have been pruned yet.
        'backup.retention': 'warn',
        'backup.method': 'pass',
        'backup.restore-tested': 'fail',
        'backup.restore-within-rto': 'unknown',
      });
      const size = report.results.find(r => r.checkId === 'backup.size-sane');
      expect(size?.summary).toBe(
        'Newest backup orders-latest.dump is empty (0 B)',
      );
    } finally {
      await backend.stop();
    }
  });
});
