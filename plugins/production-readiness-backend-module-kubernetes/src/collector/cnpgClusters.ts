import {
  V1PodAffinityTerm,
  V1PodTemplateSpec,
  V1WeightedPodAffinityTerm,
} from '@kubernetes/client-node';
import { CnpgCluster } from '../client/customResources';
import type { ClusterSnapshot, EntityTarget } from './buildFacts';
import { CnpgBackupFact, CnpgClusterFact, ObjectRef } from './facts';
import { matchesLabels } from './labelSelector';
import { KubeObjectMeta, name, ns, objectRef } from './objects';

/** Label CloudNativePG puts on the objects of a Cluster, the PodDisruptionBudgets included. */
const CNPG_CLUSTER_LABEL = 'cnpg.io/cluster';

/** The Cluster's backup configuration and the operator's report on its backups. */
function cnpgBackup(c: CnpgCluster): CnpgBackupFact {
  const methods: string[] = [];
  if (c.spec?.backup?.barmanObjectStore) methods.push('barmanObjectStore');
  if (c.spec?.backup?.volumeSnapshot) methods.push('volumeSnapshot');
  for (const plugin of c.spec?.plugins ?? []) {
    if (!plugin.name || plugin.enabled === false) continue;
    const capabilities = c.status?.pluginStatus?.find(
      s => s.name === plugin.name,
    )?.backupCapabilities;
    if (plugin.isWALArchiver === true || capabilities?.length) {
      methods.push(`plugin ${plugin.name}`);
    }
  }
  const condition = c.status?.conditions?.find(
    k => k.type === 'LastBackupSucceeded',
  );
  return {
    methods,
    lastSuccessfulBackup: c.status?.lastSuccessfulBackup || undefined,
    lastFailedBackup: c.status?.lastFailedBackup || undefined,
    firstRecoverabilityPoint: c.status?.firstRecoverabilityPoint || undefined,
    condition: condition?.status
      ? {
          status: condition.status,
          reason: condition.reason || undefined,
          message: condition.message || undefined,
          lastTransitionTime: condition.lastTransitionTime || undefined,
        }
      : undefined,
  };
}

/**
 * The instance Pods of a CloudNativePG Cluster as the operator builds them (`pkg/specs/pods.go`):
 * the labels they surely carry (the operator's own plus `spec.inheritedMetadata.labels`; the
 * Cluster's metadata.labels reach Pods only when the operator is configured to pass them on)
 * and the scheduling rules: the generated anti-affinity between instances unless
 * `enablePodAntiAffinity` is false (`preferred` unless `podAntiAffinityType` is `required`, on
 * `topologyKey`, default kubernetes.io/hostname), `additionalPodAntiAffinity` and
 * `topologySpreadConstraints`.
 */
function cnpgPodTemplate(cluster: CnpgCluster): {
  template: V1PodTemplateSpec;
  antiAffinity: CnpgClusterFact['antiAffinity'];
} {
  const clusterName = name(cluster);
  const affinity = cluster.spec?.affinity ?? {};
  const defaulted: string[] = [];
  if (affinity.enablePodAntiAffinity === undefined) {
    defaulted.push('enablePodAntiAffinity');
  }
  if (!affinity.podAntiAffinityType) defaulted.push('podAntiAffinityType');
  if (!affinity.topologyKey) defaulted.push('topologyKey');
  const antiAffinity = {
    enabled: affinity.enablePodAntiAffinity !== false,
    type: affinity.podAntiAffinityType || 'preferred',
    topologyKey: affinity.topologyKey || 'kubernetes.io/hostname',
    defaulted,
  };
  const generated: V1PodAffinityTerm = {
    labelSelector: {
      matchExpressions: [
        { key: CNPG_CLUSTER_LABEL, operator: 'In', values: [clusterName] },
        { key: 'cnpg.io/podRole', operator: 'In', values: ['instance'] },
      ],
    },
    topologyKey: antiAffinity.topologyKey,
  };
  const required: V1PodAffinityTerm[] = [];
  const preferred: V1WeightedPodAffinityTerm[] = [];
  if (antiAffinity.enabled && antiAffinity.type === 'required') {
    required.push(generated);
  } else if (antiAffinity.enabled && antiAffinity.type === 'preferred') {
    preferred.push({ weight: 100, podAffinityTerm: generated });
  }
  const additional = affinity.additionalPodAntiAffinity;
  required.push(
    ...(additional?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
  );
  preferred.push(
    ...(additional?.preferredDuringSchedulingIgnoredDuringExecution ?? []),
  );
  return {
    antiAffinity,
    template: {
      metadata: {
        labels: {
          ...cluster.spec?.inheritedMetadata?.labels,
          [CNPG_CLUSTER_LABEL]: clusterName,
          'cnpg.io/podRole': 'instance',
          'app.kubernetes.io/name': 'postgresql',
          'app.kubernetes.io/instance': clusterName,
          'app.kubernetes.io/component': 'database',
          'app.kubernetes.io/managed-by': 'cloudnative-pg',
        },
      },
      spec: {
        containers: [],
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: required,
            preferredDuringSchedulingIgnoredDuringExecution: preferred,
          },
        },
        topologySpreadConstraints: cluster.spec?.topologySpreadConstraints,
      },
    },
  };
}

/** `status.phase` of a CloudNativePG Cluster with nothing going on. */
export const CNPG_HEALTHY_PHASE = 'Cluster in healthy state';

/**
 * Phases of routine CloudNativePG operations (rolling updates, switchovers, new replicas,
 * configuration changes): the cluster is expected back in a healthy state by itself, so they
 * weaken the verdict (warn). Any other phase (failing over, waiting for user action,
 * unrecoverable, plugin or image catalog errors, an invalid definition...) fails it.
 * The strings are the operator's `Phase*` constants (api/v1/cluster_types.go).
 */
export const CNPG_ROUTINE_PHASES = new Set([
  'Switchover in progress',
  'Creating a new replica',
  'Upgrading cluster',
  'Upgrading Postgres major version',
  'Cluster upgrade delayed',
  'Primary instance is being restarted in-place',
  'Primary instance is being restarted without a switchover',
  'Waiting for the instances to become active',
  'Online upgrade in progress',
  'Applying configuration',
]);

/** The CloudNativePG Clusters of one cluster that the entity's selector matches. */
export function cnpgClusterFacts(
  snapshot: ClusterSnapshot,
  target: EntityTarget,
): CnpgClusterFact[] {
  const mine = (o: { metadata?: { labels?: { [k: string]: string } } }) =>
    matchesLabels(target.selector, o.metadata?.labels);
  const ref = (o: KubeObjectMeta): ObjectRef => objectRef(snapshot.cluster, o);
  const facts: CnpgClusterFact[] = [];
  for (const c of snapshot.items('cnpgclusters', target.namespace)) {
    const { template, antiAffinity } = cnpgPodTemplate(c);
    let matchedBy: CnpgClusterFact['matchedBy'];
    if (mine(c)) matchedBy = 'metadata.labels';
    else if (matchesLabels(target.selector, template.metadata?.labels)) {
      matchedBy = 'pod labels';
    } else continue;
    const window = c.spec?.nodeMaintenanceWindow;
    facts.push({
      ...ref(c),
      matchedBy,
      instances: c.spec?.instances ?? 1,
      readyInstances: c.status?.readyInstances ?? 0,
      phase: c.status?.phase || undefined,
      phaseReason: c.status?.phaseReason || undefined,
      currentPrimary: c.status?.currentPrimary,
      instanceNames: c.status?.instanceNames ?? [],
      nodesUsed: c.status?.topology?.nodesUsed,
      antiAffinity,
      podTemplate: template,
      enablePDB: c.spec?.enablePDB !== false,
      // The operator drops the replicas' PDB during such a window (reusePVC defaults to true).
      maintenanceWindow:
        window?.inProgress === true && window.reusePVC !== false,
      disruptionBudgets: snapshot
        .items('poddisruptionbudgets', ns(c))
        .filter(
          p => p.spec?.selector?.matchLabels?.[CNPG_CLUSTER_LABEL] === name(c),
        )
        .map(p => ({
          name: name(p),
          minAvailable: p.spec?.minAvailable,
          maxUnavailable: p.spec?.maxUnavailable,
          disruptionsAllowed: p.status?.disruptionsAllowed,
        })),
      backup: cnpgBackup(c),
    });
  }
  return facts;
}
