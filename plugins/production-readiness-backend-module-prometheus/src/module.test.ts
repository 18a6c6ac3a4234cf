import { startReadinessTestBackend } from '@production-readiness/plugin-production-readiness-backend/testUtils';
import {
  startAlertmanager,
  startPrometheus,
  TestAlertmanager,
  TestPrometheus,
} from '@internal/test-servers';
import { component, readFixture, startExporter } from './__testUtils__/harness';
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
    await prometheus.waitForEvaluation({ targets: 2, healthy: true });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await exporter?.stop();
  });

  it('evaluates its checks through the engine on refresh', async () => {
    const backend = await startReadinessTestBackend({
      features: [prometheusModule],
      entities: [
        component('orders'),
        component('shipping', {}, 'team-shipping'),
      ],
      config: {
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
    });
    try {
      const refresh = async (name: string) =>
        backend.statuses(await backend.refresh(`component:default/${name}`));
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
