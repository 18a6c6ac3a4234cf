import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { testDatabaseIds } from '@internal/test-servers';
import { Knex } from 'knex';
import { DatabaseRateLimits } from './DatabaseRateLimits';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: testDatabaseIds() });

const WINDOW_MS = 30_000;
const t0 = Date.parse('2026-01-01T00:00:00.000Z');

describe.each(databases.eachSupportedId())(
  'DatabaseRateLimits on %p',
  databaseId => {
    let knex: Knex;
    let clock: number;
    /** Two backend replicas on one database. */
    let replicas: [DatabaseRateLimits, DatabaseRateLimits];

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@production-readiness/plugin-production-readiness-backend',
          'migrations',
        ),
      });
      clock = t0;
      const now = () => new Date(clock);
      replicas = [
        new DatabaseRateLimits(knex, now),
        new DatabaseRateLimits(knex, now),
      ];
    });

    it('counts the hits of every replica in one window', async () => {
      const [a, b] = replicas.map(r => r.store('refresh', WINDOW_MS));
      const entity = 'component:default/orders-api';

      await expect(a.increment(entity)).resolves.toEqual({
        totalHits: 1,
        resetTime: new Date(t0 + WINDOW_MS),
      });
      clock = t0 + 10_000;
      await expect(b.increment(entity)).resolves.toEqual({
        totalHits: 2,
        resetTime: new Date(t0 + WINDOW_MS),
      });
      await expect(a.get!(entity)).resolves.toEqual({
        totalHits: 2,
        resetTime: new Date(t0 + WINDOW_MS),
      });

      // Other keys and other limiters count on their own.
      await expect(
        b.increment('component:default/billing-api'),
      ).resolves.toMatchObject({ totalHits: 1 });
      await expect(
        replicas[1].store('push', WINDOW_MS).increment(entity),
      ).resolves.toMatchObject({ totalHits: 1 });

      // Once the window has passed, a new one starts with this hit.
      clock = t0 + WINDOW_MS;
      await expect(b.get!(entity)).resolves.toBeUndefined();
      await expect(b.increment(entity)).resolves.toEqual({
        totalHits: 1,
        resetTime: new Date(t0 + 2 * WINDOW_MS),
      });

      await a.decrement(entity);
      await expect(b.get!(entity)).resolves.toMatchObject({ totalHits: 0 });
      await a.resetKey(entity);
      await expect(b.get!(entity)).resolves.toBeUndefined();
    });

    it('counts simultaneous hits exactly once each', async () => {
      const stores = replicas.map(r => r.store('push', WINDOW_MS));
      const hits = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          stores[i % 2].increment('service:restore-job'),
        ),
      );
      expect(hits.map(h => h.totalHits).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });
  },
);
