/**
 * Entity annotations the suite reads. This table is the suite's contract with catalog-info
 * files; the backend README renders it for users. Annotations name instances declared in
 * app-config; they never carry URLs of systems to contact.
 *
 * @public
 */
export const ANNOTATIONS = {
  // --- Backstage's own, reused -------------------------------------------------------------
  /** Label value `backstage.io/kubernetes-id` selecting the entity's workloads. */
  kubernetesId: 'backstage.io/kubernetes-id',
  /** Label selector for the entity's workloads. */
  kubernetesLabelSelector: 'backstage.io/kubernetes-label-selector',
  /** Namespace of the entity's workloads. */
  kubernetesNamespace: 'backstage.io/kubernetes-namespace',
  /** TechDocs source. */
  techdocsRef: 'backstage.io/techdocs-ref',
  /** Prometheus plugin: rule names of the entity. */
  prometheusRule: 'prometheus.io/rule',
  /** Prometheus plugin: alert names of the entity. */
  prometheusAlert: 'prometheus.io/alert',
  /** PagerDuty service (counts as on-call). */
  pagerdutyServiceId: 'pagerduty.com/service-id',
  /** PagerDuty integration key (counts as on-call). */
  pagerdutyIntegrationKey: 'pagerduty.com/integration-key',
  /** Opsgenie team (counts as on-call). */
  opsgenieTeam: 'opsgenie.com/team',

  // --- The suite's own ---------------------------------------------------------------------
  /** Name of a Prometheus instance from `productionReadiness.prometheus.instances`. */
  prometheusInstance: 'production-readiness.io/prometheus-instance',
  /** Value of the service label in Prometheus (defaults to the kubernetes-id, then the name). */
  prometheusService: 'production-readiness.io/prometheus-service',
  /** Name of a backup location from `productionReadiness.backup.locations`. */
  backupLocation: 'production-readiness.io/backup-location',
  /** Prefix inside the backup location (no `..`, no leading `/`). */
  backupPrefix: 'production-readiness.io/backup-prefix',
  /** pgBackRest stanza inside the repository; needed only when the repository holds several. */
  backupStanza: 'production-readiness.io/backup-stanza',
  /**
   * Point-in-time recovery required: `true` (newest WAL no older than the plan's RPO) or the
   * longest acceptable age of the newest archived WAL segment, e.g. `15m`.
   */
  backupPitr: 'production-readiness.io/backup-pitr',
  /**
   * With backup tool `dump`: a glob, relative to the backup prefix, naming the objects that are
   * dumps, e.g. `daily/db-*.dump` or `*.sql.gz`; other objects under the prefix are not backups.
   * Without it every object but the template's companions (manifest, inventory, globals) is.
   */
  backupDumpPattern: 'production-readiness.io/backup-dump-pattern',
  /** Tool that writes the backups: `pgbackrest`, `wal-g`, `velero` or `dump`. */
  backupTool: 'production-readiness.io/backup-tool',
  /** The backup plan as YAML: what, method, schedule, rpo, rto, procedure (see BackupPlan). */
  backupPlan: 'production-readiness.io/backup-plan',
  /** Prefix (in the backup location) where restore tests write their result records. */
  restoreTestPrefix: 'production-readiness.io/restore-test-prefix',
  /**
   * Where the entity runs when not on Kubernetes: `vm`, `managed` (a cloud provider's managed
   * service such as RDS), `serverless`, or a runtime the platform team names. Kubernetes checks
   * on such an entity are `unknown` with the evidence expected instead, never skipped.
   */
  runtime: 'production-readiness.io/runtime',
  /**
   * A production Component that keeps no data of its own says so, with why, e.g. `stateless
   * proxy: every answer comes from upstream`. Without it, or Resources holding its data in
   * `spec.dependsOn`, `backup.dependencies-covered` fails. Shown in the tab as the claim.
   */
  keepsNoData: 'production-readiness.io/keeps-no-data',
  /** Runbook link shown to on-call engineers. */
  runbook: 'production-readiness.io/runbook',
  /** On-call rotation or escalation policy, e.g. `pagerduty:PXXXXXX` or a team channel. */
  onCall: 'production-readiness.io/on-call',
  /**
   * Waiver requests as a YAML list of `{ check, until, reason }`; each applies only once someone
   * with the waiver permission on the entity approves it.
   */
  waivers: 'production-readiness.io/waivers',
  /** SLO targets as YAML, e.g. `{ availability: 99.9, latencyP99: 300ms }`. */
  slo: 'production-readiness.io/slo',
  /** Alertmanager receiver that must get the entity's alerts (defaults to owner routing). */
  alertReceiver: 'production-readiness.io/alert-receiver',
  /**
   * High availability declared for a database: `true` (at least two instances) or the number
   * of instances that must be ready, e.g. `3`.
   */
  highAvailability: 'production-readiness.io/high-availability',
  /**
   * The Patroni cluster that runs a database: a name from
   * `productionReadiness.databaseHa.patroni`, whose REST API shows its members, leader and
   * replication lag.
   */
  patroniCluster: 'production-readiness.io/patroni-cluster',
  /**
   * The HAProxy backend (its `listen`/`backend` name) that clients of a data store connect
   * through, as HAProxy's own Prometheus endpoint reports it (`haproxy_server_status`), read
   * from the entity's Prometheus instance.
   */
  haproxyBackend: 'production-readiness.io/haproxy-backend',
  /**
   * The log store (a name from `productionReadiness.logging.stores`) the entity's logs are
   * shipped to; defaults to `productionReadiness.logging.defaultStore`.
   */
  logStore: 'production-readiness.io/log-store',
  /**
   * Value of the store's service field (VictoriaLogs) or label (Loki) in the entity's log
   * lines; defaults to the kubernetes-id, then the entity name. Matched, never interpolated.
   */
  logService: 'production-readiness.io/log-service',
  /**
   * How long the entity's logs must be kept, e.g. `30d`; defaults to
   * `productionReadiness.logging.defaultRetention`. The store's retention must cover it.
   */
  logRetention: 'production-readiness.io/log-retention',
  /**
   * The hosts of a service that runs on VMs (`production-readiness.io/runtime: vm`): the
   * `instance` label values of their node_exporter targets, comma-separated. Without it, the
   * hosts are the node_exporter targets labelled with the entity's service value.
   */
  vmHosts: 'production-readiness.io/vm-hosts',
  /**
   * The systemd units of a service that runs on VMs, comma-separated (`invoice-batch.service`,
   * `invoice-batch.timer`; a name without a suffix is a `.service`); defaults to
   * `<entity name>.service`. Each must be active on every host.
   */
  systemdUnit: 'production-readiness.io/systemd-unit',
} as const;

/** @public */
export type AnnotationKey = keyof typeof ANNOTATIONS;

/** Annotations that count as an on-call or escalation declaration. @public */
export const ON_CALL_ANNOTATIONS: readonly string[] = [
  ANNOTATIONS.onCall,
  ANNOTATIONS.pagerdutyServiceId,
  ANNOTATIONS.pagerdutyIntegrationKey,
  ANNOTATIONS.opsgenieTeam,
];

/**
 * How evidence names the one entity it belongs to. Evidence selected by several entities is
 * contested and counts for none of them, unless it names one of them this way; evidence that
 * names an entity never counts for another.
 *
 * @public
 */
export const EVIDENCE_OWNER = {
  /**
   * Annotation on a Kubernetes object (Deployment, StatefulSet, CloudNativePG Cluster, CronJob),
   * e.g. `production-readiness.io/entity-ref: component:shop/orders-api`. An annotation, not a
   * label: label values cannot hold an entity ref.
   */
  kubernetesAnnotation: 'production-readiness.io/entity-ref',
  /**
   * Annotation on a backup CronJob naming the entity whose data it backs up, e.g.
   * `production-readiness.io/backup-of: resource:default/orders-db`: its runs count for that
   * entity's backups (`backup.errors`) alone, wherever the job runs and whoever runs it.
   */
  kubernetesBackupOfAnnotation: 'production-readiness.io/backup-of',
  /** Label on a Prometheus target (and on alert rules) holding the full entity ref. */
  prometheusLabel: 'backstage_entity',
  /** Field of restore-test records and backup manifests holding the full entity ref. */
  recordField: 'entityRef',
  /**
   * Object at the root of a backup prefix naming the entity the prefix belongs to:
   * `{ "entityRef": "resource:default/orders-db" }`.
   */
  backupPrefixManifest: 'production-readiness.json',
} as const;
