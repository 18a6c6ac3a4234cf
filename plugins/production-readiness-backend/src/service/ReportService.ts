import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CheckDefinition,
  CheckResult,
  evaluateGate,
  GateAnswer,
  GradedResult,
  levelRank,
  OverviewEntry,
  PushedEvidenceEntry,
  ReadinessReport,
  scoreResults,
} from '@production-readiness/plugin-production-readiness-common';
import {
  bindEvidence,
  PushedEvidenceService,
  PushedRecord,
} from '@production-readiness/plugin-production-readiness-node';
import { ReadinessConfig, requiredLevelFor } from '../config';
import { ownerRef } from '../ownerRef';
import { CheckRegistry } from '../engine/CheckRegistry';
import { ReadinessStore, StoredResult } from '../store/ReadinessStore';

const HISTORY_DAYS = 90;

const HISTORY_LIMIT = 200;

/** Pushed records a report lists. */
const PUSHED_LIMIT = 10;

/** A pushed record as the tab lists it: its payload's status and log, not the whole payload. */
function pushedEntry(record: PushedRecord): PushedEvidenceEntry {
  const { status, logUrl } = record.payload;
  return {
    id: record.id,
    type: record.type,
    observedAt: record.observedAt.toISOString(),
    pushedBy: record.pushedBy,
    receivedAt: record.receivedAt.toISOString(),
    ...(typeof status === 'string' ? { status } : {}),
    ...(typeof logUrl === 'string' ? { logUrl } : {}),
  };
}

/** Builds reports, gate answers and the fleet overview from stored results. */
export class ReportService {
  constructor(
    private readonly store: ReadinessStore,
    private readonly registry: CheckRegistry,
    private readonly config: ReadinessConfig,
    private readonly pushedEvidence: PushedEvidenceService,
  ) {}

  /**
   * Stored results whose check is still registered, joined with its definition. A waiver that
   * expired since the evaluation no longer counts: the result reads as its underlying status,
   * and the waiver stays attached as `expired` so the tab can say what lapsed.
   */
  private grade(
    results: StoredResult[],
    now: Date,
  ): Array<StoredResult & { check: CheckDefinition; graded: GradedResult }> {
    return results.flatMap(stored => {
      const check = this.registry.getCheck(stored.checkId);
      if (!check) {
        return [];
      }
      const expired =
        stored.waiver !== undefined &&
        Date.parse(stored.waiver.expiresAt) <= now.getTime();
      const r: StoredResult = expired
        ? {
            ...stored,
            status: stored.underlyingStatus,
            waiver: { ...stored.waiver!, state: 'expired' },
          }
        : stored;
      return [
        {
          ...r,
          check,
          graded: { check, status: r.status, summary: r.summary },
        },
      ];
    });
  }

  private gate(
    entity: Entity,
    results: GradedResult[],
    evaluatedAt: Date | undefined,
    now: Date,
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
    return evaluateGate({
      entityRef,
      results,
      requiredLevel,
      levels: this.config.levels,
      evaluatedAt,
      maxResultAgeMs: this.config.maxResultAgeMs,
      now,
    });
  }

  /** When the entity was last evaluated, undefined when never. */
  private async evaluatedAt(entityRef: string): Promise<Date | undefined> {
    const [summary] = await this.store.getEntitySummaries([entityRef]);
    return summary?.evaluatedAt;
  }

  async getGate(
    entity: Entity,
    level?: string,
    now = new Date(),
  ): Promise<GateAnswer> {
    const entityRef = stringifyEntityRef(entity);
    const [stored, evaluatedAt] = await Promise.all([
      this.store.getResults(entityRef),
      this.evaluatedAt(entityRef),
    ]);
    return this.gate(
      entity,
      this.grade(stored, now).map(r => r.graded),
      evaluatedAt,
      now,
      level,
    );
  }

  async getReport(entity: Entity, now = new Date()): Promise<ReadinessReport> {
    const entityRef = stringifyEntityRef(entity);
    const since = new Date(now.getTime() - HISTORY_DAYS * 86_400_000);
    const [stored, history, trend, lastEvaluated, pushed] = await Promise.all([
      this.store.getResults(entityRef),
      this.store.getHistory(entityRef, { since, limit: HISTORY_LIMIT }),
      this.store.getScoreTrend(entityRef, { since }),
      this.evaluatedAt(entityRef),
      this.pushedEvidence.list(entityRef, { limit: PUSHED_LIMIT }),
    ]);
    const graded = this.grade(stored, now);
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
    return {
      entityRef,
      evaluatedAt: lastEvaluated?.toISOString(),
      score: scores.score,
      pillars: scores.pillars,
      gate: this.gate(
        entity,
        graded.map(r => r.graded),
        lastEvaluated,
        now,
      ),
      results,
      history: history.filter(h => this.registry.getCheck(h.checkId)),
      trend,
      pushed: pushed.map(pushedEntry),
    };
  }

  async getOverview(
    entities: Entity[],
    now = new Date(),
  ): Promise<OverviewEntry[]> {
    const refs = entities.map(e => stringifyEntityRef(e));
    const [results, summaries, claims] = await Promise.all([
      this.store.getResultsForEntities(refs),
      this.store.getEntitySummaries(refs),
      this.store.listClaims(),
    ]);
    const contested = bindEvidence(claims);
    const evaluated = new Map(summaries.map(s => [s.entityRef, s.evaluatedAt]));
    const stored = this.grade(results, now);
    const byEntity = new Map<string, typeof stored>();
    for (const r of stored) {
      byEntity.set(r.entityRef, [...(byEntity.get(r.entityRef) ?? []), r]);
    }
    return entities.map(entity => {
      const entityRef = stringifyEntityRef(entity);
      const graded = (byEntity.get(entityRef) ?? []).map(r => r.graded);
      const scores = scoreResults(graded);
      const evaluatedAt = evaluated.get(entityRef);
      const gate = this.gate(entity, graded, evaluatedAt, now);
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
        evaluatedAt: evaluatedAt?.toISOString(),
        contested: contested.get(entityRef)?.map(item => ({
          kind: item.claim.kind,
          id: item.claim.id,
          how: item.claim.how,
          reason: item.reason,
          namedEntity: item.claim.namedEntity,
          others: item.others,
          settle: item.claim.settle,
        })),
      };
    });
  }
}
