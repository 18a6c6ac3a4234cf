import { ConfigReader } from '@backstage/config';
import { factsEnvelope } from '@production-readiness/plugin-production-readiness-node';
import { PrometheusEntityFacts } from '../collectors/facts';
import { readPrometheusModuleConfig } from '../config';
import { RuleFact } from '../promql/rules';

/** The module's config for fixture tests: one instance, critical alerts warned after 2 h. */
export const config = readPrometheusModuleConfig(
  new ConfigReader({
    productionReadiness: {
      prometheus: {
        criticalFiringWarnAfter: { hours: 2 },
        instances: [{ name: 'main', baseUrl: 'http://127.0.0.1:9090' }],
      },
    },
  }),
);

export const now = new Date('2026-11-22T12:00:00Z');

/** An alerting rule of service orders, healthy, covering target-down. */
export const rule = (overrides: Partial<RuleFact>): RuleFact => ({
  name: 'OrdersDown',
  type: 'alerting',
  group: 'orders',
  file: 'orders.yaml',
  query: 'up{job="orders"} == 0',
  labels: {},
  health: 'ok',
  alerts: [],
  categories: ['target-down'],
  matchers: [{ name: 'job', op: '=', value: 'orders' }],
  ...overrides,
});

/** The Prometheus facts of service orders (job="orders") on instance main, with `overrides`. */
export const facts = (overrides: Partial<PrometheusEntityFacts>) => ({
  prometheus: factsEnvelope.ok<PrometheusEntityFacts>({
    instance: 'main',
    service: 'orders',
    serviceSource: 'metadata.name',
    serviceLabel: 'job',
    baseUrl: 'http://127.0.0.1:9090',
    observedAt: now.toISOString(),
    targets: [],
    rules: [],
    fleetRules: [],
    unreadableRules: [],
    deadMansSwitches: [],
    slos: [],
    queries: {},
    ...overrides,
  }),
});
