import type { TestDatabaseId } from '@backstage/backend-test-utils';

/** Set by the jest global setup of this package to the id of the real PostgreSQL it started. */
export const POSTGRES_ID_ENV = 'PR_TEST_POSTGRES_DATABASE_ID';

/**
 * The database ids a store test should cover: SQLite, and the real PostgreSQL this package's
 * jest global setup started. Backstage's `TestDatabases` reads that server's connection string
 * from `BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING`.
 *
 * Throws when the global setup did not run, so that PostgreSQL coverage cannot silently vanish.
 */
export function testDatabaseIds(): TestDatabaseId[] {
  const postgresId = process.env[POSTGRES_ID_ENV];
  if (!postgresId) {
    throw new Error(
      `${POSTGRES_ID_ENV} is not set: add "globalSetup": "@internal/test-servers/jest/globalSetup" ` +
        'and the matching globalTeardown to the "jest" section of this package.json.',
    );
  }
  return ['SQLITE_3', postgresId as TestDatabaseId];
}
