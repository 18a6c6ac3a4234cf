import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { facts, now, rule } from '../../__testUtils__/checkFixtures';
import { component } from '../../__testUtils__/harness';
import { createDeadMansSwitchCheck } from './deadMansSwitch';

describe('monitoring.dead-mans-switch on fixture facts', () => {
  it("fails a dead-man's switch that is not firing", async () => {
    const result = await runCheckOnFixtures(createDeadMansSwitchCheck(), {
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
    });
    expect(result.status).toBe('fail');
  });
});
