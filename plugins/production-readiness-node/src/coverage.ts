import { Config } from '@backstage/config';

/*
 * What holds data, as coverage decides it: the engine's coverage rules and the modules whose
 * checks judge a data store's own evidence (backups, replication) read the same list.
 */

/**
 * Entity types that hold data and so face backup, Resources and Components alike
 * (`productionReadiness.coverage.statefulTypes` replaces the list).
 *
 * @public
 */
export const DEFAULT_STATEFUL_TYPES = [
  'database',
  'postgres',
  'postgresql',
  'mysql',
  'mariadb',
  'mssql',
  'sqlserver',
  'oracle',
  'cockroachdb',
  'mongodb',
  'dynamodb',
  'cassandra',
  'couchdb',
  'clickhouse',
  'neo4j',
  'influxdb',
  'timescaledb',
  'redis',
  'elasticsearch',
  'opensearch',
  'etcd',
  'zookeeper',
  'kafka',
  'rabbitmq',
  'nats',
  'pulsar',
  'queue',
  's3-bucket',
  'bucket',
  'object-storage',
  'filesystem',
  'volume',
  'persistent-volume',
];

/**
 * Resource types that hold no data of their own: depending on them does not call for backups
 * (`productionReadiness.coverage.nonStatefulTypes` replaces the list).
 *
 * @public
 */
export const DEFAULT_NON_STATEFUL_TYPES = [
  'api-gateway',
  'load-balancer',
  'ingress',
  'cdn',
  'dns',
  'certificate',
  'network',
  'vpc',
  'subnet',
  'firewall',
  'iam-role',
  'service-account',
  'kubernetes-cluster',
  'cluster',
  'namespace',
  'memcached',
  'dashboard',
];

/**
 * `productionReadiness.coverage.statefulTypes` of the root config, or the default list: the
 * entity types that hold data, for a module to require its checks of them.
 *
 * @public
 */
export function readStatefulTypes(rootConfig: Config): string[] {
  return (
    rootConfig.getOptionalStringArray(
      'productionReadiness.coverage.statefulTypes',
    ) ?? DEFAULT_STATEFUL_TYPES
  );
}
