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
  validations: z
    .array(
      z.object({
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
