import { ConfigReader } from '@backstage/config';
import {
  ANNOTATIONS,
  describeSummary,
} from '@production-readiness/plugin-production-readiness-common';
import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { component } from '../__testUtils__/harness';
import {
  PrometheusEntityFacts,
  resolveEntityTarget,
} from '../collectors/facts';
import { readPrometheusModuleConfig } from '../config';
import { RuleFact } from '../promql/rules';
import { createPrometheusChecks } from './prometheusChecks';

const config = readPrometheusModuleConfig(
  new ConfigReader({
    productionReadiness: {
      prometheus: {
        criticalFiringWarnAfter: { hours: 2 },
        instances: [{ name: 'main', baseUrl: 'http://127.0.0.1:9090' }],
      },
    },
  }),
);
const checks = new Map(createPrometheusChecks(config).map(c => [c.id, c]));
const now = new Date('2026-11-22T12:00:00Z');

const rule = (overrides: Partial<RuleFact>): RuleFact => ({
  name: 'OrdersDown',
  type: 'alerting',
  group: 'orders',
  file: 'orders.yaml',
  query: 'up{job="orders"} == 0',
  labels: {},
  health: 'ok',
  alerts: [],
  categories: ['target-down'],
  ...overrides,
});

const facts = (overrides: Partial<PrometheusEntityFacts>) => ({
  prometheus: {
    configured: true,
    instance: 'main',
    service: 'orders',
    serviceSource: 'metadata.name',
    serviceLabel: 'job',
    baseUrl: 'http://127.0.0.1:9090',
    observedAt: now.toISOString(),
    targets: [],
    rules: [],
    fleetRules: [],
    deadMansSwitches: [],
    slos: [],
    queries: {},
    ...overrides,
  } satisfies PrometheusEntityFacts,
});

describe('Prometheus checks on fixture facts', () => {
  it('warns about a critical alert firing longer than the configured time', async () => {
    const firing = (activeAt: string) =>
      rule({
        alerts: [
          {
            labels: { severity: 'critical', job: 'orders' },
            state: 'firing',
            activeAt,
          },
        ],
      });
    const result = await runCheckOnFixtures(
      checks.get('monitoring.long-firing-alerts')!,
      {
        entity: component('orders'),
        facts: facts({ rules: [firing('2026-11-22T09:00:00Z')] }),
        now,
      },
    );
    expect(result.status).toBe('warn');
    expect(result.summary).toBe(
      '1 critical alerts firing longer than 2h: OrdersDown (since 2026-11-22T09:00:00Z)',
    );
    const recent = await runCheckOnFixtures(
      checks.get('monitoring.long-firing-alerts')!,
      {
        entity: component('orders'),
        facts: facts({ rules: [firing('2026-11-22T11:30:00Z')] }),
        now,
      },
    );
    expect(recent.status).toBe('pass');
  });

  it('fails when the declared SLO target differs from the rules', async () => {
    const result = await runCheckOnFixtures(
      checks.get('monitoring.slo-rules')!,
      {
        entity: component('orders', {
          [ANNOTATIONS.slo]: 'availability: 99.95',
        }),
        facts: facts({
          slos: [
            {
              framework: 'pyrra',
              name: 'orders-errors',
              objective: 0.999,
              rules: ['ErrorBudgetBurn'],
            },
          ],
        }),
        now,
      },
    );
    expect(result.status).toBe('fail');
    expect(result.summary).toBe(
      'Declared availability 99.95% does not match the SLO rules: orders-errors 99.9%',
    );
  });

  it('fails a stale target even when it reports up', async () => {
    const result = await runCheckOnFixtures(
      checks.get('monitoring.prometheus-scraped')!,
      {
        entity: component('orders'),
        facts: facts({
          targets: [
            {
              scrapePool: 'orders',
              instance: '10.0.0.1:8080',
              job: 'orders',
              health: 'up',
              lastScrape: '2026-11-22T11:50:00Z',
              scrapeIntervalMs: 15_000,
            },
          ],
        }),
        now,
      },
    );
    expect(result.status).toBe('fail');
    expect(result.summary).toBe(
      '1/1 targets up; stale: 10.0.0.1:8080 (last scrape 2026-11-22T11:50:00Z)',
    );
    expect(describeSummary(result.summary, now)).toBe(
      '1/1 targets up; stale: 10.0.0.1:8080 (last scrape 10m ago)',
    );
  });

  it("fails a dead-man's switch that is not firing", async () => {
    const result = await runCheckOnFixtures(
      checks.get('monitoring.dead-mans-switch')!,
      {
        entity: component('orders'),
        facts: facts({
          deadMansSwitches: [
            rule({
              name: 'Watchdog',
              query: 'vector(1)',
              state: 'inactive',
              categories: [],
            }),
          ],
        }),
        now,
      },
    );
    expect(result.status).toBe('fail');
  });

  it('says what to configure when the entity has no instance', async () => {
    const result = await runCheckOnFixtures(
      checks.get('monitoring.alert-rules')!,
      {
        entity: component('orders'),
        facts: {
          prometheus: {
            configured: false,
            reason: 'No instance',
            remediation: 'Add it',
          },
        },
        now,
      },
    );
    expect(result).toMatchObject({
      status: 'unknown',
      summary: 'No instance',
      remediation: 'Add it',
    });
  });
});

describe('readPrometheusModuleConfig', () => {
  const read = (prometheus: object) =>
    readPrometheusModuleConfig(
      new ConfigReader({ productionReadiness: { prometheus } }),
    );
  it('rejects bad settings naming the key', () => {
    expect(() =>
      read({ instances: [{ name: 'a', baseUrl: 'http://u:p@h:9090' }] }),
    ).toThrow(
      'productionReadiness.prometheus.instances[0].baseUrl must not contain credentials',
    );
    expect(() =>
      read({
        defaultInstance: 'b',
        instances: [{ name: 'a', baseUrl: 'http://h:9090' }],
      }),
    ).toThrow(
      'productionReadiness.prometheus.defaultInstance "b" is not one of the instances: a',
    );
    expect(() =>
      read({
        serviceLabel: 'job"}',
        instances: [{ name: 'a', baseUrl: 'http://h' }],
      }),
    ).toThrow('is not a Prometheus label name');
  });
  it('accepts a missing section (nothing configured) but not an empty instance list', () => {
    expect(
      readPrometheusModuleConfig(new ConfigReader({})).instances.size,
    ).toBe(0);
    expect(() => read({ instances: [] })).toThrow(
      'productionReadiness.prometheus.instances must declare at least one instance',
    );
  });

  it('tells entities to declare an instance when none is configured', () => {
    expect(
      resolveEntityTarget(
        component('orders'),
        readPrometheusModuleConfig(new ConfigReader({})),
      ),
    ).toEqual({
      ok: false,
      facts: {
        configured: false,
        reason:
          'No Prometheus instance is configured (productionReadiness.prometheus.instances)',
        remediation:
          'Declare your Prometheus (and Alertmanager) in app-config under productionReadiness.prometheus.instances.',
      },
    });
  });

  it('builds auth headers from token and basic auth', () => {
    const parsed = read({
      instances: [
        { name: 'a', baseUrl: 'http://h/', token: 't0k' },
        {
          name: 'b',
          baseUrl: 'http://h',
          basicAuth: { username: 'u', password: 'p' },
        },
      ],
    });
    expect(parsed.defaultInstance).toBeUndefined();
    expect(parsed.instances.get('a')!.prometheus).toEqual({
      displayName: 'Prometheus "a"',
      baseUrl: 'http://h',
      headers: { Authorization: 'Bearer t0k' },
    });
    expect(parsed.instances.get('b')!.prometheus.headers.Authorization).toBe(
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    );
  });
});
