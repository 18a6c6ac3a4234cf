/**
 * Real servers for tests: PostgreSQL, Prometheus, Alertmanager and an S3-protocol server,
 * each on a free loopback port, with readiness waits, output kept for failure messages and
 * cleanup on stop and on process exit.
 *
 * @packageDocumentation
 */

export { findBinary, httpOk, ServerProcess } from './ServerProcess';
export type { BinarySpec, ServerProcessOptions } from './ServerProcess';
export { startPostgres, findPostgresMajorVersion } from './postgres';
export type { StartPostgresOptions, TestPostgres } from './postgres';
export { startPrometheus } from './prometheus';
export type { StartPrometheusOptions, TestPrometheus } from './prometheus';
export { startAlertmanager } from './alertmanager';
export type {
  StartAlertmanagerOptions,
  TestAlertmanager,
} from './alertmanager';
export { startHttpServer } from './httpServer';
export type { TestHttpServer } from './httpServer';
export { startS3, TEST_S3_CREDENTIALS } from './s3';
export type { TestS3 } from './s3';
export { testDatabaseIds, POSTGRES_ID_ENV } from './testDatabases';
export { createWorkDir, unprivilegedUser } from './workDir';
export type { WorkDir } from './workDir';
export {
  createSelfSignedCertificate,
  objectUid,
  startFakeKubeApiServer,
} from './kubernetes';
export type { FakeKubeApiServer, Fault, KubeObject } from './kubernetes';
export { startPgBackRest, restoreIntoScratch } from './pgbackrest';
export type { PgBackRestFixture, StartPgBackRestOptions } from './pgbackrest';
