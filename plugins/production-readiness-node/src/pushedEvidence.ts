import crypto from 'node:crypto';
import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  DatabaseService,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/**
 * A record an external system pushed through `POST /api/production-readiness/results`
 * (a restore-test job, a backup job, a load test), after the plugin validated its payload
 * against the type's schema and checked who may push for the entity.
 *
 * @public
 */
export interface PushedRecord {
  id: string;
  entityRef: string;
  /** `restore-test`, `backup-run`, `load-test` or a type the platform declares. */
  type: string;
  /** When the evidence was produced, as the pusher says. */
  observedAt: Date;
  payload: Record<string, unknown>;
  /** Who pushed it: a user ref or `service:<subject>`. */
  pushedBy: string;
  /** When the plugin stored it. */
  receivedAt: Date;
}

/**
 * Pushed evidence, stored in the Production Readiness plugin's database. Checks read it
 * through their collectors, for the whole fleet at once; the plugin's API writes it.
 *
 * @public
 */
export interface PushedEvidenceService {
  /** Stores a record that has already been validated and authorized. */
  push(record: Omit<PushedRecord, 'id' | 'receivedAt'>): Promise<PushedRecord>;
  /**
   * The newest record of `type` per entity (by `observedAt`), for the given entities (all
   * entities when `entityRefs` is undefined). A few queries per call, whatever the fleet size.
   */
  latest(
    type: string,
    entityRefs?: string[],
  ): Promise<Map<string, PushedRecord>>;
  /** The newest records of one entity, of every type, newest first: what its tab shows. */
  list(entityRef: string, options: { limit: number }): Promise<PushedRecord[]>;
}

const TABLE = 'pr_pushed_results';
/** Entity refs per `whereIn`. */
const ENTITY_CHUNK_SIZE = 500;

type DbDate = Date | string | number;

type PushedRecordRow = {
  id: string;
  entity_ref: string;
  type: string;
  observed_at: DbDate;
  payload: string;
  pushed_by: string;
  received_at: DbDate;
};

/** PostgreSQL returns `Date`; SQLite returns epoch milliseconds (knex binds `Date` as a number). */
function toDate(value: DbDate): Date {
  if (value instanceof Date) {
    return value;
  }
  return new Date(/^-?\d+$/.test(String(value)) ? Number(value) : value);
}

function toRecord(row: PushedRecordRow): PushedRecord {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    type: row.type,
    observedAt: toDate(row.observed_at),
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    pushedBy: row.pushed_by,
    receivedAt: toDate(row.received_at),
  };
}

const COLUMNS = [
  'id',
  'entity_ref',
  'type',
  'observed_at',
  'payload',
  'pushed_by',
  'received_at',
];

/**
 * The default {@link PushedEvidenceService}: the plugin's own table (`pr_pushed_results`,
 * created by the backend plugin's migrations) in the plugin's database, which the plugin's
 * modules share with it.
 *
 * @public
 */
export class DatabasePushedEvidence implements PushedEvidenceService {
  private constructor(private readonly client: () => Promise<Knex>) {}

  /** The client is opened on first use: modules initialise before the plugin migrates. */
  static create(database: DatabaseService): DatabasePushedEvidence {
    let client: Promise<Knex> | undefined;
    return new DatabasePushedEvidence(() => {
      client ??= database.getClient();
      return client;
    });
  }

  async push(
    record: Omit<PushedRecord, 'id' | 'receivedAt'>,
  ): Promise<PushedRecord> {
    const stored: PushedRecord = {
      ...record,
      id: crypto.randomUUID(),
      receivedAt: new Date(),
    };
    const db = await this.client();
    await db(TABLE).insert({
      id: stored.id,
      entity_ref: stored.entityRef,
      type: stored.type,
      observed_at: stored.observedAt,
      payload: JSON.stringify(stored.payload),
      pushed_by: stored.pushedBy,
      received_at: stored.receivedAt,
    });
    return stored;
  }

  async latest(
    type: string,
    entityRefs?: string[],
  ): Promise<Map<string, PushedRecord>> {
    const db = await this.client();
    const query = (refs?: string[]) => {
      const ranked = db(TABLE)
        .select(
          ...COLUMNS,
          db.raw(
            'row_number() over (partition by ?? order by ?? desc, ?? desc, ?? desc) as rn',
            ['entity_ref', 'observed_at', 'received_at', 'id'],
          ),
        )
        .where('type', type);
      return db
        .select<PushedRecordRow[]>(...COLUMNS)
        .from((refs ? ranked.whereIn('entity_ref', refs) : ranked).as('ranked'))
        .where('rn', 1);
    };
    const latest = new Map<string, PushedRecord>();
    const refChunks: Array<string[] | undefined> = [];
    if (entityRefs) {
      const refs = [...new Set(entityRefs)];
      for (let i = 0; i < refs.length; i += ENTITY_CHUNK_SIZE) {
        refChunks.push(refs.slice(i, i + ENTITY_CHUNK_SIZE));
      }
    } else {
      refChunks.push(undefined);
    }
    for (const refs of refChunks) {
      for (const row of await query(refs)) {
        latest.set(row.entity_ref, toRecord(row));
      }
    }
    return latest;
  }

  async list(
    entityRef: string,
    options: { limit: number },
  ): Promise<PushedRecord[]> {
    const db = await this.client();
    const rows = await db(TABLE)
      .select<PushedRecordRow[]>(...COLUMNS)
      .where('entity_ref', entityRef)
      .orderBy([
        { column: 'observed_at', order: 'desc' },
        { column: 'received_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    return rows.map(toRecord);
  }
}

/**
 * Pushed evidence for checks and collectors of Production Readiness modules: depend on it
 * in a module's `registerInit` and read the newest records of the fleet in `collect`.
 *
 * @public
 */
export const pushedEvidenceServiceRef = createServiceRef<PushedEvidenceService>(
  {
    id: 'production-readiness.pushed-evidence',
    scope: 'plugin',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: { database: coreServices.database },
        factory: ({ database }) => DatabasePushedEvidence.create(database),
      }),
  },
);
