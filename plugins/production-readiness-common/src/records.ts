import { z } from 'zod';

const isoDateTime = z.iso.datetime({ offset: true });

/**
 * A restore-test record: written by a restore-test job (to the backup location, next to the
 * backups, and/or pushed to `POST /results`) after restoring a backup into a scratch instance
 * and validating it.
 *
 * @public
 */
export const restoreTestRecordSchema = z.object({
  /** Entity the restore test belongs to, e.g. `resource:default/orders-db`. */
  entityRef: z.string().min(1).optional(),
  /** Identifier of the restored backup (pgBackRest label, WAL-G name, Velero backup name). */
  backupId: z.string().min(1),
  /** When the restored backup was taken. */
  backupTakenAt: isoDateTime.optional(),
  startedAt: isoDateTime,
  finishedAt: isoDateTime,
  status: z.enum(['succeeded', 'failed']),
  /** Seconds from start of restore to a usable database. */
  durationSeconds: z.number().nonnegative(),
  /**
   * The backup inventory the restore was compared with (see `backupInventorySchema`): with
   * one validation per role (`kind: role`) and per table (`kind: table`) of it.
   */
  inventory: z
    .object({
      backupId: z.string().min(1),
      checksum: z.string().min(1),
      roles: z.number().int().nonnegative(),
      tables: z.number().int().nonnegative(),
    })
    .optional(),
  validations: z
    .array(
      z.object({
        /**
         * What is compared: the backup's inventory was found, the restore itself, a role, a
         * table's rows, a database, the backup's checksum, the restore time (rto), a query.
         */
        kind: z
          .enum([
            'inventory',
            'restore',
            'database',
            'role',
            'table',
            'checksum',
            'rto',
            'query',
          ])
          .optional(),
        name: z.string().min(1),
        expected: z.union([z.string(), z.number(), z.boolean()]).optional(),
        actual: z.union([z.string(), z.number(), z.boolean()]).optional(),
        ok: z.boolean(),
      }),
    )
    .default([]),
  /** Where to see the job's log. */
  logUrl: z.url().optional(),
});

/** @public */
export type RestoreTestRecord = z.infer<typeof restoreTestRecordSchema>;

/**
 * A backup run as the job that took it reports it, e.g. a backup CronJob whose storage the
 * backup module cannot read, or that wants a failed run seen at once.
 *
 * @public
 */
export const backupRunRecordSchema = z.object({
  entityRef: z.string().min(1).optional(),
  /** Identifier of the backup (pgBackRest label, dump file name). */
  backupId: z.string().min(1),
  startedAt: isoDateTime,
  finishedAt: isoDateTime,
  status: z.enum(['succeeded', 'failed']),
  method: z.enum(['full', 'incremental', 'differential']).optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
  /** Why it failed. */
  error: z.string().optional(),
  logUrl: z.url().optional(),
});

/** @public */
export type BackupRunRecord = z.infer<typeof backupRunRecordSchema>;

/**
 * A load test of the service: what it sustained, so quotas and autoscaling limits rest on a
 * measurement.
 *
 * @public
 */
export const loadTestRecordSchema = z.object({
  entityRef: z.string().min(1).optional(),
  startedAt: isoDateTime,
  finishedAt: isoDateTime,
  status: z.enum(['succeeded', 'failed']),
  /** Sustained throughput. */
  requestsPerSecond: z.number().nonnegative().optional(),
  /** 99th percentile latency in milliseconds. */
  p99Ms: z.number().nonnegative().optional(),
  /** Share of failed requests, 0 to 1. */
  errorRate: z.number().min(0).max(1).optional(),
  /** The environment or URL tested. */
  target: z.string().optional(),
  logUrl: z.url().optional(),
});

/** @public */
export type LoadTestRecord = z.infer<typeof loadTestRecordSchema>;

/**
 * The payload of a record of a type a platform team declares in config
 * (`productionReadiness.pushedResults.types`): an object, read by the team's own checks.
 *
 * @public
 */
export const platformRecordSchema = z
  .object({ entityRef: z.string().min(1).optional() })
  .catchall(z.unknown());

/**
 * The payload schema of each built-in type of pushed record. A push of another type is refused
 * unless the platform declares it (then `platformRecordSchema` applies).
 *
 * @public
 */
export const PUSHED_RECORD_SCHEMAS = {
  'restore-test': restoreTestRecordSchema,
  'backup-run': backupRunRecordSchema,
  'load-test': loadTestRecordSchema,
} as const;

/** @public */
export type BuiltInRecordType = keyof typeof PUSHED_RECORD_SCHEMAS;

/**
 * Evidence pushed by an external system through `POST /results`: a restore-test record, a
 * load-test result, anything a check can use. Stored per entity and type; checks read the
 * newest of each type.
 *
 * @public
 */
export const pushedResultSchema = z.object({
  entityRef: z.string().min(1),
  /** What kind of evidence: `restore-test`, `load-test`, or a type a custom check reads. */
  type: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]{0,62}$/,
      'type must be lowercase letters, digits and dashes, at most 63 characters',
    ),
  /** When the evidence was produced. */
  observedAt: isoDateTime,
  payload: z.record(z.string(), z.unknown()),
});

/** @public */
export type PushedResult = z.infer<typeof pushedResultSchema>;
