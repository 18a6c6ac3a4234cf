/* Jest global teardown: stops the PostgreSQL started by globalSetup.js. */
module.exports = async function globalTeardown() {
  const postgres = globalThis.__productionReadinessTestPostgres;
  globalThis.__productionReadinessTestPostgres = undefined;
  await postgres?.stop();
};
