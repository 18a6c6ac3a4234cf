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
export { freePort, startHttpServer } from './httpServer';
export { answerBadGateway } from './proxyResponse';
export { startCountingProxy } from './countingProxy';
export type { CountingProxy } from './countingProxy';
export { waitFor } from './waitFor';
export type { TestHttpServer } from './httpServer';
export { isHealthy, startPatroniCluster } from './patroni';
export { startHaproxy } from './haproxy';
export type { HaproxyServer, TestHaproxy } from './haproxy';
export { startPostgresExporter } from './postgresExporter';
export { startNodeExporter } from './nodeExporter';
export type { TestNodeExporter } from './nodeExporter';
export { findVictoriaLogs, startVictoriaLogs } from './victoriaLogs';
export type { TestVictoriaLogs } from './victoriaLogs';
export type {
  PatroniClusterStatus,
  PatroniMemberStatus,
  TestPatroniCluster,
  TestPatroniMember,
} from './patroni';
export { startS3, TEST_S3_CREDENTIALS } from './s3';
export type { TestS3 } from './s3';
export {
  deleteKeys,
  listKeys,
  putObjects,
  s3Client,
  uploadFolder,
} from './s3Objects';
export { testDatabaseIds, POSTGRES_ID_ENV } from './testDatabases';
export { createWorkDir, unprivilegedUser } from './workDir';
export { runJobScript } from './jobScript';
export type { WorkDir } from './workDir';
export {
  createSelfSignedCertificate,
  eksTokenProblem,
  fieldsV1Of,
  managedFieldsEntry,
  objectUid,
  startFakeKubeApiServer,
} from './kubernetes';
export type {
  EksIdentity,
  FakeKubeApiServer,
  Fault,
  KubeObject,
} from './kubernetes';
export { GitRepository, startGitHubApiStandIn } from './github';
export type {
  GitCommit,
  GitHubApiStandIn,
  GitHubStandInRepository,
  RecordedPullRequest,
  RepositoryFile,
  RepositoryPermissions,
  UnhandledRequest,
  WorkflowRunSpec,
  EnvironmentSpec,
} from './github';
export { restoreIntoScratch, startPgBackRest } from './pgbackrest';
export type { PgBackRestFixture, StartPgBackRestOptions } from './pgbackrest';
