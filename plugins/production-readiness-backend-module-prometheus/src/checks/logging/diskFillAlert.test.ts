import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { facts, now, rule } from '../../__testUtils__/checkFixtures';
import { component } from '../../__testUtils__/harness';
import { createDiskFillAlertCheck } from './diskFillAlert';

const evaluate = (overrides: Parameters<typeof facts>[0]) =>
  runCheckOnFixtures(createDiskFillAlertCheck(), {
    entity: component('orders'),
    facts: facts(overrides),
    now,
  });

describe('logging.disk-fill-alert on fixture facts', () => {
  it("passes on the service's own predict_linear alert, or an instance-wide one", async () => {
    const own = rule({
      name: 'OrdersVolumeFilling',
      categories: ['disk-fill'],
    });
    await expect(evaluate({ rules: [own] })).resolves.toMatchObject({
      status: 'pass',
      summary: 'Covered by orders/OrdersVolumeFilling',
    });
    const nodes = rule({
      name: 'NodeDiskFilling',
      group: 'nodes',
      categories: ['disk-fill'],
    });
    await expect(evaluate({ fleetRules: [nodes] })).resolves.toMatchObject({
      status: 'pass',
      summary: 'Covered by nodes/NodeDiskFilling',
    });
  });

  it('fails without one, and does not count a rule whose evaluation errors', async () => {
    const broken = rule({
      name: 'OrdersVolumeFilling',
      categories: ['disk-fill'],
      health: 'err',
      lastError: 'vector cannot contain metrics with the same labelset',
    });
    await expect(evaluate({ rules: [broken] })).resolves.toMatchObject({
      status: 'fail',
      summary:
        '0/1 covered; no healthy alert for: disk or volume filling (predict_linear)',
    });
  });
});
