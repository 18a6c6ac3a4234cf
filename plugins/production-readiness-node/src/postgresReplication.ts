/**
 * A fact one module provides and another reads: streaming replication as PostgreSQL itself
 * reports it. The Prometheus module provides it from postgres_exporter's series
 * (`pg_up`, `pg_stat_replication_pg_wal_lsn_diff`); the database-ha module's
 * `availability.data-store-ha` reads it (through `optionalCollectors`) as evidence of a data
 * store's high availability, next to or instead of its cluster manager's view.
 */

/**
 * Id of the collector that reports, per entity, its PostgreSQL servers and their standbys.
 *
 * @public
 */
export const POSTGRES_REPLICATION_COLLECTOR_ID = 'postgres-replication';

/** One PostgreSQL server of the entity, as its exporter reports it. @public */
export interface PostgresServerFact {
  /** The exporter target, e.g. `pg-1.internal:9187`. */
  instance: string;
  /** The exporter reached PostgreSQL (`pg_up`). */
  up: boolean;
}

/** One standby streaming from a server, as that server's `pg_stat_replication` shows it. @public */
export interface PostgresStandbyFact {
  /** The exporter target of the server it streams from. */
  from: string;
  /** The standby's `application_name` (Patroni: the member's name). */
  name: string;
  /** `streaming`, `catchup`, `startup`, `backup`. */
  state: string;
  /** Bytes of WAL the standby has not replayed yet. */
  lagBytes?: number;
}

/** Facts of the `postgres-replication` collector for one entity. @public */
export interface PostgresReplicationFacts {
  /** Where the facts come from, e.g. `prometheus:main`. */
  source: string;
  /** How the entity's series were selected, e.g. `service="orders-db"`. */
  selector: string;
  /** Why nothing could be looked up for the entity (e.g. no Prometheus instance for it). */
  unavailable?: string;
  servers: PostgresServerFact[];
  standbys: PostgresStandbyFact[];
}
