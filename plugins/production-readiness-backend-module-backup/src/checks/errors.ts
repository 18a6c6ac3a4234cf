import {
  ANNOTATIONS,
  Evidence,
  summaryTime,
} from '@production-readiness/plugin-production-readiness-common';
import {
  BACKUP_JOB_RUNS_COLLECTOR_ID,
  BackupJob,
  BackupJobRun,
  BackupJobRunsFacts,
  CheckEvaluation,
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { BackupFacts } from '../collector/BackupCollector';
import { BackupCheckSettings } from '../config';
import {
  backupEvidence,
  Evaluate,
  LOCATION_REMEDIATION,
  runs,
  source,
  where,
  withBackupFacts,
} from './backupFacts';

/** A backup job's runs since its last success, newest first, as the check judges them. */
interface JobHistory {
  job: BackupJob;
  /** The newest run that finished. */
  last?: BackupJobRun;
  /** Failed runs newer than the newest success. */
  failedSinceSuccess: BackupJobRun[];
  /** Failed runs among those kept. */
  failed: BackupJobRun[];
  lastSuccess?: string;
}

function history(job: BackupJob): JobHistory {
  const finished = job.runs.filter(r => r.state !== 'running');
  const success = finished.findIndex(r => r.state === 'succeeded');
  const since = success === -1 ? finished : finished.slice(0, success);
  return {
    job,
    last: finished[0],
    failedSinceSuccess: since.filter(r => r.state === 'failed'),
    failed: finished.filter(r => r.state === 'failed'),
    lastSuccess:
      [finished[success]?.finishedAt, job.lastSuccessfulTime]
        .filter((t): t is string => Boolean(t))
        .sort()
        .pop() ?? undefined,
  };
}

function runEvidence(job: BackupJob, run: BackupJobRun): Evidence {
  return {
    label: `${run.state} run`,
    value: {
      job: job.job,
      run: run.name,
      ...(run.reason ? { reason: run.reason } : {}),
    },
    source: job.source,
    timestamp: run.finishedAt ?? run.startedAt,
  };
}

/** "failed its last 3 runs (newest x 8h ago: reason); last success 3d ago". */
function describeFailing(h: JobHistory): string {
  const [newest] = h.failedSinceSuccess;
  const count = h.failedSinceSuccess.length;
  return `Backup job ${h.job.job} failed ${
    count === 1 ? 'its last run' : `its last ${count} runs`
  } (newest ${newest.name} ${summaryTime(
    newest.finishedAt ?? newest.startedAt ?? '',
  )}${newest.reason ? `: ${newest.reason}` : ''}); last success ${
    h.lastSuccess ? summaryTime(h.lastSuccess) : 'never, in the runs kept'
  }`;
}

const JOB_REMEDIATION =
  'Read the logs of the failed runs named in the evidence (for a Kubernetes Job: `kubectl -n <namespace> logs job/<run>`), fix the cause, and run the backup again.';

function evaluateErrors(settings: BackupCheckSettings): Evaluate {
  return (facts: BackupFacts, context): CheckEvaluation => {
    const jobRuns = context.facts<BackupJobRunsFacts>(
      BACKUP_JOB_RUNS_COLLECTOR_ID,
    );
    const jobs = (jobRuns?.jobs ?? []).map(history);
    const failing = jobs.filter(h => h.last?.state === 'failed');
    if (failing.length) {
      return checkResult.fail(
        failing.map(describeFailing).join('; '),
        failing.flatMap(h =>
          h.failedSinceSuccess.map(run => runEvidence(h.job, run)),
        ),
        JOB_REMEDIATION,
      );
    }
    const known = runs(facts);
    const jobEvidence = jobs
      .filter(h => h.last)
      .map(h => runEvidence(h.job, h.last!));
    if (!known.length) {
      // A job that succeeds but leaves nothing where the entity's backups are is no evidence.
      return jobEvidence.length
        ? checkResult.unknown(
            `The backup jobs' last runs succeeded, but there are no backups under ${where(
              facts,
            )} to inspect`,
            jobEvidence,
            `Check that ${ANNOTATIONS.backupPrefix} names where the backup job writes (its BACKUP_PREFIX), and that the job uploads its backups.`,
          )
        : checkResult.unknown(
            `No backups under ${where(facts)} to inspect for errors${
              jobRuns ? ', and no backup job run of the entity' : ''
            }`,
            [],
            LOCATION_REMEDIATION,
          );
    }
    const newest = known[0];
    const recent = known.slice(0, settings.sizeHistory);
    const bad = recent.filter(b => b.status !== 'succeeded');
    const earlierJobFailures = jobs.filter(h => h.failed.length);
    const evidence = [
      ...bad.map(b => backupEvidence(facts, `${b.status} backup`, b)),
      ...earlierJobFailures.flatMap(h =>
        h.failed.map(run => runEvidence(h.job, run)),
      ),
      ...facts.unreadable.slice(0, 5).map(reason => ({
        label: 'unreadable metadata',
        value: reason,
        source: source(facts),
      })),
    ];
    if (newest.status !== 'succeeded') {
      return checkResult.fail(
        `Newest backup ${newest.id} ${
          newest.status === 'failed' ? 'failed' : 'partially failed'
        } ${summaryTime(newest.finishedAt)}: ${newest.problem ?? 'no detail'}`,
        evidence.length
          ? evidence
          : [backupEvidence(facts, 'newest backup', newest)],
        `Read the ${facts.tool} log of backup ${newest.id}, fix the cause, and take a new backup.`,
      );
    }
    if (bad.length || earlierJobFailures.length || facts.unreadable.length) {
      return checkResult.warn(
        [
          bad.length &&
            `${bad.length} of the last ${recent.length} backups failed or partially failed (newest: ${bad[0].id})`,
          ...earlierJobFailures.map(
            h =>
              `${h.failed.length} of the last ${h.job.runs.length} runs of backup job ${h.job.job} failed (newest: ${h.failed[0].name})`,
          ),
          facts.unreadable.length &&
            `${facts.unreadable.length} metadata files could not be read`,
        ]
          .filter(Boolean)
          .join('; '),
        evidence,
        'The newest backup is fine, but earlier runs failed: look for an intermittent cause (locks, disk space, network) in the backup logs.',
      );
    }
    const jobParts = jobs
      .filter(h => h.last)
      .map(
        h =>
          `the last ${
            h.job.runs.filter(r => r.state !== 'running').length
          } runs of backup job ${h.job.job} succeeded`,
      );
    return checkResult.pass(
      [
        `The last ${recent.length} backups finished without errors (newest ${
          newest.id
        }, ${summaryTime(newest.finishedAt)})`,
        ...jobParts,
      ].join('; '),
      [backupEvidence(facts, 'newest backup', newest), ...jobEvidence],
    );
  };
}

/** `backup.errors`: the newest backup run failed, whichever source saw it fail first. */
export function createErrorsCheck(
  settings: BackupCheckSettings,
  common: Pick<
    ReadinessCheck,
    'pillar' | 'appliesTo' | 'requiredOf' | 'collectors' | 'sources'
  >,
): ReadinessCheck {
  return createReadinessCheck({
    ...common,
    id: 'backup.errors',
    title: 'Backups finish without errors',
    description:
      "The newest backup run succeeded and recent runs have no errors or partial failures, as the backup jobs' own runs (the Jobs of backup CronJobs, where the Kubernetes module is installed), the run the job pushed and the backups in storage tell it: a job that fails every night fails this check the first morning.",
    severity: 'major',
    optionalCollectors: [BACKUP_JOB_RUNS_COLLECTOR_ID],
    remediation:
      'Read the backup tool logs of the failed backups and fix the cause.',
    evaluate: withBackupFacts(evaluateErrors(settings)),
  });
}
