import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_DEPENDENCY_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  achievedLevel,
  scoreResults,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CollectorOutcome,
  collectorsReadBy,
  evaluateCheck,
  OtherEntityResult,
} from '@production-readiness/plugin-production-readiness-node';
import pLimit from 'p-limit';
import { ReadinessConfig } from '../config';
import { ReadinessStore, ResultWrite } from '../store/ReadinessStore';
import { getEntitiesInBatches } from '../catalogBatches';
import { Coverage } from '../coverageRules/Coverage';
import { PlannedCheck, planChecks } from '../coverageRules/planChecks';
import { bindClaims } from './bindClaims';
import { runCollector } from './runCollector';
import { CheckRegistry } from './CheckRegistry';
import { RegressionNotifier } from './RegressionNotifier';
import { waiversFor } from './waivers';

/** Fields of dependents that coverage reads. */
const DEPENDENT_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
  'spec.type',
  'spec.lifecycle',
];

/** What the engine will do for one entity. */
interface EntityPlan {
  entity: Entity;
  planned: PlannedCheck[];
}

/** What one refresh did, for logs and the benchmark. */
export interface RefreshSummary {
  entities: number;
  results: number;
  durationMs: number;
  /** Result, history and score rows written: 0 when nothing changed. */
  rowsWritten: number;
  /** Entities left as stored: an evaluation that started later had written them. */
  superseded: number;
  /** Entities outside the evaluation whose contests with the evaluated ones changed. */
  rebound: string[];
  collectors: Array<{
    id: string;
    entities: number;
    ok: boolean;
    durationMs: number;
    reason?: string;
  }>;
}

/** Evaluates readiness for the fleet or one entity and stores the outcome. */
export interface ReadinessEngine {
  /**
   * Evaluates every entity of the configured kinds, then forgets entities no longer in the
   * catalog. When `signal` aborts (the scheduler's timeout), collectors are aborted and nothing
   * more is written: the call rejects with the abort reason.
   */
  refreshAll(options?: { signal?: AbortSignal }): Promise<RefreshSummary>;
  /**
   * Evaluates one entity now, with the entities that depend on it; throws NotFoundError when
   * the catalog does not have it.
   */
  refreshEntity(entityRef: string): Promise<RefreshSummary>;
}

/** Ordinal order of check ids, the same whatever the locale or the database's collation. */
function byCheckId(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * The collector outcomes as one entity sees them: a collector that failed, but was not asked
 * about this entity (its `appliesTo` left it out), has simply no data for it.
 */
function outcomesInScope(
  entityRef: string,
  outcomes: Map<string, CollectorOutcome>,
  scopes: Map<string, Set<string>>,
): Map<string, CollectorOutcome> {
  let view = outcomes;
  for (const [id, outcome] of outcomes) {
    if (!outcome.ok && !scopes.get(id)?.has(entityRef)) {
      if (view === outcomes) {
        view = new Map(outcomes);
      }
      view.set(id, {
        ok: true,
        title: outcome.title,
        collected: { facts: new Map(), errors: new Map() },
      });
    }
  }
  return view;
}

export interface ReadinessEngineOptions {
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
  store: ReadinessStore;
  registry: CheckRegistry;
  config: ReadinessConfig;
  notifications?: NotificationService;
  /** Clock, for tests. */
  now?: () => Date;
}

/**
 * The engine: reads entities from the catalog, runs each needed collector once for all of
 * them (with a time limit and bounded concurrency), evaluates every applicable check in
 * memory, applies waivers, scores, stores, and notifies owners of critical regressions.
 */
export class DefaultReadinessEngine implements ReadinessEngine {
  private readonly coverage: Coverage;
  private readonly notifier: RegressionNotifier;

  private constructor(
    private readonly options: ReadinessEngineOptions & { now: () => Date },
  ) {
    this.coverage = Coverage.fromConfig(options.config);
    this.notifier = new RegressionNotifier(options);
  }

  static create(options: ReadinessEngineOptions): DefaultReadinessEngine {
    return new DefaultReadinessEngine({ now: () => new Date(), ...options });
  }

  async refreshAll(
    options: { signal?: AbortSignal } = {},
  ): Promise<RefreshSummary> {
    const { signal } = options;
    const { catalog, auth, config, store, logger } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const entities: Entity[] = [];
    for await (const page of catalog.streamEntities(
      { filter: { kind: config.entityKinds } },
      { credentials },
    )) {
      entities.push(...page);
    }
    signal?.throwIfAborted();
    // An empty catalog answer is more likely a misconfiguration than a deleted fleet: keep the
    // stored results rather than wiping them. Forgotten first, so that the evidence claims of
    // deleted entities no longer contest anyone's evidence in this evaluation.
    const removed = entities.length
      ? await store.deleteEntitiesNotIn(
          entities.map(e => stringifyEntityRef(e)),
        )
      : 0;
    const summary = await this.evaluate(entities, signal);
    signal?.throwIfAborted();
    const pruned = await store.pruneBefore(
      new Date(this.options.now().getTime() - config.historyRetentionMs),
    );
    const noticed = await this.notifier.notifyExpiringWaivers(
      new Map(entities.map(e => [stringifyEntityRef(e), e])),
      this.options.now(),
    );
    logger.info(
      `Evaluated ${summary.entities} entities (${summary.results} results) in ${summary.durationMs} ms; ` +
        `forgot ${removed} entities no longer in the catalog; pruned ${pruned} old history rows; ` +
        `told owners of ${noticed} expiring waivers`,
    );
    return summary;
  }

  async refreshEntity(entityRef: string): Promise<RefreshSummary> {
    const { catalog, auth } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`Entity ${entityRef} is not in the catalog`);
    }
    // Entities that depend on this one read its results (a component's databases): evaluate
    // them in the same run, so they do not keep a stale verdict until the scheduled refresh.
    const dependentRefs = (entity.relations ?? [])
      .filter(r => r.type === RELATION_DEPENDENCY_OF)
      .map(r => r.targetRef);
    const dependents = await this.evaluatedEntities(dependentRefs);
    const summary = await this.evaluate([entity, ...dependents]);
    // Entities whose contest with this one began or ended (the original of a copy registered
    // just now) are evaluated again, so both sides say so without waiting for the schedule.
    const rebound = await this.evaluatedEntities(summary.rebound);
    if (rebound.length === 0) {
      return summary;
    }
    const again = await this.evaluate(rebound);
    return {
      ...summary,
      entities: summary.entities + again.entities,
      results: summary.results + again.results,
      durationMs: summary.durationMs + again.durationMs,
      rowsWritten: summary.rowsWritten + again.rowsWritten,
      superseded: summary.superseded + again.superseded,
      collectors: [...summary.collectors, ...again.collectors],
    };
  }

  /** The catalog's entities of these refs that are of an evaluated kind. */
  private async evaluatedEntities(entityRefs: string[]): Promise<Entity[]> {
    if (entityRefs.length === 0) {
      return [];
    }
    const { catalog, auth, config } = this.options;
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    return items.filter(
      (e): e is Entity =>
        e !== undefined && config.entityKinds.includes(e.kind),
    );
  }

  /** Evaluates the given entities completely and stores the outcome. */
  async evaluate(
    entities: Entity[],
    signal?: AbortSignal,
  ): Promise<RefreshSummary> {
    const started = Date.now();
    const { registry, store } = this.options;
    const now = this.options.now();

    const dependents = await this.dependentsOf(entities);
    const applicable = new Map<string, EntityPlan>();
    for (const entity of entities) {
      const entityRef = stringifyEntityRef(entity);
      const coverage = this.coverage.of(
        entity,
        dependents.get(entityRef.toLocaleLowerCase('en-US')) ?? [],
      );
      applicable.set(entityRef, {
        entity,
        planned: planChecks({
          entity,
          pillars: coverage.pillars,
          checks: registry.checks,
          collectors: registry.collectors,
          pillarCoveredChecks: registry.pillarCoveredChecks,
        }),
      });
    }

    const { outcomes, scopes, collectorSummaries } = await this.collect(
      applicable,
      now,
      signal,
    );
    const { contested, rebound } = await bindClaims({
      store,
      entityRefs: [...applicable.keys()],
      outcomes,
      now,
    });
    const waivers = await store.listWaivers({ now });
    const waiversByEntity = new Map<string, typeof waivers>();
    for (const waiver of waivers) {
      const list = waiversByEntity.get(waiver.entityRef) ?? [];
      list.push(waiver);
      waiversByEntity.set(waiver.entityRef, list);
    }

    // Phase 1 evaluates every check that decides from collected facts; phase 2 the checks
    // that read other entities' results (a component's databases), so those are current.
    const byEntity = new Map<string, ResultWrite[]>();
    const evaluatePhase = async (relational: boolean) => {
      for (const [entityRef, { entity, planned }] of applicable) {
        const phaseChecks = planned.filter(
          p => Boolean(p.check.readsOtherResults && !p.result) === relational,
        );
        if (phaseChecks.length === 0) {
          continue;
        }
        const entityWaivers = waiversFor(
          entity,
          waiversByEntity.get(entityRef) ?? [],
          now,
        );
        const entityOutcomes = outcomesInScope(entityRef, outcomes, scopes);
        const entityResults = byEntity.get(entityRef) ?? [];
        for (const { check, result } of phaseChecks) {
          const evaluation =
            result ??
            (await evaluateCheck({
              check,
              entity,
              entityRef,
              now,
              outcomes: entityOutcomes,
              contested: contested.get(entityRef),
              resultsOf: relational
                ? ref => this.resultsOf(ref, byEntity)
                : undefined,
            }));
          const waiver = entityWaivers.get(check.id);
          const waived =
            waiver?.state === 'approved' && evaluation.status !== 'pass';
          entityResults.push({
            entityRef,
            checkId: check.id,
            status: waived ? 'waived' : evaluation.status,
            underlyingStatus: evaluation.status,
            summary: evaluation.summary,
            evidence: evaluation.evidence ?? [],
            remediation: evaluation.remediation,
            // A request is shown beside the result it asks to waive until someone approves it.
            waiver: waiver && evaluation.status !== 'pass' ? waiver : undefined,
          });
        }
        byEntity.set(entityRef, entityResults);
      }
    };
    await evaluatePhase(false);
    await evaluatePhase(true);

    const results: ResultWrite[] = [];
    const summaries = [];
    for (const entityRef of applicable.keys()) {
      const entityResults = byEntity.get(entityRef) ?? [];
      const graded = entityResults.map(r => ({
        check: registry.getCheck(r.checkId)!,
        status: r.status,
        summary: r.summary,
      }));
      summaries.push({
        entityRef,
        score: scoreResults(graded).score,
        level: achievedLevel(graded, this.options.config.levels),
      });
      results.push(...entityResults);
    }

    // Aborted (the scheduler gave up on this run): another run may be writing by now.
    signal?.throwIfAborted();
    const written = await store.writeEvaluation({
      evaluatedAt: now,
      entities: summaries,
      results,
    });
    if (written.superseded.length > 0) {
      this.options.logger.info(
        `Evaluation started ${now.toISOString()} left ${
          written.superseded.length
        } entities as stored: a later evaluation already wrote them`,
      );
    }
    const superseded = new Set(written.superseded);
    await this.notifier.notifyRegressions({
      transitions: written.transitions,
      before: written.previous,
      after: summaries.filter(s => !superseded.has(s.entityRef)),
      entities: new Map(
        [...applicable]
          .filter(([ref]) => !superseded.has(ref))
          .map(([ref, plan]) => [ref, plan.entity]),
      ),
    });
    return {
      entities: applicable.size,
      results: results.length,
      durationMs: Date.now() - started,
      rowsWritten: written.rowsWritten,
      superseded: written.superseded.length,
      collectors: collectorSummaries,
      rebound,
    };
  }

  /**
   * The entities that depend on each given entity (its `dependencyOf` relations), for
   * coverage: a Resource a production component depends on faces backup. Dependents that are
   * not among `entities` are read from the catalog in batches, with only the fields coverage
   * reads. Keys are lower-case entity refs.
   */
  private async dependentsOf(
    entities: Entity[],
  ): Promise<Map<string, Entity[]>> {
    const { catalog, auth } = this.options;
    const known = new Map<string, Entity>();
    for (const e of entities) {
      known.set(stringifyEntityRef(e).toLocaleLowerCase('en-US'), e);
    }
    const targetsOf = (e: Entity) =>
      (e.relations ?? [])
        .filter(r => r.type === RELATION_DEPENDENCY_OF)
        .map(r => r.targetRef.toLocaleLowerCase('en-US'));
    const missing = [
      ...new Set(entities.flatMap(targetsOf).filter(ref => !known.has(ref))),
    ];
    if (missing.length) {
      const fetched = await getEntitiesInBatches({
        catalog,
        credentials: await auth.getOwnServiceCredentials(),
        refs: missing,
        fields: DEPENDENT_FIELDS,
      });
      for (const [ref, e] of fetched) known.set(ref, e);
    }
    const dependents = new Map<string, Entity[]>();
    for (const e of entities) {
      dependents.set(
        stringifyEntityRef(e).toLocaleLowerCase('en-US'),
        targetsOf(e).flatMap(ref => known.get(ref) ?? []),
      );
    }
    return dependents;
  }

  /**
   * Another entity's results for relational checks: this evaluation's when the entity is part
   * of it, its stored ones otherwise; undefined when it was never evaluated.
   */
  private async resultsOf(
    entityRef: string,
    current: Map<string, ResultWrite[]>,
  ): Promise<OtherEntityResult[] | undefined> {
    const { registry, store } = this.options;
    const rows = current.get(entityRef) ?? (await store.getResults(entityRef));
    if (rows.length === 0) {
      return undefined;
    }
    // In check id order, as stored: a dependent's verdict must not depend on whether its
    // dependency was evaluated in the same run (plan order) or read from the store.
    return [...rows]
      .sort((a, b) => byCheckId(a.checkId, b.checkId))
      .flatMap(r => {
        const check = registry.getCheck(r.checkId);
        return check
          ? [
              {
                checkId: r.checkId,
                title: check.title,
                pillar: check.pillar,
                severity: check.severity,
                status: r.status,
                summary: r.summary,
              },
            ]
          : [];
      });
  }

  /** Runs every collector some applicable check reads, once, for all entities in its scope. */
  private async collect(
    applicable: Map<string, EntityPlan>,
    now: Date,
    signal?: AbortSignal,
  ) {
    const { registry, config, logger } = this.options;
    const scopes = new Map<string, Entity[]>();
    for (const { entity, planned } of applicable.values()) {
      const needed = new Set(
        planned
          .filter(p => !p.result)
          .flatMap(p =>
            collectorsReadBy(p.check, id => registry.collectors.has(id)),
          ),
      );
      for (const collectorId of needed) {
        const collector = registry.collectors.get(collectorId);
        if (collector && (collector.appliesTo?.(entity) ?? true)) {
          const scope = scopes.get(collectorId) ?? [];
          scope.push(entity);
          scopes.set(collectorId, scope);
        }
      }
    }
    // Collectors no entity needs still get an (empty) successful outcome, so checks see "no data".
    const outcomes = new Map<string, CollectorOutcome>();
    for (const [id, collector] of registry.collectors) {
      outcomes.set(id, {
        ok: true,
        title: collector.title,
        collected: { facts: new Map(), errors: new Map() },
      });
    }
    const limit = pLimit(config.collectorConcurrency);
    const collectorSummaries: RefreshSummary['collectors'] = [];
    await Promise.all(
      [...scopes].map(([collectorId, entities]) =>
        limit(async () => {
          const collector = registry.collectors.get(collectorId)!;
          const started = Date.now();
          const outcome = await runCollector(collector, entities, {
            logger: this.options.logger,
            timeoutMs: this.options.config.collectorTimeoutMs,
            now,
            signal,
          });
          outcomes.set(collectorId, outcome);
          collectorSummaries.push({
            id: collectorId,
            entities: entities.length,
            ok: outcome.ok,
            durationMs: Date.now() - started,
            reason: outcome.ok ? undefined : outcome.reason,
          });
          if (!outcome.ok) {
            logger.warn(
              `Collector ${collectorId} failed for ${entities.length} entities: ${outcome.reason}`,
            );
          }
        }),
      ),
    );
    const scopeRefs = new Map<string, Set<string>>();
    for (const [id, entities] of scopes) {
      scopeRefs.set(id, new Set(entities.map(e => stringifyEntityRef(e))));
    }
    return { outcomes, scopes: scopeRefs, collectorSummaries };
  }
}
