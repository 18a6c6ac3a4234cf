import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  EntityFilter,
  EVIDENCE_OWNER,
  formatBytes,
  readHighAvailability,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  checkResult,
  createReadinessCheck,
  LOAD_BALANCER_BACKENDS_COLLECTOR_ID,
  LoadBalancerBackendsFacts,
  OPERATOR_DATABASE_CLUSTERS_COLLECTOR_ID,
  OperatorDatabaseClustersFacts,
  POSTGRES_REPLICATION_COLLECTOR_ID,
  PostgresReplicationFacts,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import {
  PATRONI_COLLECTOR_ID,
  PatroniFacts,
} from '../collector/PatroniCollector';
import { judgeLoadBalancer } from './loadBalancer';
import { judgeOperatorClusters } from './operatorClusters';
import { judgePatroni } from './patroni';
import { judgePostgresReplication } from './postgresReplication';

const RANK: Record<string, number> = { pass: 0, warn: 1, fail: 2 };

/**
 * One verdict from the parts of the evidence (the members, the load balancer in front): the
 * worst part decides, and its summary comes first.
 */
function combine(parts: CheckEvaluation[]): CheckEvaluation {
  if (parts.length === 1) return parts[0];
  const worst = parts.reduce((a, b) =>
    (RANK[b.status] ?? 3) > (RANK[a.status] ?? 3) ? b : a,
  );
  const shown =
    worst.status === 'pass' ? parts : parts.filter(p => p.status !== 'pass');
  return {
    status: worst.status,
    summary: shown.map(p => p.summary).join('; '),
    evidence: parts.flatMap(p => p.evidence ?? []),
    ...(worst.remediation ? { remediation: worst.remediation } : {}),
  };
}

/** Nothing shows the members: fail, naming each way to show them. */
function noEvidence(
  entity: Entity,
  postgres: PostgresReplicationFacts | undefined,
  operated: OperatorDatabaseClustersFacts | undefined,
): CheckEvaluation {
  const type = (entity.spec as { type?: unknown } | undefined)?.type;
  const looked = postgres
    ? postgres.unavailable ??
      `no postgres_exporter series with ${postgres.selector} on ${postgres.source}`
    : 'postgres_exporter not read: the Prometheus module is not installed';
  // Read only for entities with Kubernetes annotations, where the Kubernetes module runs.
  const operator = operated
    ? '; no CloudNativePG Cluster selected by its Kubernetes annotations'
    : '';
  return checkResult.fail(
    `No high-availability evidence declared for this ${
      typeof type === 'string' ? `${type} ` : ''
    }${
      entity.kind
    }: nothing shows it survives losing an instance (no Patroni cluster named; ${looked}${operator})`,
    [
      {
        label: 'looked for',
        value: [
          `${ANNOTATIONS.patroniCluster}: not declared`,
          `postgres_exporter: ${looked}`,
          ...(operated
            ? [
                'CloudNativePG: no Cluster selected by its Kubernetes annotations',
              ]
            : []),
        ],
        source: 'catalog',
      },
    ],
    `Run it with a replica and say where its members can be seen: \`${ANNOTATIONS.patroniCluster}: <name of a cluster in productionReadiness.databaseHa.patroni>\`, run it as a CloudNativePG Cluster its Kubernetes annotations select, or scrape a postgres_exporter on each of its servers with the label ${EVIDENCE_OWNER.prometheusLabel}="<this entity's ref>" (or the service label ${ANNOTATIONS.prometheusService} names). A single instance the owners accept needs a waiver of this check approved outside the owning team.`,
  );
}

/**
 * `availability.data-store-ha`: a data store a production service depends on is highly
 * available, as its live members show: a running leader, replicas streaming within the lag
 * bound, at least as many members as declared (at least two).
 */
export function createDataStoreHaCheck(options: {
  statefulTypes: string[];
  maxReplicationLagBytes: number;
}): ReadinessCheck {
  const stateful: EntityFilter = {
    anyOf: [
      { kind: ['Resource'], type: options.statefulTypes },
      { kind: ['Component'], type: options.statefulTypes },
    ],
  };
  return createReadinessCheck({
    id: 'availability.data-store-ha',
    pillar: 'availability',
    title: 'Data store is highly available',
    description: `A data store that production services depend on survives losing an instance, as its live members show: Patroni's REST API (the cluster named by ${
      ANNOTATIONS.patroniCluster
    }), CloudNativePG's report on the Clusters its Kubernetes annotations select (with the Kubernetes module), and PostgreSQL itself through postgres_exporter (pg_up of every server, pg_stat_replication of the one standbys stream from; with the Prometheus module). Each source shown must have a running leader or primary, every replica streaming and at most ${formatBytes(
      options.maxReplicationLagBytes,
    )} behind, and at least as many members as ${
      ANNOTATIONS.highAvailability
    } declares (two when it declares nothing); none shown fails. Where it names the HAProxy backend its clients connect through (${
      ANNOTATIONS.haproxyBackend
    }), that backend has a live server, every server is health-checked, and none is down except a standby answering its role check (HAProxy's own Prometheus endpoint). A single instance passes only with an approved waiver.`,
    severity: 'critical',
    appliesTo: { hasAnnotations: [ANNOTATIONS.patroniCluster] },
    requiredOf: stateful,
    remediation: `Run the database with at least one streaming replica: under Patroni (name the cluster with ${ANNOTATIONS.patroniCluster}), as a CloudNativePG Cluster, or with a postgres_exporter scraped on each server.`,
    // Each source is read where installed; the evaluator fails when none shows the members.
    collectors: [],
    optionalCollectors: [
      PATRONI_COLLECTOR_ID,
      POSTGRES_REPLICATION_COLLECTOR_ID,
      OPERATOR_DATABASE_CLUSTERS_COLLECTOR_ID,
      LOAD_BALANCER_BACKENDS_COLLECTOR_ID,
    ],
    sources: [
      PATRONI_COLLECTOR_ID,
      POSTGRES_REPLICATION_COLLECTOR_ID,
      OPERATOR_DATABASE_CLUSTERS_COLLECTOR_ID,
      LOAD_BALANCER_BACKENDS_COLLECTOR_ID,
    ],
    evaluate: context => {
      const entity = context.entity;
      const patroni = context.facts<PatroniFacts>(PATRONI_COLLECTOR_ID);
      if (patroni?.misconfigured) {
        return checkResult.unknown(
          patroni.misconfigured,
          [
            {
              label: ANNOTATIONS.patroniCluster,
              value: patroni.cluster,
              source: 'catalog',
            },
          ],
          `Name a cluster listed in productionReadiness.databaseHa.patroni, or ask the platform team to add it there.`,
        );
      }
      const declared = entity.metadata.annotations?.[
        ANNOTATIONS.highAvailability
      ]
        ? readHighAvailability(entity)
        : undefined;
      if (declared?.state === 'invalid') {
        return checkResult.unknown(declared.error, [
          {
            label: ANNOTATIONS.highAvailability,
            value: declared.value,
            source: 'catalog',
          },
        ]);
      }
      const needed = declared
        ? { instances: declared.instances, why: declared.text }
        : { instances: 2, why: 'a leader and a replica' };
      const postgres = context.facts<PostgresReplicationFacts>(
        POSTGRES_REPLICATION_COLLECTOR_ID,
      );
      const operated = context.facts<OperatorDatabaseClustersFacts>(
        OPERATOR_DATABASE_CLUSTERS_COLLECTOR_ID,
      );
      // The members, as the cluster manager, the operator and PostgreSQL itself show them.
      const members = [
        patroni &&
          judgePatroni(patroni, needed, options.maxReplicationLagBytes),
        operated && judgeOperatorClusters(operated, needed),
        postgres &&
          judgePostgresReplication(
            postgres,
            needed,
            options.maxReplicationLagBytes,
          ),
      ].filter((p): p is CheckEvaluation => p !== undefined);
      if (members.length === 0) {
        return noEvidence(entity, postgres, operated);
      }
      // Where it names the HAProxy backend its clients connect through, and the Prometheus
      // module reads HAProxy: that way in must reach a live, checked member too.
      const loadBalancer = context.facts<LoadBalancerBackendsFacts>(
        LOAD_BALANCER_BACKENDS_COLLECTOR_ID,
      );
      return combine(
        loadBalancer ? [...members, judgeLoadBalancer(loadBalancer)] : members,
      );
    },
  });
}
