import { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { snapshotsOf, useTestClusters } from '../__testUtils__/clusters';
import { ENTITIES, NOW } from '../__testUtils__/fixtures';
import { BackupJobRunsCollector } from './BackupJobRunsCollector';
import { KubernetesCollector } from './KubernetesCollector';

jest.setTimeout(60_000);

const clusters = useTestClusters();

/** Both collectors of the module on one listing, as the module registers them. */
function moduleCollectors() {
  const snapshots = snapshotsOf(clusters.definitions);
  return {
    kubernetes: new KubernetesCollector(snapshots),
    jobs: new BackupJobRunsCollector(snapshots),
    context: (now = NOW) => ({
      logger: mockServices.logger.mock(),
      signal: new AbortController().signal,
      now,
    }),
    close: () => snapshots.close(),
  };
}

async function collectRuns(entities: Entity[]) {
  const module = moduleCollectors();
  try {
    return await module.jobs.collect(entities, module.context());
  } finally {
    module.close();
  }
}

describe('backup job runs', () => {
  it('gives a database the runs of the CronJob that names it, wherever it runs, and not the service that runs it', async () => {
    const collected = await collectRuns([ENTITIES.billingDb, ENTITIES.billing]);

    expect(collected.errors).toEqual(new Map());
    const [job] = collected.facts.get('resource:default/billing-db')!.jobs;
    expect(job).toMatchObject({
      job: 'CronJob billing/billing-db-backup on cluster prod-us',
      source: 'kubernetes:prod-us',
      schedule: '0 2 * * *',
      suspended: false,
    });
    expect(job.runs.map(r => [r.name, r.state])).toEqual([
      ['billing-db-backup-29397960', 'failed'],
      ['billing-db-backup-29396520', 'failed'],
      ['billing-db-backup-29395080', 'failed'],
      ['billing-db-backup-29393640', 'succeeded'],
    ]);
    expect(job.runs[0].reason).toContain('BackoffLimitExceeded');
    expect(collected.claims!.get('resource:default/billing-db')).toEqual([
      expect.objectContaining({
        kind: 'kubernetes-backup-job',
        id: 'prod-us/billing/CronJob/billing-db-backup',
        namedEntity: 'resource:default/billing-db',
      }),
    ]);
    // billing selects the CronJob by its kubernetes-id, but it backs up billing-db.
    expect(collected.facts.get('component:default/billing')).toEqual({
      jobs: [],
    });
    expect(collected.claims!.get('component:default/billing')).toEqual([]);
  });

  it("gives an entity the backup CronJobs it selects that name nobody else, with their Jobs' reasons", async () => {
    const collected = await collectRuns([
      ENTITIES.legacyReports,
      ENTITIES.ordersDb,
    ]);
    const legacy = collected.facts.get('component:default/legacy-reports')!;
    expect(legacy.jobs).toHaveLength(1);
    expect(legacy.jobs[0].runs.map(r => r.state)).toEqual(['failed', 'failed']);
    expect(
      collected.facts
        .get('resource:default/orders-db')!
        .jobs.map(j => [j.job, j.runs.map(r => r.state)]),
    ).toEqual([
      [
        'CronJob orders/orders-db-backup on cluster prod-eu',
        ['succeeded', 'succeeded'],
      ],
    ]);
  });

  it('lists each kind once per refresh for both collectors of the module', async () => {
    const module = moduleCollectors();
    try {
      const context = module.context();
      await Promise.all([
        module.kubernetes.collect([ENTITIES.checkoutApi], context),
        module.jobs.collect([ENTITIES.billingDb], context),
      ]);
      expect(clusters.eu.requests).toHaveLength(27);
      expect(clusters.us.requests).toHaveLength(25);
      // The next refresh lists again.
      await module.jobs.collect(
        [ENTITIES.billingDb],
        module.context(new Date(NOW.getTime() + 60_000)),
      );
      expect(clusters.us.requests).toHaveLength(50);
    } finally {
      module.close();
    }
  });

  it('fails closed when a cluster cannot list Jobs: every entity gets the reason', async () => {
    clusters.eu.forbidden.add('jobs.batch');
    const collected = await collectRuns([
      ENTITIES.billingDb,
      ENTITIES.ordersDb,
    ]);
    expect(collected.facts.size).toBe(0);
    for (const ref of [
      'resource:default/billing-db',
      'resource:default/orders-db',
    ]) {
      expect(collected.errors!.get(ref)).toMatch(
        /^cluster prod-eu: listing jobs failed: cluster "prod-eu" forbids list on jobs.batch \(403 Forbidden\)/,
      );
    }
  });

  it('says which CronJob names its database with something that is not an entity ref', async () => {
    const original = clusters.us.objects;
    clusters.us.objects = original.map(o =>
      o.kind === 'CronJob' && o.metadata.name === 'billing-db-backup'
        ? {
            ...o,
            metadata: {
              ...o.metadata,
              annotations: {
                'production-readiness.io/backup-of': 'billing db',
              },
            },
          }
        : o,
    );
    try {
      const collected = await collectRuns([
        ENTITIES.billing,
        ENTITIES.billingDb,
      ]);
      expect(collected.errors!.get('component:default/billing')).toBe(
        'CronJob billing/billing-db-backup on cluster prod-us: annotation production-readiness.io/backup-of "billing db" is not an entity ref such as resource:default/orders-db',
      );
      expect(collected.facts.get('resource:default/billing-db')).toEqual({
        jobs: [],
      });
    } finally {
      clusters.us.objects = original;
    }
  });
});
