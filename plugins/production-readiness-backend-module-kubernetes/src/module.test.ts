/*
 * This end-to-end test installs the real readiness backend next to the module. Its imports
 * (the backend plugin, catalog/notifications/permission test services, supertest) are hoisted
 * in the workspace but not yet declared in this package's devDependencies.
 */
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import productionReadinessPlugin from '@production-readiness/plugin-production-readiness-backend';
import request from 'supertest';
import {
  CHECK_IDS,
  startTestClusters,
  TestClusters,
} from './__testUtils__/clusters';
import { ENTITIES } from './__testUtils__/fixtures';
import productionReadinessModuleKubernetes from './index';

jest.setTimeout(60_000);

describe('the module in a backend with the readiness plugin', () => {
  let clusters: TestClusters;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    clusters = await startTestClusters();
    backend = await startTestBackend({
      features: [
        productionReadinessPlugin,
        productionReadinessModuleKubernetes,
        catalogServiceMock.factory({
          entities: [
            ENTITIES.checkoutApi,
            ENTITIES.legacyReports,
            ENTITIES.ordersDb,
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            ...clusters.config,
            productionReadiness: {
              schedule: {
                frequency: { hours: 1 },
                timeout: { minutes: 5 },
                initialDelay: { hours: 1 },
              },
            },
          },
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send: jest.fn() }),
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await clusters?.stop();
  });

  const refresh = (name: string) =>
    request(backend.server)
      .post(
        `/api/production-readiness/entities/component/default/${name}/refresh`,
      )
      .set('Authorization', mockCredentials.user.header());

  const statuses = (body: {
    results: Array<{ checkId: string; status: string }>;
  }) =>
    Object.fromEntries(
      body.results
        .filter(r => CHECK_IDS.includes(r.checkId))
        .map(r => [r.checkId, r.status]),
    );

  it('evaluates the careless service from the live clusters', async () => {
    const response = await refresh('legacy-reports');
    expect(response.status).toBe(200);
    expect(statuses(response.body)).toMatchObject({
      'availability.replicas': 'fail',
      'availability.probes': 'fail',
      'availability.pod-disruption-budget': 'fail',
      'security.run-as-non-root': 'fail',
      'security.image-pinned': 'fail',
      'logging.emptydir-size-limit': 'fail',
      'backup.cluster-backup-job': 'fail',
      'backup.velero-schedule': 'pass',
    });
    const backup = response.body.results.find(
      (r: { checkId: string }) => r.checkId === 'backup.cluster-backup-job',
    );
    expect(backup.summary).toMatch(
      /^last Job legacy-reports-backup-29397960 of CronJob legacy-reports-backup failed \(BackoffLimitExceeded/,
    );
  });

  it('passes the production-grade service, and leaves backup checks off a stateless one', async () => {
    const response = await refresh('checkout-api');
    expect(response.status).toBe(200);
    const result = statuses(response.body);
    expect(Object.keys(result)).not.toContain('backup.cluster-backup-job');
    expect(Object.keys(result)).not.toContain('backup.cluster-restore-test');
    expect(
      Object.entries(result).filter(([, status]) => status !== 'pass'),
    ).toEqual([]);
    expect(Object.keys(result)).toHaveLength(20);
  });
});
