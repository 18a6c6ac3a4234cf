import {
  AppliedWaiver,
  CheckStatus,
  EvaluatedStatus,
  Evidence,
  HistoryEntry,
  ScorePoint,
} from '@production-readiness/plugin-production-readiness-common';
import { EvidenceClaim } from '@production-readiness/plugin-production-readiness-node';
import { ClaimsWrite } from './evidenceClaims';

export type { ClaimsWrite } from './evidenceClaims';

/** A result to store, as produced by one evaluation. */
export interface ResultWrite {
  entityRef: string;
  checkId: string;
  status: CheckStatus;
  underlyingStatus: EvaluatedStatus;
  summary: string;
  evidence: Evidence[];
  remediation?: string;
  waiver?: AppliedWaiver;
}

/** The latest stored result of one check for one entity. */
export interface StoredResult extends ResultWrite {
  /** When the status last changed. */
  changedAt: Date;
  /** When the entity was last evaluated (the result is current as of then). */
  evaluatedAt: Date;
}

/** The entity-level outcome of one evaluation. */
export interface EntitySummaryWrite {
  entityRef: string;
  score: number;
  level: string;
}

/** One evaluation of some entities, as the engine writes it. */
export interface EvaluationWrite {
  /** When the evaluation started: a write older than the stored one is dropped. */
  evaluatedAt: Date;
  entities: EntitySummaryWrite[];
  results: ResultWrite[];
}

/** What `writeEvaluation` changed. */
export interface EvaluationWriteOutcome {
  /** Status changes, for notifications: each change is reported by one write only. */
  transitions: StatusTransition[];
  /** The written entities' summaries as they were stored before (absent: never evaluated). */
  previous: EntitySummaryWrite[];
  /** Entities not written: an evaluation that started later is already stored. */
  superseded: string[];
  /**
   * Result, history and score rows inserted, updated or deleted; 0 when nothing changed.
   * Not counted: each written entity's evaluation time, which moves on every write.
   */
  rowsWritten: number;
}

/** A change of status, returned by `writeEvaluation` for notifications. */
export interface StatusTransition {
  entityRef: string;
  checkId: string;
  /** Undefined when the check had no stored result before. */
  from?: CheckStatus;
  to: CheckStatus;
}

/**
 * An approved waiver: created through the API (`origin: api`), or an owner's annotation
 * request that someone approved (`origin: annotation`).
 */
export interface StoredWaiver {
  id: string;
  entityRef: string;
  checkId: string;
  reason: string;
  expiresAt: Date;
  origin: 'api' | 'annotation';
  /** Who asked for it, when someone else approved it. */
  requestedBy?: string;
  /** Who approved it (for API waivers: who created it). */
  createdBy: string;
  /** When it was approved. */
  createdAt: Date;
  /** When its owner was told it is about to expire. */
  expiryNotifiedAt?: Date;
}

/** A waiver to store. */
export type WaiverWrite = Omit<
  StoredWaiver,
  'id' | 'createdAt' | 'expiryNotifiedAt'
>;

/**
 * Persistence of the engine: latest results, change-only history, score trend, waivers and
 * pushed evidence. Implementations must work on SQLite and PostgreSQL.
 */
export interface ReadinessStore {
  /**
   * Stores one evaluation of `entities` (all results of those entities, complete):
   * - the latest result per (entity, check) is replaced; results of checks that no longer
   *   apply to an evaluated entity are removed;
   * - history gets a new row only when a check's status changes (or first appears); an
   *   unchanged status only moves the entity's evaluation time, which is the open period's
   *   `lastSeen`;
   * - the score trend gets a point only when an entity's score or level changes;
   * - an entity whose stored evaluation started after `evaluatedAt` is left as stored;
   * - concurrent writes (several replicas) are serialized, so each status change is
   *   reported once.
   */
  writeEvaluation(options: EvaluationWrite): Promise<EvaluationWriteOutcome>;

  /** Latest results of one entity; empty when never evaluated. */
  getResults(entityRef: string): Promise<StoredResult[]>;

  /** Latest results of many entities (all stored entities when `entityRefs` is undefined). */
  getResultsForEntities(entityRefs?: string[]): Promise<StoredResult[]>;

  /** Entity-level summaries (score, level, evaluation time) of many entities. */
  getEntitySummaries(
    entityRefs?: string[],
  ): Promise<Array<EntitySummaryWrite & { evaluatedAt: Date }>>;

  /** Status changes of one entity's checks since `since`, newest first, at most `limit`. */
  getHistory(
    entityRef: string,
    options: { since: Date; limit: number },
  ): Promise<HistoryEntry[]>;

  /**
   * Score and level points of one entity since `since`, oldest first, preceded by the last
   * point before `since` (the score at the start of the window) when there is one.
   */
  getScoreTrend(
    entityRef: string,
    options: { since: Date },
  ): Promise<ScorePoint[]>;

  /** Deletes results, history, trend, waivers, pushed results and evidence claims of entities not in `keep`. */
  deleteEntitiesNotIn(keep: string[]): Promise<number>;

  /** Deletes history and trend rows that ended before `before`, and pushed results received before it. */
  pruneBefore(before: Date): Promise<number>;

  addWaiver(waiver: WaiverWrite): Promise<StoredWaiver>;

  /** Records that the owner was told the waiver is about to expire. */
  markWaiverExpiryNotified(id: string, at: Date): Promise<void>;

  /** Waivers, optionally of one entity; expired ones only when `includeExpired`. */
  listWaivers(options: {
    entityRef?: string;
    includeExpired?: boolean;
    now: Date;
  }): Promise<StoredWaiver[]>;

  /** Deletes a waiver of an entity; false when there is no such waiver. */
  deleteWaiver(entityRef: string, id: string): Promise<boolean>;

  /**
   * Replaces the evidence claims of the given (entity, collector) pairs with those of their
   * latest evaluation (an empty list deletes).
   */
  replaceClaims(writes: ClaimsWrite[], updatedAt: Date): Promise<void>;

  /** Every entity's stored evidence claims: per collector id, per entity ref. */
  listClaims(): Promise<Map<string, Map<string, EvidenceClaim[]>>>;
}
