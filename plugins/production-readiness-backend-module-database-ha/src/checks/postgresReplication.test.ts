import { PostgresReplicationFacts } from '@production-readiness/plugin-production-readiness-node';
import { judgePostgresReplication } from './postgresReplication';

const MiB = 1024 * 1024;
const TWO = { instances: 2, why: 'a leader and a replica' };

/** A primary and a standby, each with its postgres_exporter, as Prometheus answers them. */
function facts(
  standbys: PostgresReplicationFacts['standbys'],
  servers = [
    { instance: 'pg-1:9187', up: true },
    { instance: 'pg-2:9187', up: true },
  ],
): PostgresReplicationFacts {
  return {
    source: 'prometheus:main',
    selector: 'job="orders-db"',
    servers,
    standbys,
  };
}

describe('judgePostgresReplication', () => {
  it('is no evidence when no exporter reports the entity', () => {
    expect(judgePostgresReplication(facts([], []), TWO, 16 * MiB)).toBe(
      undefined,
    );
  });

  it('warns when a streaming standby is further behind than the bound', () => {
    const result = judgePostgresReplication(
      facts([
        {
          from: 'pg-1:9187',
          name: 'pg-2',
          state: 'streaming',
          lagBytes: 40 * MiB,
        },
      ]),
      TWO,
      16 * MiB,
    )!;
    expect(result).toMatchObject({
      status: 'warn',
      summary:
        'PostgreSQL (postgres_exporter, job="orders-db"): standby pg-2 is 40 MiB behind (more than 16 MiB would be lost on failover)',
    });
  });

  it('fails a standby still catching up, and fewer servers than declared', () => {
    const result = judgePostgresReplication(
      facts([
        { from: 'pg-1:9187', name: 'pg-2', state: 'catchup', lagBytes: 0 },
      ]),
      { instances: 3, why: 'production-readiness.io/high-availability=3' },
      16 * MiB,
    )!;
    expect(result.status).toBe('fail');
    expect(result.summary).toBe(
      'PostgreSQL (postgres_exporter, job="orders-db") is not highly available: standby pg-2 of pg-1:9187 is catchup; no server reports a streaming standby (pg_stat_replication is empty on pg-1:9187, pg-2:9187); 2 of the 3 servers needed (production-readiness.io/high-availability=3) have an exporter reporting',
    );
  });
});
