import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
// The next imports are test-only and hoisted in the monorepo; they are not yet declared in
// package.json devDependencies (see README "Development").
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
// Installing the real backend plugin is the point of this test.
import productionReadinessPlugin from '@production-readiness/plugin-production-readiness-backend';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
/* eslint-enable @backstage/no-undeclared-imports */
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
    const { server } = await startTestBackend({
      features: [
        productionReadinessPlugin,
        productionReadinessModuleBackup,
        catalogServiceMock.factory({ entities }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send: jest.fn() }),
        }),
        mockServices.rootConfig.factory({
          data: {
            productionReadiness: {
              schedule: {
                frequency: { hours: 1 },
                timeout: { minutes: 5 },
                initialDelay: { hours: 1 },
              },
              backup: {
                locations: [{ name: 'nfs', type: 'filesystem', path: root }],
              },
            },
          },
        }),
      ],
    });

    const response = await request(server)
      .post(
        '/api/production-readiness/entities/component/default/orders/refresh',
      )
      .set('Authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    const statuses = Object.fromEntries(
      (
        response.body.results as Array<{
          checkId: string;
          status: string;
          summary: string;
        }>
      )
        .filter(
          r =>
            r.checkId.startsWith('backup.') &&
            !['backup.plan', 'backup.dependencies-covered'].includes(r.checkId),
        )
        .map(r => [r.checkId, r.status]),
    );
    expect(statuses).toEqual({
      'backup.location-reachable': 'pass',
      'backup.fresh': 'pass',
      'backup.errors': 'pass',
      'backup.size-sane': 'fail',
      'backup.retention': 'fail',
      'backup.method': 'pass',
      'backup.restore-tested': 'fail',
      'backup.restore-within-rto': 'unknown',
    });
    const size = response.body.results.find(
      (r: { checkId: string }) => r.checkId === 'backup.size-sane',
    );
    expect(size.summary).toBe(
      'Newest backup orders-latest.dump is empty (0 B)',
    );
  });
});
