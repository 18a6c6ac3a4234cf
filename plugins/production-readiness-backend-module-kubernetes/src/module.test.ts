import {
  ReadinessTestBackend,
  startReadinessTestBackend,
} from '@production-readiness/plugin-production-readiness-backend/testUtils';
import {
  CHECK_IDS,
  startTestClusters,
  TestClusters,
} from './__testUtils__/clusters';
import { ENTITIES } from './__testUtils__/fixtures';
import kubernetesBackend from '@backstage/plugin-kubernetes-backend';
import productionReadinessModuleKubernetes from './index';

jest.setTimeout(60_000);

describe('the module in a backend with the readiness plugin', () => {
  let clusters: TestClusters;
  let backend: ReadinessTestBackend;

  beforeAll(async () => {
    clusters = await startTestClusters();
    backend = await startReadinessTestBackend({
      features: [kubernetesBackend, productionReadinessModuleKubernetes],
      entities: [
        ENTITIES.checkoutApi,
        ENTITIES.legacyReports,
        ENTITIES.ordersDb,
      ],
      rootConfig: clusters.config,
      // prod-us is managed: its kubelet settings are declared, not readable.
      config: {
        kubernetes: {
          kubeletLogRotation: {
            containerLogMaxSize: '20Mi',
            containerLogMaxFiles: 5,
          },
        },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await clusters?.stop();
  });

  const refresh = (name: string) =>
    backend.refresh(`component:default/${name}`);

  /** The statuses of this module's checks only. */
  const statuses = (report: Awaited<ReturnType<typeof refresh>>) =>
    Object.fromEntries(
      Object.entries(backend.statuses(report)).filter(([id]) =>
        CHECK_IDS.includes(id),
      ),
    );

  it('evaluates the careless service from the live clusters', async () => {
    const report = await refresh('legacy-reports');
    expect(statuses(report)).toMatchObject({
      'availability.replicas': 'fail',
      'availability.probes': 'fail',
      'availability.pod-disruption-budget': 'fail',
      'security.run-as-non-root': 'fail',
      'security.image-pinned': 'fail',
      'logging.emptydir-size-limit': 'fail',
      'backup.cluster-backup-job': 'fail',
      'backup.velero-schedule': 'pass',
    });
    const backup = report.results.find(
      r => r.checkId === 'backup.cluster-backup-job',
    );
    expect(backup?.summary).toMatch(
      /^last Job legacy-reports-backup-29397960 of CronJob legacy-reports-backup failed \(BackoffLimitExceeded/,
    );
  });

  it('judges the high availability the database Resource declares', async () => {
    const report = await backend.refresh('resource:default/orders-db');
    expect(
      report.results.find(r => r.checkId === 'availability.database-ha'),
    ).toMatchObject({
      status: 'pass',
      summary:
        'Declared high availability (3 instances) holds: orders-db (prod-eu) 3/3 ready, required anti-affinity on kubernetes.io/hostname, PodDisruptionBudget orders-db (maxUnavailable 1) keeps 2 of 3 up, quorum 2',
    });
  });

  it('passes the production-grade service, and leaves backup checks off a stateless one', async () => {
    const result = statuses(await refresh('checkout-api'));
    expect(Object.keys(result)).not.toContain('backup.cluster-backup-job');
    expect(Object.keys(result)).not.toContain('backup.cluster-restore-test');
    expect(
      Object.entries(result).filter(([, status]) => status !== 'pass'),
    ).toEqual([]);
    expect(Object.keys(result)).toHaveLength(26);
  });
});
