import { Entity } from '@backstage/catalog-model';
import { CollectedFacts } from '@production-readiness/plugin-production-readiness-node';
import { matchesEntityFilter } from '@production-readiness/plugin-production-readiness-common';
import {
  CHECK_IDS,
  collect,
  startTestClusters,
  TEST_SETTINGS,
  TestClusters,
  verdict,
} from '../__testUtils__/clusters';
import { createKubernetesChecks } from './createKubernetesChecks';
import { ENTITIES, NOW } from '../__testUtils__/fixtures';
import { KubeObject } from '@internal/test-servers';
import { KubernetesFacts } from '../collector/facts';

jest.setTimeout(60_000);

let clusters: TestClusters;
let collected: CollectedFacts<KubernetesFacts>;

beforeAll(async () => {
  clusters = await startTestClusters();
  collected = await collect(clusters.definitions, Object.values(ENTITIES));
});

afterAll(async () => {
  await clusters?.stop();
});

const run = (checkId: string, entity: Entity) =>
  verdict(checkId, entity, collected);

/** The verdict after changing what prod-eu holds (on copies; restored afterwards). */
const withEuObjects = async (
  change: (objects: KubeObject[]) => KubeObject[],
  checkId: string,
  entity: Entity,
) => {
  const original = clusters.eu.objects;
  clusters.eu.objects = change(original.map(o => structuredClone(o)));
  try {
    return await verdict(
      checkId,
      entity,
      await collect(clusters.definitions, [entity]),
    );
  } finally {
    clusters.eu.objects = original;
  }
};

describe('the production-grade service (checkout-api, in prod-eu and prod-us)', () => {
  it.each([
    [
      'availability.replicas',
      'Every workload runs at least 2 replicas: checkout-api (prod-eu) 3/3 ready, checkout-api (prod-us) 3/3 ready',
    ],
    [
      'availability.pod-disruption-budget',
      'Every workload has a PodDisruptionBudget: checkout-api (prod-eu) → checkout-api, checkout-api (prod-us) → checkout-api',
    ],
    [
      'availability.probes',
      'Every container has readiness and liveness probes (2 containers)',
    ],
    [
      'availability.resources',
      'Every container requests CPU and memory and has a memory limit (2 containers)',
    ],
    [
      'availability.autoscaling',
      'Every Deployment has an HPA with minReplicas ≥ 2: checkout-api (prod-eu) 3–12, checkout-api (prod-us) 3–12',
    ],
    [
      'availability.spread',
      'Every workload spreads its pods: checkout-api (prod-eu) by topologySpread topology.kubernetes.io/zone, checkout-api (prod-us) by topologySpread topology.kubernetes.io/zone',
    ],
    [
      'availability.rolling-update',
      'Every workload rolls out without losing capacity: checkout-api (prod-eu) RollingUpdate maxUnavailable 0, checkout-api (prod-us) RollingUpdate maxUnavailable 0',
    ],
    [
      'security.run-as-non-root',
      'Every container runs as non-root (2 containers)',
    ],
    [
      'security.read-only-root-filesystem',
      'Every container has a read-only root filesystem (2 containers)',
    ],
    [
      'security.no-privilege-escalation',
      'Every container forbids privilege escalation (2 containers)',
    ],
    [
      'security.image-pinned',
      'Every container uses a pinned image (2 containers)',
    ],
    [
      'security.no-secret-literals',
      'Every container takes credentials from Secrets, not literals (2 containers)',
    ],
    [
      'security.network-policy',
      'Every workload is behind an ingress NetworkPolicy: checkout-api (prod-eu) → checkout-api, checkout-api (prod-us) → checkout-api',
    ],
    [
      'security.ingress-tls',
      '2 Ingresses serve TLS; 2 certificates Ready, the first expiring in 60d (checkout-api-tls)',
    ],
    [
      'logging.stdout',
      'No container writes log files (2 containers: no log-directory mounts, LOG_FILE settings or --log-file arguments)',
    ],
    [
      'logging.emptydir-size-limit',
      'Every emptyDir volume has a sizeLimit (2 volumes)',
    ],
    [
      'logging.ephemeral-storage-limit',
      'Every container limits ephemeral storage (2 containers)',
    ],
    // Velero is not installed in prod-us, which does not matter: checkout-api has no volumes.
    [
      'backup.velero-schedule',
      'No PersistentVolumeClaims or StatefulSets: no volumes for Velero to back up',
    ],
    [
      'monitoring.scrape-config',
      'Every workload is scraped: checkout-api (prod-eu) by shop/checkout-api, checkout-api (prod-us) by shop/checkout-api',
    ],
    [
      'monitoring.prometheus-rule',
      '2 PrometheusRules define 4 alerts: CheckoutApiDown, CheckoutApiHighErrorRate',
    ],
  ])('%s passes: %s', async (checkId, summary) => {
    await expect(run(checkId, ENTITIES.checkoutApi)).resolves.toMatchObject({
      status: 'pass',
      summary,
    });
  });

  it('shows per-cluster evidence with its source', async () => {
    const result = await run('availability.replicas', ENTITIES.checkoutApi);
    expect(result.evidence).toEqual([
      {
        label: 'Deployment shop/checkout-api',
        value: { replicas: 3, readyReplicas: 3, hpaMinReplicas: 3 },
        source: 'kubernetes:prod-eu',
      },
      {
        label: 'Deployment shop/checkout-api',
        value: { replicas: 3, readyReplicas: 3, hpaMinReplicas: 3 },
        source: 'kubernetes:prod-us',
      },
    ]);
    const tls = await run('security.ingress-tls', ENTITIES.checkoutApi);
    expect(tls.evidence).toContainEqual({
      label: 'Certificate shop/checkout-api-tls',
      value: {
        ready: true,
        reason: 'Ready',
        notAfter: '2027-01-21T10:00:00.000Z',
        hosts: ['checkout.prod-eu.example.com'],
      },
      source: 'kubernetes:prod-eu',
      timestamp: '2027-01-21T10:00:00.000Z',
    });
  });
});

describe('the careless service (legacy-reports)', () => {
  it.each([
    [
      'availability.replicas',
      '1 workload can run a single replica: Deployment shop/legacy-reports (prod-eu) has 1',
    ],
    [
      'availability.pod-disruption-budget',
      'No PodDisruptionBudget for Deployment shop/legacy-reports (prod-eu)',
    ],
    [
      'availability.probes',
      '1 of 1 containers lack probes: legacy-reports/reports (no readiness and liveness probe)',
    ],
    [
      'availability.resources',
      '1 of 1 containers miss requests or limits: legacy-reports/reports (no requests.cpu, requests.memory, limits.memory)',
    ],
    [
      'availability.autoscaling',
      'legacy-reports (prod-eu) has no HorizontalPodAutoscaler',
    ],
    [
      'availability.spread',
      'No anti-affinity or topology spread for Deployment shop/legacy-reports (prod-eu)',
    ],
    [
      'availability.rolling-update',
      'Rollouts can lose capacity: legacy-reports (prod-eu): strategy Recreate',
    ],
    [
      'security.run-as-non-root',
      '1 of 1 containers may run as root: legacy-reports/reports (may run as root (no runAsNonRoot, no runAsUser))',
    ],
    [
      'security.read-only-root-filesystem',
      '1 of 1 containers have a writable root filesystem: legacy-reports/reports (root filesystem writable)',
    ],
    [
      'security.no-privilege-escalation',
      '1 of 1 containers allow privilege escalation: legacy-reports/reports (allowPrivilegeEscalation not false)',
    ],
    [
      'security.image-pinned',
      '1 of 1 containers use unpinned images: legacy-reports/reports (acme/legacy-reports:latest uses latest)',
    ],
    [
      'security.no-secret-literals',
      '1 of 1 containers carry credentials as literal env values: legacy-reports/reports (literal DB_PASSWORD)',
    ],
    [
      'security.network-policy',
      'No ingress NetworkPolicy for Deployment shop/legacy-reports (prod-eu)',
    ],
    [
      'security.ingress-tls',
      'Ingress shop/legacy-reports (prod-eu) serves reports.example.com without TLS',
    ],
    [
      'logging.stdout',
      '1 of 1 containers log to files: legacy-reports/reports (writes log files: volume logs at /var/log/reports, env LOG_FILE=/var/log/reports/app.log)',
    ],
    [
      'logging.emptydir-size-limit',
      '1 of 1 emptyDir volumes have no sizeLimit: legacy-reports/logs',
    ],
    [
      'logging.ephemeral-storage-limit',
      '1 of 1 containers have no ephemeral-storage limit: legacy-reports/reports (no limits.ephemeral-storage)',
    ],
    [
      'backup.cluster-backup-job',
      'last Job legacy-reports-backup-29397960 of CronJob legacy-reports-backup failed (BackoffLimitExceeded: Job has reached the specified backoff limit); last success 22d 21h ago',
    ],
    [
      'backup.cluster-restore-test',
      "No restore-test CronJob (label production-readiness.io/purpose=restore-test) and no Velero Restore of the entity's namespaces",
    ],
    [
      'monitoring.scrape-config',
      'Nothing scrapes Deployment shop/legacy-reports (prod-eu) (Services legacy-reports)',
    ],
    [
      'monitoring.prometheus-rule',
      'No PrometheusRule matches app=legacy-reports',
    ],
  ])('%s fails: %s', async (checkId, summary) => {
    await expect(run(checkId, ENTITIES.legacyReports)).resolves.toMatchObject({
      status: 'fail',
      summary,
    });
  });

  it('never puts the literal secret value into results', async () => {
    const result = await run(
      'security.no-secret-literals',
      ENTITIES.legacyReports,
    );
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('shows the failing backup CronJob as evidence', async () => {
    const result = await run(
      'backup.cluster-backup-job',
      ENTITIES.legacyReports,
    );
    expect(result.evidence).toEqual([
      {
        label: 'CronJob shop/legacy-reports-backup (prod-eu)',
        value: {
          schedule: '0 2 * * *',
          suspended: false,
          identifiedBy: 'label production-readiness.io/purpose',
          lastSuccessfulTime: '2026-10-30T12:04:00.000Z',
          lastJob:
            'legacy-reports-backup-29397960 failed (BackoffLimitExceeded: Job has reached the specified backoff limit)',
        },
        source: 'kubernetes:prod-eu',
        timestamp: '2026-10-30T12:04:00.000Z',
      },
    ]);
  });
});

describe('the StatefulSet database with Velero (orders-db)', () => {
  it.each([
    [
      'availability.replicas',
      'Every workload runs at least 2 replicas: orders-db (prod-eu) 3/3 ready',
    ],
    [
      'availability.pod-disruption-budget',
      'Every workload has a PodDisruptionBudget: orders-db (prod-eu) → orders-db',
    ],
    [
      'availability.autoscaling',
      'No Deployment to autoscale: only StatefulSets (orders-db (prod-eu)), which are scaled deliberately',
    ],
    [
      'availability.spread',
      'Every workload spreads its pods: orders-db (prod-eu) by required anti-affinity kubernetes.io/hostname',
    ],
    [
      'availability.rolling-update',
      'Every workload rolls out without losing capacity: orders-db (prod-eu) RollingUpdate',
    ],
    [
      'security.image-pinned',
      'Every container uses a pinned image (2 containers)',
    ],
    [
      'security.ingress-tls',
      "No Ingress routes to the entity's Services; nothing is exposed through an ingress controller",
    ],
    [
      'logging.emptydir-size-limit',
      'Every emptyDir volume has a sizeLimit (1 volume)',
    ],
    [
      'backup.cluster-backup-job',
      '1 backup CronJob succeeded on schedule: orders-db-backup (30 1 * * *) last succeeded 8h 18m ago',
    ],
    [
      'backup.cluster-restore-test',
      'Restore test orders-db-restore-test succeeded 5d ago (limit 30d)',
    ],
    [
      'backup.velero-schedule',
      'Velero backs up the volumes: namespace orders (prod-eu): velero/orders-daily → orders-daily-20261122030012 Completed 6h 56m ago',
    ],
    [
      'monitoring.scrape-config',
      'Every workload is scraped: orders-db (prod-eu) by orders/orders-db',
    ],
    [
      'monitoring.prometheus-rule',
      '1 PrometheusRule define 2 alerts: OrdersDbDown, OrdersDbDiskFillingUp',
    ],
  ])('%s passes: %s', async (checkId, summary) => {
    await expect(run(checkId, ENTITIES.ordersDb)).resolves.toMatchObject({
      status: 'pass',
      summary,
    });
  });

  it('finds the claims of the StatefulSet volume templates', () => {
    const facts = collected.facts.get('resource:default/orders-db')!;
    expect(facts.persistentVolumeClaims.map(p => p.name)).toEqual([
      'data-orders-db-0',
      'data-orders-db-1',
      'data-orders-db-2',
    ]);
  });
});

describe('entities the clusters cannot answer for', () => {
  it.each(CHECK_IDS)(
    '%s fails when the annotations find nothing: claimed, not shown',
    async checkId => {
      const result = await run(checkId, ENTITIES.ghost);
      // Database and backup-job checks judge objects other than workloads and say so themselves.
      expect(result.status).toBe(
        checkId.startsWith('backup.cluster-') ||
          checkId === 'availability.database-ha'
          ? 'unknown'
          : 'fail',
      );
      expect(result.summary).toMatch(
        /matches backstage\.io\/kubernetes-id=ghost in clusters prod-eu, prod-us$/,
      );
    },
  );

  it.each(CHECK_IDS)(
    '%s is unknown, naming the annotation, when the selector is invalid',
    async checkId => {
      await expect(run(checkId, ENTITIES.badSelector)).resolves.toMatchObject({
        status: 'unknown',
        summary:
          'annotation backstage.io/kubernetes-label-selector is not a valid label selector: unbalanced parentheses',
      });
    },
  );

  it('is unknown without any configured cluster', async () => {
    const none = await collect([], [ENTITIES.checkoutApi]);
    await expect(
      verdict('availability.replicas', ENTITIES.checkoutApi, none),
    ).resolves.toMatchObject({
      status: 'unknown',
      summary: 'The Backstage Kubernetes plugin knows no cluster',
    });
  });
});

describe('verdicts that follow the cluster state', () => {
  it('fails Velero when the newest backup only PartiallyFailed', async () => {
    const result = await withEuObjects(
      objects =>
        objects.filter(o => o.metadata.name !== 'orders-daily-20261122030012'),
      'backup.velero-schedule',
      ENTITIES.ordersDb,
    );
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'newest Backup orders-daily-20261121030045 of velero/orders-daily is PartiallyFailed with 2 errors',
    });
  });

  it('fails Velero when no Schedule covers the namespace', async () => {
    const result = await withEuObjects(
      objects =>
        objects.map(o => {
          if (o.kind === 'Schedule')
            (o.spec as any).template.includedNamespaces = ['payments'];
          return o;
        }),
      'backup.velero-schedule',
      ENTITIES.ordersDb,
    );
    expect(result).toMatchObject({
      status: 'fail',
      summary: 'no Velero Schedule covers namespace orders (prod-eu)',
    });
  });

  it("passes the backup job with today's run missing but yesterday's succeeded", async () => {
    const result = await withEuObjects(
      objects =>
        objects
          .filter(
            o =>
              !(
                o.kind === 'Job' &&
                o.metadata.name === 'orders-db-backup-29397930'
              ),
          )
          .map(o => {
            if (o.kind === 'CronJob' && o.metadata.name === 'orders-db-backup')
              delete (o.status as any).lastSuccessfulTime;
            return o;
          }),
      'backup.cluster-backup-job',
      ENTITIES.ordersDb,
    );
    expect(result).toMatchObject({
      status: 'pass',
      summary:
        '1 backup CronJob succeeded on schedule: orders-db-backup (30 1 * * *) last succeeded 1d 8h ago',
    });
  });

  it('tolerates one missed run but fails when the last success is older than the run before it', async () => {
    const result = await withEuObjects(
      objects =>
        objects
          .filter(
            o =>
              !(
                o.kind === 'Job' &&
                o.metadata.name.startsWith('orders-db-backup-')
              ),
          )
          .map(o => {
            if (
              o.kind === 'CronJob' &&
              o.metadata.name === 'orders-db-backup'
            ) {
              (o.status as any).lastSuccessfulTime = new Date(
                NOW.getTime() - 33 * 3600_000,
              ).toISOString();
            }
            return o;
          }),
      'backup.cluster-backup-job',
      ENTITIES.ordersDb,
    );
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'CronJob orders-db-backup last succeeded 1d 9h ago, before its schedule "30 1 * * *" ran at 2026-11-21T01:30:00.000Z',
    });
  });

  it('fails the backup job when the CronJob is suspended', async () => {
    const result = await withEuObjects(
      objects =>
        objects.map(o => {
          if (o.kind === 'CronJob' && o.metadata.name === 'orders-db-backup')
            (o.spec as any).suspend = true;
          return o;
        }),
      'backup.cluster-backup-job',
      ENTITIES.ordersDb,
    );
    expect(result).toMatchObject({
      status: 'fail',
      summary: 'CronJob orders-db-backup is suspended',
    });
  });

  it('passes the restore test on a recent Velero Restore when there is no restore-test CronJob', async () => {
    const result = await withEuObjects(
      objects =>
        objects.filter(
          o => !o.metadata.name.startsWith('orders-db-restore-test'),
        ),
      'backup.cluster-restore-test',
      ENTITIES.ordersDb,
    );
    expect(result).toMatchObject({
      status: 'pass',
      summary:
        'Velero Restore velero/orders-restore-drill-20261112 of backup orders-daily-20261112030001 completed 9d 23h ago (limit 30d)',
    });
  });

  it('fails TLS when the certificate expires within 14 days', async () => {
    const result = await withEuObjects(
      objects =>
        objects.map(o => {
          if (o.kind === 'Certificate')
            (o.status as any).notAfter = new Date(
              NOW.getTime() + 5 * 24 * 3600_000,
            ).toISOString();
          return o;
        }),
      'security.ingress-tls',
      ENTITIES.checkoutApi,
    );
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Certificate checkout-api-tls expires in 5d, sooner than the 14d required',
    });
  });

  it('fails TLS when the certificate is not Ready', async () => {
    const result = await withEuObjects(
      objects =>
        objects.map(o => {
          if (o.kind === 'Certificate') {
            (o.status as any).conditions = [
              {
                type: 'Ready',
                status: 'False',
                reason: 'Failed',
                message:
                  'ACME challenge failed: 403 from checkout.prod-eu.example.com',
              },
            ];
          }
          return o;
        }),
      'security.ingress-tls',
      ENTITIES.checkoutApi,
    );
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Certificate checkout-api-tls is not Ready (Failed: ACME challenge failed: 403 from checkout.prod-eu.example.com)',
    });
  });

  it('warns when a PodDisruptionBudget allows no eviction', async () => {
    const result = await withEuObjects(
      objects =>
        objects.map(o => {
          if (
            o.kind === 'PodDisruptionBudget' &&
            o.metadata.name === 'orders-db'
          )
            (o.spec as any).maxUnavailable = 0;
          return o;
        }),
      'availability.pod-disruption-budget',
      ENTITIES.ordersDb,
    );
    expect(result).toMatchObject({
      status: 'warn',
      summary:
        'PodDisruptionBudget allows no eviction for orders-db (prod-eu): orders-db: node drains will hang',
    });
  });
});

describe('database high availability where declared (availability.database-ha)', () => {
  const HA = 'production-readiness.io/high-availability';
  const check = createKubernetesChecks(TEST_SETTINGS).find(
    c => c.id === 'availability.database-ha',
  )!;
  const annotated = (
    entity: Entity,
    annotations: Record<string, string | undefined>,
  ): Entity => {
    const merged = { ...entity.metadata.annotations, ...annotations };
    for (const [key, value] of Object.entries(annotations)) {
      if (value === undefined) delete merged[key];
    }
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: merged as Record<string, string>,
      },
    };
  };
  /** Changes the orders-db StatefulSet or its PodDisruptionBudget in prod-eu. */
  const ordersDbWith = (
    kind: 'StatefulSet' | 'PodDisruptionBudget',
    change: (spec: any, object: KubeObject) => void,
  ) =>
    withEuObjects(
      objects =>
        objects.map(o => {
          if (o.kind === kind && o.metadata.name === 'orders-db') {
            change(o.spec, o);
          }
          return o;
        }),
      'availability.database-ha',
      ENTITIES.ordersDb,
    );
  const podSpec = (spec: any) => spec.template.spec;

  it('passes the replicated, spread and quorum-protected database, showing what it looked at', async () => {
    const result = await run('availability.database-ha', ENTITIES.ordersDb);
    expect(result).toEqual({
      status: 'pass',
      summary:
        'Declared high availability (3 instances) holds: orders-db (prod-eu) 3/3 ready, required anti-affinity on kubernetes.io/hostname, PodDisruptionBudget orders-db (maxUnavailable 1) keeps 2 of 3 up, quorum 2',
      evidence: [
        {
          label: 'declared',
          value: 'production-readiness.io/high-availability=3',
          source: 'catalog',
        },
        {
          label: 'StatefulSet orders/orders-db',
          value: {
            requiredInstances: 3,
            replicas: 3,
            readyReplicas: 3,
            spread: 'required anti-affinity on kubernetes.io/hostname',
            disruptionBudget:
              'orders-db (maxUnavailable 1) keeps 2 of 3 up, quorum 2',
          },
          source: 'kubernetes:prod-eu',
        },
      ],
    });
  });

  it('fails the single-instance database that declares high availability', async () => {
    const result = await run('availability.database-ha', ENTITIES.reportsDb);
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Declared high availability (2 instances) does not hold: reports-db (prod-eu): spec.replicas is 1 (2 required), no anti-affinity or topology spread of its pods on kubernetes.io/hostname or topology.kubernetes.io/zone, no PodDisruptionBudget',
    });
    expect(result.evidence).toContainEqual({
      label: 'StatefulSet shop/reports-db',
      value: {
        requiredInstances: 2,
        replicas: 1,
        readyReplicas: 1,
        spread: 'none',
        disruptionBudget: 'none',
      },
      source: 'kubernetes:prod-eu',
    });
    // The general replica check says the same thing from its own angle.
    await expect(
      run('availability.replicas', ENTITIES.reportsDb),
    ).resolves.toMatchObject({ status: 'fail' });
  });

  it('fails when more instances are declared than the StatefulSet runs', async () => {
    const result = await verdict(
      'availability.database-ha',
      annotated(ENTITIES.ordersDb, { [HA]: '5' }),
      collected,
    );
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Declared high availability (5 instances) does not hold: orders-db (prod-eu): spec.replicas is 3 (5 required)',
    });
  });

  it('fails when the replicas are declared but not ready', async () => {
    const result = await ordersDbWith('StatefulSet', (_spec, o) => {
      (o.status as any).readyReplicas = 1;
      (o.status as any).availableReplicas = 1;
    });
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Declared high availability (3 instances) does not hold: orders-db (prod-eu): only 1 of 3 replicas ready (3 required)',
    });
  });

  it('fails when nothing spreads the pods over nodes or zones', async () => {
    const result = await ordersDbWith('StatefulSet', spec => {
      delete podSpec(spec).affinity;
    });
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Declared high availability (3 instances) does not hold: orders-db (prod-eu): no anti-affinity or topology spread of its pods on kubernetes.io/hostname or topology.kubernetes.io/zone',
    });
  });

  it("ignores anti-affinity that selects other pods than the database's own", async () => {
    const result = await ordersDbWith('StatefulSet', spec => {
      podSpec(
        spec,
      ).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector =
        { matchLabels: { 'app.kubernetes.io/name': 'checkout-api' } };
    });
    expect(result.status).toBe('fail');
    expect(result.evidence).toContainEqual(
      expect.objectContaining({
        label: 'StatefulSet orders/orders-db',
        value: expect.objectContaining({ spread: 'none' }),
      }),
    );
  });

  it('warns when the spread is only preferred', async () => {
    const result = await ordersDbWith('StatefulSet', spec => {
      const anti = podSpec(spec).affinity.podAntiAffinity;
      anti.preferredDuringSchedulingIgnoredDuringExecution = [
        {
          weight: 100,
          podAffinityTerm:
            anti.requiredDuringSchedulingIgnoredDuringExecution[0],
        },
      ];
      delete anti.requiredDuringSchedulingIgnoredDuringExecution;
    });
    expect(result).toMatchObject({
      status: 'warn',
      summary:
        'Declared high availability (3 instances) is not enforced: orders-db (prod-eu): pods may share a node or zone (only preferred anti-affinity on kubernetes.io/hostname)',
    });
  });

  it.each([
    [
      1,
      'DoNotSchedule',
      'pass',
      'Declared high availability (3 instances) holds: orders-db (prod-eu) 3/3 ready, topology spread on topology.kubernetes.io/zone (maxSkew 1, DoNotSchedule), PodDisruptionBudget orders-db (maxUnavailable 1) keeps 2 of 3 up, quorum 2',
    ],
    [
      2,
      'DoNotSchedule',
      'warn',
      'Declared high availability (3 instances) is not enforced: orders-db (prod-eu): pods may share a node or zone (only topology spread on topology.kubernetes.io/zone (maxSkew 2, DoNotSchedule))',
    ],
    [
      1,
      'ScheduleAnyway',
      'warn',
      'Declared high availability (3 instances) is not enforced: orders-db (prod-eu): pods may share a node or zone (only topology spread on topology.kubernetes.io/zone (maxSkew 1, ScheduleAnyway))',
    ],
  ])(
    'judges a zone spread with maxSkew %p and %s: %s',
    async (maxSkew, whenUnsatisfiable, status, summary) => {
      const result = await ordersDbWith('StatefulSet', spec => {
        delete podSpec(spec).affinity;
        podSpec(spec).topologySpreadConstraints = [
          {
            maxSkew,
            topologyKey: 'topology.kubernetes.io/zone',
            whenUnsatisfiable,
            labelSelector: {
              matchLabels: { 'app.kubernetes.io/name': 'orders-db' },
            },
          },
        ];
      });
      expect(result).toMatchObject({ status, summary });
    },
  );

  it.each([
    [
      { maxUnavailable: '50%' },
      'orders-db (maxUnavailable 50%) keeps 1 of 3 up, below the quorum of 2',
    ],
    [
      { minAvailable: 1 },
      'orders-db (minAvailable 1) keeps 1 of 3 up, below the quorum of 2',
    ],
    [
      { maxUnavailable: 'one' },
      'orders-db (maxUnavailable one) is neither an integer nor a percentage',
    ],
  ])(
    'fails when the PodDisruptionBudget %j does not keep a quorum',
    async (budget, text) => {
      const result = await ordersDbWith('PodDisruptionBudget', spec => {
        delete spec.maxUnavailable;
        Object.assign(spec, budget);
      });
      expect(result).toMatchObject({
        status: 'fail',
        summary: `Declared high availability (3 instances) does not hold: orders-db (prod-eu): PodDisruptionBudget ${text}`,
      });
    },
  );

  it('passes a minAvailable percentage that rounds up to the quorum', async () => {
    const result = await ordersDbWith('PodDisruptionBudget', spec => {
      delete spec.maxUnavailable;
      spec.minAvailable = '51%';
    });
    expect(result).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining(
        'PodDisruptionBudget orders-db (minAvailable 51%) keeps 2 of 3 up, quorum 2',
      ),
    });
  });

  it('applies only where high availability is declared', () => {
    expect(matchesEntityFilter(ENTITIES.ordersDb, check.appliesTo)).toBe(true);
    // A database that declares nothing is not held to it ("HA where declared").
    expect(
      matchesEntityFilter(
        annotated(ENTITIES.ordersDb, { [HA]: undefined }),
        check.appliesTo,
      ),
    ).toBe(false);
    expect(matchesEntityFilter(ENTITIES.checkoutApi, check.appliesTo)).toBe(
      false,
    );
    expect(
      matchesEntityFilter(
        annotated(ENTITIES.checkoutApi, { [HA]: '3' }),
        check.appliesTo,
      ),
    ).toBe(true);
    // Without Kubernetes annotations this module cannot look.
    expect(
      matchesEntityFilter(
        annotated(ENTITIES.ordersDb, {
          'backstage.io/kubernetes-id': undefined,
        }),
        check.appliesTo,
      ),
    ).toBe(false);
  });

  it('is unknown when the entity has Deployments but no StatefulSet or CloudNativePG Cluster', async () => {
    await expect(
      verdict(
        'availability.database-ha',
        annotated(ENTITIES.checkoutApi, { [HA]: 'true' }),
        collected,
      ),
    ).resolves.toMatchObject({
      status: 'unknown',
      summary:
        'No StatefulSet or CloudNativePG Cluster matches backstage.io/kubernetes-id=checkout-api in clusters prod-eu, prod-us (only Deployment checkout-api (prod-eu), checkout-api (prod-us)); database instances are read from StatefulSets and CloudNativePG Clusters; cluster "prod-us" does not serve clusters.postgresql.cnpg.io/v1 (404): the CRD of CloudNativePG is not installed',
    });
  });

  it.each([
    [
      'three',
      'annotation production-readiness.io/high-availability "three" is not valid: use true (at least 2 instances) or the number of instances that must be ready, from 2 to 99',
    ],
    [
      '1',
      'annotation production-readiness.io/high-availability "1" asks for a single instance, which is not high availability: use true or a number of instances from 2 to 99, or remove the annotation',
    ],
    [
      '0',
      'annotation production-readiness.io/high-availability "0" asks for no instance, which is not high availability: use true or a number of instances from 2 to 99, or remove the annotation',
    ],
    [
      '2.5',
      'annotation production-readiness.io/high-availability "2.5" is not valid: use true (at least 2 instances) or the number of instances that must be ready, from 2 to 99',
    ],
    [
      '100',
      'annotation production-readiness.io/high-availability "100" is not valid: use true (at least 2 instances) or the number of instances that must be ready, from 2 to 99',
    ],
    [
      'false',
      'annotation production-readiness.io/high-availability "false" is not valid: use true (at least 2 instances) or the number of instances that must be ready, from 2 to 99',
    ],
    [
      '',
      'annotation production-readiness.io/high-availability "" is not valid: use true (at least 2 instances) or the number of instances that must be ready, from 2 to 99',
    ],
  ])(
    'is unknown, with the reason, when the annotation is %p (never pass on a healthy cluster)',
    async (value, summary) => {
      const result = await verdict(
        'availability.database-ha',
        annotated(ENTITIES.ordersDb, { [HA]: value }),
        collected,
      );
      expect(result).toMatchObject({ status: 'unknown', summary });
      expect(result.evidence).toEqual([
        {
          label: 'annotation production-readiness.io/high-availability',
          value,
          source: 'catalog',
        },
      ]);
    },
  );

  it('is an error when PodDisruptionBudgets cannot be listed where the database runs', async () => {
    clusters.eu.forbidden.add('poddisruptionbudgets.policy');
    try {
      const result = await verdict(
        'availability.database-ha',
        ENTITIES.ordersDb,
        await collect(clusters.definitions, [ENTITIES.ordersDb]),
      );
      expect(result.status).toBe('error');
      expect(result.summary).toMatch(
        /^cluster "prod-eu" forbids list on poddisruptionbudgets\.policy \(403 Forbidden\)/,
      );
    } finally {
      clusters.eu.forbidden.delete('poddisruptionbudgets.policy');
    }
  });
});

describe('CloudNativePG databases (availability.database-ha)', () => {
  const HA = 'production-readiness.io/high-availability';
  const HEALTHY_EVIDENCE = {
    requiredInstances: 3,
    instances: 3,
    readyInstances: 3,
    phase: 'Cluster in healthy state',
    phaseReason: null,
    currentPrimary: 'payments-db-1',
    instanceNames: 'payments-db-1, payments-db-2, payments-db-3',
    nodesUsed: 3,
    affinity:
      'enablePodAntiAffinity true (default), podAntiAffinityType required, topologyKey kubernetes.io/hostname (default)',
    spread: 'required anti-affinity on kubernetes.io/hostname',
    disruptionBudget:
      'payments-db (minAvailable 1); payments-db-primary (minAvailable 1)',
    matchedBy: 'metadata.labels',
  };
  const isPaymentsDb = (o: KubeObject) =>
    o.kind === 'Cluster' && o.metadata.name === 'payments-db';
  const isPaymentsDbBudget = (o: KubeObject) =>
    o.kind === 'PodDisruptionBudget' && o.metadata.namespace === 'payments';
  /** The verdict on payments-db after changing its Cluster (and possibly other objects). */
  const paymentsDbWith = (
    change: (spec: any, status: any) => void,
    keep: (o: KubeObject) => boolean = () => true,
  ) =>
    withEuObjects(
      objects =>
        objects.filter(keep).map(o => {
          if (isPaymentsDb(o)) change(o.spec, o.status);
          return o;
        }),
      'availability.database-ha',
      ENTITIES.paymentsDb,
    );

  it('passes the healthy cluster with required anti-affinity and the operator PodDisruptionBudgets, showing what it looked at', async () => {
    await expect(
      run('availability.database-ha', ENTITIES.paymentsDb),
    ).resolves.toEqual({
      status: 'pass',
      summary:
        'Declared high availability (3 instances) holds: payments-db (prod-eu) 3/3 instances ready, Cluster in healthy state, required anti-affinity on kubernetes.io/hostname, operator PodDisruptionBudgets payments-db (minAvailable 1), payments-db-primary (minAvailable 1)',
      evidence: [
        {
          label: 'declared',
          value: 'production-readiness.io/high-availability=3',
          source: 'catalog',
        },
        {
          label: 'CloudNativePG Cluster payments/payments-db',
          value: HEALTHY_EVIDENCE,
          source: 'kubernetes:prod-eu',
        },
      ],
    });
  });

  it('fails the degraded cluster, matched through the labels it passes on to its Pods, with its phase', async () => {
    const result = await run('availability.database-ha', ENTITIES.analyticsDb);
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Declared high availability (3 instances) does not hold: analytics-db (prod-eu): only 2 of 3 instances ready (3 required), phase "Waiting for the instances to become active" (Some instances are not yet active. Please wait.), pods may share a node or zone (only preferred anti-affinity on kubernetes.io/hostname: affinity.podAntiAffinityType is preferred, the default), its 3 instances run on 2 nodes (status.topology.nodesUsed)',
    });
    expect(result.evidence).toContainEqual({
      label: 'CloudNativePG Cluster analytics/analytics-db',
      value: {
        requiredInstances: 3,
        instances: 3,
        readyInstances: 2,
        phase: 'Waiting for the instances to become active',
        phaseReason: 'Some instances are not yet active. Please wait.',
        currentPrimary: 'analytics-db-1',
        instanceNames: 'analytics-db-1, analytics-db-2, analytics-db-3',
        nodesUsed: 2,
        affinity:
          'enablePodAntiAffinity true (default), podAntiAffinityType preferred, topologyKey kubernetes.io/hostname (default)',
        spread: 'preferred anti-affinity on kubernetes.io/hostname',
        disruptionBudget:
          'analytics-db (minAvailable 1); analytics-db-primary (minAvailable 1)',
        matchedBy: 'pod labels',
      },
      source: 'kubernetes:prod-eu',
    });
  });

  it('fails when more instances are declared than the cluster runs', async () => {
    const entity: Entity = {
      ...ENTITIES.paymentsDb,
      metadata: {
        ...ENTITIES.paymentsDb.metadata,
        annotations: { ...ENTITIES.paymentsDb.metadata.annotations, [HA]: '4' },
      },
    };
    await expect(
      verdict('availability.database-ha', entity, collected),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'Declared high availability (4 instances) does not hold: payments-db (prod-eu): spec.instances is 3 (4 required)',
    });
  });

  it.each([
    ['podAntiAffinityType preferred', { podAntiAffinityType: 'preferred' }],
    ['no affinity settings (the operator defaults to preferred)', {}],
  ])('warns with %s', async (_case, affinity) => {
    const result = await paymentsDbWith(spec => {
      spec.affinity = affinity;
    });
    expect(result).toMatchObject({
      status: 'warn',
      summary:
        'Declared high availability (3 instances) is not enforced: payments-db (prod-eu): pods may share a node or zone (only preferred anti-affinity on kubernetes.io/hostname: affinity.podAntiAffinityType is preferred, the default)',
    });
    expect(result.remediation).toMatch(
      /^Set spec\.affinity\.podAntiAffinityType: required on the CloudNativePG Cluster/,
    );
  });

  it.each([
    [
      { enablePodAntiAffinity: false, podAntiAffinityType: 'required' },
      'no anti-affinity or topology spread of its pods on kubernetes.io/hostname or topology.kubernetes.io/zone (affinity.enablePodAntiAffinity is false)',
    ],
    [
      {
        podAntiAffinityType: 'required',
        topologyKey: 'topology.kubernetes.io/region',
      },
      'no anti-affinity or topology spread of its pods on kubernetes.io/hostname or topology.kubernetes.io/zone (affinity.topologyKey is topology.kubernetes.io/region)',
    ],
  ])('fails when affinity %j spreads nothing', async (affinity, problem) => {
    const result = await paymentsDbWith(spec => {
      spec.affinity = affinity;
    });
    expect(result).toMatchObject({
      status: 'fail',
      summary: `Declared high availability (3 instances) does not hold: payments-db (prod-eu): ${problem}`,
    });
  });

  it('counts a required anti-affinity on zones, and additional anti-affinity terms of its own', async () => {
    const zones = await paymentsDbWith(spec => {
      spec.affinity.topologyKey = 'topology.kubernetes.io/zone';
    });
    expect(zones).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining(
        'required anti-affinity on topology.kubernetes.io/zone',
      ),
    });
    const additional = await paymentsDbWith(spec => {
      spec.affinity = {
        enablePodAntiAffinity: false,
        additionalPodAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: {
                matchLabels: { 'cnpg.io/cluster': 'payments-db' },
              },
              topologyKey: 'kubernetes.io/hostname',
            },
          ],
        },
      };
    });
    expect(additional).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining(
        'required anti-affinity on kubernetes.io/hostname',
      ),
    });
  });

  it('fails when spec.enablePDB is false', async () => {
    const result = await paymentsDbWith(
      spec => {
        spec.enablePDB = false;
      },
      // The operator deletes its budgets then.
      o => !isPaymentsDbBudget(o),
    );
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Declared high availability (3 instances) does not hold: payments-db (prod-eu): spec.enablePDB is false: the operator creates no PodDisruptionBudget, so a node drain may evict every instance at once',
    });
    expect(result.evidence).toContainEqual(
      expect.objectContaining({
        value: expect.objectContaining({
          disruptionBudget: 'none: spec.enablePDB is false',
        }),
      }),
    );
  });

  it('reads an absent enablePDB as true, the CRD default', async () => {
    await expect(
      paymentsDbWith(spec => {
        delete spec.enablePDB;
      }),
    ).resolves.toMatchObject({ status: 'pass' });
  });

  it('fails when the budgets the operator should keep do not exist', async () => {
    const result = await paymentsDbWith(
      () => {},
      o => !isPaymentsDbBudget(o),
    );
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Declared high availability (3 instances) does not hold: payments-db (prod-eu): spec.enablePDB is true but the cluster has no PodDisruptionBudget (the operator creates them while it runs)',
    });
  });

  it("warns during a node maintenance window, when the operator lifts the replicas' budget", async () => {
    const result = await paymentsDbWith(
      spec => {
        spec.nodeMaintenanceWindow = { inProgress: true, reusePVC: true };
      },
      o => !(isPaymentsDbBudget(o) && o.metadata.name === 'payments-db'),
    );
    expect(result).toMatchObject({
      status: 'warn',
      summary:
        "Declared high availability (3 instances) is not enforced: payments-db (prod-eu): a node maintenance window is in progress (spec.nodeMaintenanceWindow.inProgress): the operator has lifted the replicas' PodDisruptionBudget",
    });
  });

  it.each([
    [
      'Switchover in progress',
      'warn',
      'is not enforced: payments-db (prod-eu): phase "Switchover in progress"',
    ],
    [
      'Failing over',
      'fail',
      'does not hold: payments-db (prod-eu): phase "Failing over"',
    ],
    [
      'Cluster is unrecoverable and needs manual intervention',
      'fail',
      'does not hold: payments-db (prod-eu): phase "Cluster is unrecoverable and needs manual intervention"',
    ],
    [
      undefined,
      'fail',
      'does not hold: payments-db (prod-eu): no status.phase (the CloudNativePG operator has not reported on it)',
    ],
  ])(
    'judges phase %p with every instance ready: %s',
    async (phase, status, summary) => {
      const result = await paymentsDbWith((_spec, clusterStatus) => {
        clusterStatus.phase = phase;
      });
      expect(result).toMatchObject({
        status,
        summary: `Declared high availability (3 instances) ${summary}`,
      });
    },
  );

  it('matches a selector on the labels the operator puts on the Pods', async () => {
    const entity: Entity = {
      ...ENTITIES.ghost,
      metadata: {
        name: 'pods',
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-label-selector':
            'cnpg.io/cluster=payments-db,cnpg.io/podRole=instance',
        },
      },
    };
    const facts = (await collect(clusters.definitions, [entity])).facts.get(
      'component:default/pods',
    )!;
    expect(
      facts.cnpgClusters.map(c => [
        c.cluster,
        c.namespace,
        c.name,
        c.matchedBy,
      ]),
    ).toEqual([['prod-eu', 'payments', 'payments-db', 'pod labels']]);
  });

  it.each([
    'availability.replicas',
    'availability.pod-disruption-budget',
    'availability.spread',
    'availability.rolling-update',
    'availability.probes',
  ])(
    '%s stays unknown for a database whose only workload is a CloudNativePG Cluster',
    async checkId => {
      await expect(run(checkId, ENTITIES.paymentsDb)).resolves.toMatchObject({
        status: 'unknown',
        summary:
          'No Deployment, StatefulSet or Argo Rollout matches backstage.io/kubernetes-id=payments-db in clusters prod-eu, prod-us',
      });
    },
  );
});

describe("CloudNativePG's own backups (backup.cluster-backup-job)", () => {
  const JOB = 'backup.cluster-backup-job';
  const PLAN = 'production-readiness.io/backup-plan';
  const isCluster = (name: string) => (o: KubeObject) =>
    o.kind === 'Cluster' && o.metadata.name === name;
  /** The verdict on an entity after changing its Cluster's spec and status. */
  const clusterWith = (
    entity: Entity,
    change: (spec: any, status: any) => void,
  ) =>
    withEuObjects(
      objects =>
        objects.map(o => {
          if (isCluster(entity.metadata.name)(o)) change(o.spec, o.status);
          return o;
        }),
      JOB,
      entity,
    );
  const backupCondition = (status: any) =>
    status.conditions.find((c: any) => c.type === 'LastBackupSucceeded');
  const withoutPlan = (entity: Entity): Entity => {
    const { [PLAN]: _plan, ...annotations } = entity.metadata.annotations!;
    return { ...entity, metadata: { ...entity.metadata, annotations } };
  };

  it('passes the cluster whose last backup succeeded within the schedule of the backup plan, showing what it looked at', async () => {
    await expect(run(JOB, ENTITIES.paymentsDb)).resolves.toEqual({
      status: 'pass',
      summary:
        'CloudNativePG backs up the database: payments-db (prod-eu) last backed up successfully 7h 30m ago (backup plan schedule "0 2 * * *")',
      evidence: [
        {
          label: 'CloudNativePG Cluster payments/payments-db (prod-eu)',
          value: {
            backupMethods: 'barmanObjectStore',
            condition:
              'LastBackupSucceeded True (LastBackupSucceeded): Backup was successful',
            lastSuccessfulBackup: '2026-11-22T02:30:00.000Z',
            lastFailedBackup: null,
            firstRecoverabilityPoint: '2026-10-23T10:00:00.000Z',
            schedule: 'backup plan schedule "0 2 * * *"',
          },
          source: 'kubernetes:prod-eu',
          timestamp: '2026-11-22T02:30:00.000Z',
        },
      ],
    });
  });

  it("fails the cluster whose last backup failed, with the operator's message", async () => {
    const result = await run(JOB, ENTITIES.analyticsDb);
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'last backup of CloudNativePG Cluster analytics-db (prod-eu) failed 7h 50m ago: unexpected failure invoking barman-cloud-backup: exit status 4; last success 1d 7h ago',
      evidence: [
        {
          label: 'CloudNativePG Cluster analytics/analytics-db (prod-eu)',
          value: expect.objectContaining({
            condition:
              'LastBackupSucceeded False (LastBackupFailed): unexpected failure invoking barman-cloud-backup: exit status 4',
            lastFailedBackup: '2026-11-22T02:10:00.000Z',
            schedule: 'no backup plan: at most 1d 2h old',
          }),
        },
      ],
    });
    expect(result.remediation).toMatch(/spec\.backup\.barmanObjectStore/);
  });

  it('fails when the last successful backup is older than the run before the last one of the plan', async () => {
    await expect(
      clusterWith(ENTITIES.paymentsDb, (_spec, status) => {
        // 01:59 yesterday: the 02:00 runs of yesterday and today both left no success.
        status.lastSuccessfulBackup = '2026-11-21T01:59:00Z';
      }),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'CloudNativePG Cluster payments-db (prod-eu) last backed up successfully 1d 8h ago, too old for backup plan schedule "0 2 * * *"',
    });
  });

  it.each([
    ['25h ago', 'pass', '2026-11-21T09:00:00Z'],
    ['27h ago', 'fail', '2026-11-21T07:00:00Z'],
  ])(
    'allows 26 hours without a backup plan: a success %s is a %s',
    async (_ago, status, lastSuccessfulBackup) => {
      await expect(
        clusterWith(
          withoutPlan(ENTITIES.paymentsDb),
          (_spec, clusterStatus) => {
            clusterStatus.lastSuccessfulBackup = lastSuccessfulBackup;
          },
        ),
      ).resolves.toMatchObject({ status });
    },
  );

  it('fails the cluster that has never backed up successfully', async () => {
    await expect(
      clusterWith(ENTITIES.paymentsDb, (_spec, status) => {
        delete status.lastSuccessfulBackup;
        delete status.firstRecoverabilityPoint;
        status.conditions = status.conditions.filter(
          (c: any) => c.type !== 'LastBackupSucceeded',
        );
      }),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'CloudNativePG Cluster payments-db (prod-eu) has no successful backup yet',
    });
  });

  it('fails the cluster without backup configured, naming it', async () => {
    await expect(
      clusterWith(ENTITIES.paymentsDb, spec => {
        delete spec.backup;
      }),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'CloudNativePG Cluster payments-db (prod-eu) has no backup configured (neither spec.backup.barmanObjectStore nor spec.backup.volumeSnapshot, and no backup plugin in spec.plugins)',
    });
  });

  it('does not count a backup that is only starting as a failure', async () => {
    await expect(
      clusterWith(ENTITIES.paymentsDb, (_spec, status) => {
        Object.assign(backupCondition(status), {
          status: 'False',
          reason: 'BackupStarted',
          message: 'New Backup starting up',
        });
      }),
    ).resolves.toMatchObject({ status: 'pass' });
  });

  it('dates plugin backups, which leave lastSuccessfulBackup unset, by the LastBackupSucceeded condition', async () => {
    const withPlugin = (age: string) =>
      clusterWith(ENTITIES.paymentsDb, (spec, status) => {
        delete spec.backup;
        spec.plugins = [
          {
            name: 'barman-cloud.cloudnative-pg.io',
            enabled: true,
            isWALArchiver: true,
            parameters: { barmanObjectName: 'payments-db-store' },
          },
        ];
        delete status.lastSuccessfulBackup;
        backupCondition(status).lastTransitionTime = age;
      });
    await expect(withPlugin('2026-11-22T02:30:00Z')).resolves.toMatchObject({
      status: 'pass',
      summary:
        'CloudNativePG backs up the database: payments-db (prod-eu) last backed up successfully 7h 30m ago (backup plan schedule "0 2 * * *")',
      evidence: [
        {
          value: expect.objectContaining({
            backupMethods: 'plugin barman-cloud.cloudnative-pg.io',
            lastSuccessfulBackup: null,
          }),
          timestamp: '2026-11-22T02:30:00Z',
        },
      ],
    });
    await expect(withPlugin('2026-11-19T02:30:00Z')).resolves.toMatchObject({
      status: 'fail',
    });
  });

  it('counts a plugin the operator reports with backup capabilities', async () => {
    await expect(
      clusterWith(ENTITIES.paymentsDb, (spec, status) => {
        delete spec.backup;
        spec.plugins = [{ name: 'backup.example.com' }];
        status.pluginStatus = [
          {
            name: 'backup.example.com',
            version: '0.3.0',
            backupCapabilities: ['TYPE_BACKUP'],
          },
        ];
      }),
    ).resolves.toMatchObject({
      status: 'pass',
      evidence: [
        {
          value: expect.objectContaining({
            backupMethods: 'plugin backup.example.com',
          }),
        },
      ],
    });
  });

  it('is an error, not a missing CronJob, when the Clusters cannot be listed', async () => {
    clusters.eu.forbidden.add('clusters.postgresql.cnpg.io');
    try {
      const result = await verdict(
        JOB,
        ENTITIES.paymentsDb,
        await collect(clusters.definitions, [ENTITIES.paymentsDb]),
      );
      expect(result.status).toBe('error');
      expect(result.summary).toMatch(
        /^cluster "prod-eu" forbids list on clusters\.postgresql\.cnpg\.io/,
      );
    } finally {
      clusters.eu.forbidden.delete('clusters.postgresql.cnpg.io');
    }
  });

  it('leaves the restore test to restore-test CronJobs: the operator does not test restores', async () => {
    await expect(
      run('backup.cluster-restore-test', ENTITIES.paymentsDb),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        "No restore-test CronJob (label production-readiness.io/purpose=restore-test) and no Velero Restore of the entity's namespaces",
    });
  });
});
