import { startReadinessTestBackend } from '@production-readiness/plugin-production-readiness-backend/testUtils';
import {
  startAlertmanager,
  startPrometheus,
  TestAlertmanager,
  TestPrometheus,
} from '@internal/test-servers';
import {
  ANNOTATIONS,
  EVIDENCE_OWNER,
} from '@production-readiness/plugin-production-readiness-common';
import { component, readFixture, startExporter } from './__testUtils__/harness';
import prometheusModule from './index';

jest.setTimeout(120_000);

const metrics = '# TYPE app_ready gauge\napp_ready 1\n';

const ORDERS = 'component:default/orders';
const SHIPPING = 'component:default/shipping';

/** Rules watching both shop services, by job; one names its entity. */
const SHOP_RULES = `groups:
  - name: shop
    rules:
      - alert: ShopTargetDown
        expr: up{job=~"orders|shipping"} == 0
        for: 1m
      - alert: ShopSlow
        expr: up{job=~"orders|shipping"} < 0
        labels:
          ${EVIDENCE_OWNER.prometheusLabel}: ${ORDERS}
`;

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
          static_configs: [
            {
              targets: [exporter.hostPort],
              // `service` names the service for instances configured with that label;
              // shipping's targets name their entity.
              labels: {
                service: `${job}-svc`,
                ...(job === 'shipping'
                  ? { [EVIDENCE_OWNER.prometheusLabel]: SHIPPING }
                  : {}),
              },
            },
          ],
        })),
      },
      ruleFiles: {
        'orders.yaml': readFixture('rules', 'orders.yaml'),
        'shipping.yaml': readFixture('rules', 'shipping.yaml'),
        'shop.yaml': SHOP_RULES,
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

  describe('evidence counts for one entity only', () => {
    const start = (
      entities: ReturnType<typeof component>[],
      instance: Record<string, unknown> = {},
    ) =>
      startReadinessTestBackend({
        features: [prometheusModule],
        entities,
        config: {
          refresh: { minInterval: { milliseconds: 1 } },
          prometheus: {
            instances: [
              {
                name: 'main',
                baseUrl: prometheus.baseUrl,
                alertmanager: { baseUrl: alertmanager.baseUrl },
                ...instance,
              },
            ],
          },
        },
      });
    const scraped = async (
      backend: Awaited<ReturnType<typeof start>>,
      ref: string,
    ) =>
      (await backend.refresh(ref)).results.find(
        r => r.checkId === 'monitoring.prometheus-scraped',
      );

    it('fails both entities naming one service, and only the copy once the targets name their entity', async () => {
      const copy = (of: string) =>
        component(`${of}-copy`, { [ANNOTATIONS.prometheusService]: of }, 'x');
      const backend = await start([
        component('orders'),
        copy('orders'),
        component('shipping', {}, 'team-shipping'),
        copy('shipping'),
      ]);
      try {
        expect(await scraped(backend, ORDERS)).toMatchObject({
          status: 'pass',
        });
        expect(
          await scraped(backend, 'component:default/orders-copy'),
        ).toMatchObject({
          status: 'fail',
          summary: `Evidence not bound to this entity: prometheus-service main/job=orders (selected by ${ANNOTATIONS.prometheusService}=orders) is also claimed by ${ORDERS}`,
        });
        expect((await scraped(backend, ORDERS))?.summary).toContain(
          'is also claimed by component:default/orders-copy',
        );
        // shipping's targets carry backstage_entity: the copy cannot take them.
        expect(await scraped(backend, SHIPPING)).toMatchObject({
          status: 'pass',
        });
        expect(
          await scraped(backend, 'component:default/shipping-copy'),
        ).toMatchObject({
          status: 'fail',
          summary: expect.stringContaining(`names ${SHIPPING} as its entity`),
        });
        expect(await scraped(backend, SHIPPING)).toMatchObject({
          status: 'pass',
        });
      } finally {
        await backend.stop();
      }
    });

    it('counts a rule adopted by name only where its expression selects the entity, and contests one two entities adopt', async () => {
      // With `service` as the service label, the shop rules select no service: they count
      // only by adoption (prometheus.io/alert), through their job matchers.
      const adopting = (name: string, alerts: string, service = name) =>
        component(
          name,
          {
            [ANNOTATIONS.prometheusService]: `${service}-svc`,
            [ANNOTATIONS.prometheusAlert]: alerts,
          },
          `team-${name}`,
        );
      const backend = await start(
        [
          adopting('orders', 'ShopTargetDown,ShopSlow'),
          adopting('shipping', 'ShopTargetDown,ShopSlow'),
          adopting('billing', 'ShopTargetDown', 'billing'),
        ],
        { serviceLabel: 'service' },
      );
      try {
        // Evaluated one by one: each meets the claims of those evaluated before it.
        await scraped(backend, ORDERS);
        const shipping = await scraped(backend, SHIPPING);
        const orders = await scraped(backend, ORDERS);
        expect(orders?.status).toBe('fail');
        expect(orders?.evidence.map(e => e.value)).toEqual([
          expect.stringMatching(
            /^prometheus-rule main\/.*shop\.yaml\/shop\/ShopTargetDown \(selected by prometheus\.io\/alert=ShopTargetDown\) is also claimed by component:default\/shipping$/,
          ),
        ]);
        expect(shipping?.evidence.map(e => e.value)).toEqual([
          expect.stringMatching(
            /ShopTargetDown .* is also claimed by component:default\/orders$/,
          ),
          expect.stringMatching(
            /ShopSlow .* names component:default\/orders as its entity$/,
          ),
        ]);
        // billing's series are not selected by the rule: adopting it by name gains nothing,
        // and claims nothing.
        const billing = await backend.refresh('component:default/billing');
        const billingRules = billing.results.find(
          r => r.checkId === 'monitoring.alert-rules',
        );
        expect(billingRules?.status).toBe('fail');
        expect(billingRules?.summary).not.toMatch(/^Evidence not bound/);
        expect(JSON.stringify(billingRules)).not.toContain('ShopTargetDown');
      } finally {
        await backend.stop();
      }

      // Both adopt only the rule that names orders: exactly orders holds it.
      const settled = await start(
        [adopting('orders', 'ShopSlow'), adopting('shipping', 'ShopSlow')],
        { serviceLabel: 'service' },
      );
      try {
        await scraped(settled, SHIPPING);
        expect((await scraped(settled, ORDERS))?.status).toBe('pass');
        expect(await scraped(settled, SHIPPING)).toMatchObject({
          status: 'fail',
          summary: expect.stringContaining(`names ${ORDERS} as its entity`),
        });
      } finally {
        await settled.stop();
      }
    });
  });
});
