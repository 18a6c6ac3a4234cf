import { factsEnvelope } from '@production-readiness/plugin-production-readiness-node';
import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { now } from '../../__testUtils__/checkFixtures';
import { component } from '../../__testUtils__/harness';
import { createAlertRulesCheck } from './alertRules';

describe('monitoring.alert-rules on fixture facts', () => {
  it('says what to configure when the entity has no instance', async () => {
    const result = await runCheckOnFixtures(createAlertRulesCheck(), {
      entity: component('orders'),
      facts: {
        prometheus: factsEnvelope.unconfigured('No instance', 'Add it'),
      },
      now,
    });
    expect(result).toMatchObject({
      status: 'unknown',
      summary: 'No instance',
      remediation: 'Add it',
    });
  });
});
