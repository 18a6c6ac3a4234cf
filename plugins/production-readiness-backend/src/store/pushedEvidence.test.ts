import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { testDatabaseIds } from '@internal/test-servers';
import { DatabasePushedEvidence } from '@production-readiness/plugin-production-readiness-node';
import { DatabaseReadinessStore } from './DatabaseReadinessStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: testDatabaseIds() });

const t0 = new Date('2026-01-01T00:00:00.000Z');
/** `n` hours after t0. */
const at = (n: number) => new Date(t0.getTime() + n * 3_600_000);

const ORDERS = 'component:default/orders-api';
const BILLING = 'component:default/billing-api';
const SEARCH = 'component:default/search-api';

// The -node package's default pushed-evidence service, on the table this plugin's
// migrations create.
describe.each(databases.eachSupportedId())(
  'DatabasePushedEvidence on %p',
  databaseId => {
    let evidence: DatabasePushedEvidence;

    beforeEach(async () => {
      const database = mockServices.database({
        knex: await databases.init(databaseId),
      });
      // Migrates.
      await DatabaseReadinessStore.create({ database });
      evidence = DatabasePushedEvidence.create(database);
    });

    it('returns the newest pushed result per entity by observation time', async () => {
      const push = (
        entityRef: string,
        type: string,
        observedAt: Date,
        payload: Record<string, unknown>,
      ) =>
        evidence.push({
          entityRef,
          type,
          observedAt,
          payload,
          pushedBy: 'service:ci',
        });
      await push(ORDERS, 'restore-test', at(1), { n: 1 });
      const newest = await push(ORDERS, 'restore-test', at(3), {
        n: 3,
        details: { durationSeconds: 42, steps: ['restore', 'verify'] },
      });
      await push(ORDERS, 'restore-test', at(2), { n: 2 });
      await push(ORDERS, 'load-test', at(9), { n: 9 });
      const billing = await push(BILLING, 'restore-test', at(1), { n: 1 });

      const all = await evidence.latest('restore-test');
      expect([...all.keys()].sort()).toEqual([BILLING, ORDERS].sort());
      expect(all.get(ORDERS)).toEqual(newest);
      expect(all.get(BILLING)).toEqual(billing);
      expect(newest).toEqual({
        id: expect.any(String),
        entityRef: ORDERS,
        type: 'restore-test',
        observedAt: at(3),
        payload: {
          n: 3,
          details: { durationSeconds: 42, steps: ['restore', 'verify'] },
        },
        pushedBy: 'service:ci',
        receivedAt: expect.any(Date),
      });

      const some = await evidence.latest('restore-test', [ORDERS, SEARCH]);
      expect([...some.keys()]).toEqual([ORDERS]);
      await expect(evidence.latest('restore-test', [])).resolves.toEqual(
        new Map(),
      );
      await expect(evidence.latest('chaos-test')).resolves.toEqual(new Map());
    });

    it('lists the newest records of one entity, of every type', async () => {
      const push = (entityRef: string, type: string, observedAt: Date) =>
        evidence.push({
          entityRef,
          type,
          observedAt,
          payload: { at: observedAt.toISOString() },
          pushedBy: 'user:default/jane',
        });
      await push(ORDERS, 'restore-test', at(1));
      await push(ORDERS, 'load-test', at(3));
      await push(BILLING, 'restore-test', at(5));
      await push(ORDERS, 'backup-run', at(2));

      const listed = await evidence.list(ORDERS, { limit: 2 });
      expect(listed.map(r => [r.type, r.observedAt])).toEqual([
        ['load-test', at(3)],
        ['backup-run', at(2)],
      ]);
      await expect(evidence.list(SEARCH, { limit: 5 })).resolves.toEqual([]);
    });
  },
);
