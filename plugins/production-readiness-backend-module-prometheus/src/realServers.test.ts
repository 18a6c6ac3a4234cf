import {
  freePort,
  startAlertmanager,
  startPrometheus,
  TestAlertmanager,
  waitFor,
  TestPrometheus,
} from '@internal/test-servers';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import { execFileSync } from 'node:child_process';
import {
  buildModule,
  component,
  evaluateAll,
  readFixture,
  fixturePath,
  startExporter,
  startProxy,
  statuses,
} from './__testUtils__/harness';
import { parseQueryTemplate, renderQueryTemplate } from './promql/promql';

jest.setTimeout(120_000);

const GOOD_RULE_FILES = [
  'orders.yaml',
  'platform.yaml',
  'shipping.yaml',
  'billing.yaml',
];

const metricsFor = (ready: number) =>
  [
    '# TYPE app_ready gauge',
    `app_ready ${ready}`,
    '# TYPE http_requests_total counter',
    'http_requests_total{code="200"} 100',
    'http_requests_total{code="500"} 1',
    '',
  ].join('\n');

const ALERTMANAGER_YAML = `
route:
  receiver: default-catchall
  group_by: [alertname]
  routes:
    - receiver: deadman
      matchers: ['alertname="Watchdog"']
    - receiver: team-orders
      matchers: ['job=~"orders|billing"']
receivers:
  - name: default-catchall
    webhook_configs: [{ url: 'http://127.0.0.1:9/catchall' }]
  - name: deadman
    webhook_configs: [{ url: 'http://127.0.0.1:9/deadman' }]
  - name: team-orders
    webhook_configs: [{ url: 'http://127.0.0.1:9/orders' }]
`;

const INJECTION = 'foo"} or vector(1) #';

describe('against real Prometheus and Alertmanager', () => {
  let exporter: Awaited<ReturnType<typeof startExporter>>;
  let alertmanager: TestAlertmanager;
  let prometheus: TestPrometheus;
  let promProxy: Awaited<ReturnType<typeof startProxy>>;
  let amProxy: Awaited<ReturnType<typeof startProxy>>;
  let promUrl = '';

  const moduleConfig = (overrides: Record<string, unknown> = {}) => ({
    productionReadiness: {
      prometheus: {
        requestTimeout: { seconds: 5 },
        retries: 1,
        instances: [
          {
            name: 'main',
            baseUrl: promProxy.baseUrl,
            alertmanager: { baseUrl: amProxy.baseUrl },
          },
        ],
        ...overrides,
      },
      checks: [
        {
          id: 'monitoring.ready',
          type: 'prometheus-query',
          pillar: 'monitoring',
          title: 'Reports ready',
          severity: 'major',
          remediation: 'Make the service ready.',
          query: 'sum by (job) (app_ready{job="$service"})',
          expect: { op: '>=', value: 1 },
        },
      ],
    },
  });

  const entities = [
    component('orders', { [ANNOTATIONS.slo]: 'availability: 99.9' }),
    component('inventory'),
    component('billing', {}, 'team-billing'),
    component('shipping', {}, 'team-shipping'),
    component('legacy'),
    component('injected', { [ANNOTATIONS.prometheusService]: INJECTION }),
    component('elsewhere', { [ANNOTATIONS.prometheusInstance]: 'nope' }),
  ];

  beforeAll(async () => {
    exporter = await startExporter(
      {
        orders: metricsFor(1),
        inventory: metricsFor(0),
        billing: metricsFor(1),
        shipping: metricsFor(1),
      },
      // Prometheus's own metrics, re-served once its port is known.
      async path =>
        path === '/self' && promUrl
          ? (await fetch(`${promUrl}/metrics`)).text()
          : undefined,
    );
    alertmanager = await startAlertmanager({ configYaml: ALERTMANAGER_YAML });
    const jobs = ['orders', 'inventory', 'billing', 'shipping'].map(job => ({
      job_name: job,
      metrics_path: `/metrics/${job}`,
      static_configs: [{ targets: [exporter.hostPort] }],
    }));
    prometheus = await startPrometheus({
      config: {
        alerting: {
          alertmanagers: [
            {
              static_configs: [
                { targets: [new URL(alertmanager.baseUrl).host] },
              ],
            },
          ],
        },
        scrape_configs: [
          ...jobs,
          {
            job_name: 'legacy',
            static_configs: [{ targets: [`127.0.0.1:${await freePort()}`] }],
          },
          {
            job_name: 'prometheus',
            metrics_path: '/self',
            static_configs: [{ targets: [exporter.hostPort] }],
          },
        ],
      },
      ruleFiles: {
        ...Object.fromEntries(
          GOOD_RULE_FILES.map(f => [f, readFixture('rules', f)]),
        ),
        // Prometheus drops alerts it evaluates before it has discovered Alertmanager and
        // resends only after a minute: delay the Watchdog's first firing past discovery.
        'platform.yaml': readFixture('rules', 'platform.yaml').replace(
          'expr: vector(1)',
          'expr: vector(1)\n        for: 8s',
        ),
        'billing-broken.yaml': readFixture('broken', 'billing-broken.yaml'),
      },
    });
    promUrl = prometheus.baseUrl;
    promProxy = await startProxy(prometheus.baseUrl);
    amProxy = await startProxy(alertmanager.baseUrl);

    // Wait for scrapes, rule evaluations and the Watchdog reaching Alertmanager.
    await prometheus.waitForEvaluation({ targets: 6 });
    // Until Prometheus's own address is known the self-scrape fails, and the broken rule
    // evaluates fine while its series are missing: wait for the states the tests judge.
    await waitFor(
      'the self-scrape up and the broken rule failing',
      async () => {
        const get = async (path: string) =>
          (await (await fetch(`${prometheus.baseUrl}${path}`)).json()).data;
        const targets = (await get('/api/v1/targets')).activeTargets;
        const rules = (await get('/api/v1/rules')).groups.flatMap(
          (g: { rules: unknown[] }) => g.rules,
        );
        return (
          targets.some(
            (t: any) => t.labels.job === 'prometheus' && t.health === 'up',
          ) &&
          rules.some(
            (r: any) => r.name === 'BillingReadyRatio' && r.health === 'err',
          )
        );
      },
    );
    await alertmanager.waitForAlert('Watchdog');
  });

  afterAll(async () => {
    await promProxy?.stop();
    await amProxy?.stop();
    await prometheus?.stop();
    await alertmanager?.stop();
    await exporter?.stop();
  });

  beforeEach(() => {
    promProxy.setMode('forward');
    amProxy.setMode('forward');
  });

  it('promtool accepts every good rule fixture', () => {
    for (const file of GOOD_RULE_FILES) {
      const output = execFileSync(
        '/usr/bin/promtool',
        ['check', 'rules', fixturePath('rules', file)],
        { encoding: 'utf8' },
      );
      expect(output).toContain('SUCCESS');
    }
  });

  it('scrapes Prometheus itself through the exporter', async () => {
    const body = await (
      await fetch(
        `${prometheus.baseUrl}/api/v1/query?query=${encodeURIComponent(
          'up{job="prometheus"}',
        )}`,
      )
    ).json();
    expect(body.data.result).toEqual([
      expect.objectContaining({ value: [expect.any(Number), '1'] }),
    ]);
  });

  it('gives each fixture service its verdicts', async () => {
    const results = await evaluateAll(buildModule(moduleConfig()), entities);

    expect(statuses(results, 'orders')).toEqual({
      'monitoring.prometheus-scraped': 'pass',
      'monitoring.alert-rules': 'pass',
      'monitoring.baseline-alerts': 'pass',
      'logging.disk-fill-alert': 'pass',
      'monitoring.slo-rules': 'pass',
      'monitoring.alert-routing': 'pass',
      'monitoring.dead-mans-switch': 'pass',
      'monitoring.long-firing-alerts': 'pass',
      'monitoring.ready': 'pass',
    });
    expect(statuses(results, 'inventory')).toEqual({
      'monitoring.prometheus-scraped': 'pass',
      'monitoring.alert-rules': 'fail',
      'monitoring.baseline-alerts': 'fail',
      // The instance-wide NodeFilesystemWillFill rule covers every service's nodes.
      'logging.disk-fill-alert': 'pass',
      'monitoring.slo-rules': 'fail',
      'monitoring.alert-routing': 'unknown',
      'monitoring.dead-mans-switch': 'pass',
      'monitoring.long-firing-alerts': 'pass',
      'monitoring.ready': 'fail',
    });
    expect(statuses(results, 'billing')).toMatchObject({
      'monitoring.prometheus-scraped': 'pass',
      'monitoring.alert-rules': 'fail',
      // Routed to team-orders: a team receiver, but not the owner's (team-billing).
      'monitoring.alert-routing': 'warn',
    });
    expect(statuses(results, 'shipping')).toMatchObject({
      'monitoring.alert-rules': 'pass',
      'monitoring.alert-routing': 'fail',
    });
    expect(statuses(results, 'legacy')).toMatchObject({
      'monitoring.prometheus-scraped': 'fail',
      'monitoring.ready': 'unknown',
    });
    // The injection attempt is only ever a label value: nothing matches it.
    expect(statuses(results, 'injected')).toMatchObject({
      'monitoring.prometheus-scraped': 'fail',
      'monitoring.alert-rules': 'fail',
      'monitoring.ready': 'unknown',
    });
    expect(
      Object.values(statuses(results, 'elsewhere')).every(s => s === 'unknown'),
    ).toBe(true);

    const orders = results.get('component:default/orders')!;
    expect(orders.get('monitoring.slo-rules')!.summary).toBe(
      'SLO sloth/availability objective 99.9% matches the declared target',
    );
    expect(orders.get('monitoring.alert-routing')!.summary).toMatch(
      /^All 8 alerts reach the owner's receiver \(team-orders\)$/,
    );
    expect(
      results.get('component:default/billing')!.get('monitoring.alert-rules')!
        .summary,
    ).toMatch(/BillingReadyRatio: .*(match group|many-to-many|duplicate)/);
    expect(
      results
        .get('component:default/shipping')!
        .get('monitoring.alert-routing')!.summary,
    ).toBe(
      '2 of 2 alerts reach only the default receiver "default-catchall": ShippingTargetDown, ShippingErrors',
    );
    expect(
      results.get('component:default/elsewhere')!.get('monitoring.alert-rules')!
        .summary,
    ).toContain('"nope", which is not a declared Prometheus instance');
  });

  it('a rendered template treats an injection attempt as a literal label value', async () => {
    const template = parseQueryTemplate(
      'sum by (job) (app_ready{job="$service"})',
    );
    const run = async (services: string[]) => {
      const body = await (
        await fetch(`${prometheus.baseUrl}/api/v1/query`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            query: renderQueryTemplate(template, services),
          }),
        })
      ).json();
      expect(body.status).toBe('success');
      return body.data.result.map(
        (s: { metric: Record<string, string> }) => s.metric.job,
      );
    };
    expect(await run([INJECTION])).toEqual([]);
    expect(await run(['.*'])).toEqual([]);
    expect(await run(['orders|inventory'])).toEqual([]);
    expect(await run(['orders" or vector(1)', '\\'])).toEqual([]);
    expect((await run(['orders', INJECTION, 'inventory'])).sort()).toEqual([
      'inventory',
      'orders',
    ]);
  });

  it('a batch with hostile or blank annotations still evaluates every other entity', async () => {
    const hostile = [
      component('replacement-char', {
        [ANNOTATIONS.prometheusService]: 'orders\uFFFD',
      }),
      component('lone-surrogate', {
        [ANNOTATIONS.prometheusService]: 'orders\uD800',
      }),
      component('blank-service', { [ANNOTATIONS.prometheusService]: '  ' }),
      component('blank-instance', { [ANNOTATIONS.prometheusInstance]: '' }),
    ];
    const results = await evaluateAll(buildModule(moduleConfig()), [
      entities[0],
      ...hostile,
    ]);
    // orders' batched query ran: the hostile values never reached Prometheus.
    expect(
      results.get('component:default/orders')!.get('monitoring.ready'),
    ).toMatchObject({
      status: 'pass',
    });
    const verdict = (name: string) =>
      results.get(`component:default/${name}`)!.get('monitoring.ready');
    expect(verdict('replacement-char')).toMatchObject({
      status: 'unknown',
      summary: `The service label value from ${ANNOTATIONS.prometheusService} contains U+FFFD or a lone surrogate, which Prometheus cannot read in a query`,
    });
    expect(verdict('lone-surrogate')).toMatchObject({
      status: 'unknown',
      summary: `The service label value from ${ANNOTATIONS.prometheusService} contains U+FFFD or a lone surrogate, which Prometheus cannot read in a query`,
    });
    expect(verdict('blank-service')).toMatchObject({
      status: 'unknown',
      summary: `Annotation ${ANNOTATIONS.prometheusService} is blank: it names no service (remove it to use ${ANNOTATIONS.kubernetesId} or the entity's name)`,
    });
    expect(verdict('blank-instance')).toMatchObject({
      status: 'unknown',
      summary: `Annotation ${ANNOTATIONS.prometheusInstance} is blank: it names no instance (remove it to use the default instance)`,
    });
  });

  it('makes the same upstream calls for 1 entity as for 500', async () => {
    const module = buildModule(moduleConfig());
    const count = async (list: typeof entities) => {
      promProxy.reset();
      amProxy.reset();
      await evaluateAll(module, list);
      return {
        prometheus: Object.fromEntries(promProxy.counts),
        alertmanager: Object.fromEntries(amProxy.counts),
        total: promProxy.total() + amProxy.total(),
      };
    };
    const one = await count([component('orders')]);
    const many = await count(
      Array.from({ length: 500 }, (_, i) =>
        component(i === 0 ? 'orders' : `svc-${i}`),
      ),
    );
    expect(many).toEqual(one);
    expect(one).toEqual({
      prometheus: {
        'GET /api/v1/targets': 1,
        'GET /api/v1/rules': 1,
        'POST /api/v1/query': 2,
      },
      alertmanager: { 'GET /api/v2/status': 1, 'GET /api/v2/alerts': 1 },
      total: 6,
    });
    // eslint-disable-next-line no-console
    console.info(
      `upstream calls per refresh: 1 entity ${one.total}, 500 entities ${many.total}`,
    );
  });

  describe('faults', () => {
    const prometheusChecks = [
      'monitoring.prometheus-scraped',
      'monitoring.alert-rules',
      'monitoring.baseline-alerts',
      'logging.disk-fill-alert',
      'monitoring.slo-rules',
      'monitoring.alert-routing',
      'monitoring.dead-mans-switch',
      'monitoring.long-firing-alerts',
      'monitoring.ready',
    ];
    const allError = Object.fromEntries(
      prometheusChecks.map(id => [id, 'error']),
    );

    it('Prometheus down gives error for every check that reads it', async () => {
      promProxy.setMode('down');
      const results = await evaluateAll(buildModule(moduleConfig()), [
        component('orders'),
      ]);
      expect(statuses(results, 'orders')).toEqual(allError);
      expect(
        results.get('component:default/orders')!.get('monitoring.alert-rules')!
          .summary,
      ).toMatch(
        /^Prometheus: Prometheus "main" GET \/api\/v1\/(targets|rules): /,
      );
    });

    it('Prometheus slower than the request timeout gives error naming the timeout', async () => {
      promProxy.setMode('slow', 4_000);
      const started = Date.now();
      const results = await evaluateAll(
        buildModule(
          moduleConfig({ requestTimeout: { seconds: 1 }, retries: 0 }),
        ),
        [component('orders')],
      );
      expect(Date.now() - started).toBeLessThan(3_500);
      expect(statuses(results, 'orders')).toEqual(allError);
      expect(
        results
          .get('component:default/orders')!
          .get('monitoring.prometheus-scraped')!.summary,
      ).toContain('no answer within 1000 ms');
    });

    it('Prometheus answering non-JSON gives error saying so', async () => {
      promProxy.setMode('garbage');
      const results = await evaluateAll(buildModule(moduleConfig()), [
        component('orders'),
      ]);
      expect(statuses(results, 'orders')).toEqual(allError);
      expect(
        results
          .get('component:default/orders')!
          .get('monitoring.prometheus-scraped')!.summary,
      ).toContain('not JSON (content-type text/html');
    });

    it('Alertmanager down while Prometheus is up gives error only for the Alertmanager checks', async () => {
      amProxy.setMode('down');
      const results = await evaluateAll(buildModule(moduleConfig()), [
        component('orders'),
      ]);
      expect(statuses(results, 'orders')).toEqual({
        'monitoring.prometheus-scraped': 'pass',
        'monitoring.alert-rules': 'pass',
        'monitoring.baseline-alerts': 'pass',
        'logging.disk-fill-alert': 'pass',
        'monitoring.slo-rules': 'pass',
        'monitoring.alert-routing': 'error',
        'monitoring.dead-mans-switch': 'error',
        'monitoring.long-firing-alerts': 'pass',
        'monitoring.ready': 'pass',
      });
    });

    it('a collector cut off by the engine time limit gives error, not pass', async () => {
      promProxy.setMode('slow', 5_000);
      const results = await evaluateAll(
        buildModule(moduleConfig({ retries: 0 })),
        [component('orders')],
        { timeoutMs: 1_000 },
      );
      expect(statuses(results, 'orders')).toEqual(allError);
      expect(
        results.get('component:default/orders')!.get('monitoring.alert-rules')!
          .summary,
      ).toBe('Prometheus failed: timed out after 1000 ms');
    });
  });
});
