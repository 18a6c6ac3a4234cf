import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { facts, now } from '../../__testUtils__/checkFixtures';
import { component } from '../../__testUtils__/harness';
import { createSloRulesCheck } from './sloRules';

describe('monitoring.slo-rules on fixture facts', () => {
  it('fails when the declared SLO target differs from the rules', async () => {
    const result = await runCheckOnFixtures(createSloRulesCheck(), {
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
    });
    expect(result.status).toBe('fail');
    expect(result.summary).toBe(
      'Declared availability 99.95% does not match the SLO rules: orders-errors 99.9%',
    );
  });
});
