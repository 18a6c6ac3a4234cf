import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { config, facts, now, rule } from '../../__testUtils__/checkFixtures';
import { component } from '../../__testUtils__/harness';
import { createLongFiringAlertsCheck } from './longFiringAlerts';

describe('monitoring.long-firing-alerts on fixture facts', () => {
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
      createLongFiringAlertsCheck(config),
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
      createLongFiringAlertsCheck(config),
      {
        entity: component('orders'),
        facts: facts({ rules: [firing('2026-11-22T11:30:00Z')] }),
        now,
      },
    );
    expect(recent.status).toBe('pass');
  });
});
