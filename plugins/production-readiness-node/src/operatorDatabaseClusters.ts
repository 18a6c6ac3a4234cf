/**
 * A fact one module provides and another reads: database clusters an operator runs and reports
 * on. The Kubernetes module provides it from CloudNativePG `Cluster`s (`postgresql.cnpg.io/v1`)
 * its selector matches; the database-ha module's `availability.data-store-ha` reads it (through
 * `optionalCollectors`) as evidence of a data store's high availability.
 */

/**
 * Id of the collector that reports, per entity, the operator-run database clusters it selects.
 *
 * @public
 */
export const OPERATOR_DATABASE_CLUSTERS_COLLECTOR_ID =
  'operator-database-clusters';

/** One database cluster, as its operator reports it. @public */
export interface OperatorDatabaseCluster {
  /** Names it where it runs, e.g. `CloudNativePG Cluster shop/orders-db on cluster prod`. */
  name: string;
  /** Where the facts come from, e.g. `kubernetes:prod`. */
  source: string;
  /** Instances asked for (CloudNativePG: spec.instances). */
  instances: number;
  /** Instances ready (status.readyInstances). */
  readyInstances: number;
  /** The current primary instance, when the operator names one. */
  primary?: string;
  /**
   * What the operator reports: `healthy` (CloudNativePG: phase "Cluster in healthy state"),
   * `routine-operation` (a switchover, rolling update or new replica it finishes by itself), or
   * `unhealthy` (failing over, waiting for user action, no status at all).
   */
  condition: 'healthy' | 'routine-operation' | 'unhealthy';
  /** The operator's own words for its state, e.g. its phase and reason. */
  state?: string;
}

/** Facts of the `operator-database-clusters` collector for one entity. @public */
export interface OperatorDatabaseClustersFacts {
  /** The clusters the entity selects; empty when it selects none. */
  clusters: OperatorDatabaseCluster[];
}
