/**
 * A fact one module provides and another reads: the runs of the jobs that back up an
 * entity's data. The Kubernetes module provides it from backup CronJobs and their Jobs; the
 * backup module's `backup.errors` reads it (through `optionalCollectors`), so a backup job that
 * fails every night fails the first morning, whichever module sees the job.
 */

/**
 * Id of the collector that reports, per entity, the runs of the jobs backing up its data.
 *
 * @public
 */
export const BACKUP_JOB_RUNS_COLLECTOR_ID = 'backup-job-runs';

/** One run of a backup job. @public */
export interface BackupJobRun {
  /** The run's own name, e.g. the Job `orders-db-backup-29123400`. */
  name: string;
  state: 'succeeded' | 'failed' | 'running';
  startedAt?: string;
  finishedAt?: string;
  /** Why it failed, e.g. `BackoffLimitExceeded: Job has reached the specified backoff limit`. */
  reason?: string;
}

/** A scheduled backup job of the entity and its recent runs. @public */
export interface BackupJob {
  /** Names the job where it runs, e.g. `CronJob shop/orders-db-backup on cluster prod`. */
  job: string;
  /** Where the facts come from, e.g. `kubernetes:prod`. */
  source: string;
  schedule: string;
  suspended: boolean;
  /** When the scheduler last recorded a success, where it records one. */
  lastSuccessfulTime?: string;
  /** Its recent runs, newest first, as many as the scheduler keeps. */
  runs: BackupJobRun[];
}

/** Facts of the `backup-job-runs` collector for one entity. @public */
export interface BackupJobRunsFacts {
  /** Backup jobs bound to the entity; empty when it has none the collector can see. */
  jobs: BackupJob[];
}
