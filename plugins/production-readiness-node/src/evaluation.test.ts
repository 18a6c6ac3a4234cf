import { Entity } from '@backstage/catalog-model';
import { checkResult, createReadinessCheck, ReadinessCheck } from './checks';
import { evaluateCheck } from './evaluation';
import { runCheckOnFixtures } from './testUtils';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-api', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
};

const replicasCheck = createReadinessCheck({
  id: 'availability.replicas',
  pillar: 'availability',
  title: 'At least two replicas',
  description: 'One replica means downtime on every deploy and node drain.',
  severity: 'critical',
  remediation: 'Set spec.replicas to 2 or more.',
  collectors: ['kubernetes'],
  evaluate: ({ facts }) => {
    const workload = facts<{ replicas: number }>('kubernetes');
    if (!workload) {
      return checkResult.unknown('No workload found for this entity');
    }
    return workload.replicas >= 2
      ? checkResult.pass(`${workload.replicas} replicas`)
      : checkResult.fail(`${workload.replicas} replica`);
  },
});

describe('evaluating a check the way the engine does', () => {
  it('evaluates facts of the entity', async () => {
    await expect(
      runCheckOnFixtures(replicasCheck, {
        entity,
        facts: { kubernetes: { replicas: 3 } },
      }),
    ).resolves.toMatchObject({ status: 'pass', summary: '3 replicas' });
    await expect(
      runCheckOnFixtures(replicasCheck, {
        entity,
        facts: { kubernetes: { replicas: 1 } },
      }),
    ).resolves.toMatchObject({ status: 'fail' });
  });

  it('lets the evaluator say unknown when the collector has no facts for the entity', async () => {
    await expect(
      runCheckOnFixtures(replicasCheck, { entity }),
    ).resolves.toMatchObject({
      status: 'unknown',
      summary: 'No workload found for this entity',
    });
  });

  it('reports error, not fail, when the collector failed as a whole', async () => {
    await expect(
      runCheckOnFixtures(replicasCheck, {
        entity,
        facts: { kubernetes: { replicas: 3 } },
        collectorFailures: { kubernetes: 'timed out after 30000 ms' },
      }),
    ).resolves.toMatchObject({
      status: 'error',
      summary: 'kubernetes failed: timed out after 30000 ms',
    });
  });

  it('reports error when the collector failed for this entity only', async () => {
    await expect(
      runCheckOnFixtures(replicasCheck, {
        entity,
        entityErrors: {
          kubernetes: 'cluster "prod-eu" answered 403 for list deployments',
        },
      }),
    ).resolves.toMatchObject({
      status: 'error',
      summary:
        'kubernetes: cluster "prod-eu" answered 403 for list deployments',
    });
  });

  it('turns a throwing evaluator into an explained error', async () => {
    const throwing: ReadinessCheck = {
      ...replicasCheck,
      evaluate: () => {
        throw new TypeError(
          "Cannot read properties of undefined (reading 'spec')",
        );
      },
    };
    await expect(runCheckOnFixtures(throwing, { entity })).resolves.toEqual({
      status: 'error',
      summary:
        "Check availability.replicas failed while evaluating: Cannot read properties of undefined (reading 'spec')",
      evidence: [],
    });
  });

  it.each([
    [undefined, 'not an object'],
    [
      { status: 'ok', summary: 'fine' },
      'status "ok" is not one of pass, warn, fail, unknown, error',
    ],
    [{ status: 'waived', summary: 'x' }, 'status "waived" is not one of'],
    [{ status: 'pass', summary: '' }, 'summary is empty'],
    [
      { status: 'pass', summary: 'x', evidence: [{ value: 1 }] },
      'every evidence item needs a label',
    ],
  ])('turns garbage %p into an error saying %p', async (raw, why) => {
    const garbage = { ...replicasCheck, evaluate: () => raw as any };
    const result = await runCheckOnFixtures(garbage, { entity });
    expect(result.status).toBe('error');
    expect(result.summary).toContain(
      `Check availability.replicas returned an invalid result: ${why}`,
    );
  });

  describe('optional collectors', () => {
    const jobsCheck: ReadinessCheck = {
      ...replicasCheck,
      optionalCollectors: ['backup-job-runs'],
      evaluate: ({ facts }) => {
        const runs = facts<{ failed: number }>('backup-job-runs');
        if (!runs) {
          return checkResult.pass('replicas fine; job runs not read');
        }
        return runs.failed
          ? checkResult.fail(`${runs.failed} failed runs`)
          : checkResult.pass('no failed runs');
      },
    };

    it('reads an installed optional collector like a required one', async () => {
      await expect(
        runCheckOnFixtures(jobsCheck, {
          entity,
          facts: { kubernetes: {}, 'backup-job-runs': { failed: 3 } },
        }),
      ).resolves.toMatchObject({ status: 'fail', summary: '3 failed runs' });
      await expect(
        runCheckOnFixtures(jobsCheck, {
          entity,
          facts: { kubernetes: {} },
          collectorFailures: { 'backup-job-runs': 'cluster prod: 403' },
        }),
      ).resolves.toMatchObject({
        status: 'error',
        summary: 'backup-job-runs failed: cluster prod: 403',
      });
      await expect(
        runCheckOnFixtures(jobsCheck, {
          entity,
          facts: { kubernetes: {} },
          entityErrors: { 'backup-job-runs': 'annotation is not a ref' },
        }),
      ).resolves.toMatchObject({ status: 'error' });
    });

    it('leaves an optional collector nobody installed to the evaluator', async () => {
      await expect(
        runCheckOnFixtures(jobsCheck, { entity, facts: { kubernetes: {} } }),
      ).resolves.toMatchObject({
        status: 'pass',
        summary: 'replicas fine; job runs not read',
      });
    });

    it('fails on contested evidence of an installed optional collector only', async () => {
      const contested = [
        {
          collectorId: 'backup-job-runs',
          reason: 'named-other' as const,
          claim: {
            kind: 'kubernetes-backup-job',
            id: 'prod/shop/CronJob/orders-db-backup',
            how: 'production-readiness.io/backup-of',
            namedEntity: 'resource:default/other-db',
            settle: 'Annotate the CronJob with the database it backs up.',
          },
          others: [],
        },
      ];
      const outcome = (facts: Map<string, unknown>) => ({
        ok: true as const,
        title: 'x',
        collected: { facts },
      });
      const ref = 'component:default/orders-api';
      const installed = await evaluateCheck({
        check: jobsCheck,
        entity,
        entityRef: ref,
        now: new Date(),
        contested,
        outcomes: new Map([
          ['kubernetes', outcome(new Map([[ref, {}]]))],
          ['backup-job-runs', outcome(new Map())],
        ]),
      });
      expect(installed.status).toBe('fail');
      const absent = await evaluateCheck({
        check: jobsCheck,
        entity,
        entityRef: ref,
        now: new Date(),
        contested,
        outcomes: new Map([['kubernetes', outcome(new Map([[ref, {}]]))]]),
      });
      expect(absent.status).toBe('pass');
    });
  });
});
