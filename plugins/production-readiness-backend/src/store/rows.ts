/*
 * Rows of the store's tables and what reading and writing them shares.
 */

/** Entity refs per `whereIn` when reading or deleting by entity. */
export const ENTITY_CHUNK_SIZE = 500;
/**
 * Rows per multi-row insert: knex writes those as a compound SELECT on SQLite, which allows
 * at most 500 terms; pr_results has 10 columns, so 2,000 bind variables.
 */
export const INSERT_CHUNK_SIZE = 200;
/** Ids or (entity, check) pairs per `whereIn` when updating or deleting rows. */
export const ID_CHUNK_SIZE = 500;

export type DbDate = Date | string | number;

export type EntityRow = {
  entity_ref: string;
  evaluated_at: DbDate;
  score: number | string;
  level: string;
};

export type ResultRow = {
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

export type HistoryRow = {
  id: number;
  entity_ref: string;
  check_id: string;
  status: string;
  summary: string;
  first_seen: DbDate;
  last_seen: DbDate | null;
};

export type ScoreRow = {
  id: number;
  entity_ref: string;
  at: DbDate;
  score: number | string;
  level: string;
};

/**
 * Reads a date column: PostgreSQL returns `Date`, SQLite returns epoch milliseconds (knex
 * binds `Date` as a number) or, for values written by SQL, `YYYY-MM-DD HH:MM:SS` in UTC.
 */
export function toDate(value: DbDate): Date {
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

export function toNumber(value: number | string): number {
  return typeof value === 'string' ? Number(value) : value;
}

export function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

export function resultKey(entityRef: string, checkId: string): string {
  return `${entityRef}\u0000${checkId}`;
}
