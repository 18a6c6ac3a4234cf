import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import {
  CheckEvaluation,
  CollectorOutcome,
  evaluateCheck,
  FactCollector,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';

/**
 * Runs the collector once for all entities and evaluates every check for every entity, the
 * way the engine does (same evaluation path, same error handling).
 */
export async function evaluateFleet(options: {
  collector: FactCollector;
  checks: ReadinessCheck[];
  entities: Entity[];
  now?: Date;
  collectNow?: Date;
}): Promise<Map<string, Record<string, CheckEvaluation>>> {
  const now = options.now ?? new Date();
  const collected = await options.collector.collect(
    options.entities.filter(e => options.collector.appliesTo?.(e) ?? true),
    {
      logger: mockServices.logger.mock(),
      signal: AbortSignal.timeout(60_000),
      now: options.collectNow ?? now,
    },
  );
  const outcomes = new Map<string, CollectorOutcome>([
    [
      options.collector.id,
      { ok: true, title: options.collector.title, collected },
    ],
  ]);
  const results = new Map<string, Record<string, CheckEvaluation>>();
  for (const entity of options.entities) {
    const entityRef = stringifyEntityRef(entity);
    const byCheck: Record<string, CheckEvaluation> = {};
    for (const check of options.checks) {
      byCheck[check.id] = await evaluateCheck({
        check,
        entity,
        entityRef,
        now,
        outcomes,
      });
    }
    results.set(entityRef, byCheck);
  }
  return results;
}

export function database(
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'database', owner: 'team-orders' },
  };
}
