import { FieldManagerFact, specManagers } from './managedFields';
import { GitOpsMarker, gitOpsMarkers } from './gitops';
import type { ContainerLogRotationFact } from './containerLogRotation';
import {
  V1ManagedFieldsEntry,
  V1PodTemplateSpec,
} from '@kubernetes/client-node';
import { ResourceKind } from '../client/resources';

/** Id of the collector; checks read its facts with `ctx.facts(KUBERNETES_COLLECTOR_ID)`. */
export const KUBERNETES_COLLECTOR_ID = 'kubernetes';

/** How listing one kind from one cluster went. */
export type SourceState =
  | { state: 'ok' }
  | { state: 'not-installed'; reason: string }
  | { state: 'error'; reason: string }
  /** Not listed: reading the cluster needs a signed-in user's token. */
  | { state: 'unavailable'; reason: string };

/** Why a kind could not be read from a cluster (failed or unavailable), if it could not. */
export function unreadable(state: SourceState | undefined): string | undefined {
  return state?.state === 'error' || state?.state === 'unavailable'
    ? state.reason
    : undefined;
}

/** Where an object is. */
export interface ObjectRef {
  cluster: string;
  namespace: string;
  name: string;
  /**
   * The entity the object names as its own (annotation
   * `production-readiness.io/entity-ref`), which settles who its evidence belongs to.
   */
  namedEntity?: string;
}

/** A Deployment or StatefulSet of the entity, with the objects that act on its pods. */
export interface WorkloadFact extends ObjectRef {
  /** `Rollout`: an Argo Rollouts Rollout, which replaces a Deployment. */
  kind: 'Deployment' | 'StatefulSet' | 'Rollout';
  /** spec.replicas (Kubernetes defaults it to 1). */
  replicas: number;
  readyReplicas: number;
  template: V1PodTemplateSpec;
  /** Deployment `spec.strategy`, StatefulSet `spec.updateStrategy`, Rollout `Canary`/`BlueGreen`. */
  strategy: {
    type: string;
    maxUnavailable?: number | string;
    maxSurge?: number | string;
  };
  disruptionBudgets: Array<{
    name: string;
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    disruptionsAllowed?: number;
  }>;
  autoscalers: Array<{
    name: string;
    minReplicas?: number;
    maxReplicas: number;
  }>;
  networkPolicies: Array<{ name: string; policyTypes: string[] }>;
  /** Services whose selector matches the pods. */
  services: string[];
  /** ServiceMonitors selecting one of those Services (`namespace/name`). */
  serviceMonitors: string[];
  /** PodMonitors selecting the pods (`namespace/name`). */
  podMonitors: string[];
  /** PersistentVolumeClaims the pods mount (including StatefulSet claim templates). */
  volumeClaims: string[];
  /** Nodes that run the workload's pods (those its selector matches and are scheduled). */
  nodes: string[];
  /** The managers of its spec, from `metadata.managedFields`. */
  managers: FieldManagerFact[];
  /** The object that controls it (`ownerReferences[].controller`), e.g. an operator's resource. */
  controller?: { kind: string; name: string };
  /** What its own labels and annotations say deploys it (Argo CD tracking, Flux labels). */
  gitOpsMarkers: GitOpsMarker[];
  /** The GitOps objects found deploying it (keys of `KubernetesFacts.gitOps`). */
  gitOps: Array<{ kind: GitOpsFact['kind']; ref: string; via: string }>;
  /** Markers whose GitOps object was not found, said as a sentence each. */
  gitOpsMissing: string[];
  /** What rolling it back needs. */
  rollout: {
    /** spec.revisionHistoryLimit: old ReplicaSets / ControllerRevisions kept (default 10). */
    revisionHistoryLimit: number;
    /** Deployment: its `deployment.kubernetes.io/revision`; 1 means no earlier revision. */
    revision?: number;
    /** Deployment spec.progressDeadlineSeconds (the API server defaults it to 600). */
    progressDeadlineSeconds?: number;
    /** Rollout: the AnalysisTemplates its strategy runs (they abort a bad version). */
    analyses?: string[];
  };
}

/**
 * An Argo CD Application, Flux Kustomization or Flux HelmRelease that deploys workloads of the
 * entity, and whether it has brought them to what Git declares.
 */
export interface GitOpsFact extends ObjectRef {
  kind: 'Application' | 'Kustomization' | 'HelmRelease';
  /** The entity's workloads it deploys: `Deployment orders/orders-api (prod-eu)`. */
  deploys: string[];
  /** The label or annotation that tied the first of them to it. */
  boundBy: string;
  /** `Synced, Healthy` (Argo CD sync and health status) or `Ready=True (…)` (Flux). */
  state: string;
  /** Argo CD: sync status Synced; Flux: Ready for the current generation. */
  synced: boolean;
  /** Argo CD: health status Healthy; Flux: the same Ready condition (it includes health checks). */
  healthy: boolean;
  /** Syncs by itself: Argo CD `syncPolicy.automated`, Flux unless suspended. */
  automated: boolean;
  /** Reverts changes made outside Git: Argo CD `automated.selfHeal`, Flux unless suspended. */
  selfHeal: boolean;
  /** Flux `spec.suspend`. */
  suspended: boolean;
  /** Flux HelmRelease: how a failed upgrade is remediated (`rollback after 3 retries`). */
  remediation?: string;
  /** The Git revision (or chart version) last applied. */
  revision?: string;
  /** Why it is not synced or healthy, as the controller says. */
  message?: string;
}

/**
 * A node log shipper (a DaemonSet whose image is a known log agent) in a cluster where the
 * entity's workloads run.
 */
export interface LogShipperFact extends ObjectRef {
  /** The container image that makes it a log shipper. */
  image: string;
  /** `status.desiredNumberScheduled` and `status.numberReady`. */
  desired: number;
  ready: number;
  /** Nodes with a ready pod of it. */
  readyOn: string[];
}

/**
 * A CloudNativePG Cluster (`postgresql.cnpg.io/v1`) of the entity: a PostgreSQL database whose
 * instance Pods the operator creates directly, without a StatefulSet.
 */
export interface CnpgClusterFact extends ObjectRef {
  /**
   * What the entity's selector matched: the Cluster's own labels, or the labels its instance
   * Pods surely carry (`spec.inheritedMetadata.labels` plus the operator's `cnpg.io/*` and
   * `app.kubernetes.io/*` labels).
   */
  matchedBy: 'metadata.labels' | 'pod labels';
  /** spec.instances (the CRD defaults it to 1). */
  instances: number;
  /** status.readyInstances (0 when the operator has not reported it). */
  readyInstances: number;
  phase?: string;
  phaseReason?: string;
  currentPrimary?: string;
  instanceNames: string[];
  /** status.topology.nodesUsed: how many distinct nodes run the instances. */
  nodesUsed?: number;
  /** spec.affinity with the operator's defaults applied. */
  antiAffinity: {
    enabled: boolean;
    type: string;
    topologyKey: string;
    /** The fields that were not set and took the operator's default. */
    defaulted: string[];
  };
  /** The instance Pods as the operator builds them: their known labels and scheduling rules. */
  podTemplate: V1PodTemplateSpec;
  /** spec.enablePDB (default true). */
  enablePDB: boolean;
  /** A node maintenance window is in progress with reusePVC, so the replicas' PDB is lifted. */
  maintenanceWindow: boolean;
  /** The operator's PodDisruptionBudgets of the cluster (selector label `cnpg.io/cluster`). */
  disruptionBudgets: Array<{
    name: string;
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    disruptionsAllowed?: number;
  }>;
  /** The cluster's own backups, as configured in its spec and reported in its status. */
  backup: CnpgBackupFact;
}

/** How a CloudNativePG Cluster backs itself up (field names as in the operator's `api/v1`). */
export interface CnpgBackupFact {
  /**
   * What takes its backups: `barmanObjectStore` and `volumeSnapshot` (spec.backup), and
   * `plugin <name>` for each enabled spec.plugins[] entry that archives WAL or that the
   * operator reports with backup capabilities. Empty: backup is not configured.
   */
  methods: string[];
  /** status.lastSuccessfulBackup; the operator does not set it for plugin backups. */
  lastSuccessfulBackup?: string;
  /** status.lastFailedBackup. */
  lastFailedBackup?: string;
  /** status.firstRecoverabilityPoint: the oldest point in time a restore can reach. */
  firstRecoverabilityPoint?: string;
  /** The `LastBackupSucceeded` condition. */
  condition?: {
    status: string;
    reason?: string;
    message?: string;
    lastTransitionTime?: string;
  };
}

/** One run of a CronJob. */
export interface JobFact {
  name: string;
  state: 'succeeded' | 'failed' | 'running';
  startTime?: string;
  completionTime?: string;
  /** Why it failed, from the Failed condition. */
  reason?: string;
}

/** A CronJob that takes backups or tests restores. */
export interface CronJobFact extends ObjectRef {
  purpose: 'backup' | 'restore-test';
  /** How the purpose was recognised: the purpose label, or the name. */
  identifiedBy: 'label' | 'name';
  schedule: string;
  timeZone?: string;
  suspended: boolean;
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
  /** Its Jobs, newest first. */
  jobs: JobFact[];
}

/** A cert-manager Certificate behind an Ingress TLS secret. */
export interface CertificateFact {
  name: string;
  ready: boolean;
  readyReason?: string;
  readyMessage?: string;
  notAfter?: string;
  renewalTime?: string;
}

/** An Ingress routing to the entity. */
export interface IngressFact extends ObjectRef {
  hosts: string[];
  tls: Array<{
    hosts: string[];
    secretName?: string;
    /** The Certificate writing `secretName`, when cert-manager manages it. */
    certificate?: CertificateFact;
  }>;
}

/** The newest Backup of a Velero Schedule. */
export interface VeleroBackupFact {
  name: string;
  phase: string;
  startTimestamp?: string;
  completionTimestamp?: string;
  errors?: number;
  warnings?: number;
  failureReason?: string;
}

/** Velero objects covering one namespace of the entity. */
export interface VeleroFact {
  cluster: string;
  /** The entity's namespace this is about. */
  namespace: string;
  schedules: Array<{
    /** `velero-namespace/name`. */
    name: string;
    cron: string;
    phase?: string;
    paused: boolean;
    /** Newest backups of the schedule, newest first (at most 5). */
    backups: VeleroBackupFact[];
  }>;
  /** Restores that restored the namespace, newest first. */
  restores: Array<{
    name: string;
    backupName?: string;
    phase: string;
    completionTimestamp?: string;
    errors?: number;
  }>;
}

/** A PrometheusRule labelled for the entity. */
export interface PrometheusRuleFact extends ObjectRef {
  alerts: string[];
}

/** Everything the module found about one entity in all clusters. */
export interface KubernetesFacts {
  /** How the entity's objects were selected, e.g. `backstage.io/kubernetes-id=orders-api`. */
  selector: string;
  namespace?: string;
  /** Set when an annotation is invalid; nothing was matched then. */
  annotationError?: string;
  /** Names of the clusters looked in. */
  clusters: string[];
  /** Per cluster, how listing each kind went. */
  sources: Record<string, Partial<Record<ResourceKind, SourceState>>>;
  workloads: WorkloadFact[];
  /** CloudNativePG Clusters matched to the entity. */
  cnpgClusters: CnpgClusterFact[];
  cronJobs: CronJobFact[];
  ingresses: IngressFact[];
  /** PVCs labelled for the entity or mounted by its workloads. */
  persistentVolumeClaims: ObjectRef[];
  prometheusRules: PrometheusRuleFact[];
  velero: VeleroFact[];
  /** Log shipper DaemonSets of the clusters where the entity's workloads run. */
  logShippers: LogShipperFact[];
  /** How the kubelets of the clusters where the entity's workloads run rotate their logs. */
  containerLogRotation: ContainerLogRotationFact[];
  /** The GitOps objects that deploy the entity's workloads. */
  gitOps: GitOpsFact[];
  /** Applications the entity names (`argocd/app-name`) that deploy none of its workloads. */
  unboundApps: string[];
  /** Set when `argocd/app-name` is malformed. */
  gitOpsAnnotationError?: string;
}

/**
 * What every workload fact starts with, from its object's metadata: no related objects yet
 * (the PDBs, autoscalers, policies, Services and monitors are matched once all workloads are
 * known), its spec's managers, and what its labels say deploys it.
 */
export function workloadBasics(metadata: {
  managedFields?: V1ManagedFieldsEntry[];
  labels?: { [key: string]: string };
  annotations?: { [key: string]: string };
}) {
  return {
    disruptionBudgets: [],
    autoscalers: [],
    networkPolicies: [],
    services: [],
    serviceMonitors: [],
    podMonitors: [],
    managers: specManagers(metadata.managedFields),
    gitOpsMarkers: gitOpsMarkers(metadata),
    gitOps: [],
    gitOpsMissing: [],
  };
}

/** Facts with nothing matched yet: what an entity has before any cluster answered for it. */
export function emptyKubernetesFacts(
  selector: string,
  clusters: string[],
): KubernetesFacts {
  return {
    selector,
    clusters,
    sources: {},
    workloads: [],
    cnpgClusters: [],
    cronJobs: [],
    ingresses: [],
    persistentVolumeClaims: [],
    prometheusRules: [],
    velero: [],
    logShippers: [],
    containerLogRotation: [],
    gitOps: [],
    unboundApps: [],
  };
}
