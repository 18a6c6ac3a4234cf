import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CollectedFacts,
  CollectorContext,
  EvidenceClaim,
  FactCollector,
  OPERATOR_DATABASE_CLUSTERS_COLLECTOR_ID,
  OperatorDatabaseCluster,
  OperatorDatabaseClustersFacts,
} from '@production-readiness/plugin-production-readiness-node';
import { objectClaim } from './claims';
import { ClusterSnapshots } from './ClusterSnapshots';
import { ClusterSnapshot } from './buildFacts';
import {
  CNPG_HEALTHY_PHASE,
  CNPG_ROUTINE_PHASES,
  cnpgClusterFacts,
} from './cnpgClusters';
import { CnpgClusterFact, unreadable } from './facts';
import {
  hasKubernetesAnnotations,
  resolveEntityTarget,
} from './KubernetesCollector';

function toOperatorCluster(c: CnpgClusterFact): OperatorDatabaseCluster {
  let condition: OperatorDatabaseCluster['condition'] = 'unhealthy';
  if (c.phase === CNPG_HEALTHY_PHASE) condition = 'healthy';
  else if (c.phase && CNPG_ROUTINE_PHASES.has(c.phase)) {
    condition = 'routine-operation';
  }
  return {
    name: `CloudNativePG Cluster ${c.namespace}/${c.name} on cluster ${c.cluster}`,
    source: `kubernetes:${c.cluster}`,
    instances: c.instances,
    readyInstances: c.readyInstances,
    ...(c.currentPrimary ? { primary: c.currentPrimary } : {}),
    condition,
    state: c.phase
      ? `phase "${c.phase}"${c.phaseReason ? ` (${c.phaseReason})` : ''}`
      : 'no status.phase (the CloudNativePG operator has not reported on it)',
  };
}

/**
 * Provides `operator-database-clusters` (see `-node`): per entity, the CloudNativePG Clusters
 * its Kubernetes annotations select, from the same per-refresh snapshot as the Kubernetes
 * collector (no kind is listed twice). A cluster where CloudNativePG is not installed has none;
 * one whose Clusters could not be listed gives the entity an error.
 */
export class OperatorDatabaseClustersCollector
  implements FactCollector<OperatorDatabaseClustersFacts>
{
  readonly id = OPERATOR_DATABASE_CLUSTERS_COLLECTOR_ID;
  readonly title = 'Kubernetes (CloudNativePG)';

  constructor(private readonly clusters: ClusterSnapshots) {}

  appliesTo(entity: Entity): boolean {
    return hasKubernetesAnnotations(entity);
  }

  async collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFacts<OperatorDatabaseClustersFacts>> {
    const facts = new Map<string, OperatorDatabaseClustersFacts>();
    const errors = new Map<string, string>();
    const claims = new Map<string, EvidenceClaim[]>();
    if (!entities.length) return { facts, errors, claims };
    const all = await this.clusters.of(context);
    const unlistedIn = (snapshots: ClusterSnapshot[]) =>
      snapshots.flatMap(snapshot => {
        const reason = unreadable(snapshot.state('cnpgclusters'));
        return reason
          ? [
              `cluster ${snapshot.cluster}: listing CloudNativePG Clusters failed: ${reason}`,
            ]
          : [];
      });
    for (const entity of entities) {
      const entityRef = stringifyEntityRef(entity);
      const target = resolveEntityTarget(entity);
      if (!target.ok) {
        errors.set(entityRef, target.error);
        continue;
      }
      const located = this.clusters.forEntity(entity, all);
      if (!located.ok) {
        errors.set(entityRef, located.error);
        continue;
      }
      const unlisted = unlistedIn(located.snapshots);
      if (unlisted.length) {
        errors.set(entityRef, unlisted.join('; '));
        continue;
      }
      const found = located.snapshots.flatMap(s =>
        cnpgClusterFacts(s, target.target),
      );
      facts.set(entityRef, { clusters: found.map(toOperatorCluster) });
      claims.set(
        entityRef,
        found.map(c =>
          objectClaim(
            'kubernetes-workload',
            'Cluster.postgresql.cnpg.io',
            c,
            target.text,
          ),
        ),
      );
    }
    return { facts, errors, claims };
  }
}
