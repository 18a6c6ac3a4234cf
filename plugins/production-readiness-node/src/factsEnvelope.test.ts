import { Entity } from '@backstage/catalog-model';
import { checkResult, createReadinessCheck } from './checks';
import {
  createFactCollectorRef,
  FactsEnvelope,
  factsEnvelope,
  withFacts,
} from './factsEnvelope';
import { runCheckOnFixtures } from './testUtils';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-api', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
};

/** The facts a scrape-target collector gives one entity. */
interface TargetFacts {
  up: number;
  total: number;
}

const TARGETS = createFactCollectorRef<FactsEnvelope<TargetFacts>>({
  id: 'targets',
});

const targetsUp = createReadinessCheck({
  id: 'monitoring.targets-up',
  pillar: 'monitoring',
  title: 'Every target is up',
  description: 'A target that is down is not monitored.',
  severity: 'major',
  remediation: 'Fix the scrape.',
  collectors: [TARGETS.id],
  evaluate: withFacts(
    TARGETS,
    facts =>
      facts.up === facts.total
        ? checkResult.pass(`${facts.up}/${facts.total} targets up`)
        : checkResult.fail(`${facts.up}/${facts.total} targets up`),
    { missing: { summary: 'No scrape target facts for this entity' } },
  ),
});

const run = (envelope: FactsEnvelope<TargetFacts> | undefined) =>
  runCheckOnFixtures(targetsUp, {
    entity,
    facts: envelope === undefined ? {} : { targets: envelope },
  });

describe('the facts envelope, mapped the same way for every module', () => {
  it('evaluates the facts, typed by the collector reference', async () => {
    await expect(run(factsEnvelope.ok({ up: 2, total: 2 }))).resolves.toEqual({
      status: 'pass',
      summary: '2/2 targets up',
      evidence: [],
      remediation: undefined,
    });
    await expect(
      run(factsEnvelope.ok({ up: 1, total: 2 })),
    ).resolves.toMatchObject({ status: 'fail', summary: '1/2 targets up' });
  });

  it('gives unknown, or fail where the entity must declare it, when unconfigured', async () => {
    await expect(
      run(
        factsEnvelope.unconfigured(
          'No Prometheus instance is configured',
          'Declare productionReadiness.prometheus.instances.',
        ),
      ),
    ).resolves.toMatchObject({
      status: 'unknown',
      summary: 'No Prometheus instance is configured',
      remediation: 'Declare productionReadiness.prometheus.instances.',
    });
    await expect(
      run(
        factsEnvelope.unconfigured(
          'The entity names no service',
          'Add prometheus.io/service.',
          'fail',
        ),
      ),
    ).resolves.toMatchObject({
      status: 'fail',
      summary: 'The entity names no service',
      remediation: 'Add prometheus.io/service.',
    });
  });

  it('gives error with the upstream failure, and unknown without facts', async () => {
    await expect(
      run(factsEnvelope.failed('Prometheus answered 503')),
    ).resolves.toMatchObject({
      status: 'error',
      summary: 'Prometheus answered 503',
      evidence: [{ label: 'collector', value: 'targets', source: 'targets' }],
    });
    await expect(run(undefined)).resolves.toMatchObject({
      status: 'unknown',
      summary: 'No scrape target facts for this entity',
    });
  });
});
