import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CheckDefinition,
  CheckResult,
  evaluateGate,
  GateAnswer,
  GradedResult,
  levelRank,
  NO_LEVEL,
  OverviewEntry,
  ReadinessReport,
  scoreResults,
} from '@production-readiness/plugin-production-readiness-common';
import { ReadinessConfig, requiredLevelFor } from '../config';
import { ownerRef } from '../ownerRef';
import { CheckRegistry } from '../engine/CheckRegistry';
import { ReadinessStore, StoredResult } from '../store/ReadinessStore';

const HISTORY_DAYS = 90;

const HISTORY_LIMIT = 200;

/** Builds reports, gate answers and the fleet overview from stored results. */
export class ReportService {
  constructor(
    private readonly store: ReadinessStore,
    private readonly registry: CheckRegistry,
    private readonly config: ReadinessConfig,
  ) {}

  /** Stored results whose check is still registered, joined with its definition. */
  private grade(
    results: StoredResult[],
  ): Array<StoredResult & { check: CheckDefinition; graded: GradedResult }> {
    return results.flatMap(r => {
      const check = this.registry.getCheck(r.checkId);
      return check
        ? [
            {
              ...r,
              check,
              graded: { check, status: r.status, summary: r.summary },
            },
          ]
        : [];
    });
  }

  private gate(
    entity: Entity,
    results: GradedResult[],
    evaluated: boolean,
    level?: string,
  ): GateAnswer {
    const entityRef = stringifyEntityRef(entity);
    const requiredLevel =
      level ??
      requiredLevelFor(
        this.config,
        (entity.spec as { lifecycle?: unknown })?.lifecycle,
      );
    if (level !== undefined) {
      try {
        levelRank(level, this.config.levels);
      } catch (e) {
        throw new InputError((e as Error).message);
      }
    }
    if (!evaluated) {
      // Never evaluated: nothing is known, so nothing beyond "no level" is allowed.
      return {
        entityRef,
        requiredLevel,
        achievedLevel: NO_LEVEL,
        allowed: requiredLevel === NO_LEVEL,
        blocking: [],
      };
    }
    return evaluateGate({
      entityRef,
      results,
      requiredLevel,
      levels: this.config.levels,
    });
  }

  async getGate(entity: Entity, level?: string): Promise<GateAnswer> {
    const stored = this.grade(
      await this.store.getResults(stringifyEntityRef(entity)),
    );
    return this.gate(
      entity,
      stored.map(r => r.graded),
      stored.length > 0,
      level,
    );
  }

  async getReport(entity: Entity, now = new Date()): Promise<ReadinessReport> {
    const entityRef = stringifyEntityRef(entity);
    const since = new Date(now.getTime() - HISTORY_DAYS * 86_400_000);
    const [stored, history, trend] = await Promise.all([
      this.store.getResults(entityRef),
      this.store.getHistory(entityRef, { since, limit: HISTORY_LIMIT }),
      this.store.getScoreTrend(entityRef, { since }),
    ]);
    const graded = this.grade(stored);
    const scores = scoreResults(graded.map(r => r.graded));
    const results: CheckResult[] = graded.map(r => ({
      checkId: r.checkId,
      status: r.status,
      underlyingStatus: r.underlyingStatus,
      summary: r.summary,
      evidence: r.evidence,
      remediation: r.remediation ?? r.check.remediation,
      waiver: r.waiver,
      changedAt: r.changedAt.toISOString(),
      evaluatedAt: r.evaluatedAt.toISOString(),
    }));
    const evaluatedAt = graded.length
      ? new Date(
          Math.max(...graded.map(r => r.evaluatedAt.getTime())),
        ).toISOString()
      : undefined;
    return {
      entityRef,
      evaluatedAt,
      score: scores.score,
      pillars: scores.pillars,
      gate: this.gate(
        entity,
        graded.map(r => r.graded),
        graded.length > 0,
      ),
      results,
      history: history.filter(h => this.registry.getCheck(h.checkId)),
      trend,
    };
  }

  async getOverview(entities: Entity[]): Promise<OverviewEntry[]> {
    const refs = entities.map(e => stringifyEntityRef(e));
    const stored = this.grade(await this.store.getResultsForEntities(refs));
    const byEntity = new Map<string, typeof stored>();
    for (const r of stored) {
      byEntity.set(r.entityRef, [...(byEntity.get(r.entityRef) ?? []), r]);
    }
    return entities.map(entity => {
      const entityRef = stringifyEntityRef(entity);
      const results = byEntity.get(entityRef) ?? [];
      const graded = results.map(r => r.graded);
      const scores = scoreResults(graded);
      const gate = this.gate(entity, graded, results.length > 0);
      const spec = (entity.spec ?? {}) as Record<string, unknown>;
      return {
        entityRef,
        title: entity.metadata.title,
        kind: entity.kind,
        type: typeof spec.type === 'string' ? spec.type : undefined,
        lifecycle:
          typeof spec.lifecycle === 'string' ? spec.lifecycle : undefined,
        owner: ownerRef(entity),
        score: scores.score,
        achievedLevel: gate.achievedLevel,
        requiredLevel: gate.requiredLevel,
        allowed: gate.allowed,
        pillars: Object.fromEntries(
          scores.pillars.map(p => [p.pillar, p.score]),
        ),
        counts: scores.counts,
        evaluatedAt: results.length
          ? new Date(
              Math.max(...results.map(r => r.evaluatedAt.getTime())),
            ).toISOString()
          : undefined,
      };
    });
  }
}
