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
import {
  startAlertmanager,
  startPrometheus,
  TestAlertmanager,
  TestPrometheus,
} from '@internal/test-servers';
import request from 'supertest';
import {
  component,
  readFixture,
  startExporter,
  waitFor,
} from './__testUtils__/harness';
import prometheusModule from './index';

jest.setTimeout(120_000);

const metrics = '# TYPE app_ready gauge\napp_ready 1\n';

describe('production-readiness-backend-module-prometheus in a backend', () => {
  let exporter: Awaited<ReturnType<typeof startExporter>>;
  let prometheus: TestPrometheus;
  let alertmanager: TestAlertmanager;

  beforeAll(async () => {
    exporter = await startExporter({ orders: metrics, shipping: metrics });
    alertmanager = await startAlertmanager({
      configYaml: [
        'route:',
        '  receiver: default-catchall',
        '  routes:',
        '    - receiver: team-orders',
        '      matchers: [\'job="orders"\']',
        'receivers:',
        '  - name: default-catchall',
        "    webhook_configs: [{ url: 'http://127.0.0.1:9/' }]",
        '  - name: team-orders',
        "    webhook_configs: [{ url: 'http://127.0.0.1:9/' }]",
        '',
      ].join('\n'),
    });
    prometheus = await startPrometheus({
      config: {
        scrape_configs: ['orders', 'shipping'].map(job => ({
          job_name: job,
          metrics_path: `/metrics/${job}`,
          static_configs: [{ targets: [exporter.hostPort] }],
        })),
      },
      ruleFiles: {
        'orders.yaml': readFixture('rules', 'orders.yaml'),
        'shipping.yaml': readFixture('rules', 'shipping.yaml'),
      },
    });
    await waitFor('targets scraped and rules evaluated', async () => {
      const targets = await (
        await fetch(`${prometheus.baseUrl}/api/v1/targets`)
      ).json();
      const rules = await (
        await fetch(`${prometheus.baseUrl}/api/v1/rules`)
      ).json();
      const healths: string[] = [
        ...targets.data.activeTargets,
        ...rules.data.groups.flatMap((g: { rules: unknown[] }) => g.rules),
      ].map((x: { health: string }) => x.health);
      return (
        targets.data.activeTargets.length === 2 &&
        healths.every(h => h === 'up' || h === 'ok')
      );
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await exporter?.stop();
  });

  it('evaluates its checks through the engine on refresh', async () => {
    const backend = await startTestBackend({
      features: [
        productionReadinessPlugin,
        prometheusModule,
        catalogServiceMock.factory({
          entities: [
            component('orders'),
            component('shipping', {}, 'team-shipping'),
          ],
        }),
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
              prometheus: {
                instances: [
                  {
                    name: 'main',
                    baseUrl: prometheus.baseUrl,
                    alertmanager: { baseUrl: alertmanager.baseUrl },
                  },
                ],
              },
              checks: [
                {
                  id: 'monitoring.ready',
                  type: 'prometheus-query',
                  pillar: 'monitoring',
                  title: 'Reports ready',
                  severity: 'major',
                  remediation: 'Make the service ready.',
                  query: 'max by (job) (app_ready{job="$service"})',
                  expect: { op: '==', value: 1 },
                },
              ],
            },
          },
        }),
      ],
    });
    try {
      const refresh = async (name: string) => {
        const response = await request(backend.server)
          .post(
            `/api/production-readiness/entities/component/default/${name}/refresh`,
          )
          .set('Authorization', mockCredentials.user.header());
        expect(response.status).toBe(200);
        return Object.fromEntries(
          (
            response.body.results as Array<{ checkId: string; status: string }>
          ).map(r => [r.checkId, r.status]),
        );
      };
      expect(await refresh('orders')).toMatchObject({
        'monitoring.prometheus-scraped': 'pass',
        'monitoring.alert-rules': 'pass',
        'monitoring.baseline-alerts': 'pass',
        'monitoring.slo-rules': 'pass',
        'monitoring.alert-routing': 'pass',
        'monitoring.dead-mans-switch': 'fail',
        'monitoring.ready': 'pass',
      });
      expect(await refresh('shipping')).toMatchObject({
        'monitoring.prometheus-scraped': 'pass',
        'monitoring.baseline-alerts': 'fail',
        'logging.disk-fill-alert': 'fail',
        'monitoring.slo-rules': 'fail',
        'monitoring.alert-routing': 'fail',
        'monitoring.ready': 'pass',
      });
    } finally {
      await backend.stop();
    }
  });
});
