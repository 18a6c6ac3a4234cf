import { Knex } from 'knex';
import type { Store as RateLimitStore } from 'express-rate-limit';
import { DbDate, toDate } from './rows';

/**
 * Counters of express-rate-limit on the plugin's database, so that a limit holds across all
 * backend replicas rather than per process. Fixed windows: a key's window starts with its
 * first hit and its counter restarts once the window has passed. Each increment is one
 * atomic upsert (PostgreSQL and SQLite).
 */
export class DatabaseRateLimits {
  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A store for one limiter (express-rate-limit wants one store per limiter). */
  store(name: string, windowMs: number): RateLimitStore {
    const key = (k: string) => `${name}:${k}`;
    return {
      prefix: `${name}:`,
      localKeys: false,
      increment: async k => this.increment(key(k), windowMs),
      get: async k => this.get(key(k), windowMs),
      decrement: async k => {
        await this.db('pr_rate_limits')
          .where('limit_key', key(k))
          .where('hits', '>', 0)
          .decrement('hits', 1);
      },
      resetKey: async k => {
        await this.db('pr_rate_limits').where('limit_key', key(k)).delete();
      },
    };
  }

  private async increment(limitKey: string, windowMs: number) {
    const now = this.now();
    const windowEndedBy = new Date(now.getTime() - windowMs);
    const expired = this.db.raw('?? <= ?', [
      'pr_rate_limits.window_start',
      windowEndedBy,
    ]);
    const [row] = await this.db('pr_rate_limits')
      .insert({ limit_key: limitKey, window_start: now, hits: 1 })
      .onConflict('limit_key')
      .merge({
        hits: this.db.raw('case when ? then 1 else ?? + 1 end', [
          expired,
          'pr_rate_limits.hits',
        ]),
        window_start: this.db.raw('case when ? then ?? else ?? end', [
          expired,
          'excluded.window_start',
          'pr_rate_limits.window_start',
        ]),
      })
      .returning(['hits', 'window_start']);
    return toInfo(row, windowMs);
  }

  private async get(limitKey: string, windowMs: number) {
    const row = await this.db('pr_rate_limits')
      .where('limit_key', limitKey)
      .first();
    if (!row) {
      return undefined;
    }
    const info = toInfo(row, windowMs);
    return info.resetTime.getTime() <= this.now().getTime() ? undefined : info;
  }
}

function toInfo(
  row: { hits: number | string; window_start: DbDate },
  windowMs: number,
) {
  return {
    totalHits: Number(row.hits),
    resetTime: new Date(toDate(row.window_start).getTime() + windowMs),
  };
}
