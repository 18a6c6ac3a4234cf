import {
  BUILT_IN_PILLARS,
  CheckDefinition,
  PillarDefinition,
} from '@production-readiness/plugin-production-readiness-common';
import {
  FactCollector,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { createPillarCoveredChecks } from '../coverageRules/planChecks';

/**
 * The checks, collectors and pillars the engine runs, validated once at startup: unique ids,
 * known pillars, and every collector a check reads is registered.
 */
export class CheckRegistry {
  private readonly byId: ReadonlyMap<string, ReadinessCheck>;

  private constructor(
    readonly checks: ReadonlyArray<ReadinessCheck>,
    readonly collectors: ReadonlyMap<string, FactCollector>,
    readonly pillars: ReadonlyArray<PillarDefinition>,
    /** Per pillar, the check that stands for "covered, but nothing judges it". */
    readonly pillarCoveredChecks: ReadonlyMap<string, ReadinessCheck>,
  ) {
    this.byId = new Map(
      [...checks, ...pillarCoveredChecks.values()].map(c => [c.id, c]),
    );
  }

  static create(options: {
    checks: ReadinessCheck[];
    collectors: FactCollector[];
    pillars?: PillarDefinition[];
  }): CheckRegistry {
    const pillars = [...BUILT_IN_PILLARS, ...(options.pillars ?? [])];
    const pillarIds = new Set<string>();
    for (const pillar of pillars) {
      if (pillarIds.has(pillar.id)) {
        throw new Error(`Pillar "${pillar.id}" is registered twice`);
      }
      pillarIds.add(pillar.id);
    }
    const collectors = new Map<string, FactCollector>();
    for (const collector of options.collectors) {
      if (collectors.has(collector.id)) {
        throw new Error(`Collector "${collector.id}" is registered twice`);
      }
      collectors.set(collector.id, collector);
    }
    const checkIds = new Set<string>();
    for (const check of options.checks) {
      if (checkIds.has(check.id)) {
        throw new Error(`Check "${check.id}" is registered twice`);
      }
      checkIds.add(check.id);
      if (!pillarIds.has(check.pillar)) {
        throw new Error(
          `Check "${check.id}" belongs to unknown pillar "${check.pillar}"; register the pillar first`,
        );
      }
      for (const collectorId of check.collectors) {
        if (!collectors.has(collectorId)) {
          throw new Error(
            `Check "${check.id}" reads collector "${collectorId}", which no installed module provides`,
          );
        }
      }
    }
    const pillarCovered = new Map<string, ReadinessCheck>();
    for (const check of createPillarCoveredChecks(pillars)) {
      if (checkIds.has(check.id)) {
        throw new Error(
          `Check "${check.id}" is registered twice: the id is the engine's own for pillar "${check.pillar}"`,
        );
      }
      pillarCovered.set(check.pillar, check);
    }
    return new CheckRegistry(
      options.checks,
      collectors,
      pillars,
      pillarCovered,
    );
  }

  getCheck(id: string): ReadinessCheck | undefined {
    return this.byId.get(id);
  }

  /** The checks' definitions without evaluators, for the API. */
  definitions(): CheckDefinition[] {
    return [...this.checks, ...this.pillarCoveredChecks.values()].map(
      ({ evaluate: _evaluate, collectors, ...definition }) => ({
        ...definition,
        sources: definition.sources ?? collectors,
      }),
    );
  }
}
