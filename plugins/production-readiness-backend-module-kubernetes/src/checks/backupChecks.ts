import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  Evidence,
  formatDuration,
  summaryTime,
  parseBackupPlan,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { PURPOSE_LABEL } from '../collector/buildFacts';
import {
  CnpgClusterFact,
  CronJobFact,
  KUBERNETES_COLLECTOR_ID,
  VeleroFact,
} from '../collector/facts';
import {
  describeObject,
  evidence,
  KUBERNETES_ENTITIES,
  kubernetesAnd,
  KUBERNETES_RUNTIME,
  KubernetesCheckInput,
  listSome,
  missingCrd,
  plural,
  withKubernetesFacts,
} from './helpers';
import { successDeadline } from './schedules';

const collectors = [KUBERNETES_COLLECTOR_ID];

/** Entities that run in Kubernetes and hold data: databases, or anything with a backup declared. */
const STATEFUL_ENTITIES = kubernetesAnd([
  { kind: ['Resource'], type: ['database'] },
  { hasAnnotations: [ANNOTATIONS.backupPlan] },
  { hasAnnotations: [ANNOTATIONS.backupTool] },
  { hasAnnotations: [ANNOTATIONS.backupLocation] },
]);

const usesVelero = (entity: Entity) =>
  entity.metadata.annotations?.[ANNOTATIONS.backupTool]?.trim() === 'velero';

/** When something last happened, for summaries (the UI shows the age). */
const when = (at: string | undefined) => (at ? summaryTime(at) : 'never');

function lastSuccess(c: CronJobFact): string | undefined {
  const fromJobs = c.jobs.find(j => j.state === 'succeeded')?.completionTime;
  const candidates = [c.lastSuccessfulTime, fromJobs].filter((t): t is string =>
    Boolean(t),
  );
  return candidates.sort().pop();
}

function cronJobEvidence(c: CronJobFact): Evidence {
  const last = c.jobs.find(j => j.state !== 'running');
  return evidence(
    c.cluster,
    describeObject('CronJob', c),
    {
      schedule: c.schedule,
      suspended: c.suspended,
      identifiedBy:
        c.identifiedBy === 'label' ? `label ${PURPOSE_LABEL}` : 'name',
      lastSuccessfulTime: lastSuccess(c) ?? null,
      lastJob: last
        ? `${last.name} ${last.state}${last.reason ? ` (${last.reason})` : ''}`
        : null,
    },
    lastSuccess(c),
  );
}

/** Judges one backup CronJob; undefined when it is healthy. */
function cronJobProblem(c: CronJobFact, now: Date): string | undefined {
  if (c.suspended) return `CronJob ${c.name} is suspended`;
  const window = successDeadline(c.schedule, now, c.timeZone);
  if ('error' in window) return `CronJob ${c.name}: ${window.error}`;
  const success = lastSuccess(c);
  const lastFinished = c.jobs.find(j => j.state !== 'running');
  if (lastFinished?.state === 'failed') {
    return `last Job ${lastFinished.name} of CronJob ${c.name} failed${
      lastFinished.reason ? ` (${lastFinished.reason})` : ''
    }; last success ${when(success)}`;
  }
  if (!success) return `CronJob ${c.name} has never succeeded`;
  if (Date.parse(success) < window.deadline.getTime()) {
    return `CronJob ${c.name} last succeeded ${when(
      success,
    )}, before its schedule "${
      c.schedule
    }" ran at ${window.deadline.toISOString()}`;
  }
  return undefined;
}

/**
 * How old the newest CloudNativePG backup may be when the entity declares no backup plan: a
 * daily ScheduledBackup plus two hours for it to run. The CronJob path needs no default, as
 * every CronJob carries its own schedule; a Cluster does not (its ScheduledBackups are not read).
 */
const CNPG_DEFAULT_MAX_BACKUP_AGE_MS = 26 * 60 * 60 * 1000;

const CNPG_REMEDIATION =
  'Configure backups of the CloudNativePG Cluster (spec.backup.barmanObjectStore or volumeSnapshot, or a backup plugin such as barman-cloud.cloudnative-pg.io in spec.plugins) with a ScheduledBackup; for failures see `kubectl cnpg status <cluster>` and the status.error of its Backup objects.';

/** Before when the newest backup must be: from the entity's backup plan, or the default. */
function cnpgBackupWindow(
  entity: Entity,
  now: Date,
): { deadline: number; rule: string } {
  const fallback = (why: string) => ({
    deadline: now.getTime() - CNPG_DEFAULT_MAX_BACKUP_AGE_MS,
    rule: `${why}: at most ${formatDuration(
      CNPG_DEFAULT_MAX_BACKUP_AGE_MS,
    )} old`,
  });
  if (entity.metadata.annotations?.[ANNOTATIONS.backupPlan] === undefined) {
    return fallback('no backup plan');
  }
  const plan = parseBackupPlan(entity.metadata.annotations);
  if (!plan.ok) return fallback(plan.error);
  const window = successDeadline(plan.value.schedule, now);
  if ('error' in window) return fallback(`backup plan ${window.error}`);
  return {
    deadline: window.deadline.getTime(),
    rule: `backup plan schedule "${plan.value.schedule}"`,
  };
}

/** Judges the backups a CloudNativePG Cluster takes of itself, from its spec and status. */
function cnpgBackupVerdict(
  c: CnpgClusterFact,
  window: { deadline: number; rule: string },
): { state: 'ok' | 'fail' | 'unknown'; text: string; evidence: Evidence } {
  const b = c.backup;
  const cond = b.condition;
  const pluginOnly =
    b.methods.length > 0 && b.methods.every(m => m.startsWith('plugin '));
  // The operator leaves status.lastSuccessfulBackup unset for plugin backups; the condition
  // goes False (BackupStarted) when each backup starts and True when it completes, so its
  // lastTransitionTime is when the last one completed.
  const success =
    b.lastSuccessfulBackup ??
    (pluginOnly && cond?.status === 'True'
      ? cond.lastTransitionTime
      : undefined);
  const item = evidence(
    c.cluster,
    describeObject('CloudNativePG Cluster', c),
    {
      backupMethods: b.methods.length ? b.methods.join(', ') : 'none',
      condition: cond
        ? `LastBackupSucceeded ${cond.status}${
            cond.reason ? ` (${cond.reason})` : ''
          }${cond.message ? `: ${cond.message}` : ''}`
        : null,
      lastSuccessfulBackup: b.lastSuccessfulBackup ?? null,
      lastFailedBackup: b.lastFailedBackup ?? null,
      firstRecoverabilityPoint: b.firstRecoverabilityPoint ?? null,
      schedule: window.rule,
    },
    success,
  );
  const who = `CloudNativePG Cluster ${c.name} (${c.cluster})`;
  const result = (state: 'ok' | 'fail' | 'unknown', text: string) => ({
    state,
    text,
    evidence: item,
  });
  if (!b.methods.length) {
    return result(
      'fail',
      `${who} has no backup configured (neither spec.backup.barmanObjectStore nor spec.backup.volumeSnapshot, and no backup plugin in spec.plugins)`,
    );
  }
  if (cond?.status === 'False' && cond.reason !== 'BackupStarted') {
    return result(
      'fail',
      `last backup of ${who} failed${
        b.lastFailedBackup ? ` ${when(b.lastFailedBackup)}` : ''
      }: ${
        cond.message ?? cond.reason ?? 'LastBackupSucceeded is False'
      }; last success ${when(success)}`,
    );
  }
  if (!success) {
    if (pluginOnly && cond?.status === 'False') {
      return result(
        'unknown',
        `${who}: a plugin backup is running and the operator records no completion time for plugin backups`,
      );
    }
    return result('fail', `${who} has no successful backup yet`);
  }
  const at = Date.parse(success);
  if (Number.isNaN(at)) {
    return result(
      'unknown',
      `${who}: backup time "${success.slice(0, 40)}" cannot be read`,
    );
  }
  if (at < window.deadline) {
    return result(
      'fail',
      `${who} last backed up successfully ${when(success)}, too old for ${
        window.rule
      }`,
    );
  }
  return result(
    'ok',
    `${c.name} (${c.cluster}) last backed up successfully ${when(success)}`,
  );
}

/** Judges CloudNativePG Clusters that back themselves up, for entities without a backup CronJob. */
function evaluateCnpgBackups(input: KubernetesCheckInput): CheckEvaluation {
  const now = input.context.now;
  const window = cnpgBackupWindow(input.context.entity, now);
  const verdicts = input.facts.cnpgClusters.map(c =>
    cnpgBackupVerdict(c, window),
  );
  const items = verdicts.map(v => v.evidence);
  const texts = (state: string) =>
    verdicts.filter(v => v.state === state).map(v => v.text);
  if (texts('fail').length) {
    return checkResult.fail(texts('fail').join('; '), items, CNPG_REMEDIATION);
  }
  if (texts('unknown').length) {
    return checkResult.unknown(
      texts('unknown').join('; '),
      items,
      CNPG_REMEDIATION,
    );
  }
  return checkResult.pass(
    `CloudNativePG backs up the database: ${listSome(texts('ok'))} (${
      window.rule
    })`,
    items,
  );
}

const BACKUP_PHASES_OK = ['Completed'];

/** Judges Velero coverage of the entity's namespaces; used by two checks. */
function evaluateVelero(input: KubernetesCheckInput): CheckEvaluation {
  const { facts, context } = input;
  const now = context.now;
  const volumes = facts.persistentVolumeClaims.length;
  if (volumes === 0 && !facts.workloads.some(w => w.kind === 'StatefulSet')) {
    return checkResult.pass(
      'No PersistentVolumeClaims or StatefulSets: no volumes for Velero to back up',
      [{ label: 'PersistentVolumeClaims', value: 0, source: 'kubernetes' }],
    );
  }
  const items: Evidence[] = [];
  const problems: string[] = [];
  const unknowns: string[] = [];
  const namespaces: VeleroFact[] = facts.velero.filter(
    v =>
      facts.persistentVolumeClaims.some(
        p => p.cluster === v.cluster && p.namespace === v.namespace,
      ) ||
      facts.workloads.some(
        w =>
          w.kind === 'StatefulSet' &&
          w.cluster === v.cluster &&
          w.namespace === v.namespace,
      ),
  );
  const covered: string[] = [];
  for (const v of namespaces) {
    const missing =
      missingCrd(input, v.cluster, 'veleroschedules') ??
      missingCrd(input, v.cluster, 'velerobackups');
    const place = `namespace ${v.namespace} (${v.cluster})`;
    if (missing) {
      unknowns.push(`${place}: ${missing}`);
      continue;
    }
    if (!v.schedules.length) {
      problems.push(`no Velero Schedule covers ${place}`);
      items.push(
        evidence(v.cluster, `Velero schedules covering ${v.namespace}`, 'none'),
      );
      continue;
    }
    let best: string | undefined;
    const scheduleProblems: string[] = [];
    for (const s of v.schedules) {
      const newest = s.backups.find(
        b => b.phase !== 'InProgress' && b.phase !== 'New',
      );
      items.push(
        evidence(
          v.cluster,
          `Velero Schedule ${s.name}`,
          {
            schedule: s.cron,
            phase: s.phase ?? null,
            paused: s.paused,
            newestBackup: newest ? `${newest.name} ${newest.phase}` : null,
            errors: newest?.errors ?? null,
          },
          newest?.completionTimestamp,
        ),
      );
      if (s.paused) {
        scheduleProblems.push(`Schedule ${s.name} is paused`);
        continue;
      }
      if (s.phase && s.phase !== 'Enabled') {
        scheduleProblems.push(`Schedule ${s.name} is ${s.phase}`);
        continue;
      }
      if (!newest) {
        scheduleProblems.push(`Schedule ${s.name} has no finished Backup`);
        continue;
      }
      if (!BACKUP_PHASES_OK.includes(newest.phase)) {
        scheduleProblems.push(
          `newest Backup ${newest.name} of ${s.name} is ${newest.phase}${
            newest.errors ? ` with ${plural(newest.errors, 'error')}` : ''
          }${newest.failureReason ? ` (${newest.failureReason})` : ''}`,
        );
        continue;
      }
      const window = successDeadline(s.cron, now);
      if ('error' in window) {
        scheduleProblems.push(`Schedule ${s.name}: ${window.error}`);
        continue;
      }
      const at = newest.completionTimestamp ?? newest.startTimestamp;
      if (!at || Date.parse(at) < window.deadline.getTime()) {
        scheduleProblems.push(
          `newest Completed Backup ${newest.name} of ${s.name} is from ${when(
            at,
          )}, older than its schedule "${s.cron}"`,
        );
        continue;
      }
      best = `${s.name} → ${newest.name} Completed ${when(at)}`;
    }
    if (best) covered.push(`${place}: ${best}`);
    else problems.push(...scheduleProblems);
  }
  if (problems.length) return checkResult.fail(problems.join('; '), items);
  if (unknowns.length) {
    return checkResult.unknown(
      unknowns.join('; '),
      items,
      'Install Velero in the cluster and add a Schedule covering the namespace, or declare another backup tool.',
    );
  }
  return checkResult.pass(
    `Velero backs up the volumes: ${listSome(covered)}`,
    items,
  );
}

export function createBackupChecks(options: {
  restoreTestMaxAgeMs: number;
}): ReadinessCheck[] {
  const maxAge = formatDuration(options.restoreTestMaxAgeMs);
  /** Nothing of the entity in any cluster: say so instead of judging its backups. */
  const nothingFound = ({ facts }: KubernetesCheckInput) =>
    facts.workloads.length === 0 &&
    facts.cronJobs.length === 0 &&
    facts.persistentVolumeClaims.length === 0
      ? checkResult.unknown(
          `No workload, CronJob or PersistentVolumeClaim matches ${
            facts.selector
          }${
            facts.namespace ? ` in namespace ${facts.namespace}` : ''
          } in clusters ${facts.clusters.join(', ')}`,
          [],
          `Label the workloads and CronJobs with ${ANNOTATIONS.kubernetesId}=<id>, or fix the entity's Kubernetes annotations.`,
        )
      : undefined;
  return [
    createReadinessCheck({
      id: 'backup.cluster-backup-job',
      pillar: 'backup',
      title: 'Backup job runs on schedule',
      description: `A backup CronJob of the entity (label ${PURPOSE_LABEL}=backup, or "backup" in its name) is not suspended, its last Job succeeded, and it succeeded within its own schedule. With backup tool velero, the Velero Schedule is judged instead. Without a backup CronJob, a CloudNativePG Cluster of the entity passes when it has backup configured, its LastBackupSucceeded condition is not False, and its last successful backup is within the schedule of the entity's backup plan (${formatDuration(
        CNPG_DEFAULT_MAX_BACKUP_AGE_MS,
      )} without a plan).`,
      severity: 'critical',
      appliesTo: STATEFUL_ENTITIES,
      runtime: KUBERNETES_RUNTIME,
      remediation: `Add a backup CronJob labelled ${PURPOSE_LABEL}: backup and backstage.io/kubernetes-id, and fix the failing Job (kubectl logs job/<name>).`,
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts(
        [
          'cronjobs',
          'jobs',
          'veleroschedules',
          'velerobackups',
          'persistentvolumeclaims',
          'cnpgclusters',
        ],
        input => {
          // A CloudNativePG Cluster may be all the entity has (its Pods are not workloads).
          const nothing = input.facts.cnpgClusters.length
            ? undefined
            : nothingFound(input);
          if (nothing) return nothing;
          const backups = input.facts.cronJobs.filter(
            c => c.purpose === 'backup',
          );
          const now = input.context.now;
          if (!backups.length) {
            if (usesVelero(input.context.entity)) {
              const velero = evaluateVelero(input);
              return {
                ...velero,
                summary: `Backups are taken by Velero: ${velero.summary}`,
              };
            }
            if (input.facts.cnpgClusters.length) {
              return evaluateCnpgBackups(input);
            }
            return checkResult.fail(
              `No backup CronJob matches ${input.facts.selector}${
                input.facts.namespace
                  ? ` in namespace ${input.facts.namespace}`
                  : ''
              } (label ${PURPOSE_LABEL}=backup or "backup" in the name)`,
              [
                {
                  label: 'CronJobs found',
                  value: input.facts.cronJobs.map(c => c.name),
                  source: 'kubernetes',
                },
              ],
            );
          }
          const items = backups.map(cronJobEvidence);
          const problems = backups
            .map(c => cronJobProblem(c, now))
            .filter((p): p is string => p !== undefined);
          if (problems.length) {
            return checkResult.fail(problems.join('; '), items);
          }
          return checkResult.pass(
            `${plural(
              backups.length,
              'backup CronJob',
            )} succeeded on schedule: ${listSome(
              backups.map(
                c =>
                  `${c.name} (${c.schedule}) last succeeded ${when(
                    lastSuccess(c),
                  )}`,
              ),
            )}`,
            items,
          );
        },
        { needsWorkloads: false, discovery: ['cnpgclusters'] },
      ),
    }),
    createReadinessCheck({
      id: 'backup.cluster-restore-test',
      pillar: 'backup',
      title: `Restore tested in the last ${maxAge}`,
      description: `A restore-test CronJob (label ${PURPOSE_LABEL}=restore-test) succeeded, or a Velero Restore of the entity's namespace completed, within ${maxAge}.`,
      severity: 'major',
      appliesTo: STATEFUL_ENTITIES,
      runtime: KUBERNETES_RUNTIME,
      remediation: `Add a restore-test CronJob labelled ${PURPOSE_LABEL}: restore-test that restores the newest backup into a scratch instance and validates it; or run a Velero restore into a scratch namespace regularly.`,
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts(
        ['cronjobs', 'jobs', 'velerorestores', 'velerobackups'],
        input => {
          const { facts, context } = input;
          const nothing = nothingFound(input);
          if (nothing) return nothing;
          const now = context.now;
          const since = now.getTime() - options.restoreTestMaxAgeMs;
          const tests = facts.cronJobs.filter(
            c => c.purpose === 'restore-test',
          );
          const items: Evidence[] = tests.map(cronJobEvidence);
          const restores = facts.velero.flatMap(v =>
            v.restores.map(r => ({ ...r, cluster: v.cluster })),
          );
          for (const r of restores.slice(0, 5)) {
            items.push(
              evidence(
                r.cluster,
                `Velero Restore ${r.name}`,
                { backup: r.backupName ?? null, phase: r.phase },
                r.completionTimestamp,
              ),
            );
          }
          const recentJob = tests
            .map(c => ({ c, at: lastSuccess(c) }))
            .filter(x => x.at && Date.parse(x.at) >= since)
            .sort((a, b) => Date.parse(b.at!) - Date.parse(a.at!))[0];
          if (recentJob) {
            return checkResult.pass(
              `Restore test ${recentJob.c.name} succeeded ${when(
                recentJob.at,
              )} (limit ${maxAge})`,
              items,
            );
          }
          const recentRestore = restores.find(
            r =>
              r.phase === 'Completed' &&
              r.completionTimestamp &&
              Date.parse(r.completionTimestamp) >= since,
          );
          if (recentRestore) {
            return checkResult.pass(
              `Velero Restore ${recentRestore.name} of backup ${
                recentRestore.backupName
              } completed ${when(
                recentRestore.completionTimestamp,
              )} (limit ${maxAge})`,
              items,
            );
          }
          if (!tests.length && !restores.length) {
            return checkResult.fail(
              `No restore-test CronJob (label ${PURPOSE_LABEL}=restore-test) and no Velero Restore of the entity's namespaces`,
              items,
            );
          }
          const newest = tests.map(lastSuccess).filter(Boolean).sort().pop();
          const failedJob = tests.flatMap(c =>
            c.jobs
              .filter(j => j.state === 'failed')
              .map(
                j =>
                  `${c.name}: ${j.name} failed${
                    j.reason ? ` (${j.reason})` : ''
                  }`,
              ),
          )[0];
          return checkResult.fail(
            `No restore test succeeded in the last ${maxAge}: newest success ${when(
              newest,
            )}${failedJob ? `; ${failedJob}` : ''}`,
            items,
          );
        },
        { needsWorkloads: false },
      ),
    }),
    createReadinessCheck({
      id: 'backup.velero-schedule',
      pillar: 'backup',
      title: 'Velero backs up the volumes',
      description:
        'When the entity has persistent volumes, a Velero Schedule covers their namespace and its newest Backup is Completed (not PartiallyFailed or Failed) within the schedule.',
      severity: 'major',
      appliesTo: KUBERNETES_ENTITIES,
      runtime: KUBERNETES_RUNTIME,
      remediation:
        'Add a velero.io/v1 Schedule whose template.includedNamespaces contains the namespace (with snapshotVolumes or defaultVolumesToFsBackup), and fix the causes of failed or partially failed backups (velero backup describe <name> --details).',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts(
        ['persistentvolumeclaims', 'veleroschedules', 'velerobackups'],
        evaluateVelero,
      ),
    }),
  ];
}
