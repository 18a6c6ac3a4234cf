import { z } from 'zod';
import { ANNOTATIONS } from './annotations';
import { parseDuration } from './durations';
import { parseYamlAnnotation, ParseResult } from './parse';

const duration = z
  .union([z.string(), z.number()])
  .refine(v => parseDuration(String(v)) !== undefined, {
    message: 'must be a duration such as 30m, 24h, 7d or PT24H',
  })
  .transform(v => parseDuration(String(v))!);

const cron = z
  .string()
  .regex(
    /^(@(hourly|daily|weekly|monthly|yearly))$|^(\S+\s+){4,5}\S+$/,
    'must be a cron expression such as "0 2 * * *"',
  );

/** Backup methods a plan can declare. @public */
export const BACKUP_METHODS = ['full', 'incremental', 'differential'] as const;

/** @public */
export type BackupMethod = (typeof BACKUP_METHODS)[number];

/**
 * The backup plan an owner declares in the `production-readiness.io/backup-plan` annotation,
 * as YAML:
 *
 * ```yaml
 * what: orders database, all schemas including users and roles
 * method: incremental          # full | incremental | differential
 * schedule: "0 2 * * *"        # the most frequent backup
 * fullSchedule: "0 3 * * 0"    # when method is incremental or differential
 * rpo: 24h
 * rto: 2h
 * retention: 14d               # and/or retentionCount: 14
 * procedure: https://runbooks.example.com/orders-db/restore
 * ```
 *
 * @public
 */
export const backupPlanSchema = z
  .object({
    what: z.string().min(3, 'say what is backed up'),
    method: z.enum(BACKUP_METHODS),
    schedule: cron,
    fullSchedule: cron.optional(),
    rpo: duration,
    rto: duration,
    retention: duration.optional(),
    retentionCount: z.number().int().positive().optional(),
    procedure: z.string().min(3, 'link or describe the recovery procedure'),
  })
  .refine(plan => plan.method === 'full' || plan.fullSchedule !== undefined, {
    message: 'incremental and differential plans also need fullSchedule',
    path: ['fullSchedule'],
  })
  .refine(
    plan => plan.retention !== undefined || plan.retentionCount !== undefined,
    {
      message: 'declare retention (a duration) or retentionCount',
      path: ['retention'],
    },
  );

/** A parsed backup plan; durations are in milliseconds. @public */
export type BackupPlan = z.infer<typeof backupPlanSchema>;

/** Reads the backup plan annotation of an entity. @public */
export function parseBackupPlan(
  annotations: Record<string, string> | undefined,
): ParseResult<BackupPlan> {
  return parseYamlAnnotation(
    ANNOTATIONS.backupPlan,
    annotations?.[ANNOTATIONS.backupPlan],
    backupPlanSchema,
  );
}
