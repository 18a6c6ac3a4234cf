import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { facts, now, rule } from '../../__testUtils__/checkFixtures';
import { component } from '../../__testUtils__/harness';
import { createBaselineAlertsCheck } from './baselineAlerts';

const covering = [
  rule({ name: 'OrdersDown', categories: ['target-down'] }),
  rule({ name: 'OrdersErrors', categories: ['error-rate'] }),
  rule({ name: 'OrdersSlow', categories: ['latency'] }),
  rule({ name: 'OrdersCpu', categories: ['saturation-cpu'] }),
  rule({ name: 'OrdersMemory', categories: ['saturation-memory'] }),
];

const evaluate = (overrides: Parameters<typeof facts>[0]) =>
  runCheckOnFixtures(createBaselineAlertsCheck(), {
    entity: component('orders'),
    facts: facts(overrides),
    now,
  });

describe('monitoring.baseline-alerts on fixture facts', () => {
  it('fails naming the failure modes without a healthy alert', async () => {
    await expect(evaluate({ rules: covering })).resolves.toMatchObject({
      status: 'fail',
      summary:
        '5/6 covered; no healthy alert for: disk or volume filling (predict_linear)',
    });
  });

  it('is unknown, naming the rules and where the grammar stops, when an unreadable rule may be the missing alert', async () => {
    const unreadable = rule({
      name: 'DiskFilling',
      group: 'infra',
      query: 'predict_linear(node_filesystem_avail_bytes[6h], 86400 < 0',
      categories: [],
      matchers: [],
      unreadable: 'the PromQL grammar cannot read it at character 55',
    });
    await expect(
      evaluate({ rules: covering, unreadableRules: [unreadable] }),
    ).resolves.toMatchObject({
      status: 'unknown',
      summary:
        '5/6 covered; no healthy alert for: disk or volume filling (predict_linear), but 1 alerting rule on Prometheus "main" cannot be read by the PromQL grammar and may be it: infra/DiskFilling (the PromQL grammar cannot read it at character 55)',
    });
  });
});
