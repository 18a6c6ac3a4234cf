import {
  V1LabelSelector,
  V1ManagedFieldsEntry,
  V1OwnerReference,
  V1PodAntiAffinity,
  V1PodTemplateSpec,
  V1TopologySpreadConstraint,
} from '@kubernetes/client-node';
import { KubernetesLabelSelector } from '../collector/labelSelector';

/** Metadata every listed object has (custom resources arrive as plain JSON). */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: { [key: string]: string };
  annotations?: { [key: string]: string };
  creationTimestamp?: string | Date;
}

interface CustomObject<TSpec, TStatus = unknown> {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: TSpec;
  status?: TStatus;
}

/** monitoring.coreos.com/v1 ServiceMonitor (the fields the checks read). */
export type ServiceMonitor = CustomObject<{
  selector?: KubernetesLabelSelector;
  namespaceSelector?: { any?: boolean; matchNames?: string[] };
  endpoints?: Array<{ port?: string; path?: string; interval?: string }>;
}>;

/** monitoring.coreos.com/v1 PodMonitor. */
export type PodMonitor = CustomObject<{
  selector?: KubernetesLabelSelector;
  namespaceSelector?: { any?: boolean; matchNames?: string[] };
  podMetricsEndpoints?: Array<{ port?: string; path?: string }>;
}>;

/** monitoring.coreos.com/v1 PrometheusRule. */
export type PrometheusRule = CustomObject<{
  groups?: Array<{
    name?: string;
    rules?: Array<{ alert?: string; record?: string; expr?: string }>;
  }>;
}>;

/** velero.io/v1 Schedule. */
export type VeleroSchedule = CustomObject<
  {
    schedule?: string;
    paused?: boolean;
    template?: {
      includedNamespaces?: string[];
      excludedNamespaces?: string[];
      ttl?: string;
      snapshotVolumes?: boolean;
      defaultVolumesToFsBackup?: boolean;
    };
  },
  { phase?: string; lastBackup?: string; validationErrors?: string[] }
>;

/** velero.io/v1 Backup. */
export type VeleroBackup = CustomObject<
  {
    includedNamespaces?: string[];
    excludedNamespaces?: string[];
    ttl?: string;
  },
  {
    phase?: string;
    startTimestamp?: string;
    completionTimestamp?: string;
    expiration?: string;
    errors?: number;
    warnings?: number;
    failureReason?: string;
  }
>;

/** velero.io/v1 Restore. */
export type VeleroRestore = CustomObject<
  {
    backupName?: string;
    scheduleName?: string;
    includedNamespaces?: string[];
  },
  {
    phase?: string;
    startTimestamp?: string;
    completionTimestamp?: string;
    errors?: number;
    warnings?: number;
    failureReason?: string;
  }
>;

/** cert-manager.io/v1 Certificate. */
export type Certificate = CustomObject<
  {
    secretName?: string;
    dnsNames?: string[];
    issuerRef?: { name?: string; kind?: string };
  },
  {
    conditions?: Array<{
      type?: string;
      status?: string;
      reason?: string;
      message?: string;
    }>;
    notAfter?: string;
    renewalTime?: string;
  }
>;

/**
 * postgresql.cnpg.io/v1 Cluster: a PostgreSQL cluster whose instance Pods the CloudNativePG
 * operator creates directly (no StatefulSet). Field names and defaults follow the operator's
 * `api/v1/cluster_types.go`.
 */
export type CnpgCluster = CustomObject<
  {
    /** Number of instances; the CRD defaults it to 1. */
    instances?: number;
    /** Labels and annotations the operator copies onto every object it creates, Pods included. */
    inheritedMetadata?: {
      labels?: { [key: string]: string };
      annotations?: { [key: string]: string };
    };
    affinity?: {
      /** Generated anti-affinity between the instances unless explicitly false. */
      enablePodAntiAffinity?: boolean;
      /** `preferred` (default when empty) or `required`. */
      podAntiAffinityType?: string;
      /** Defaults to kubernetes.io/hostname. */
      topologyKey?: string;
      additionalPodAntiAffinity?: V1PodAntiAffinity;
    };
    topologySpreadConstraints?: V1TopologySpreadConstraint[];
    /** Operator-managed PodDisruptionBudgets; default true. */
    enablePDB?: boolean;
    nodeMaintenanceWindow?: { inProgress?: boolean; reusePVC?: boolean };
    /** In-tree backups: Barman Cloud to object storage, and/or volume snapshots. */
    backup?: { barmanObjectStore?: object; volumeSnapshot?: object };
    /** CNPG-I plugins; `enabled` defaults to true, `isWALArchiver` to false. */
    plugins?: Array<{
      name?: string;
      enabled?: boolean;
      isWALArchiver?: boolean;
    }>;
  },
  {
    /** PVC groups detected; may differ from the instance Pods. */
    instances?: number;
    readyInstances?: number;
    /** `Cluster in healthy state` when nothing is going on. */
    phase?: string;
    phaseReason?: string;
    currentPrimary?: string;
    targetPrimary?: string;
    instanceNames?: string[];
    instancesStatus?: { [status: string]: string[] };
    topology?: { nodesUsed?: number; successfullyExtracted?: boolean };
    /** RFC 3339; set for in-tree backups (Barman Cloud, volume snapshots), not for plugins. */
    lastSuccessfulBackup?: string;
    lastFailedBackup?: string;
    firstRecoverabilityPoint?: string;
    /** Plugins the operator loaded, with what they can do (`backupCapabilities`). */
    pluginStatus?: Array<{ name?: string; backupCapabilities?: string[] }>;
    conditions?: Array<{
      type?: string;
      status?: string;
      reason?: string;
      message?: string;
      lastTransitionTime?: string;
    }>;
  }
>;

/** A `status.conditions[]` entry as Flux and the Kubernetes API conventions write it. */
export interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/**
 * argoproj.io/v1alpha1 Application (Argo CD): what it deploys where, whether the live state
 * matches Git (`status.sync`) and whether the deployed resources are healthy (`status.health`).
 */
export type ArgoCdApplication = CustomObject<
  {
    project?: string;
    source?: { repoURL?: string; path?: string; targetRevision?: string };
    sources?: Array<{ repoURL?: string; targetRevision?: string }>;
    destination?: { server?: string; name?: string; namespace?: string };
    syncPolicy?: {
      /** Present: Argo CD syncs by itself; `enabled: false` (Argo CD 3.x) turns it off. */
      automated?: { prune?: boolean; selfHeal?: boolean; enabled?: boolean };
    };
  },
  {
    /** `Synced`, `OutOfSync` or `Unknown`; `revision` is the Git revision compared. */
    sync?: { status?: string; revision?: string; revisions?: string[] };
    /** `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing` or `Unknown`. */
    health?: { status?: string; message?: string };
    operationState?: { phase?: string; message?: string; finishedAt?: string };
    conditions?: Array<{ type?: string; message?: string }>;
    /** The resources it manages, with their own sync and health. */
    resources?: Array<{
      group?: string;
      kind?: string;
      namespace?: string;
      name?: string;
      status?: string;
      health?: { status?: string };
    }>;
    reconciledAt?: string;
  }
>;

/**
 * kustomize.toolkit.fluxcd.io/v1 Kustomization and helm.toolkit.fluxcd.io/v2 HelmRelease
 * (Flux): reconciled continuously unless suspended; the `Ready` condition says whether the
 * last reconciliation applied the source and, with `wait`/health checks, whether it is healthy.
 */
export type FluxObject = CustomObject<
  {
    suspend?: boolean;
    interval?: string;
    /** HelmRelease: what to do when an upgrade fails. */
    upgrade?: {
      remediation?: {
        retries?: number;
        remediateLastFailure?: boolean;
        /** `rollback` (default) or `uninstall`. */
        strategy?: string;
      };
    };
  },
  {
    conditions?: Condition[];
    observedGeneration?: number;
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    history?: Array<{ chartVersion?: string; status?: string }>;
  }
> & { metadata?: ObjectMeta & { generation?: number } };

/** A step or background analysis of an Argo Rollouts strategy (AnalysisTemplates it runs). */
interface RolloutAnalysis {
  templates?: Array<{ templateName?: string; clusterScope?: boolean }>;
}

/**
 * argoproj.io/v1alpha1 Rollout (Argo Rollouts): a Deployment replacement whose canary or
 * blue-green strategy can run analyses and abort (roll back) a bad version by itself.
 */
export type ArgoRollout = CustomObject<
  {
    replicas?: number;
    selector?: V1LabelSelector;
    template?: V1PodTemplateSpec;
    /** Takes the pod template from an existing Deployment instead. */
    workloadRef?: { apiVersion?: string; kind?: string; name?: string };
    revisionHistoryLimit?: number;
    progressDeadlineSeconds?: number;
    strategy?: {
      canary?: {
        maxUnavailable?: number | string;
        maxSurge?: number | string;
        analysis?: RolloutAnalysis;
        steps?: Array<{ analysis?: RolloutAnalysis; setWeight?: number }>;
      };
      blueGreen?: {
        activeService?: string;
        prePromotionAnalysis?: RolloutAnalysis;
        postPromotionAnalysis?: RolloutAnalysis;
      };
    };
  },
  { replicas?: number; readyReplicas?: number; phase?: string }
> & {
  metadata?: ObjectMeta & {
    managedFields?: V1ManagedFieldsEntry[];
    ownerReferences?: V1OwnerReference[];
  };
};
