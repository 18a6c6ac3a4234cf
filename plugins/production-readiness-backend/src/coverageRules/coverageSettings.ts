import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { EntityFilter } from '@production-readiness/plugin-production-readiness-common';
import {
  DEFAULT_NON_STATEFUL_TYPES,
  DEFAULT_STATEFUL_TYPES,
} from '@production-readiness/plugin-production-readiness-node';
import { readEntityFilter } from '../readEntityFilter';

/**
 * One coverage rule: entities that match it face `pillars`, whatever they declare. Every
 * condition given must hold.
 */
export interface CoverageRule {
  name: string;
  pillars: string[];
  /** What the entity is: kind, type, notType, lifecycle, runtime. */
  match: EntityFilter;
  /** Only entities whose lifecycle requires a level (the gate applies to them). */
  gated: boolean;
  /** Only entities whose `spec.type` is one of `statefulTypes`. */
  stateful: boolean;
  /**
   * Only entities that a gated entity matching this filter `dependsOn`, and whose type is not
   * one of `nonStatefulTypes`: what a production service depends on holds its data unless the
   * platform says that type holds none.
   */
  dependencyOf?: EntityFilter;
}

/** `productionReadiness.coverage`, read. */
export interface CoverageSettings {
  statefulTypes: string[];
  nonStatefulTypes: string[];
  rules: CoverageRule[];
}

/**
 * What every production service faces, whatever it declares. Delivery too: how a service
 * reaches production (its pipeline, its deploys) is judged on every service, not only on
 * those that carry the annotations a delivery check reads.
 */
const ALL_SERVICE_PILLARS = [
  'availability',
  'security',
  'monitoring',
  'logging',
  'backup',
  'delivery',
  'documentation',
];

/** The rules used when `productionReadiness.coverage.rules` is not given. */
export const DEFAULT_COVERAGE_RULES: CoverageRule[] = [
  {
    name: 'production-components',
    pillars: ALL_SERVICE_PILLARS,
    match: { kind: ['Component'], notType: ['library', 'documentation'] },
    gated: true,
    stateful: false,
  },
  {
    name: 'stateful-resources',
    pillars: ['backup', 'documentation'],
    match: { kind: ['Resource'] },
    gated: true,
    stateful: true,
  },
  {
    name: 'dependencies-of-production-components',
    pillars: ['backup'],
    match: { kind: ['Resource'] },
    gated: false,
    stateful: false,
    dependencyOf: {
      kind: ['Component'],
      notType: ['library', 'documentation'],
    },
  },
  {
    // A data store a production service depends on is backed up and survives losing an
    // instance, whether it is modelled as a Resource or as a Component (a database Component
    // holds the data of the services that depend on it).
    name: 'data-stores-of-production-components',
    pillars: ['backup', 'availability'],
    match: { kind: ['Resource', 'Component'] },
    gated: false,
    stateful: true,
    dependencyOf: {
      kind: ['Component'],
      notType: ['library', 'documentation'],
    },
  },
];

/** Reads `productionReadiness.coverage`; a rule without pillars is refused at startup. */
export function readCoverageSettings(
  config: Config | undefined,
): CoverageSettings {
  const rules = config?.getOptionalConfigArray('rules')?.map((rule, index) => {
    const name = rule.getOptionalString('name') ?? `rule ${index + 1}`;
    const pillars = rule.getStringArray('pillars');
    if (pillars.length === 0) {
      throw new InputError(
        `productionReadiness.coverage.rules[${index}] (${name}): pillars must name at least one pillar`,
      );
    }
    return {
      name,
      pillars,
      match: readEntityFilter(rule),
      gated: rule.getOptionalBoolean('gated') ?? true,
      stateful: rule.getOptionalBoolean('stateful') ?? false,
      dependencyOf: rule.has('dependencyOf')
        ? readEntityFilter(rule.getConfig('dependencyOf'))
        : undefined,
    };
  });
  return {
    statefulTypes:
      config?.getOptionalStringArray('statefulTypes') ?? DEFAULT_STATEFUL_TYPES,
    nonStatefulTypes:
      config?.getOptionalStringArray('nonStatefulTypes') ??
      DEFAULT_NON_STATEFUL_TYPES,
    rules: rules ?? DEFAULT_COVERAGE_RULES,
  };
}
