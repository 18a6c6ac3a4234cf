import {
  Evidence,
  formatBytes,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  checkResult,
  PostgresReplicationFacts,
} from '@production-readiness/plugin-production-readiness-node';

/**
 * Judges streaming replication as PostgreSQL reports it through postgres_exporter: every
 * server's exporter reaches PostgreSQL, standbys stream from a server (its
 * `pg_stat_replication`) within the lag bound, and the servers that stream or lead are at least
 * as many as needed. Undefined when the entity has no postgres_exporter series: no evidence.
 */
export function judgePostgresReplication(
  facts: PostgresReplicationFacts,
  needed: { instances: number; why: string },
  maxLagBytes: number,
): CheckEvaluation | undefined {
  if (facts.servers.length === 0) {
    return undefined;
  }
  const name = `PostgreSQL (postgres_exporter, ${facts.selector})`;
  const evidence: Evidence[] = [
    ...facts.servers.map(s => ({
      label: `server ${s.instance}`,
      value: s.up ? 'up' : 'exporter cannot reach PostgreSQL (pg_up 0)',
      source: facts.source,
    })),
    ...facts.standbys.map(s => ({
      label: `standby ${s.name} of ${s.from}`,
      value: {
        state: s.state,
        ...(s.lagBytes !== undefined ? { lag: formatBytes(s.lagBytes) } : {}),
      },
      source: facts.source,
    })),
  ];
  const down = facts.servers.filter(s => !s.up);
  const streaming = facts.standbys.filter(s => s.state === 'streaming');
  const notStreaming = facts.standbys.filter(s => s.state !== 'streaming');
  const leaders = [...new Set(streaming.map(s => s.from))];
  const healthy = (leaders.length ? 1 : 0) + streaming.length;
  const problems = [
    ...down.map(
      s =>
        `the exporter at ${s.instance} cannot reach its PostgreSQL (pg_up 0)`,
    ),
    ...notStreaming.map(
      s => `standby ${s.name} of ${s.from} is ${s.state || 'not streaming'}`,
    ),
    streaming.length === 0 &&
      `no server reports a streaming standby (pg_stat_replication is empty on ${facts.servers
        .map(s => s.instance)
        .join(', ')})`,
    facts.servers.length < needed.instances &&
      `${facts.servers.length} of the ${needed.instances} servers needed (${needed.why}) have an exporter reporting`,
    healthy > 0 &&
      healthy < needed.instances &&
      `${healthy} of the ${needed.instances} servers needed (${needed.why}) lead or stream`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length) {
    return checkResult.fail(
      `${name} is not highly available: ${problems.join('; ')}`,
      evidence,
      'Start the stopped standbys and check their PostgreSQL logs (primary_conninfo, replication slots, pg_hba.conf for replication); a standby that cannot catch up needs to be rebuilt (pg_basebackup, or patronictl reinit under Patroni).',
    );
  }
  const lagging = streaming.filter(
    s => s.lagBytes === undefined || s.lagBytes > maxLagBytes,
  );
  if (lagging.length) {
    return checkResult.warn(
      `${name}: ${lagging
        .map(
          s =>
            `standby ${s.name} is ${
              s.lagBytes === undefined
                ? 'at an unknown lag'
                : `${formatBytes(s.lagBytes)} behind`
            }`,
        )
        .join('; ')} (more than ${formatBytes(
        maxLagBytes,
      )} would be lost on failover)`,
      evidence,
      'Find why the standby falls behind (network, disk, long queries on it, the write load) in its PostgreSQL log and pg_stat_replication.',
    );
  }
  return checkResult.pass(
    `${name}: ${streaming
      .map(
        s =>
          `${s.name} streaming from ${s.from}, ${formatBytes(
            s.lagBytes ?? 0,
          )} behind`,
      )
      .join('; ')}; ${needed.instances} servers needed (${needed.why})`,
    evidence,
  );
}
