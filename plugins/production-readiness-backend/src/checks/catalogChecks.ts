import { Entity, parseEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  BackupPlan,
  Evidence,
  formatDuration,
  isSatisfied,
  ON_CALL_ANNOTATIONS,
  parseBackupPlan,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckContext,
  CheckEvaluation,
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { ReadinessConfig } from '../config';
import { Coverage } from '../coverageRules/Coverage';
import {
  CATALOG_COLLECTOR_ID,
  CatalogDependencyFact,
  CatalogFacts,
} from './catalogCollector';

/** Backstage's well-known lifecycles; the ones `requiredLevels` names are allowed too. */
const WELL_KNOWN_LIFECYCLES = ['production', 'experimental', 'deprecated'];

function evidence(label: string, value: Evidence['value']): Evidence {
  return { label, value, source: 'catalog' };
}

function annotation(entity: Entity, key: string): string | undefined {
  const value = entity.metadata.annotations?.[key];
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

function specString(entity: Entity, field: string): string | undefined {
  const value = (entity.spec as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : undefined;
}

const sameText = (a: string | undefined, b: string) =>
  a?.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

/** Runs `evaluate` with the entity's catalog facts; `unknown` when the collector has none. */
function withCatalogFacts(
  evaluate: (facts: CatalogFacts) => CheckEvaluation,
): (context: CheckContext) => CheckEvaluation {
  return context => {
    const facts = context.facts<CatalogFacts>(CATALOG_COLLECTOR_ID);
    return facts
      ? evaluate(facts)
      : checkResult.unknown(
          'The catalog collector returned no facts for this entity',
        );
  };
}

/**
 * Fails when `spec.<field>` is missing or names an entity that is not in the catalog;
 * otherwise runs `evaluate` with the resolved ref.
 */
function requireResolved<T extends { ref: string; found: boolean }>(
  field: string,
  ref: T | undefined,
  evaluate: (resolved: T) => CheckEvaluation,
): CheckEvaluation {
  if (!ref) {
    return checkResult.fail(`spec.${field} is not set`, [
      evidence(`spec.${field}`, null),
    ]);
  }
  if (!ref.found) {
    return checkResult.fail(
      `spec.${field} ${ref.ref} does not exist in the catalog`,
      [evidence(`spec.${field}`, ref.ref)],
    );
  }
  return evaluate(ref);
}

/** Fails when the annotation is missing; otherwise runs `evaluate` with its value. */
function requireAnnotation(
  key: string,
  evaluate: (value: string) => CheckEvaluation,
): (context: CheckContext) => CheckEvaluation {
  return ({ entity }) => {
    const value = annotation(entity, key);
    return value === undefined
      ? checkResult.fail(`annotation ${key} is missing`, [evidence(key, null)])
      : evaluate(value);
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function describePlan(plan: BackupPlan): Evidence[] {
  const optionalDuration = (millis: number | undefined) =>
    millis === undefined ? undefined : formatDuration(millis);
  const fields: Array<[string, string | number | undefined]> = [
    ['what', plan.what],
    ['method', plan.method],
    ['schedule', plan.schedule],
    ['full schedule', plan.fullSchedule],
    ['RPO', formatDuration(plan.rpo)],
    ['RTO', formatDuration(plan.rto)],
    ['retention', optionalDuration(plan.retention)],
    ['retention count', plan.retentionCount],
    ['procedure', plan.procedure],
  ];
  return fields
    .filter(([, value]) => value !== undefined)
    .map(([label, value]) => evidence(label, value!));
}

/** What the catalog checks need to know of coverage. */
export interface CatalogChecksOptions {
  /** Lifecycles `spec.lifecycle` may take. */
  lifecycles: string[];
  /** Whether `dependency`, depended on by `dependent`, holds data (faces backup). */
  holdsData(dependency: Entity, dependent: Entity): boolean;
  /** Whether the entity is a data store itself (its type is a stateful type). */
  isDataStore(entity: Entity): boolean;
}

/** The catalog checks' options from the engine's config: coverage decides what holds data. */
export function catalogChecksOptions(
  config: Pick<
    ReadinessConfig,
    'coverage' | 'requiredLevels' | 'defaultRequiredLevel'
  >,
): CatalogChecksOptions {
  const coverage = Coverage.fromConfig(config);
  const isDataStore = (entity: Entity) =>
    coverage.isStatefulType(
      (entity.spec as { type?: unknown } | undefined)?.type,
    );
  return {
    lifecycles: Object.keys(config.requiredLevels),
    // Resources hold the data, and Components that are data stores (a stateful type); any
    // other Component that faces backup does so for its dependencies.
    holdsData: (dependency, dependent) => {
      const kind = dependency.kind.toLocaleLowerCase('en-US');
      if (kind === 'component') return isDataStore(dependency);
      return (
        kind === 'resource' &&
        coverage.of(dependency, [dependent]).pillars.has('backup')
      );
    },
    isDataStore,
  };
}

/** The dependency as the entity coverage judges (kind, type, annotations). */
function dependencyEntity(d: CatalogDependencyFact): Entity {
  const { kind, namespace, name } = parseEntityRef(d.ref);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: d.kind ?? kind,
    metadata: { name, namespace, annotations: d.annotations },
    spec: d.type === undefined ? {} : { type: d.type },
  };
}

/** The found dependencies of `entity` that hold data. */
function dataStores(
  options: CatalogChecksOptions,
  entity: Entity,
  facts: CatalogFacts,
): CatalogDependencyFact[] {
  return facts.dependencies.filter(
    d => d.found && options.holdsData(dependencyEntity(d), entity),
  );
}

const hasBackupLocation = (d: CatalogDependencyFact) =>
  Boolean(d.annotations[ANNOTATIONS.backupLocation]?.trim());

const refs = (deps: CatalogDependencyFact[]) => deps.map(d => d.ref).join(', ');

function evaluateOwner(owner: { ref: string; kind?: string }): CheckEvaluation {
  const found = [
    evidence('spec.owner', owner.ref),
    evidence('owner kind', owner.kind ?? null),
  ];
  if (sameText(owner.kind, 'Group')) {
    return checkResult.pass(`Owned by team ${owner.ref}`, found);
  }
  if (sameText(owner.kind, 'User')) {
    return checkResult.warn(
      `Owned by a person, not a team: ${owner.ref}`,
      found,
      'In catalog-info.yaml set `spec.owner` to the Group of the team that runs the entity, not a User, e.g. `owner: group:default/team-orders`.',
    );
  }
  return checkResult.fail(
    `Owner ${owner.ref} is a ${owner.kind}, not a Group`,
    found,
  );
}

/**
 * Where a production component's data lives: the Resources it dependsOn that hold data each
 * declare a backup location; a component with none says it keeps no data, or is a data store
 * itself (its own backups are judged by the backup checks). Saying nothing fails.
 */
function evaluateDependencies(
  facts: CatalogFacts,
  databases: CatalogDependencyFact[],
  entity: Entity,
  isDataStore: boolean,
): CheckEvaluation {
  const missing = facts.dependencies.filter(d => !d.found);
  const uncovered = databases.filter(d => !hasBackupLocation(d));
  const keepsNoData =
    entity.metadata.annotations?.[ANNOTATIONS.keepsNoData]?.trim() || undefined;
  const items = [
    ...missing.map(d => evidence(d.ref, 'not found in the catalog')),
    ...databases.map(d =>
      evidence(
        d.ref,
        d.annotations[ANNOTATIONS.backupLocation]?.trim() ||
          'no backup location',
      ),
    ),
    ...(keepsNoData ? [evidence(ANNOTATIONS.keepsNoData, keepsNoData)] : []),
  ];
  const problems = [
    uncovered.length &&
      `dependencies holding data without a backup: ${refs(uncovered)} (no ${
        ANNOTATIONS.backupLocation
      })`,
    missing.length &&
      `dependsOn refs not found in the catalog: ${refs(missing)}`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length) {
    return checkResult.fail(problems.join('; '), items);
  }
  if (databases.length) {
    return checkResult.pass(
      `All ${
        databases.length
      } dependencies holding data have a backup location: ${refs(databases)}`,
      items,
    );
  }
  const type = (entity.spec as { type?: unknown } | undefined)?.type;
  if (isDataStore) {
    return checkResult.pass(
      `Holds its own data (a ${entity.kind} of type ${String(
        type,
      )}): its backups are judged by the backup checks of this entity`,
      [...items, evidence('spec.type', String(type))],
    );
  }
  if (keepsNoData) {
    return checkResult.pass(
      `Keeps no data of its own, as it declares (${ANNOTATIONS.keepsNoData}): ${keepsNoData}`,
      items,
    );
  }
  const nonStateful = facts.dependencies.length
    ? `none of its ${facts.dependencies.length} dependencies (${refs(
        facts.dependencies,
      )}) holds data (their types are listed in productionReadiness.coverage.nonStatefulTypes)`
    : 'spec.dependsOn lists nothing';
  return checkResult.fail(
    `Says nowhere where its data lives: ${nonStateful}, and it does not declare ${ANNOTATIONS.keepsNoData}`,
    [
      ...items,
      evidence(
        'spec.dependsOn',
        facts.dependencies.length ? refs(facts.dependencies) : null,
      ),
      evidence(ANNOTATIONS.keepsNoData, null),
    ],
    `Add the Resources that hold its data (databases, buckets, queues) to spec.dependsOn, each with \`${ANNOTATIONS.backupLocation}\`; if it keeps no data at all, say so and why in catalog-info.yaml: \`${ANNOTATIONS.keepsNoData}: "stateless: every answer comes from upstream"\`.`,
  );
}

/**
 * The backups of a component's databases hold: every critical backup check of each database
 * it dependsOn is satisfied. A database that was never evaluated, or has no backup results,
 * leaves the component `unknown`, never `pass`.
 */
async function evaluateDependencyBackups(
  options: CatalogChecksOptions,
  context: CheckContext,
): Promise<CheckEvaluation> {
  const facts = context.facts<CatalogFacts>(CATALOG_COLLECTOR_ID);
  if (!facts || !context.resultsOf) {
    return checkResult.unknown(
      'The catalog collector returned no facts for this entity',
    );
  }
  const databases = dataStores(options, context.entity, facts);
  if (databases.length === 0) {
    return checkResult.pass('No dependencies holding data');
  }
  const problems: string[] = [];
  const notEvaluated: string[] = [];
  const items: Evidence[] = [];
  for (const database of databases) {
    const results = (await context.resultsOf(database.ref)) ?? [];
    const backup = results.filter(
      r => r.pillar === 'backup' && r.severity === 'critical',
    );
    const failing = backup.filter(r => !isSatisfied(r.status));
    if (backup.length === 0) {
      notEvaluated.push(database.ref);
      items.push(evidence(database.ref, 'no backup results yet'));
    } else if (failing.length) {
      for (const r of failing) {
        problems.push(
          `${database.ref}: ${r.title} is ${r.status} (${r.summary})`,
        );
      }
      items.push(
        evidence(
          database.ref,
          failing.map(r => ({
            check: r.checkId,
            status: r.status,
            summary: r.summary,
          })),
        ),
      );
    } else {
      items.push(
        evidence(
          database.ref,
          `${backup.length} critical backup checks satisfied`,
        ),
      );
    }
  }
  if (problems.length) {
    return checkResult.fail(problems.join('; '), items);
  }
  if (notEvaluated.length) {
    return checkResult.unknown(
      `No backup results yet for ${notEvaluated.join(
        ', ',
      )}: give each database a backup location and plan, and wait for the next evaluation`,
      items,
    );
  }
  return checkResult.pass(
    `The backups of all ${
      databases.length
    } database dependencies are healthy: ${refs(databases)}`,
    items,
  );
}

/** The built-in checks the engine evaluates from the catalog alone. */
export function createCatalogChecks(
  options: CatalogChecksOptions,
): ReadinessCheck[] {
  const LIFECYCLES = [
    ...new Set([...WELL_KNOWN_LIFECYCLES, ...options.lifecycles]),
  ];
  return [
    createReadinessCheck({
      id: 'documentation.owner',
      pillar: 'documentation',
      title: 'Owned by a team',
      description:
        'spec.owner names a Group that exists in the catalog, so there is a team to page, ask and notify.',
      severity: 'critical',
      appliesTo: { kind: ['Component', 'Resource', 'System', 'API'] },
      remediation:
        'In catalog-info.yaml set `spec.owner` to a Group that exists in the catalog, e.g. `owner: group:default/team-orders`.',
      collectors: [CATALOG_COLLECTOR_ID],
      evaluate: withCatalogFacts(({ owner }) =>
        requireResolved('owner', owner, evaluateOwner),
      ),
    }),
    createReadinessCheck({
      id: 'documentation.lifecycle',
      pillar: 'documentation',
      title: 'Lifecycle declared',
      description: `spec.lifecycle is one of ${LIFECYCLES.join(
        ', ',
      )}, so the gate knows which level the entity must reach.`,
      severity: 'major',
      appliesTo: { kind: ['Component', 'API'] },
      remediation: `In catalog-info.yaml set \`spec.lifecycle\` to one of ${LIFECYCLES.join(
        ', ',
      )}.`,
      collectors: [],
      evaluate: ({ entity }) => {
        const lifecycle = specString(entity, 'lifecycle');
        const found = [evidence('spec.lifecycle', lifecycle ?? null)];
        if (lifecycle === undefined) {
          return checkResult.fail('spec.lifecycle is not set', found);
        }
        return LIFECYCLES.some(l => sameText(lifecycle, l))
          ? checkResult.pass(`Lifecycle is ${lifecycle}`, found)
          : checkResult.fail(
              `spec.lifecycle "${lifecycle}" is not one of ${LIFECYCLES.join(
                ', ',
              )}`,
              found,
            );
      },
    }),
    createReadinessCheck({
      id: 'documentation.system',
      pillar: 'documentation',
      title: 'Part of a system',
      description:
        'spec.system names a System that exists in the catalog, so the entity is found with its neighbours.',
      severity: 'minor',
      appliesTo: { kind: ['Component', 'Resource', 'API'] },
      remediation:
        'In catalog-info.yaml set `spec.system` to a System that exists in the catalog, e.g. `system: orders`.',
      collectors: [CATALOG_COLLECTOR_ID],
      evaluate: withCatalogFacts(({ system }) =>
        requireResolved('system', system, ({ ref }) =>
          checkResult.pass(`Part of system ${ref}`, [
            evidence('spec.system', ref),
          ]),
        ),
      ),
    }),
    createReadinessCheck({
      id: 'documentation.runbook',
      pillar: 'documentation',
      title: 'Runbook linked',
      description: `The ${ANNOTATIONS.runbook} annotation links the runbook on-call engineers follow.`,
      severity: 'major',
      appliesTo: { kind: ['Component'] },
      remediation: `In catalog-info.yaml add the annotation \`${ANNOTATIONS.runbook}: https://…\` with the http(s) URL of the runbook.`,
      collectors: [],
      evaluate: requireAnnotation(ANNOTATIONS.runbook, value => {
        const found = [evidence(ANNOTATIONS.runbook, value)];
        return isHttpUrl(value)
          ? checkResult.pass(`Runbook at ${value}`, found)
          : checkResult.fail(
              `annotation ${ANNOTATIONS.runbook} is not an http(s) URL: "${value}"`,
              found,
            );
      }),
    }),
    createReadinessCheck({
      id: 'documentation.on-call',
      pillar: 'documentation',
      title: 'On-call declared',
      description: `A production component declares who is paged: one of ${ON_CALL_ANNOTATIONS.join(
        ', ',
      )}.`,
      severity: 'major',
      appliesTo: { kind: ['Component'], lifecycle: ['production'] },
      requiredOf: { kind: ['Component'] },
      remediation: `In catalog-info.yaml add one of the annotations ${ON_CALL_ANNOTATIONS.join(
        ', ',
      )}, e.g. \`${ANNOTATIONS.onCall}: pagerduty:PXXXXXX\`.`,
      collectors: [],
      evaluate: ({ entity }) => {
        const declared = ON_CALL_ANNOTATIONS.flatMap(key => {
          const value = annotation(entity, key);
          return value === undefined ? [] : [evidence(key, value)];
        });
        return declared.length
          ? checkResult.pass(
              `On-call declared by ${declared[0].label}: ${declared[0].value}`,
              declared,
            )
          : checkResult.fail(
              `No on-call declared: none of ${ON_CALL_ANNOTATIONS.join(
                ', ',
              )} is set`,
            );
      },
    }),
    createReadinessCheck({
      id: 'documentation.techdocs',
      pillar: 'documentation',
      title: 'TechDocs published',
      description: `The ${ANNOTATIONS.techdocsRef} annotation points at the entity's documentation.`,
      severity: 'minor',
      appliesTo: { kind: ['Component'] },
      remediation: `In catalog-info.yaml add the annotation \`${ANNOTATIONS.techdocsRef}: dir:.\` and a mkdocs.yml next to it.`,
      collectors: [],
      evaluate: requireAnnotation(ANNOTATIONS.techdocsRef, value =>
        checkResult.pass(`TechDocs source is ${value}`, [
          evidence(ANNOTATIONS.techdocsRef, value),
        ]),
      ),
    }),
    createReadinessCheck({
      id: 'backup.plan',
      pillar: 'backup',
      title: 'Backup plan declared',
      description: `A database declares its backup plan in ${ANNOTATIONS.backupPlan}: what is backed up, how, when, RPO, RTO, retention and the restore procedure.`,
      severity: 'critical',
      appliesTo: {
        anyOf: [
          { kind: ['Resource'], type: ['database'] },
          { hasAnnotations: [ANNOTATIONS.backupLocation] },
        ],
      },
      requiredOf: { kind: ['Resource'] },
      remediation: [
        `In catalog-info.yaml add the annotation ${ANNOTATIONS.backupPlan} with the plan as YAML, e.g.:`,
        `  ${ANNOTATIONS.backupPlan}: |`,
        '    what: orders database, all schemas including users and roles',
        '    method: full              # full | incremental | differential (+ fullSchedule)',
        '    schedule: "0 2 * * *"',
        '    rpo: 24h',
        '    rto: 2h',
        '    retention: 14d',
        '    procedure: https://runbooks.example.com/orders-db/restore',
      ].join('\n'),
      collectors: [],
      evaluate: ({ entity }) => {
        const parsed = parseBackupPlan(entity.metadata.annotations);
        if (!parsed.ok) {
          return checkResult.fail(parsed.error);
        }
        const plan = parsed.value;
        return checkResult.pass(
          `Backup plan: ${plan.method} backups at "${
            plan.schedule
          }", RPO ${formatDuration(plan.rpo)}, RTO ${formatDuration(plan.rto)}`,
          describePlan(plan),
        );
      },
    }),
    createReadinessCheck({
      id: 'backup.dependencies-covered',
      pillar: 'backup',
      title: 'Where its data lives is declared and backed up',
      description: `A production component says where its data lives: every Resource it depends on (spec.dependsOn) that holds data (any type not listed in productionReadiness.coverage.nonStatefulTypes) declares a backup location; with none, it is a data store itself (a stateful type, judged by the backup checks) or declares ${ANNOTATIONS.keepsNoData} with why. Saying nothing fails.`,
      severity: 'critical',
      appliesTo: { kind: ['Component'], lifecycle: ['production'] },
      requiredOf: { kind: ['Component'] },
      remediation: `On every Resource listed in the component's spec.dependsOn that holds data, add the annotation \`${ANNOTATIONS.backupLocation}: <location from productionReadiness.backup.locations>\` to its catalog-info.yaml; make sure every spec.dependsOn ref exists in the catalog.`,
      collectors: [CATALOG_COLLECTOR_ID],
      evaluate: context => {
        const facts = context.facts<CatalogFacts>(CATALOG_COLLECTOR_ID);
        return facts
          ? evaluateDependencies(
              facts,
              dataStores(options, context.entity, facts),
              context.entity,
              options.isDataStore(context.entity),
            )
          : checkResult.unknown(
              'The catalog collector returned no facts for this entity',
            );
      },
    }),
    createReadinessCheck({
      id: 'backup.dependencies-healthy',
      pillar: 'backup',
      title: "Dependencies' backups are healthy",
      description:
        'Every Resource holding data that a production component depends on passes its critical backup checks (fresh, sane, restore-tested): the service is not ready while its data, or its user accounts, could not be restored.',
      severity: 'critical',
      appliesTo: { kind: ['Component'], lifecycle: ['production'] },
      requiredOf: { kind: ['Component'] },
      remediation:
        "Open the failing database's Production Readiness tab and fix its backup checks (its catalog-info.yaml declares the backup location and plan); this check follows at the next evaluation.",
      collectors: [CATALOG_COLLECTOR_ID],
      readsOtherResults: true,
      evaluate: context => evaluateDependencyBackups(options, context),
    }),
  ];
}
