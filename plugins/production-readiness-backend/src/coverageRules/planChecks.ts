import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  entityRuntime,
  matchesEntityFilter,
  PillarDefinition,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  checkResult,
  createReadinessCheck,
  FactCollector,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';

/** A check to run for one entity, or the result it has without running. */
export type PlannedCheck =
  | { check: ReadinessCheck; result?: undefined }
  | { check: ReadinessCheck; result: CheckEvaluation };

/** Id of the check that stands for a covered pillar no installed check judges. */
export const pillarCoveredCheckId = (pillar: string) => `${pillar}.covered`;

/**
 * One check per pillar, never evaluated itself: the engine reports it `unknown` for an entity
 * whose covered pillar has no installed check that judges it (a module not installed, no
 * check for the entity's kind), so the pillar cannot vanish from the tab or pass by omission.
 */
export function createPillarCoveredChecks(
  pillars: readonly PillarDefinition[],
): ReadinessCheck[] {
  return pillars.map(pillar =>
    createReadinessCheck({
      id: pillarCoveredCheckId(pillar.id),
      pillar: pillar.id,
      title: `${pillar.title} is judged`,
      description: `Coverage requires ${pillar.title.toLocaleLowerCase(
        'en-US',
      )} of this entity; at least one installed check must judge it.`,
      severity: 'critical',
      // Only the engine adds this result; it never applies by filter.
      appliesTo: { kind: [] },
      remediation: `Install the backend module whose checks judge ${pillar.id} for entities of this kind and type, or declare a check in productionReadiness.checks; if the entity should not face ${pillar.id}, change productionReadiness.coverage.rules.`,
      collectors: [],
      evaluate: () =>
        checkResult.unknown(`No installed check judges ${pillar.id}`),
    }),
  );
}

/** The runtimes a check judges: its `runtime`, or the runtimes its filters name. */
function runtimesOf(check: ReadinessCheck): string[] {
  const named = check.runtime
    ? [check.runtime]
    : [
        ...(check.appliesTo?.runtime ?? []),
        ...(check.requiredOf?.runtime ?? []),
      ];
  return named.map(r => r.toLocaleLowerCase('en-US'));
}

function describeEntity(entity: Entity): string {
  const type = (entity.spec as { type?: unknown } | undefined)?.type;
  return `${entity.kind}${typeof type === 'string' ? ` of type ${type}` : ''}`;
}

/**
 * Which checks run for one entity, and the results of those that need not run:
 * - a check whose pillar the entity faces runs where its `requiredOf` (default `appliesTo`)
 *   matches; elsewhere it runs only where `appliesTo` matches (the entity opted in);
 * - a required check reading a collector that can find nothing for the entity (it declares
 *   nowhere to look) fails with what to declare;
 * - a check for one runtime on an entity declaring another is `unknown`, saying what evidence
 *   is expected instead, unless a check for that runtime judges the same pillar;
 * - a covered pillar no check judges gets its `<pillar>.covered` check, `unknown`.
 */
export function planChecks(options: {
  entity: Entity;
  pillars: ReadonlySet<string>;
  checks: readonly ReadinessCheck[];
  collectors: ReadonlyMap<string, FactCollector>;
  pillarCoveredChecks: ReadonlyMap<string, ReadinessCheck>;
}): PlannedCheck[] {
  const { entity, pillars, checks, collectors } = options;
  const required = (check: ReadinessCheck) =>
    pillars.has(check.pillar) &&
    matchesEntityFilter(entity, check.requiredOf ?? check.appliesTo);
  const candidates = checks.filter(
    check => required(check) || matchesEntityFilter(entity, check.appliesTo),
  );
  const runtime = entityRuntime(entity);
  const planned: PlannedCheck[] = [];
  for (const check of candidates) {
    const checkRuntime = check.runtime?.toLocaleLowerCase('en-US');
    if (checkRuntime && checkRuntime !== runtime) {
      const replaced = candidates.some(
        other =>
          other.pillar === check.pillar && runtimesOf(other).includes(runtime),
      );
      if (!replaced) {
        planned.push({
          check,
          result: checkResult.unknown(
            `Runs on ${runtime} (${ANNOTATIONS.runtime}): no ${checkRuntime} evidence, and no installed check judges ${check.pillar} on ${runtime}`,
            [{ label: ANNOTATIONS.runtime, value: runtime, source: 'catalog' }],
            `${check.pillar} of a ${runtime} service must be shown by a check for that runtime: ask the platform team to declare one in productionReadiness.checks with appliesTo.runtime: [${runtime}] (or install a module that judges ${runtime}). If the entity runs on ${checkRuntime} after all, remove ${ANNOTATIONS.runtime}.`,
          ),
        });
      }
      continue;
    }
    const undeclared = required(check)
      ? check.collectors
          .map(id => collectors.get(id))
          .find(c => c?.appliesTo && !c.appliesTo(entity))
      : undefined;
    if (undeclared) {
      const missing = undeclared.missingDeclaration?.(entity) ?? {
        summary: `${undeclared.title} has nothing to look at for this entity: it declares none of what ${undeclared.title} reads`,
        remediation: check.remediation,
      };
      planned.push({
        check,
        result: checkResult.fail(
          missing.summary,
          [
            {
              label: 'required by coverage',
              value: `${check.pillar} of a ${describeEntity(entity)}`,
              source: 'catalog',
            },
          ],
          missing.remediation,
        ),
      });
      continue;
    }
    planned.push({ check });
  }
  for (const pillar of pillars) {
    const coveredCheck = options.pillarCoveredChecks.get(pillar);
    if (coveredCheck && !planned.some(p => p.check.pillar === pillar)) {
      planned.push({
        check: coveredCheck,
        result: checkResult.unknown(
          `No installed check judges ${pillar} for a ${describeEntity(
            entity,
          )}, which coverage requires`,
          [],
          coveredCheck.remediation,
        ),
      });
    }
  }
  return planned;
}
