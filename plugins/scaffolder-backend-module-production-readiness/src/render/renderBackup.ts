import { EVIDENCE_OWNER } from '@production-readiness/plugin-production-readiness-common';
import { CONTAINER_SECURITY } from './renderKubernetes';
import { RenderContext, RenderedFile, yamlDocuments } from './context';
import { BACKUP_DUMP, RESTORE_TEST_DUMP } from './dumpScripts';
import {
  BACKUP_PGBACKREST,
  RESTORE_TEST_PGBACKREST,
} from './pgbackrestScripts';

/**
 * The scripts of the template's backup and restore-test jobs for a backup tool: plain bash
 * that reads every value from the environment (see the module's README), for platforms that
 * run them outside the template too.
 *
 * @public
 */
export function backupJobScripts(tool: 'dump' | 'pgbackrest'): {
  backup: string;
  restoreTest: string;
} {
  return tool === 'pgbackrest'
    ? { backup: BACKUP_PGBACKREST, restoreTest: RESTORE_TEST_PGBACKREST }
    : { backup: BACKUP_DUMP, restoreTest: RESTORE_TEST_DUMP };
}

const PGBACKREST_TYPE = {
  full: 'full',
  incremental: 'incr',
  differential: 'diff',
} as const;

export function renderBackup(ctx: RenderContext): RenderedFile[] {
  const { o } = ctx;
  if (!o.database) {
    return [];
  }
  const db = ctx.databaseName;
  const dir = 'deploy/kubernetes/backup';
  const s3Secret = `${db}-backup-s3`;
  const readinessSecret = `${db}-production-readiness`;
  const labels = (purpose: 'backup' | 'restore-test') => ({
    ...ctx.labels,
    'app.kubernetes.io/name': `${db}-${purpose}`,
    'production-readiness.io/purpose': purpose,
  });
  const fromSecret = (name: string, secret: string, key: string) => ({
    name,
    valueFrom: { secretKeyRef: { name: secret, key } },
  });
  const s3Env = [
    fromSecret('S3_BUCKET', s3Secret, 'bucket'),
    fromSecret('S3_ENDPOINT', s3Secret, 'endpoint'),
    fromSecret('AWS_DEFAULT_REGION', s3Secret, 'region'),
    fromSecret('AWS_ACCESS_KEY_ID', s3Secret, 'accessKeyId'),
    fromSecret('AWS_SECRET_ACCESS_KEY', s3Secret, 'secretAccessKey'),
  ];
  const pgEnv = [
    fromSecret('PGHOST', `${db}-connection`, 'host'),
    fromSecret('PGPORT', `${db}-connection`, 'port'),
    fromSecret('PGUSER', `${db}-connection`, 'user'),
    fromSecret('PGPASSWORD', `${db}-connection`, 'password'),
    fromSecret('PGDATABASE', `${db}-connection`, 'database'),
  ];
  // pgBackRest reads PGBACKREST_* variables as options; the repository is the backup location.
  const pgbackrestEnv = [
    { name: 'PGBACKREST_REPO1_TYPE', value: 's3' },
    { name: 'PGBACKREST_REPO1_PATH', value: `/${ctx.backupPrefix}` },
    { name: 'PGBACKREST_REPO1_S3_URI_STYLE', value: 'path' },
    fromSecret('PGBACKREST_REPO1_S3_BUCKET', s3Secret, 'bucket'),
    fromSecret('PGBACKREST_REPO1_S3_ENDPOINT', s3Secret, 'endpointHost'),
    fromSecret('PGBACKREST_REPO1_S3_REGION', s3Secret, 'region'),
    fromSecret('PGBACKREST_REPO1_S3_KEY', s3Secret, 'accessKeyId'),
    fromSecret('PGBACKREST_REPO1_S3_KEY_SECRET', s3Secret, 'secretAccessKey'),
    {
      name: 'PGBACKREST_REPO1_RETENTION_FULL',
      value: String(
        o.backupMethod === 'full'
          ? o.retentionCount
          : Math.max(2, Math.ceil(o.retentionCount / 7) + 1),
      ),
    },
    // The database host runs the pgBackRest TLS server; the client certificate is a Secret.
    fromSecret('PGBACKREST_PG1_HOST', `${db}-connection`, 'host'),
    { name: 'PGBACKREST_PG1_HOST_TYPE', value: 'tls' },
    {
      name: 'PGBACKREST_PG1_HOST_CERT_FILE',
      value: '/etc/pgbackrest/tls/tls.crt',
    },
    {
      name: 'PGBACKREST_PG1_HOST_KEY_FILE',
      value: '/etc/pgbackrest/tls/tls.key',
    },
    {
      name: 'PGBACKREST_PG1_HOST_CA_FILE',
      value: '/etc/pgbackrest/tls/ca.crt',
    },
    { name: 'PGBACKREST_LOG_LEVEL_FILE', value: 'off' },
    { name: 'PGBACKREST_LOG_LEVEL_CONSOLE', value: 'info' },
  ];
  const volumes = [
    { name: 'scratch', emptyDir: { sizeLimit: '20Gi' } },
    {
      name: 'scripts',
      configMap: { name: `${db}-backup-scripts`, defaultMode: 0o555 },
    },
    ...(o.backupTool === 'pgbackrest'
      ? [
          {
            name: 'pgbackrest-tls',
            secret: { secretName: `${db}-pgbackrest-tls` },
          },
        ]
      : []),
  ];
  const mounts = [
    { name: 'scratch', mountPath: '/scratch' },
    { name: 'scripts', mountPath: '/scripts' },
    ...(o.backupTool === 'pgbackrest'
      ? [
          {
            name: 'pgbackrest-tls',
            mountPath: '/etc/pgbackrest/tls',
            readOnly: true,
          },
        ]
      : []),
  ];
  const cronJob = (options: {
    name: string;
    purpose: 'backup' | 'restore-test';
    schedule: string;
    command: string[];
    env: unknown[];
  }) => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name: options.name,
      namespace: ctx.namespace,
      labels: labels(options.purpose),
      // The service selects its backup jobs (they carry its kubernetes-id), so they are its;
      // a backup job's runs count for the database it backs up (backup.errors).
      annotations: {
        ...ctx.annotations,
        ...(options.purpose === 'backup'
          ? { [EVIDENCE_OWNER.kubernetesBackupOfAnnotation]: ctx.databaseRef }
          : {}),
      },
    },
    spec: {
      schedule: options.schedule,
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: labels(options.purpose) },
        spec: {
          backoffLimit: 1,
          activeDeadlineSeconds: Math.max(3600, ctx.rtoSeconds * 2),
          template: {
            metadata: { labels: labels(options.purpose) },
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 26,
                runAsGroup: 26,
                fsGroup: 26,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              containers: [
                {
                  name: options.purpose,
                  image: o.backupImage,
                  command: options.command,
                  env: options.env,
                  resources: {
                    requests: {
                      cpu: '250m',
                      memory: '512Mi',
                      'ephemeral-storage': '1Gi',
                    },
                    limits: { memory: '2Gi', 'ephemeral-storage': '2Gi' },
                  },
                  securityContext: CONTAINER_SECURITY,
                  volumeMounts: mounts,
                },
              ],
              volumes,
            },
          },
        },
      },
    },
  });
  const commonEnv = [
    { name: 'BACKUP_PREFIX', value: ctx.backupPrefix },
    { name: 'RESTORE_TEST_PREFIX', value: ctx.restoreTestPrefix },
    { name: 'RETENTION_COUNT', value: String(o.retentionCount) },
    { name: 'STANZA', value: db },
    { name: 'ENTITY_REF', value: ctx.databaseRef },
    // The restore test fails a restore slower than the plan's RTO.
    { name: 'RTO_SECONDS', value: String(ctx.rtoSeconds) },
    // The inventory counts rows exactly up to this many (estimated) rows per table.
    { name: 'EXACT_COUNT_LIMIT', value: '100000' },
    // The emptyDir the scripts work in (SCRATCH), also HOME for the AWS CLI.
    { name: 'SCRATCH', value: '/scratch' },
    { name: 'HOME', value: '/scratch' },
    // Where the jobs push their records, and the token of their service principal.
    fromSecret('PRODUCTION_READINESS_URL', readinessSecret, 'url'),
    fromSecret('PRODUCTION_READINESS_TOKEN', readinessSecret, 'token'),
  ];
  const backupJobs =
    o.backupTool === 'pgbackrest'
      ? [
          cronJob({
            name: `${db}-backup`,
            purpose: 'backup',
            schedule: o.backupSchedule,
            command: ['/scripts/backup-pgbackrest.sh'],
            env: [
              ...commonEnv,
              { name: 'BACKUP_TYPE', value: PGBACKREST_TYPE[o.backupMethod] },
              ...pgbackrestEnv,
              ...s3Env,
              // The inventory is read from the database after the backup.
              ...pgEnv,
            ],
          }),
          ...(o.backupMethod === 'full'
            ? []
            : [
                cronJob({
                  name: `${db}-backup-full`,
                  purpose: 'backup',
                  schedule: o.fullBackupSchedule,
                  command: ['/scripts/backup-pgbackrest.sh'],
                  env: [
                    ...commonEnv,
                    { name: 'BACKUP_TYPE', value: 'full' },
                    ...pgbackrestEnv,
                    ...s3Env,
                    ...pgEnv,
                  ],
                }),
              ]),
        ]
      : [
          cronJob({
            name: `${db}-backup`,
            purpose: 'backup',
            schedule: o.backupSchedule,
            command: ['/scripts/backup-dump.sh'],
            env: [...commonEnv, ...s3Env, ...pgEnv],
          }),
        ];
  const restoreTest = cronJob({
    name: `${db}-restore-test`,
    purpose: 'restore-test',
    schedule: o.restoreTestSchedule,
    command: ['/scripts/restore-test.sh'],
    env: [
      ...commonEnv,
      ...s3Env,
      // The restore runs locally into the scratch folder, not against the database host.
      ...(o.backupTool === 'pgbackrest'
        ? pgbackrestEnv.filter(e => !e.name.startsWith('PGBACKREST_PG1_'))
        : []),
      fromSecret('PGDATABASE', `${db}-connection`, 'database'),
    ],
  });
  const scripts = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `${db}-backup-scripts`,
      namespace: ctx.namespace,
      labels: ctx.labels,
    },
    data: {
      [`backup-${o.backupTool}.sh`]: backupJobScripts(o.backupTool).backup,
      'restore-test.sh': backupJobScripts(o.backupTool).restoreTest,
    },
  };
  const velero = {
    apiVersion: 'velero.io/v1',
    kind: 'Schedule',
    metadata: {
      name: `${o.name}-volumes`,
      namespace: 'velero',
      labels: ctx.labels,
    },
    spec: {
      schedule: '0 1 * * *',
      useOwnerReferencesInBackup: false,
      template: {
        includedNamespaces: [ctx.namespace],
        snapshotVolumes: true,
        storageLocation: 'default',
        ttl: `${o.retentionCount * 24}h0m0s`,
      },
    },
  };
  return [
    {
      piece: 'backup',
      path: `${dir}/scripts-configmap.yaml`,
      content: yamlDocuments(scripts),
    },
    {
      piece: 'backup',
      path: `${dir}/backup-cronjob.yaml`,
      content: yamlDocuments(...backupJobs),
    },
    {
      piece: 'backup',
      path: `${dir}/restore-test-cronjob.yaml`,
      content: yamlDocuments(restoreTest),
    },
    {
      piece: 'backup',
      path: `${dir}/velero-schedule.yaml`,
      content: yamlDocuments(velero),
    },
  ];
}
