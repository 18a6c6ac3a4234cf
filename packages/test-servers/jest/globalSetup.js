/*
 * Jest global setup: one real PostgreSQL for the whole test run, shared by every project that
 * lists this file. Backstage's TestDatabases finds it through its connection-string variable;
 * Docker is switched off because these machines have no Docker engine.
 */
const { startPostgres, findPostgresMajorVersion } = require('../src');
const { POSTGRES_ID_ENV } = require('../src/testDatabases');

module.exports = async function globalSetup() {
  if (globalThis.__productionReadinessTestPostgres) {
    return;
  }
  const postgres = await startPostgres();
  globalThis.__productionReadinessTestPostgres = postgres;
  const major = findPostgresMajorVersion();
  process.env[`BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING`] =
    postgres.connectionString;
  process.env[POSTGRES_ID_ENV] = `POSTGRES_${major}`;
  process.env.BACKSTAGE_TEST_DISABLE_DOCKER = '1';
};
