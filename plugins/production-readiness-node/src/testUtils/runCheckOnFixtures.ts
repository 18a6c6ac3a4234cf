import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CheckEvaluation,
  collectorsReadBy,
  OtherEntityResult,
  ReadinessCheck,
} from '../checks';
import { CollectorOutcome, evaluateCheck } from '../evaluation';

/** Fixture input for `runCheckOnFixtures`. @public */
export interface CheckFixture {
  entity: Entity;
  /**
   * Facts per collector id for this entity (omit a collector to mean "no data"). An optional
   * collector of the check counts as installed when it appears here, in `entityErrors` or in
   * `collectorFailures`.
   */
  facts?: Record<string, unknown>;
  /** Collectors that failed for this entity only: collector id to reason. */
  entityErrors?: Record<string, string>;
  /** Collectors that failed as a whole: collector id to reason. */
  collectorFailures?: Record<string, string>;
  /** Results of other entities by ref, for checks with `readsOtherResults`. */
  otherResults?: Record<string, OtherEntityResult[]>;
  now?: Date;
}

/**
 * Runs a check against fixture facts through the same path the engine uses (collector
 * failures, thrown evaluators and invalid results become `error`).
 *
 * @public
 */
export async function runCheckOnFixtures(
  check: ReadinessCheck,
  fixture: CheckFixture,
): Promise<CheckEvaluation> {
  const entityRef = stringifyEntityRef(fixture.entity);
  const outcomes = new Map<string, CollectorOutcome>();
  const mentioned = new Set(
    [fixture.facts, fixture.entityErrors, fixture.collectorFailures].flatMap(
      record => Object.keys(record ?? {}),
    ),
  );
  for (const collectorId of collectorsReadBy(check, id => mentioned.has(id))) {
    const failure = fixture.collectorFailures?.[collectorId];
    if (failure !== undefined) {
      outcomes.set(collectorId, {
        ok: false,
        title: collectorId,
        reason: failure,
      });
      continue;
    }
    const facts = new Map<string, unknown>();
    if (fixture.facts && collectorId in fixture.facts) {
      facts.set(entityRef, fixture.facts[collectorId]);
    }
    const errors = new Map<string, string>();
    const entityError = fixture.entityErrors?.[collectorId];
    if (entityError !== undefined) {
      errors.set(entityRef, entityError);
    }
    outcomes.set(collectorId, {
      ok: true,
      title: collectorId,
      collected: { facts, errors },
    });
  }
  return evaluateCheck({
    check,
    entity: fixture.entity,
    entityRef,
    now: fixture.now ?? new Date(),
    outcomes,
    resultsOf: check.readsOtherResults
      ? async ref => fixture.otherResults?.[ref]
      : undefined,
  });
}
