import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { EVIDENCE_OWNER } from '@production-readiness/plugin-production-readiness-common';
import {
  BACKUP_JOB_RUNS_COLLECTOR_ID,
  BackupJob,
  BackupJobRunsFacts,
  CollectedFacts,
  CollectorContext,
  EvidenceClaim,
  FactCollector,
} from '@production-readiness/plugin-production-readiness-node';
import { ClusterSnapshot } from './buildFacts';
import { ClusterSnapshots } from './ClusterSnapshots';
import { cronJobFacts } from './cronJobs';
import { CronJobFact } from './facts';
import {
  hasKubernetesAnnotations,
  resolveEntityTarget,
} from './KubernetesCollector';
import { matchesLabels } from './labelSelector';

const BACKUP_OF = EVIDENCE_OWNER.kubernetesBackupOfAnnotation;

/** The entity ref a CronJob's backup-of annotation names, normalised; or why it names none. */
function backupOf(annotations: { [k: string]: string } | undefined): {
  ref?: string;
  error?: string;
} {
  const value = annotations?.[BACKUP_OF]?.trim();
  if (!value) return {};
  try {
    return { ref: stringifyEntityRef(parseEntityRef(value)) };
  } catch {
    return {
      error: `annotation ${BACKUP_OF} "${value.slice(
        0,
        120,
      )}" is not an entity ref such as resource:default/orders-db`,
    };
  }
}

interface BackupCronJob {
  fact: CronJobFact;
  labels: { [k: string]: string };
  backupOf: { ref?: string; error?: string };
}

function toBackupJob(c: CronJobFact): BackupJob {
  return {
    job: `CronJob ${c.namespace}/${c.name} on cluster ${c.cluster}`,
    source: `kubernetes:${c.cluster}`,
    schedule: c.schedule,
    suspended: c.suspended,
    ...(c.lastSuccessfulTime
      ? { lastSuccessfulTime: c.lastSuccessfulTime }
      : {}),
    runs: c.jobs.map(j => ({
      name: j.name,
      state: j.state,
      ...(j.startTime ? { startedAt: j.startTime } : {}),
      ...(j.completionTime ? { finishedAt: j.completionTime } : {}),
      ...(j.reason ? { reason: j.reason } : {}),
    })),
  };
}

function claim(
  c: CronJobFact,
  how: string,
  namedEntity?: string,
): EvidenceClaim {
  return {
    kind: 'kubernetes-backup-job',
    id: `${c.cluster}/${c.namespace}/CronJob/${c.name}`,
    how,
    namedEntity,
    settle: `Annotate CronJob ${c.namespace}/${c.name} in cluster ${c.cluster} with \`${BACKUP_OF}: <the ref of the entity whose data it backs up>\`.`,
  };
}

/**
 * Provides `backup-job-runs` (see `-node`): per entity, its backup CronJobs and their Jobs,
 * from the same per-refresh snapshot as the Kubernetes collector, so no kind is listed twice.
 * A backup CronJob counts for the entity its `production-readiness.io/backup-of` annotation
 * names, wherever it runs; one without that annotation counts for the entity that selects it
 * with its Kubernetes annotations (its own backup job).
 */
export class BackupJobRunsCollector
  implements FactCollector<BackupJobRunsFacts>
{
  readonly id = BACKUP_JOB_RUNS_COLLECTOR_ID;
  readonly title = 'Kubernetes backup jobs';

  constructor(private readonly clusters: ClusterSnapshots) {}

  async collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFacts<BackupJobRunsFacts>> {
    const facts = new Map<string, BackupJobRunsFacts>();
    const errors = new Map<string, string>();
    const claims = new Map<string, EvidenceClaim[]>();
    if (!entities.length) return { facts, errors, claims };
    const snapshots = await this.clusters.of(context);
    const unlisted = snapshots.flatMap(listingProblems);
    const all = snapshots.flatMap(snapshot =>
      cronJobFacts(snapshot, undefined, () => true)
        .filter(({ fact }) => fact.purpose === 'backup')
        .map(({ object, fact }) => ({
          fact,
          labels: object.metadata?.labels ?? {},
          backupOf: backupOf(object.metadata?.annotations),
        })),
    );
    const named = new Map<string, BackupCronJob[]>();
    for (const job of all) {
      if (!job.backupOf.ref) continue;
      const key = job.backupOf.ref.toLocaleLowerCase('en-US');
      named.set(key, [...(named.get(key) ?? []), job]);
    }
    for (const entity of entities) {
      const entityRef = stringifyEntityRef(entity);
      if (unlisted.length) {
        // Any cluster could run a job that names the entity: fail closed.
        errors.set(entityRef, unlisted.join('; '));
        continue;
      }
      const mine = (named.get(entityRef.toLocaleLowerCase('en-US')) ?? []).map(
        job => ({ job, how: `${BACKUP_OF}=${entityRef}` }),
      );
      if (hasKubernetesAnnotations(entity)) {
        const target = resolveEntityTarget(entity);
        if (!target.ok) {
          errors.set(entityRef, target.error);
          continue;
        }
        const selected = all.filter(
          job =>
            !job.backupOf.ref &&
            (target.target.namespace === undefined ||
              job.fact.namespace === target.target.namespace) &&
            matchesLabels(target.target.selector, job.labels),
        );
        const broken = selected.find(job => job.backupOf.error);
        if (broken) {
          errors.set(
            entityRef,
            `CronJob ${broken.fact.namespace}/${broken.fact.name} on cluster ${broken.fact.cluster}: ${broken.backupOf.error}`,
          );
          continue;
        }
        mine.push(...selected.map(job => ({ job, how: target.text })));
      }
      facts.set(entityRef, {
        jobs: mine.map(({ job }) => toBackupJob(job.fact)),
      });
      claims.set(
        entityRef,
        mine.map(({ job, how }) => claim(job.fact, how, job.backupOf.ref)),
      );
    }
    return { facts, errors, claims };
  }
}

/** Why a cluster's backup jobs cannot be told: CronJobs or Jobs could not be listed. */
function listingProblems(snapshot: ClusterSnapshot): string[] {
  return (['cronjobs', 'jobs'] as const).flatMap(kind => {
    const state = snapshot.state(kind);
    return state.state === 'ok'
      ? []
      : [
          `cluster ${snapshot.cluster}: listing ${kind} failed: ${state.reason}`,
        ];
  });
}
