import { V1CronJob, V1Job } from '@kubernetes/client-node';
import type { ClusterSnapshot } from './buildFacts';
import { CronJobFact, JobFact } from './facts';
import { iso, name, ns, objectRef, time } from './objects';

/** Label on a CronJob saying what it is for: `backup` or `restore-test`. */
export const PURPOSE_LABEL = 'production-readiness.io/purpose';

/** Jobs keep at most this many runs of a CronJob in the facts, newest first. */
const RUNS_KEPT = 10;

function jobState(job: V1Job): JobFact {
  const conditions = job.status?.conditions ?? [];
  const isTrue = (type: string) =>
    conditions.some(c => c.type === type && c.status === 'True');
  const failed = conditions.find(
    c => c.type === 'Failed' && c.status === 'True',
  );
  let state: JobFact['state'] = 'running';
  if (isTrue('Complete') || isTrue('SuccessCriteriaMet')) state = 'succeeded';
  else if (failed) state = 'failed';
  return {
    name: name(job),
    state,
    startTime: iso(job.status?.startTime),
    completionTime: iso(job.status?.completionTime),
    reason: failed
      ? [failed.reason, failed.message].filter(Boolean).join(': ')
      : undefined,
  };
}

function cronJobPurpose(
  cronJob: V1CronJob,
): Pick<CronJobFact, 'purpose' | 'identifiedBy'> | undefined {
  const label = cronJob.metadata?.labels?.[PURPOSE_LABEL];
  if (label === 'backup' || label === 'restore-test') {
    return { purpose: label, identifiedBy: 'label' };
  }
  if (label !== undefined) {
    return undefined;
  }
  const cronJobName = name(cronJob);
  if (/restore-?test|test-?restore|verify-?restore/.test(cronJobName)) {
    return { purpose: 'restore-test', identifiedBy: 'name' };
  }
  if (/backup/.test(cronJobName)) {
    return { purpose: 'backup', identifiedBy: 'name' };
  }
  return undefined;
}

/**
 * The backup and restore-test CronJobs of one cluster that `include` keeps (in `namespace`, or
 * in all), each with its Jobs (by owner reference), newest first.
 */
export function cronJobFacts(
  snapshot: ClusterSnapshot,
  namespace: string | undefined,
  include: (cronJob: V1CronJob) => boolean,
): Array<{ object: V1CronJob; fact: CronJobFact }> {
  const found: Array<{ object: V1CronJob; fact: CronJobFact }> = [];
  for (const cronJob of snapshot.items('cronjobs', namespace)) {
    const purpose = cronJobPurpose(cronJob);
    if (!purpose || !include(cronJob)) continue;
    const jobs = snapshot
      .jobsOwnedBy(ns(cronJob), cronJob.metadata?.uid)
      .map(jobState)
      .sort((a, b) => time(b.startTime) - time(a.startTime));
    found.push({
      object: cronJob,
      fact: {
        ...objectRef(snapshot.cluster, cronJob),
        ...purpose,
        schedule: cronJob.spec?.schedule ?? '',
        timeZone: cronJob.spec?.timeZone,
        suspended: cronJob.spec?.suspend === true,
        lastScheduleTime: iso(cronJob.status?.lastScheduleTime),
        lastSuccessfulTime: iso(cronJob.status?.lastSuccessfulTime),
        jobs: jobs.slice(0, RUNS_KEPT),
      },
    });
  }
  return found;
}
