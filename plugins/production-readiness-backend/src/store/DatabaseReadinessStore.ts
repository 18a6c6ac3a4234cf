import crypto from 'node:crypto';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
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
  chunks,
  DbDate,
  ENTITY_CHUNK_SIZE,
  EntityRow,
  HistoryRow,
  ResultRow,
  ScoreRow,
  toDate,
  toNumber,
} from './rows';
import { writeEvaluation } from './writeEvaluation';
import {
  EntitySummaryWrite,
  EvaluationWrite,
  EvaluationWriteOutcome,
  ReadinessStore,
  StoredResult,
  StoredWaiver,
  WaiverWrite,
} from './ReadinessStore';

const migrationsDir = resolvePackagePath(
  '@production-readiness/plugin-production-readiness-backend',
  'migrations',
);

const UUID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

  async writeEvaluation(
    options: EvaluationWrite,
  ): Promise<EvaluationWriteOutcome> {
    return writeEvaluation(this.db, options);
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

      // Rate limit windows last seconds or minutes: older counters are long over.
      const rateLimits = await tx('pr_rate_limits')
        .where('window_start', '<', before)
        .delete();

      return history + scores + pushed + rateLimits;
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
