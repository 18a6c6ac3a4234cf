import crypto from 'node:crypto';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  AppliedWaiver,
  CheckStatus,
  EvaluatedStatus,
  Evidence,
  HistoryEntry,
  ScorePoint,
} from '@production-readiness/plugin-production-readiness-common';
import { EvidenceClaim } from '@production-readiness/plugin-production-readiness-node';
import { Knex } from 'knex';
import { ClaimsWrite, listClaims, replaceClaims } from './evidenceClaims';
import {
  EntitySummaryWrite,
  ReadinessStore,
  ResultWrite,
  StatusTransition,
  StoredResult,
  StoredWaiver,
  WaiverWrite,
} from './ReadinessStore';

const migrationsDir = resolvePackagePath(
  '@production-readiness/plugin-production-readiness-backend',
  'migrations',
);

/** Entity refs per `whereIn` when reading or deleting by entity. */
const ENTITY_CHUNK_SIZE = 500;
/**
 * Rows per multi-row insert: knex writes those as a compound SELECT on SQLite, which allows
 * at most 500 terms; pr_results has 10 columns, so 2,000 bind variables.
 */
const INSERT_CHUNK_SIZE = 200;
/** Ids or (entity, check) pairs per `whereIn` when updating or deleting rows. */
const ID_CHUNK_SIZE = 500;

const UUID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type DbDate = Date | string | number;

type EntityRow = {
  entity_ref: string;
  evaluated_at: DbDate;
  score: number | string;
  level: string;
};

type ResultRow = {
  entity_ref: string;
  check_id: string;
  status: string;
  underlying_status: string;
  summary: string;
  evidence: string;
  remediation: string | null;
  waiver: string | null;
  changed_at: DbDate;
  updated_at: DbDate;
};

type HistoryRow = {
  id: number;
  entity_ref: string;
  check_id: string;
  status: string;
  summary: string;
  first_seen: DbDate;
  last_seen: DbDate | null;
};

type ScoreRow = {
  id: number;
  entity_ref: string;
  at: DbDate;
  score: number | string;
  level: string;
};

type WaiverRow = {
  id: string;
  entity_ref: string;
  check_id: string;
  reason: string;
  expires_at: DbDate;
  created_by: string;
  created_at: DbDate;
  origin: string;
  requested_by: string | null;
  expiry_notified_at: DbDate | null;
};

/** Tables that hold rows of an entity, children first. */
const ENTITY_TABLES = [
  'pr_results',
  'pr_history',
  'pr_scores',
  'pr_waivers',
  'pr_pushed_results',
  'pr_evidence_claims',
  'pr_entities',
] as const;

/**
 * Reads a date column: PostgreSQL returns `Date`, SQLite returns epoch milliseconds (knex
 * binds `Date` as a number) or, for values written by SQL, `YYYY-MM-DD HH:MM:SS` in UTC.
 */
function toDate(value: DbDate): Date {
  if (value instanceof Date) {
    return value;
  }
  if (typeof value === 'number') {
    return new Date(value);
  }
  if (/^-?\d+(\.\d+)?$/.test(value)) {
    return new Date(Number(value));
  }
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) {
    return new Date(`${value.replace(' ', 'T')}Z`);
  }
  return new Date(value);
}

function toNumber(value: number | string): number {
  return typeof value === 'string' ? Number(value) : value;
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

function resultKey(entityRef: string, checkId: string): string {
  return `${entityRef}\u0000${checkId}`;
}

function toStoredResult(
  row: ResultRow & { evaluated_at: DbDate | null },
): StoredResult {
  return {
    entityRef: row.entity_ref,
    checkId: row.check_id,
    status: row.status as CheckStatus,
    underlyingStatus: row.underlying_status as EvaluatedStatus,
    summary: row.summary,
    evidence: JSON.parse(row.evidence) as Evidence[],
    remediation: row.remediation ?? undefined,
    waiver: row.waiver ? (JSON.parse(row.waiver) as AppliedWaiver) : undefined,
    changedAt: toDate(row.changed_at),
    evaluatedAt: toDate(row.evaluated_at ?? row.updated_at),
  };
}

function toStoredWaiver(row: WaiverRow): StoredWaiver {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    checkId: row.check_id,
    reason: row.reason,
    expiresAt: toDate(row.expires_at),
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    origin: row.origin === 'annotation' ? 'annotation' : 'api',
    requestedBy: row.requested_by ?? undefined,
    expiryNotifiedAt: row.expiry_notified_at
      ? toDate(row.expiry_notified_at)
      : undefined,
  };
}

/**
 * The {@link ReadinessStore} on the plugin's database (PostgreSQL or SQLite).
 */
export class DatabaseReadinessStore implements ReadinessStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseReadinessStore> {
    const { database, skipMigrations } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip && !skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseReadinessStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async writeEvaluation(options: {
    evaluatedAt: Date;
    entities: EntitySummaryWrite[];
    results: ResultWrite[];
  }): Promise<StatusTransition[]> {
    const { evaluatedAt, entities, results } = options;

    const entityByRef = new Map<string, EntitySummaryWrite>();
    for (const entity of entities) {
      if (entityByRef.has(entity.entityRef)) {
        throw new InputError(
          `Entity ${entity.entityRef} is given more than once in one evaluation`,
        );
      }
      entityByRef.set(entity.entityRef, entity);
    }
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

    const transitions: StatusTransition[] = [];
    await this.db.transaction(async tx => {
      for (const refs of chunks([...entityByRef.keys()], ENTITY_CHUNK_SIZE)) {
        await this.writeEvaluationChunk(tx, {
          evaluatedAt,
          refs,
          entityByRef,
          resultsByRef,
          transitions,
        });
      }
    });
    return transitions;
  }

  private async writeEvaluationChunk(
    tx: Knex.Transaction,
    options: {
      evaluatedAt: Date;
      refs: string[];
      entityByRef: Map<string, EntitySummaryWrite>;
      resultsByRef: Map<string, Map<string, ResultWrite>>;
      transitions: StatusTransition[];
    },
  ): Promise<void> {
    const { evaluatedAt, refs, entityByRef, resultsByRef, transitions } =
      options;

    // Read what is stored of these entities.
    const previousEntityRows = await tx<EntityRow>('pr_entities')
      .select('entity_ref', 'evaluated_at')
      .whereIn('entity_ref', refs);
    const previousEvaluatedAt = new Map<string, Date>(
      previousEntityRows.map(row => [row.entity_ref, toDate(row.evaluated_at)]),
    );

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
    const openIds = new Map<string, number[]>();
    for (const row of openRows) {
      const key = resultKey(row.entity_ref, row.check_id);
      const ids = openIds.get(key);
      if (ids) {
        ids.push(row.id);
      } else {
        openIds.set(key, [row.id]);
      }
    }

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
      const ids = openIds.get(resultKey(entityRef, checkId));
      if (!ids) {
        return;
      }
      const lastSeen = (
        previousEvaluatedAt.get(entityRef) ?? evaluatedAt
      ).getTime();
      const group = closeIdsByLastSeen.get(lastSeen);
      if (group) {
        group.push(...ids);
      } else {
        closeIdsByLastSeen.set(lastSeen, [...ids]);
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
          transitions.push({
            entityRef,
            checkId: result.checkId,
            from: row ? (row.status as CheckStatus) : undefined,
            to: result.status,
          });
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

    // Write what changed. Open periods are closed before pr_entities moves on.
    for (const [lastSeen, ids] of closeIdsByLastSeen) {
      for (const idChunk of chunks(ids, ID_CHUNK_SIZE)) {
        await tx('pr_history')
          .update({ last_seen: new Date(lastSeen) })
          .whereIn('id', idChunk);
      }
    }
    for (const pairs of chunks(resultDeletes, ID_CHUNK_SIZE)) {
      await tx('pr_results')
        .whereIn(['entity_ref', 'check_id'], pairs)
        .delete();
    }
    for (const rows of chunks(resultWrites, INSERT_CHUNK_SIZE)) {
      await tx('pr_results')
        .insert(rows)
        .onConflict(['entity_ref', 'check_id'])
        .merge();
    }
    for (const rows of chunks(historyInserts, INSERT_CHUNK_SIZE)) {
      await tx('pr_history').insert(rows);
    }
    for (const rows of chunks(scoreInserts, INSERT_CHUNK_SIZE)) {
      await tx('pr_scores').insert(rows);
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

  async getResults(entityRef: string): Promise<StoredResult[]> {
    return this.getResultsForEntities([entityRef]);
  }

  async getResultsForEntities(entityRefs?: string[]): Promise<StoredResult[]> {
    const query = (refs?: string[]) => {
      const q = this.db('pr_results as r')
        .leftJoin('pr_entities as e', 'e.entity_ref', 'r.entity_ref')
        .select('r.*', 'e.evaluated_at')
        .orderBy([
          { column: 'r.entity_ref', order: 'asc' },
          { column: 'r.check_id', order: 'asc' },
        ]);
      return refs ? q.whereIn('r.entity_ref', refs) : q;
    };
    if (!entityRefs) {
      const rows = await query();
      return rows.map(toStoredResult);
    }
    const results: StoredResult[] = [];
    for (const refs of chunks(unique(entityRefs), ENTITY_CHUNK_SIZE)) {
      const rows = await query(refs);
      results.push(...rows.map(toStoredResult));
    }
    return results;
  }

  async getEntitySummaries(
    entityRefs?: string[],
  ): Promise<Array<EntitySummaryWrite & { evaluatedAt: Date }>> {
    const toSummary = (row: EntityRow) => ({
      entityRef: row.entity_ref,
      score: toNumber(row.score),
      level: row.level,
      evaluatedAt: toDate(row.evaluated_at),
    });
    if (!entityRefs) {
      const rows = await this.db<EntityRow>('pr_entities')
        .select('*')
        .orderBy('entity_ref');
      return rows.map(toSummary);
    }
    const summaries: Array<EntitySummaryWrite & { evaluatedAt: Date }> = [];
    for (const refs of chunks(unique(entityRefs), ENTITY_CHUNK_SIZE)) {
      const rows = await this.db<EntityRow>('pr_entities')
        .select('*')
        .whereIn('entity_ref', refs)
        .orderBy('entity_ref');
      summaries.push(...rows.map(toSummary));
    }
    return summaries;
  }

  async getHistory(
    entityRef: string,
    options: { since: Date; limit: number },
  ): Promise<HistoryEntry[]> {
    const { since, limit } = options;
    const entity = await this.db<EntityRow>('pr_entities')
      .select('evaluated_at')
      .where('entity_ref', entityRef)
      .first();
    const rows = await this.db<HistoryRow>('pr_history')
      .select('*')
      .where('entity_ref', entityRef)
      .where(q =>
        q
          .whereNull('last_seen')
          .orWhere('last_seen', '>=', since)
          .orWhere('first_seen', '>=', since),
      )
      .orderBy([
        { column: 'first_seen', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(row => {
      let lastSeen: DbDate = row.first_seen;
      if (row.last_seen !== null) {
        lastSeen = row.last_seen;
      } else if (entity) {
        lastSeen = entity.evaluated_at;
      }
      return {
        checkId: row.check_id,
        status: row.status as CheckStatus,
        summary: row.summary,
        firstSeen: toDate(row.first_seen).toISOString(),
        lastSeen: toDate(lastSeen).toISOString(),
      };
    });
  }

  async getScoreTrend(
    entityRef: string,
    options: { since: Date },
  ): Promise<ScorePoint[]> {
    // Points are written only on change, so the point before the window is the score at its
    // start: without it a score that has been stable for long would have no trend at all.
    const [before, rows] = await Promise.all([
      this.db<ScoreRow>('pr_scores')
        .select('*')
        .where('entity_ref', entityRef)
        .where('at', '<', options.since)
        .orderBy([
          { column: 'at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .first(),
      this.db<ScoreRow>('pr_scores')
        .select('*')
        .where('entity_ref', entityRef)
        .where('at', '>=', options.since)
        .orderBy([
          { column: 'at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ]),
    ]);
    return [...(before ? [before] : []), ...rows].map(row => ({
      at: toDate(row.at).toISOString(),
      score: toNumber(row.score),
      level: row.level,
    }));
  }

  async deleteEntitiesNotIn(keep: string[]): Promise<number> {
    const keepSet = new Set(keep);
    return this.db.transaction(async tx => {
      const stored = new Set<string>();
      for (const table of ENTITY_TABLES) {
        const rows: Array<{ entity_ref: string }> = await tx(table).distinct(
          'entity_ref',
        );
        for (const row of rows) {
          stored.add(row.entity_ref);
        }
      }
      const remove = [...stored].filter(ref => !keepSet.has(ref));
      for (const refs of chunks(remove, ENTITY_CHUNK_SIZE)) {
        for (const table of ENTITY_TABLES) {
          await tx(table).whereIn('entity_ref', refs).delete();
        }
      }
      return remove.length;
    });
  }

  async pruneBefore(before: Date): Promise<number> {
    return this.db.transaction(async tx => {
      const history = await tx('pr_history')
        .whereNotNull('last_seen')
        .where('last_seen', '<', before)
        .delete();

      const latestScoreIds = tx
        .select('id')
        .from(
          tx('pr_scores')
            .select(
              'id',
              tx.raw(
                'row_number() over (partition by ?? order by ?? desc, ?? desc) as rn',
                ['entity_ref', 'at', 'id'],
              ),
            )
            .as('ranked'),
        )
        .where('rn', 1);
      const scores = await tx('pr_scores')
        .where('at', '<', before)
        .whereNotIn('id', latestScoreIds)
        .delete();

      const latestPushedIds = tx
        .select('id')
        .from(
          tx('pr_pushed_results')
            .select(
              'id',
              tx.raw(
                'row_number() over (partition by ??, ?? order by ?? desc, ?? desc, ?? desc) as rn',
                ['entity_ref', 'type', 'observed_at', 'received_at', 'id'],
              ),
            )
            .as('ranked'),
        )
        .where('rn', 1);
      const pushed = await tx('pr_pushed_results')
        .where('received_at', '<', before)
        .whereNotIn('id', latestPushedIds)
        .delete();

      return history + scores + pushed;
    });
  }

  async addWaiver(waiver: WaiverWrite): Promise<StoredWaiver> {
    const stored: StoredWaiver = {
      ...waiver,
      id: crypto.randomUUID(),
      createdAt: new Date(),
    };
    await this.db('pr_waivers').insert({
      id: stored.id,
      entity_ref: stored.entityRef,
      check_id: stored.checkId,
      reason: stored.reason,
      expires_at: stored.expiresAt,
      created_by: stored.createdBy,
      created_at: stored.createdAt,
      origin: stored.origin,
      requested_by: stored.requestedBy ?? null,
    });
    return stored;
  }

  async markWaiverExpiryNotified(id: string, at: Date): Promise<void> {
    await this.db('pr_waivers')
      .where({ id })
      .update({ expiry_notified_at: at });
  }

  async listWaivers(options: {
    entityRef?: string;
    includeExpired?: boolean;
    now: Date;
  }): Promise<StoredWaiver[]> {
    const { entityRef, includeExpired, now } = options;
    let query = this.db<WaiverRow>('pr_waivers')
      .select('*')
      .orderBy([
        { column: 'expires_at', order: 'asc' },
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    if (entityRef !== undefined) {
      query = query.where('entity_ref', entityRef);
    }
    if (!includeExpired) {
      query = query.where('expires_at', '>', now);
    }
    const rows = await query;
    return rows.map(toStoredWaiver);
  }

  async deleteWaiver(entityRef: string, id: string): Promise<boolean> {
    // Ids come from URLs; PostgreSQL rejects a malformed uuid instead of matching nothing.
    if (!UUID_PATTERN.test(id)) {
      return false;
    }
    const deleted = await this.db('pr_waivers')
      .where({ id: id.toLowerCase(), entity_ref: entityRef })
      .delete();
    return deleted > 0;
  }

  async replaceClaims(writes: ClaimsWrite[], updatedAt: Date): Promise<void> {
    await replaceClaims(this.db, writes, updatedAt);
  }

  async listClaims(): Promise<Map<string, Map<string, EvidenceClaim[]>>> {
    return listClaims(this.db);
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
