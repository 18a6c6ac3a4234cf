import { Entity } from '@backstage/catalog-model';
import {
  matchesEntityFilter,
  NO_LEVEL,
} from '@production-readiness/plugin-production-readiness-common';
import { ReadinessConfig, requiredLevelFor } from '../config';
import { CoverageRule } from './coverageSettings';

/** Which pillars an entity faces, and the rules that say so. */
export interface EntityCoverage {
  pillars: Set<string>;
  rules: string[];
}

const lower = (value: unknown) =>
  typeof value === 'string' ? value.trim().toLocaleLowerCase('en-US') : '';

/**
 * Decides which pillars an entity faces from what it is (kind, type, lifecycle and the
 * entities that depend on it), never from the annotations it happens to carry. A check of a
 * covered pillar that finds nothing declared fails instead of being skipped.
 */
export class Coverage {
  private readonly stateful: Set<string>;
  private readonly nonStateful: Set<string>;

  private constructor(
    private readonly config: Pick<
      ReadinessConfig,
      'coverage' | 'requiredLevels' | 'defaultRequiredLevel'
    >,
  ) {
    this.stateful = new Set(config.coverage.statefulTypes.map(lower));
    this.nonStateful = new Set(config.coverage.nonStatefulTypes.map(lower));
  }

  static fromConfig(
    config: Pick<
      ReadinessConfig,
      'coverage' | 'requiredLevels' | 'defaultRequiredLevel'
    >,
  ): Coverage {
    return new Coverage(config);
  }

  /** Whether the entity's lifecycle requires a level. */
  isGated(entity: Pick<Entity, 'spec'>): boolean {
    return (
      requiredLevelFor(
        this.config,
        (entity.spec as { lifecycle?: unknown } | undefined)?.lifecycle,
      ) !== NO_LEVEL
    );
  }

  /** Whether a `spec.type` is one of the configured stateful types. */
  isStatefulType(type: unknown): boolean {
    return this.stateful.has(lower(type));
  }

  /**
   * The pillars `entity` faces. `dependents` are the entities that depend on it (its
   * `dependencyOf` relations, resolved); rules with `dependencyOf` look at them.
   */
  of(entity: Entity, dependents: readonly Entity[] = []): EntityCoverage {
    const pillars = new Set<string>();
    const rules: string[] = [];
    for (const rule of this.config.coverage.rules) {
      if (this.matches(rule, entity, dependents)) {
        rules.push(rule.name);
        for (const pillar of rule.pillars) pillars.add(pillar);
      }
    }
    return { pillars, rules };
  }

  private matches(
    rule: CoverageRule,
    entity: Entity,
    dependents: readonly Entity[],
  ): boolean {
    if (!matchesEntityFilter(entity, rule.match)) {
      return false;
    }
    if (rule.gated && !this.isGated(entity)) {
      return false;
    }
    const type = (entity.spec as { type?: unknown } | undefined)?.type;
    if (rule.stateful && !this.isStatefulType(type)) {
      return false;
    }
    if (rule.dependencyOf) {
      if (this.nonStateful.has(lower(type))) {
        return false;
      }
      const filter = rule.dependencyOf;
      return dependents.some(
        d => matchesEntityFilter(d, filter) && this.isGated(d),
      );
    }
    return true;
  }
}
