/*
 * Golden path (the scaffolder's promise, tested on the whole backend assembly): a service created with the BLM bundle is production-ready as soon as it is
 * deployed, and removing any one BLM piece makes the matching check fail.
 *
 * Every service below is rendered by the real `production-readiness:blm:render` action, then
 * "deployed" into real systems: its generated rules are loaded into a real Prometheus that
 * scrapes the template's own service (skeleton/src/server.ts, run with the generated
 * Deployment's environment), its generated Alertmanager route goes into a real Alertmanager
 * next to the platform's Watchdog route, the generated backup job backs up a real PostgreSQL
 * with real pgBackRest into the generated backup prefix of an S3-protocol server and the
 * generated restore-test job restores it and writes its record under the generated
 * restore-test prefix, and the service's stdout lines go into a real VictoriaLogs as each
 * generated log-shipping pipeline sets them (its service attribute; JSON lines parsed into level
 * and trace_id). The Kubernetes API is a stand-in (see __testUtils__/deploy.ts), and so is the
 * OpenTelemetry Collector (not built here): the test applies the rendered collector config's
 * service attribute and parsing itself, and so is Argo CD: every bundle renders the Application that
 * syncs deploy/kubernetes, and the objects carry the managedFields its server-side apply records.
 * The readiness engine then evaluates the fleet with the
 * Kubernetes, Prometheus, backup, database HA and logging modules.
 *
 * One fleet holds the complete service and one variant per removed piece, so all of them are
 * evaluated from the same batch of upstream calls.
 */
import {
  coreServices,
  createBackendModule,
  DatabaseService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  createSelfSignedCertificate,
  createWorkDir,
  FakeKubeApiServer,
  GitHubApiStandIn,
  runJobScript,
  s3Client,
  startAlertmanager,
  startFakeKubeApiServer,
  startGitHubApiStandIn,
  startHttpServer,
  startPatroniCluster,
  startPgBackRest,
  startPrometheus,
  startS3,
  startVictoriaLogs,
  TestAlertmanager,
  TestHttpServer,
  TestPatroniCluster,
  TestPrometheus,
  TestS3,
  TestVictoriaLogs,
  uploadFolder,
} from '@internal/test-servers';
import {
  ReadinessTestBackend,
  startReadinessTestBackend,
} from '@production-readiness/plugin-production-readiness-backend/testUtils';
import backupModule from '@production-readiness/plugin-production-readiness-backend-module-backup';
import databaseHaModule from '@production-readiness/plugin-production-readiness-backend-module-database-ha';
import kubernetesBackend from '@backstage/plugin-kubernetes-backend';
import kubernetesModule from '@production-readiness/plugin-production-readiness-backend-module-kubernetes';
import loggingModule from '@production-readiness/plugin-production-readiness-backend-module-logging';
import prometheusModule from '@production-readiness/plugin-production-readiness-backend-module-prometheus';
import scmModule from '@production-readiness/plugin-production-readiness-backend-module-scm';
import {
  CheckResult,
  ReadinessReport,
} from '@production-readiness/plugin-production-readiness-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import { parse as parseYaml, parseAllDocuments, stringify } from 'yaml';
import { createBlmRenderAction } from '@production-readiness/plugin-scaffolder-backend-module-production-readiness';
import {
  asDeployed,
  kubeadmKubeletConfig,
  Manifest,
  readKustomization,
  syncedByArgoCd,
  removeFromKustomization,
} from './__testUtils__/deploy';
import {
  s3BackupLocation,
  s3JobEnv,
  writeJobScripts,
} from './__testUtils__/backupJobs';
import { kubernetesRootConfig } from './__testUtils__/kubernetesConfig';
import { publishRepository } from './__testUtils__/repositories';

jest.setTimeout(300_000);

const BUCKET = 'backups';
const CLUSTER_TOKEN = 'golden-path-reader-token';
const SKELETON = path.resolve(
  __dirname,
  '../../../templates/service-with-blm/skeleton',
);

/** Statuses other than `pass`, by check id. */
type NotPassing = Record<string, 'warn' | 'fail' | 'unknown' | 'error'>;

/** A service rendered by the template, possibly with one BLM piece taken away. */
interface Variant {
  name: string;
  /** What is taken away, in words, for the test's name. */
  removed?: string;
  database: boolean;
  /** Changes to the rendered workspace before anything is deployed. */
  edit?(workspace: string): void;
  /**
   * Its database runs on a real Patroni cluster (etcd, a leader and a streaming replica) that
   * the template's `patroniCluster` input names. The other databases name none, so their
   * high availability fails, naming what to declare.
   */
  patroni?: boolean;
  /** Its backup CronJob's last three Jobs failed (after the backups in storage were taken). */
  failingBackupJob?: boolean;
  /**
   * Rendered without `gitRepoUrl`: no Argo CD Application, so someone ran
   * `kubectl apply -k deploy/kubernetes` by hand.
   */
  withoutRepository?: boolean;
  /** The last run of its CI workflow on main failed. */
  failingBuild?: boolean;
  /** Deployment-side pieces that are missing: nothing reaches the real systems for them. */
  skip?: {
    alertRoute?: boolean;
    backups?: boolean;
    restoreTest?: boolean;
  };
  /** Every check that does not pass, on the Component and on its database Resource. */
  expected: { component: NotPassing; database?: NotPassing };
}

const K8S = 'deploy/kubernetes';
const CI = '.github/workflows/ci.yaml';

/**
 * A database backed up minutes ago: the plan keeps 14 backups, 2 exist, and nothing can have
 * been pruned yet, so retention is met with a note.
 */
const NEW_DATABASE: NotPassing = { 'backup.retention': 'warn' };

/** A database created without naming the Patroni cluster that runs it: nothing shows its HA. */
const NO_HA: NotPassing = { 'availability.data-store-ha': 'fail' };

function editYaml(file: string, change: (doc: any) => void) {
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d =>
    d.toJS(),
  );
  docs.forEach(change);
  fs.writeFileSync(file, docs.map(d => stringify(d)).join('---\n'));
}

function editPodSpec(workspace: string, change: (pod: any) => void) {
  editYaml(path.join(workspace, K8S, 'deployment.yaml'), doc =>
    change(doc.spec.template.spec),
  );
}

function removeAnnotation(workspace: string, kind: string, key: string) {
  editYaml(path.join(workspace, 'catalog-info.yaml'), doc => {
    if (doc.kind === kind) delete doc.metadata.annotations[key];
  });
}

const removeManifest = (file: string) => (workspace: string) =>
  removeFromKustomization(path.join(workspace, K8S), file);

/*
 * Not among the variants: the Velero Schedule. The template adds it with a database, but the
 * generated service mounts no PersistentVolumeClaim (its data lives in the database, backed
 * up by pgBackRest), so `backup.velero-schedule` rightly has nothing to judge without it; the
 * Kubernetes module's own tests cover it on a StatefulSet with volumes.
 */
const VARIANTS: Variant[] = [
  {
    name: 'orders-api',
    database: true,
    patroni: true,
    expected: { component: {}, database: NEW_DATABASE },
  },
  {
    name: 'no-pdb-api',
    removed: 'the PodDisruptionBudget',
    database: false,
    edit: removeManifest('pdb.yaml'),
    expected: { component: { 'availability.pod-disruption-budget': 'fail' } },
  },
  {
    name: 'no-hpa-api',
    removed: 'the HorizontalPodAutoscaler',
    database: false,
    edit: removeManifest('hpa.yaml'),
    expected: { component: { 'availability.autoscaling': 'fail' } },
  },
  {
    name: 'no-netpol-api',
    removed: 'the NetworkPolicy',
    database: false,
    edit: removeManifest('networkpolicy.yaml'),
    expected: { component: { 'security.network-policy': 'fail' } },
  },
  {
    name: 'unbounded-tmp-api',
    removed: "the emptyDir's sizeLimit",
    database: false,
    edit: ws =>
      editPodSpec(ws, pod => {
        for (const volume of pod.volumes) delete volume.emptyDir.sizeLimit;
      }),
    expected: { component: { 'logging.emptydir-size-limit': 'fail' } },
  },
  {
    name: 'no-ephemeral-limit-api',
    removed: 'the ephemeral-storage limit',
    database: false,
    edit: ws =>
      editPodSpec(ws, pod => {
        for (const c of pod.containers) {
          delete c.resources.limits['ephemeral-storage'];
        }
      }),
    expected: { component: { 'logging.ephemeral-storage-limit': 'fail' } },
  },
  {
    name: 'no-servicemonitor-api',
    removed: 'the ServiceMonitor (so Prometheus never scrapes the service)',
    database: false,
    edit: removeManifest('monitoring/servicemonitor.yaml'),
    expected: {
      component: {
        'monitoring.scrape-config': 'fail',
        'monitoring.prometheus-scraped': 'fail',
      },
    },
  },
  {
    name: 'no-rules-api',
    removed: 'the PrometheusRule (so Prometheus never loads its rules)',
    database: false,
    edit: removeManifest('monitoring/prometheusrule.yaml'),
    expected: {
      component: {
        'monitoring.prometheus-rule': 'fail',
        'monitoring.alert-rules': 'fail',
        'monitoring.baseline-alerts': 'fail',
        'monitoring.slo-rules': 'fail',
        'logging.disk-fill-alert': 'fail',
        // No alert of the service exists, so there is no routing to judge.
        'monitoring.alert-routing': 'unknown',
      },
    },
  },
  {
    name: 'no-route-api',
    removed: "the Alertmanager route to the team's receiver",
    database: false,
    skip: { alertRoute: true },
    expected: { component: { 'monitoring.alert-routing': 'fail' } },
  },
  {
    name: 'kubectl-applied-api',
    removed:
      'the repository and its Argo CD Application (applied with kubectl)',
    database: false,
    withoutRepository: true,
    expected: {
      component: {
        'delivery.orchestrated': 'fail',
        'delivery.gitops-synced': 'fail',
        // Nothing deploys it, so nothing tells a change by hand from the deploy.
        'delivery.no-manual-drift': 'unknown',
        // No repository either: no pipeline tests, scans or deploys it.
        'delivery.pipeline-defined': 'fail',
        'delivery.pipeline-green': 'fail',
        'delivery.artifacts-pinned': 'fail',
      },
    },
  },
  {
    name: 'unscanned-api',
    removed: "the image scan of its CI (Trivy's step)",
    database: false,
    edit: ws =>
      editYaml(path.join(ws, CI), doc => {
        doc.jobs.image.steps = doc.jobs.image.steps.filter(
          (step: any) => !String(step.uses ?? '').includes('trivy'),
        );
      }),
    expected: { component: { 'delivery.pipeline-defined': 'fail' } },
  },
  {
    name: 'ungated-api',
    removed: "its CI's gate before the production deploy",
    database: false,
    edit: ws =>
      editYaml(path.join(ws, CI), doc => {
        delete doc.jobs['readiness-gate'];
        delete doc.jobs.deploy.needs;
      }),
    expected: { component: { 'delivery.pipeline-defined': 'fail' } },
  },
  {
    name: 'red-build-api',
    removed: 'a green build (the last CI run on main failed)',
    database: false,
    failingBuild: true,
    expected: { component: { 'delivery.pipeline-green': 'fail' } },
  },
  {
    name: 'no-backup-job-api',
    removed: 'the backup CronJob',
    database: true,
    edit: removeManifest('backup/backup-cronjob.yaml'),
    expected: {
      component: { 'backup.cluster-backup-job': 'fail' },
      database: { ...NEW_DATABASE, ...NO_HA },
    },
  },
  {
    name: 'failing-backup-api',
    removed: 'a working backup job (its last three runs failed)',
    database: true,
    failingBackupJob: true,
    expected: {
      component: { 'backup.cluster-backup-job': 'fail' },
      // Storage still holds good backups: the job's own runs tell it failed.
      database: { ...NEW_DATABASE, ...NO_HA, 'backup.errors': 'fail' },
    },
  },
  {
    name: 'no-restore-job-api',
    removed: 'the restore-test CronJob',
    database: true,
    edit: removeManifest('backup/restore-test-cronjob.yaml'),
    expected: {
      component: { 'backup.cluster-restore-test': 'fail' },
      database: { ...NEW_DATABASE, ...NO_HA },
    },
  },
  {
    name: 'no-backups-api',
    removed: 'the backups (the backup job never wrote any)',
    database: true,
    skip: { backups: true, restoreTest: true },
    expected: {
      component: { 'backup.dependencies-healthy': 'fail' },
      database: {
        ...NO_HA,
        'backup.fresh': 'fail',
        'backup.method': 'fail',
        'backup.size-sane': 'fail',
        'backup.retention': 'fail',
        'backup.restore-tested': 'fail',
        'backup.errors': 'unknown',
        'backup.restore-within-rto': 'unknown',
      },
    },
  },
  {
    name: 'no-restore-test-api',
    removed: 'the restore-test record',
    database: true,
    skip: { restoreTest: true },
    expected: {
      component: { 'backup.dependencies-healthy': 'fail' },
      database: {
        ...NEW_DATABASE,
        ...NO_HA,
        'backup.restore-tested': 'fail',
        'backup.restore-within-rto': 'unknown',
      },
    },
  },
  {
    name: 'no-plan-api',
    removed: 'the backup plan annotation',
    database: true,
    edit: ws =>
      removeAnnotation(ws, 'Resource', 'production-readiness.io/backup-plan'),
    expected: {
      component: { 'backup.dependencies-healthy': 'fail' },
      database: {
        ...NO_HA,
        'backup.plan': 'fail',
        // Without a plan there is no RPO, schedule, retention or RTO to compare with.
        'backup.fresh': 'unknown',
        'backup.method': 'unknown',
        'backup.retention': 'unknown',
        'backup.restore-within-rto': 'unknown',
      },
    },
  },
  {
    name: 'no-log-shipping-api',
    removed: 'the log shipping pipeline (so no line reaches the log store)',
    database: false,
    edit: removeManifest('log-shipping.yaml'),
    expected: {
      component: {
        // No shipper DaemonSet of its own, and the other services' shippers read theirs only.
        'logging.log-shipper-on-nodes': 'fail',
        'logging.logs-in-store': 'fail',
        // No line in the store: nothing to judge their structure or trace ids on.
        'logging.structured': 'unknown',
        'logging.trace-ids': 'unknown',
      },
    },
  },
  {
    name: 'no-runbook-api',
    removed: 'the runbook annotation',
    database: false,
    edit: ws =>
      removeAnnotation(ws, 'Component', 'production-readiness.io/runbook'),
    expected: { component: { 'documentation.runbook': 'fail' } },
  },
];

const RECEIVER = (variant: Variant) => `team-${variant.name}`;

/** Renders one variant's bundle with the real action into a fresh workspace. */
async function render(variant: Variant, root: string): Promise<string> {
  const workspace = path.join(root, variant.name);
  fs.mkdirSync(workspace, { recursive: true });
  await createBlmRenderAction().handler(
    createMockActionContext({
      workspacePath: workspace,
      input: {
        name: variant.name,
        owner: `group:default/${RECEIVER(variant)}`,
        system: 'webshop',
        lifecycle: 'production',
        tier: 'tier-1',
        image: `ghcr.io/acme/${variant.name}`,
        alertReceiver: RECEIVER(variant),
        onCall: 'pagerduty:P123ABC',
        runbookUrl: `https://backstage.example.com/docs/default/component/${variant.name}/runbook/`,
        ...(variant.withoutRepository
          ? {}
          : { gitRepoUrl: `https://github.com/acme/${variant.name}.git` }),
        database: variant.database,
        ...(variant.database ? { backupLocation: 'main' } : {}),
        ...(variant.patroni ? { patroniCluster: `${variant.name}-pg` } : {}),
      },
    }) as any,
  );
  variant.edit?.(workspace);
  return workspace;
}

function readCatalog(workspace: string): Entity[] {
  return parseAllDocuments(
    fs.readFileSync(path.join(workspace, 'catalog-info.yaml'), 'utf8'),
  ).map(d => {
    const entity = d.toJS() as Entity;
    entity.metadata.namespace ??= 'default';
    return entity;
  });
}

/**
 * The dependsOn/dependencyOf relations the catalog's processors derive from `spec.dependsOn`:
 * coverage reads who depends on a database from them.
 */
function withDependencyRelations(entities: Entity[]): Entity[] {
  const refOf = (e: Entity) => stringifyEntityRef(e);
  const byRef = new Map(entities.map(e => [refOf(e), e]));
  for (const dependent of entities) {
    const targets = (dependent.spec as { dependsOn?: string[] }).dependsOn;
    for (const target of targets ?? []) {
      const dependency = byRef.get(
        stringifyEntityRef(
          parseEntityRef(target, { defaultNamespace: 'default' }),
        ),
      );
      if (!dependency) continue;
      dependent.relations = [
        ...(dependent.relations ?? []),
        { type: 'dependsOn', targetRef: refOf(dependency) },
      ];
      dependency.relations = [
        ...(dependency.relations ?? []),
        { type: 'dependencyOf', targetRef: refOf(dependent) },
      ];
    }
  }
  return entities;
}

function catalogEntity(kind: string, name: string, spec: object): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default' },
    spec,
  };
}

/**
 * Real backups of a real PostgreSQL into the prefix the bundle declares, taken by the bundle's
 * own backup job (a full, then an incremental), and its own restore-test job. The jobs read the
 * pgBackRest repository from a posix folder, copied to the bucket afterwards (pgBackRest's S3
 * driver speaks only HTTPS, the S3 server here HTTP); they push nothing (no Backstage URL): the
 * backup module reads what they wrote to the bucket.
 */
async function backUp(
  database: Entity,
  workspace: string,
  variant: Variant,
  s3: TestS3,
): Promise<void> {
  const annotations = database.metadata.annotations!;
  const stanza = annotations['production-readiness.io/backup-stanza'];
  const fixture = await startPgBackRest({ stanza });
  try {
    const port = fixture.postgres.port;
    await fixture.psql(
      port,
      `CREATE ROLE app_user LOGIN; CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL);
       GRANT SELECT, INSERT ON orders TO app_user;
       INSERT INTO orders (customer) SELECT 'customer-' || g FROM generate_series(1, 2000) g;`,
    );
    await fixture.pgbackrest('stanza-create');
    const scripts = writeJobScripts(workspace, fixture.workDir.path);
    const env = {
      ...s3JobEnv(s3, BUCKET),
      PGBACKREST_CONFIG: fixture.configPath,
      PGHOST: '127.0.0.1',
      PGPORT: String(port),
      PGUSER: 'postgres',
      PGDATABASE: 'postgres',
      STANZA: stanza,
      ENTITY_REF: stringifyEntityRef(database),
      BACKUP_PREFIX: annotations['production-readiness.io/backup-prefix'],
      RESTORE_TEST_PREFIX:
        annotations['production-readiness.io/restore-test-prefix'],
      RTO_SECONDS: '3600',
      EXACT_COUNT_LIMIT: '100000',
      PRODUCTION_READINESS_URL: '',
    };
    const run = async (script: string, more: Record<string, string> = {}) => {
      const job = await runJobScript(script, fixture.workDir.path, {
        ...env,
        ...more,
      });
      expect({ script, ...job }).toEqual({ script, status: 0, stderr: '' });
    };
    await run(scripts.backup, { BACKUP_TYPE: 'full' });
    await fixture.psql(
      port,
      `INSERT INTO orders (customer) SELECT 'late-' || g FROM generate_series(1, 300) g;`,
    );
    await run(scripts.backup, { BACKUP_TYPE: 'incr' });
    await uploadFolder(
      s3Client(s3),
      BUCKET,
      fixture.repoPath,
      `${annotations['production-readiness.io/backup-prefix']}/`,
    );
    if (variant.skip?.restoreTest) return;
    await run(scripts.restoreTest);
  } finally {
    await fixture.stop();
  }
}

/** The template's own service, started as its Deployment would start it. */
async function startService(deployment: any): Promise<TestHttpServer> {
  const container = deployment.spec.template.spec.containers[0];
  const env = Object.fromEntries(
    (container.env as Array<{ name: string; value?: string }>)
      .filter(e => e.value !== undefined)
      .map(e => [e.name, e.value!]),
  );
  const service = await startHttpServer({
    name: 'the service-with-blm skeleton',
    command: process.execPath,
    args: () => ['src/server.ts'],
    workDir: createWorkDir('service'),
    readyPath: '/readyz',
    spawnOptions: port => ({
      cwd: SKELETON,
      env: { ...env, PORT: String(port), PATH: process.env.PATH },
    }),
  });
  // Logs go to stdout as JSON lines, the first one when it listens.
  const line = JSON.parse(service.server.logs().split('\n')[0]);
  expect(line).toMatchObject({
    level: 'info',
    msg: 'listening',
    port: Number(new URL(service.baseUrl).port),
  });
  // Some traffic, so the request metrics the rules read exist.
  for (const route of ['/', '/', '/healthz', '/missing']) {
    await fetch(`${service.baseUrl}${route}`);
  }
  return service;
}

/**
 * What each deployed log shipper sends. The OpenTelemetry Collector is not built here, so the
 * test applies its rendered config to the service's real stdout: the value its
 * `resource/service` processor sets, and JSON lines (those its json_parser takes) parsed into
 * level and trace_id fields, the line itself staying the message. A variant whose pipeline was
 * removed ships nothing.
 */
async function shipServiceLogs(
  logs: TestVictoriaLogs,
  manifests: Manifest[],
  stdout: string,
) {
  const lines = stdout.split('\n').filter(l => l.trim());
  const shipped = manifests
    .filter(m => m.kind === 'ConfigMap')
    .map(m => (m as { data?: Record<string, string> }).data?.['collector.yaml'])
    .filter((config): config is string => config !== undefined)
    .flatMap(text => {
      const config = parseYaml(text);
      const { key, value } =
        config.processors['resource/service'].attributes[0];
      return lines.map(line => {
        let parsed: { level?: string; trace_id?: string } = {};
        if (/^\s*\{/.test(line)) parsed = JSON.parse(line);
        return {
          _msg: line,
          [key]: value,
          ...(parsed.level ? { level: parsed.level } : {}),
          ...(parsed.trace_id ? { trace_id: parsed.trace_id } : {}),
        };
      });
    });
  await logs.pushJsonLines(shipped, ['service']);
}

const PLATFORM_RULES = {
  groups: [
    {
      name: 'platform',
      rules: [
        {
          alert: 'Watchdog',
          expr: 'vector(1)',
          labels: { severity: 'none' },
          annotations: {
            summary: 'Always firing, so a silent alerting pipeline is noticed.',
          },
        },
      ],
    },
  ],
};

describe('golden path: a service rendered with the BLM bundle and deployed', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-path-'));
  const entities: Entity[] = [];
  let cluster: FakeKubeApiServer;
  let s3: TestS3;
  let logs: TestVictoriaLogs;
  let prometheus: TestPrometheus;
  let alertmanager: TestAlertmanager;
  let service: TestHttpServer | undefined;
  let patroni: TestPatroniCluster | undefined;
  let github: GitHubApiStandIn | undefined;
  let backend: ReadinessTestBackend;
  const reports = new Map<string, ReadinessReport>();
  /** The plugin's database, to count what a refresh writes. */
  let pluginDatabase: Awaited<ReturnType<DatabaseService['getClient']>>;
  const databaseProbe = createBackendModule({
    pluginId: 'production-readiness',
    moduleId: 'test-database-probe',
    register(reg) {
      reg.registerInit({
        deps: { db: coreServices.database },
        async init({ db }) {
          pluginDatabase = await db.getClient();
        },
      });
    },
  });
  // Databases first: a component's dependency checks read their results.
  const refreshInOrder = async () => {
    const ordered = [
      ...entities.filter(e => e.kind === 'Resource'),
      ...entities.filter(e => e.kind !== 'Resource'),
    ];
    for (const entity of ordered) {
      const ref = stringifyEntityRef(entity);
      reports.set(ref, await backend.refresh(ref));
    }
  };

  beforeAll(async () => {
    const now = new Date();
    const workspaces = new Map<Variant, string>();
    for (const variant of VARIANTS) {
      workspaces.set(variant, await render(variant, root));
    }

    // Kubernetes: every variant's deploy/kubernetes synced by its Argo CD Application.
    const synced = VARIANTS.map(v =>
      syncedByArgoCd(
        workspaces.get(v)!,
        readKustomization(path.join(workspaces.get(v)!, K8S)),
        now,
      ),
    );
    const manifests = synced.flatMap(s => s.manifests);
    const failingCronJobs = VARIANTS.filter(v => v.failingBackupJob).map(
      v => `${v.name}-db-backup`,
    );
    const tls = createSelfSignedCertificate();
    cluster = await startFakeKubeApiServer({
      objects: [
        // Each bundle's Argo CD Application syncs deploy/kubernetes with server-side apply
        // (its syncOptions): the objects record argocd-controller as their manager. A bundle
        // without one was applied with `kubectl apply -k`.
        ...asDeployed(
          synced.filter(s => s.application).flatMap(s => s.manifests),
          now,
          {
            failingCronJobs,
            appliedBy: { manager: 'argocd-controller', operation: 'Apply' },
          },
        ),
        ...asDeployed(
          synced.filter(s => !s.application).flatMap(s => s.manifests),
          now,
          { failingCronJobs },
        ),
        ...synced.flatMap(s => (s.application ? [s.application] : [])),
        // The platform's own: kubeadm's kubelet configuration.
        kubeadmKubeletConfig(),
      ],
      token: CLUSTER_TOKEN,
      tls,
    });

    // The template's service, scraped for every ServiceMonitor that selects a Service.
    const deployment = manifests.find(
      m => m.kind === 'Deployment' && m.metadata.name === 'orders-api',
    );
    service = await startService(deployment);
    const serviceHost = new URL(service.baseUrl).host;
    const services = manifests.filter(m => m.kind === 'Service');
    const scrapeConfigs = manifests
      .filter(m => m.kind === 'ServiceMonitor')
      .map(monitor => {
        const selected = services.find(s =>
          Object.entries(monitor.spec.selector.matchLabels).every(
            ([k, v]) => s.metadata.labels?.[k] === v,
          ),
        );
        // The Prometheus operator names the job after the Service it scrapes.
        return {
          job_name: selected!.metadata.name,
          metrics_path: monitor.spec.endpoints[0].path,
          scrape_interval: '1s',
          static_configs: [
            {
              targets: [serviceHost],
              labels: {
                namespace: selected!.metadata.namespace,
                service: selected!.metadata.name,
              },
            },
          ],
        };
      });

    // Alertmanager: the platform's tree with the Watchdog route, plus each generated route.
    const teamRoutes = VARIANTS.filter(v => !v.skip?.alertRoute).flatMap(
      v =>
        parseYaml(
          fs.readFileSync(
            path.join(workspaces.get(v)!, 'monitoring/alertmanager-route.yaml'),
            'utf8',
          ),
        ).route.routes,
    );
    const webhook = { webhook_configs: [{ url: 'http://127.0.0.1:9/' }] };
    alertmanager = await startAlertmanager({
      configYaml: stringify({
        route: {
          receiver: 'platform-default',
          group_by: ['alertname'],
          group_wait: '1s',
          routes: [
            {
              receiver: 'deadman',
              matchers: ['alertname="Watchdog"'],
              repeat_interval: '1m',
            },
            ...teamRoutes,
          ],
        },
        receivers: [
          { name: 'platform-default', ...webhook },
          { name: 'deadman', ...webhook },
          ...VARIANTS.map(v => ({ name: RECEIVER(v), ...webhook })),
        ],
      }),
    });

    // Prometheus: the PrometheusRules the operator would load, and the platform's rules.
    prometheus = await startPrometheus({
      alertResendDelay: '1s',
      config: {
        global: { evaluation_interval: '1s' },
        scrape_configs: scrapeConfigs,
        alerting: {
          alertmanagers: [
            {
              static_configs: [
                { targets: [new URL(alertmanager.baseUrl).host] },
              ],
            },
          ],
        },
      },
      ruleFiles: {
        'platform.yaml': stringify(PLATFORM_RULES),
        ...Object.fromEntries(
          manifests
            .filter(m => m.kind === 'PrometheusRule')
            .map(rule => [
              `${rule.metadata.namespace}-${rule.metadata.name}.yaml`,
              stringify({ groups: rule.spec.groups }),
            ]),
        ),
      },
    });

    // Logs: a real VictoriaLogs, fed by every deployed log-shipping pipeline.
    logs = await startVictoriaLogs({ retentionPeriod: '30d' });
    await shipServiceLogs(logs, manifests, service.server.logs());

    // Backups: real pgBackRest for every database whose job ran.
    s3 = await startS3({ buckets: [BUCKET] });
    // High availability: the complete service's database runs on a real Patroni cluster.
    const highlyAvailable = VARIANTS.find(v => v.patroni)!;
    patroni = await startPatroniCluster({
      scope: `${highlyAvailable.name}-pg`,
    });
    // The catalog: the generated catalog-info files, and the owners and system they name.
    const catalogs = VARIANTS.map(v => readCatalog(workspaces.get(v)!));
    // Each bundle with a repository is pushed to it, and its CI ran once on main.
    github = await startGitHubApiStandIn();
    for (const [i, variant] of VARIANTS.entries()) {
      if (variant.withoutRepository) continue;
      await publishRepository({
        github,
        name: variant.name,
        workspace: workspaces.get(variant)!,
        entities: catalogs[i],
        lastRun: variant.failingBuild ? 'failure' : 'success',
      });
    }
    entities.push(
      ...withDependencyRelations(catalogs.flat()),
      ...VARIANTS.map(v =>
        catalogEntity('Group', RECEIVER(v), { type: 'team', children: [] }),
      ),
      catalogEntity('Group', 'platform', { type: 'team', children: [] }),
      catalogEntity('System', 'webshop', { owner: 'group:default/platform' }),
    );
    // Two at a time: restores of several clusters at once on two cores take longer in all.
    const limit = pLimit(2);
    await Promise.all(
      VARIANTS.filter(v => v.database && !v.skip?.backups).map(variant =>
        limit(() =>
          backUp(
            entities.find(
              e =>
                e.kind === 'Resource' &&
                e.metadata.name === `${variant.name}-db`,
            )!,
            workspaces.get(variant)!,
            variant,
            s3,
          ),
        ),
      ),
    );

    await prometheus.waitForEvaluation({
      targets: scrapeConfigs.length,
      healthy: true,
    });
    await alertmanager.waitForAlert('Watchdog');

    backend = await startReadinessTestBackend({
      features: [
        kubernetesBackend,
        kubernetesModule,
        prometheusModule,
        backupModule,
        databaseHaModule,
        loggingModule,
        scmModule,
        databaseProbe,
      ],
      entities,
      rootConfig: {
        ...kubernetesRootConfig({
          url: cluster.baseUrl,
          token: CLUSTER_TOKEN,
          caCert: tls.cert,
        }),
        integrations: { github: [github.integrationConfig] },
      },
      config: {
        scm: { allowedRegistries: ['ghcr.io/acme'] },
        // The last test refreshes the fleet a second time.
        refresh: { minInterval: { milliseconds: 1 } },
        prometheus: {
          instances: [
            {
              name: 'main',
              baseUrl: prometheus.baseUrl,
              alertmanager: { baseUrl: alertmanager.baseUrl },
            },
          ],
        },
        backup: { locations: [s3BackupLocation('main', s3, BUCKET)] },
        logging: {
          stores: [{ name: 'main', type: 'victorialogs', url: logs.baseUrl }],
          defaultStore: 'main',
        },
        databaseHa: {
          patroni: [
            {
              name: patroni.scope,
              urls: patroni.members.map(m => m.restApiUrl),
            },
          ],
        },
      },
    });
    await refreshInOrder();
  });

  afterAll(async () => {
    await backend?.stop();
    await Promise.all([
      service?.stop(),
      prometheus?.stop(),
      alertmanager?.stop(),
      s3?.stop(),
      cluster?.stop(),
      patroni?.stop(),
      logs?.stop(),
      github?.stop(),
    ]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** The statuses of a report that are not `pass`, by check id. */
  const notPassing = (report: ReadinessReport | undefined): NotPassing =>
    Object.fromEntries(
      (report?.results ?? [])
        .filter((r: CheckResult) => r.status !== 'pass')
        .map(r => [r.checkId, r.status]),
    ) as NotPassing;

  const reportsOf = (variant: Variant) => ({
    component: reports.get(`component:default/${variant.name}`),
    database: reports.get(`resource:default/${variant.name}-db`),
  });

  it('deploys every bundle with a repository through its Argo CD Application, as the cluster stand-in assumes', () => {
    for (const variant of VARIANTS.filter(v => !v.withoutRepository)) {
      const application = parseYaml(
        fs.readFileSync(
          path.join(root, variant.name, 'deploy/argocd/application.yaml'),
          'utf8',
        ),
      );
      expect(application.spec).toMatchObject({
        source: { path: K8S },
        syncPolicy: { syncOptions: ['ServerSideApply=true'] },
      });
    }
  });

  it('passes every check of the complete service and opens its gate', () => {
    const { component, database } = reportsOf(VARIANTS[0]);
    expect(notPassing(component)).toEqual({});
    expect(notPassing(database)).toEqual(NEW_DATABASE);
    expect(
      database!.results.find(r => r.checkId === 'backup.retention')!.summary,
    ).toMatch(
      /^Retention not reached yet: 2 of the 14 backups the plan keeps exist so far, and backups began only \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z, so none can have been pruned/,
    );
    // Every module and the engine's own checks judged it: nothing was skipped.
    const pillars = new Set(
      component!.results.map(r => r.checkId.split('.')[0]),
    );
    expect([...pillars].sort()).toEqual([
      'availability',
      'backup',
      'delivery',
      'documentation',
      'logging',
      'monitoring',
      'security',
    ]);
    const ids = component!.results.map(r => r.checkId);
    expect(ids).toEqual(
      expect.arrayContaining([
        'availability.replicas', // Kubernetes module
        'backup.cluster-restore-test', // Kubernetes module
        'monitoring.prometheus-scraped', // Prometheus module
        'monitoring.alert-routing', // Prometheus module with Alertmanager
        'backup.dependencies-healthy', // the engine, from the database's results
        'documentation.runbook', // the engine's catalog checks
        'delivery.pipeline-defined', // SCM module, from the repository's CI
        'delivery.pipeline-green', // SCM module, from the GitHub Actions runs
        'delivery.artifacts-pinned', // SCM module with the Kubernetes module's images
      ]),
    );
    expect(database!.results.map(r => r.checkId)).toEqual(
      expect.arrayContaining(['backup.fresh', 'backup.restore-tested']), // backup module
    );
    // The database-ha module, from the members of the Patroni cluster the template named.
    expect(
      database!.results.find(r => r.checkId === 'availability.data-store-ha')!
        .summary,
    ).toMatch(
      /^Patroni cluster orders-api-pg: leader member-\d \(timeline \d+\), 1 replica streaming/,
    );
    expect(component!.gate).toMatchObject({
      requiredLevel: 'silver',
      achievedLevel: 'gold',
      allowed: true,
      blocking: [],
    });
    expect(database!.gate.blocking).toEqual([]);
  });

  it('fails the high availability of a database whose Patroni cluster is not named, saying what to declare', () => {
    const { database } = reportsOf(
      VARIANTS.find(v => v.database && !v.patroni && !v.edit && !v.skip)!,
    );
    const ha = database!.results.find(
      r => r.checkId === 'availability.data-store-ha',
    )!;
    expect(ha).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(
        /^No high-availability evidence declared for this database Resource: nothing shows it survives losing an instance \(no Patroni cluster named; no postgres_exporter series with /,
      ),
      remediation: expect.stringContaining(
        'production-readiness.io/patroni-cluster',
      ),
    });
    expect(database!.gate.blocking.map(b => b.checkId)).toContain(
      'availability.data-store-ha',
    );
  });

  it.each(VARIANTS.filter(v => v.removed).map(v => [v.removed!, v] as const))(
    'fails the matching check, and only that, without %s',
    (_removed, variant) => {
      const { component, database } = reportsOf(variant);
      expect({
        component: notPassing(component),
        database: notPassing(database),
      }).toEqual({
        component: variant.expected.component,
        database: variant.expected.database ?? {},
      });
      // The gate names the failed checks that stand between the service and production.
      const blocking = component!.gate.blocking.map(b => b.checkId);
      expect(Object.keys(variant.expected.component)).toEqual(
        expect.arrayContaining(blocking),
      );
      expect(component!.gate.allowed).toBe(blocking.length === 0);
    },
  );

  // Last: it refreshes the fleet again.
  it('rewrites no result and no history when nothing changed (a second refresh)', async () => {
    const [history] = await pluginDatabase('pr_history').count({ n: '*' });
    const secondRefresh = new Date();
    await refreshInOrder();
    const rewritten = await pluginDatabase('pr_results')
      .where('updated_at', '>=', secondRefresh)
      .select('entity_ref', 'check_id', 'summary');
    expect(rewritten).toEqual([]);
    expect(await pluginDatabase('pr_history').count({ n: '*' })).toEqual([
      history,
    ]);
  });
});
