import { InputError } from '@backstage/errors';
import { CheckStatus } from '@production-readiness/plugin-production-readiness-common';
import { Knex } from 'knex';
import {
  EntitySummaryWrite,
  EvaluationWrite,
  EvaluationWriteOutcome,
  ResultWrite,
  StatusTransition,
} from './ReadinessStore';
import {
  chunks,
  ENTITY_CHUNK_SIZE,
  EntityRow,
  HistoryRow,
  ID_CHUNK_SIZE,
  INSERT_CHUNK_SIZE,
  ResultRow,
  resultKey,
  ScoreRow,
  toDate,
  toNumber,
} from './rows';

/**
 * Writes one evaluation of some entities in one transaction.
 *
 * Safe with several backend replicas on one PostgreSQL: evaluation writes are serialized by a
 * transaction-scoped advisory lock, so each write compares against what the previous one
 * committed (one transition, one history period, one notification per change), and an entity
 * whose stored evaluation started later than this one is left alone (a slow scheduled refresh
 * never overwrites a newer on-demand one). The unique index on open history periods
 * (`pr_history_one_open_period_idx`) backs this up: a second open period cannot exist.
 */
export async function writeEvaluation(
  db: Knex,
  options: EvaluationWrite,
): Promise<EvaluationWriteOutcome> {
  const { evaluatedAt, entities, results } = options;
  const entityByRef = indexEntities(entities);
  const resultsByRef = indexResults(results, entityByRef);

  const outcome: EvaluationWriteOutcome = {
    transitions: [],
    previous: [],
    superseded: [],
    rowsWritten: 0,
  };
  await db.transaction(async tx => {
    await serializeEvaluationWrites(tx);
    // Sorted, so that chunks (and their row locks) are taken in one order by every replica.
    const refs = [...entityByRef.keys()].sort();
    for (const chunk of chunks(refs, ENTITY_CHUNK_SIZE)) {
      await writeChunk(tx, {
        evaluatedAt,
        refs: chunk,
        entityByRef,
        resultsByRef,
        outcome,
      });
    }
  });
  return outcome;
}

function indexEntities(
  entities: EntitySummaryWrite[],
): Map<string, EntitySummaryWrite> {
  const entityByRef = new Map<string, EntitySummaryWrite>();
  for (const entity of entities) {
    if (entityByRef.has(entity.entityRef)) {
      throw new InputError(
        `Entity ${entity.entityRef} is given more than once in one evaluation`,
      );
    }
    entityByRef.set(entity.entityRef, entity);
  }
  return entityByRef;
}

function indexResults(
  results: ResultWrite[],
  entityByRef: Map<string, EntitySummaryWrite>,
): Map<string, Map<string, ResultWrite>> {
  const resultsByRef = new Map<string, Map<string, ResultWrite>>();
  for (const result of results) {
    if (!entityByRef.has(result.entityRef)) {
      throw new InputError(
        `Result of check ${result.checkId} is for entity ${result.entityRef}, which is not among the evaluated entities`,
      );
    }
    let byCheck = resultsByRef.get(result.entityRef);
    if (!byCheck) {
      byCheck = new Map();
      resultsByRef.set(result.entityRef, byCheck);
    }
    if (byCheck.has(result.checkId)) {
      throw new InputError(
        `Check ${result.checkId} of entity ${result.entityRef} is given more than once in one evaluation`,
      );
    }
    byCheck.set(result.checkId, result);
  }
  return resultsByRef;
}

/**
 * Waits until no other evaluation write (of any replica) is open, until this transaction
 * ends. PostgreSQL: an advisory lock; SQLite allows one writer at a time anyway.
 */
async function serializeEvaluationWrites(tx: Knex.Transaction): Promise<void> {
  if (tx.client.dialect === 'postgresql') {
    await tx.raw('select pg_advisory_xact_lock(hashtext(?))', [
      'production-readiness:evaluation-writes',
    ]);
  }
}

/** The conflict target of the partial unique index on open history periods. */
function openPeriodConflict(tx: Knex.Transaction): Knex.Raw {
  return tx.raw('(??, ??) where ?? is null', [
    'entity_ref',
    'check_id',
    'last_seen',
  ]);
}

async function writeChunk(
  tx: Knex.Transaction,
  options: {
    evaluatedAt: Date;
    refs: string[];
    entityByRef: Map<string, EntitySummaryWrite>;
    resultsByRef: Map<string, Map<string, ResultWrite>>;
    outcome: EvaluationWriteOutcome;
  },
): Promise<void> {
  const { evaluatedAt, entityByRef, resultsByRef, outcome } = options;

  // Read what is stored of these entities; drop those a newer evaluation has written.
  const storedEntities = await tx<EntityRow>('pr_entities')
    .select('entity_ref', 'evaluated_at', 'score', 'level')
    .whereIn('entity_ref', options.refs);
  const previousEvaluatedAt = new Map<string, Date>();
  const superseded = new Set<string>();
  for (const row of storedEntities) {
    const storedAt = toDate(row.evaluated_at);
    if (storedAt.getTime() > evaluatedAt.getTime()) {
      superseded.add(row.entity_ref);
      continue;
    }
    previousEvaluatedAt.set(row.entity_ref, storedAt);
    outcome.previous.push({
      entityRef: row.entity_ref,
      score: toNumber(row.score),
      level: row.level,
    });
  }
  outcome.superseded.push(...superseded);
  const refs = options.refs.filter(ref => !superseded.has(ref));
  if (refs.length === 0) {
    return;
  }

  const existingRows = await tx<ResultRow>('pr_results')
    .select('*')
    .whereIn('entity_ref', refs);
  const existing = new Map<string, ResultRow>(
    existingRows.map(row => [resultKey(row.entity_ref, row.check_id), row]),
  );

  const openRows = await tx<HistoryRow>('pr_history')
    .select('id', 'entity_ref', 'check_id')
    .whereIn('entity_ref', refs)
    .whereNull('last_seen');
  const openIdByKey = new Map<string, number>(
    openRows.map(row => [resultKey(row.entity_ref, row.check_id), row.id]),
  );

  const latestScores = await tx
    .select('entity_ref', 'score', 'level')
    .from(
      tx('pr_scores')
        .select(
          'entity_ref',
          'score',
          'level',
          tx.raw(
            'row_number() over (partition by ?? order by ?? desc, ?? desc) as rn',
            ['entity_ref', 'at', 'id'],
          ),
        )
        .whereIn('entity_ref', refs)
        .as('ranked'),
    )
    .where('rn', 1);
  const latestScoreByRef = new Map<string, { score: number; level: string }>(
    latestScores.map((row: ScoreRow) => [
      row.entity_ref,
      { score: toNumber(row.score), level: row.level },
    ]),
  );

  // Compare in memory.
  const resultWrites: ResultRow[] = [];
  const historyInserts: Omit<HistoryRow, 'id'>[] = [];
  /** Open history periods to close, by the time they were last seen (epoch ms). */
  const closeIdsByLastSeen = new Map<number, number[]>();
  const resultDeletes: Array<[string, string]> = [];
  const scoreInserts: Omit<ScoreRow, 'id'>[] = [];

  const closeOpenPeriod = (entityRef: string, checkId: string) => {
    const id = openIdByKey.get(resultKey(entityRef, checkId));
    if (id === undefined) {
      return;
    }
    const lastSeen = (
      previousEvaluatedAt.get(entityRef) ?? evaluatedAt
    ).getTime();
    const group = closeIdsByLastSeen.get(lastSeen);
    if (group) {
      group.push(id);
    } else {
      closeIdsByLastSeen.set(lastSeen, [id]);
    }
  };

  for (const entityRef of refs) {
    const byCheck = resultsByRef.get(entityRef) ?? new Map();
    for (const result of byCheck.values()) {
      const key = resultKey(entityRef, result.checkId);
      const row = existing.get(key);
      existing.delete(key);

      const evidence = JSON.stringify(result.evidence ?? []);
      const remediation = result.remediation ?? null;
      const waiver = result.waiver ? JSON.stringify(result.waiver) : null;
      const statusChanged = !row || row.status !== result.status;

      if (
        row &&
        !statusChanged &&
        row.underlying_status === result.underlyingStatus &&
        row.summary === result.summary &&
        row.evidence === evidence &&
        (row.remediation ?? null) === remediation &&
        (row.waiver ?? null) === waiver
      ) {
        continue;
      }

      resultWrites.push({
        entity_ref: entityRef,
        check_id: result.checkId,
        status: result.status,
        underlying_status: result.underlyingStatus,
        summary: result.summary,
        evidence,
        remediation,
        waiver,
        changed_at:
          row && !statusChanged ? toDate(row.changed_at) : evaluatedAt,
        updated_at: evaluatedAt,
      });

      if (statusChanged) {
        outcome.transitions.push({
          entityRef,
          checkId: result.checkId,
          from: row ? (row.status as CheckStatus) : undefined,
          to: result.status,
        } satisfies StatusTransition);
        closeOpenPeriod(entityRef, result.checkId);
        historyInserts.push({
          entity_ref: entityRef,
          check_id: result.checkId,
          status: result.status,
          summary: result.summary,
          first_seen: evaluatedAt,
          last_seen: null,
        });
      }
    }

    const summary = entityByRef.get(entityRef)!;
    const score = Math.round(summary.score);
    const latest = latestScoreByRef.get(entityRef);
    if (!latest || latest.score !== score || latest.level !== summary.level) {
      scoreInserts.push({
        entity_ref: entityRef,
        at: evaluatedAt,
        score,
        level: summary.level,
      });
    }
  }

  // Whatever is left of the stored results no longer applies.
  for (const row of existing.values()) {
    resultDeletes.push([row.entity_ref, row.check_id]);
    closeOpenPeriod(row.entity_ref, row.check_id);
  }

  // Write what changed. Open periods are closed before new ones open and before pr_entities
  // moves on.
  for (const [lastSeen, ids] of closeIdsByLastSeen) {
    for (const idChunk of chunks(ids, ID_CHUNK_SIZE)) {
      outcome.rowsWritten += await tx('pr_history')
        .update({ last_seen: new Date(lastSeen) })
        .whereIn('id', idChunk);
    }
  }
  for (const pairs of chunks(resultDeletes, ID_CHUNK_SIZE)) {
    outcome.rowsWritten += await tx('pr_results')
      .whereIn(['entity_ref', 'check_id'], pairs)
      .delete();
  }
  for (const rows of chunks(resultWrites, INSERT_CHUNK_SIZE)) {
    await tx('pr_results')
      .insert(rows)
      .onConflict(['entity_ref', 'check_id'])
      .merge();
    outcome.rowsWritten += rows.length;
  }
  for (const rows of chunks(historyInserts, INSERT_CHUNK_SIZE)) {
    // An open period that is still there was opened by a write this one did not see: the
    // index keeps the first, so history never holds two open periods of one check.
    await tx('pr_history')
      .insert(rows)
      .onConflict(openPeriodConflict(tx))
      .ignore();
    outcome.rowsWritten += rows.length;
  }
  for (const rows of chunks(scoreInserts, INSERT_CHUNK_SIZE)) {
    await tx('pr_scores').insert(rows);
    outcome.rowsWritten += rows.length;
  }
  const entityRows = refs.map(entityRef => {
    const summary = entityByRef.get(entityRef)!;
    return {
      entity_ref: entityRef,
      evaluated_at: evaluatedAt,
      score: Math.round(summary.score),
      level: summary.level,
    };
  });
  for (const rows of chunks(entityRows, INSERT_CHUNK_SIZE)) {
    await tx('pr_entities').insert(rows).onConflict('entity_ref').merge();
  }
}
