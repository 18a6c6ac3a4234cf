import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import {
  GitOpsFact,
  KUBERNETES_COLLECTOR_ID,
  WorkloadFact,
} from '../collector/facts';
import { gitOpsKey } from '../collector/gitops';
import {
  describeObject,
  evidence,
  listSome,
  withKubernetesFacts,
  WORKLOAD_CHECK_SCOPE,
} from './helpers';

const collectors = [KUBERNETES_COLLECTOR_ID];
const REMEDIATION =
  'Keep revisionHistoryLimit above 0 (Kubernetes defaults it to 10) and give every container a readinessProbe, so a bad version stops its rollout at progressDeadlineSeconds and `kubectl rollout undo` (or a Git revert) has a revision to go back to; for automatic rollback enable Argo CD automated sync with selfHeal, or Flux HelmRelease upgrade remediation.';

/** What is missing for rolling a workload back, or undefined when nothing is. */
function missing(w: WorkloadFact): string | undefined {
  const what = describeObject(w.kind, w);
  if (w.rollout.revisionHistoryLimit === 0) {
    return `${what} keeps no old revision (revisionHistoryLimit: 0)`;
  }
  const unprobed = (w.template.spec?.containers ?? [])
    .filter(c => !c.readinessProbe)
    .map(c => c.name);
  if (unprobed.length) {
    return `${what} has no readinessProbe on ${unprobed.join(
      ', ',
    )}: a broken version rolls out as if healthy`;
  }
  if (w.kind !== 'StatefulSet' && w.rollout.progressDeadlineSeconds === 0) {
    return `${what} has no progress deadline`;
  }
  return undefined;
}

/** Whether what deploys the workload puts the last good state back by itself. */
function automaticRollback(g: GitOpsFact): string | undefined {
  if (g.kind === 'Application' && g.automated && g.selfHeal) {
    return `Argo CD self-heal (Application ${g.namespace}/${g.name}, automated sync)`;
  }
  if (g.kind === 'HelmRelease' && g.remediation) {
    return `Flux upgrade remediation (HelmRelease ${g.namespace}/${g.name}: ${g.remediation})`;
  }
  return undefined;
}

/**
 * `delivery.rollback-ready`: every workload can be rolled back: it keeps old revisions
 * (revisionHistoryLimit > 0) and has one to go back to, and its readiness probes (with the
 * Deployment's progress deadline) stop a bad rollout. Automatic rollback (Argo CD selfHeal,
 * Flux upgrade remediation) is named when present.
 */
export function createDeliveryRollbackReadyCheck(): ReadinessCheck {
  return createReadinessCheck({
    id: 'delivery.rollback-ready',
    pillar: 'delivery',
    title: 'Can be rolled back',
    description:
      'Every workload keeps old revisions (revisionHistoryLimit > 0) and has a previous one, and readiness probes with a progress deadline stop a bad rollout; automatic rollback (Argo Rollouts analysis, Argo CD selfHeal, Flux upgrade remediation) is named when configured.',
    severity: 'major',
    ...WORKLOAD_CHECK_SCOPE,
    remediation: REMEDIATION,
    sources: collectors,
    collectors,
    evaluate: withKubernetesFacts(
      ['deployments', 'statefulsets'],
      ({ facts }) => {
        const byRef = new Map(facts.gitOps.map(g => [gitOpsKey(g), g]));
        const automatic = new Map<WorkloadFact, string>();
        for (const w of facts.workloads) {
          const analyses = w.rollout.analyses ?? [];
          const how = w.gitOps
            .map(ref => byRef.get(ref.ref))
            .map(g => (g ? automaticRollback(g) : undefined))
            .find(Boolean);
          if (analyses.length) {
            // Argo Rollouts aborts a version whose analysis fails: the stable one stays.
            automatic.set(w, `Argo Rollouts analysis (${analyses.join(', ')})`);
          } else if (how) automatic.set(w, how);
        }
        const found = facts.workloads.map(w =>
          evidence(w.cluster, `${w.kind} ${w.namespace}/${w.name} rollout`, {
            revisionHistoryLimit: w.rollout.revisionHistoryLimit,
            revision: w.rollout.revision ?? null,
            progressDeadlineSeconds: w.rollout.progressDeadlineSeconds ?? null,
            automaticRollback: automatic.get(w) ?? 'none',
          }),
        );
        const problems = facts.workloads
          .map(missing)
          .filter((p): p is string => p !== undefined);
        if (problems.length) {
          return checkResult.fail(
            `Cannot be rolled back safely: ${listSome(problems, 2)}`,
            found,
            REMEDIATION,
          );
        }
        const firstRevision = facts.workloads.filter(
          w => w.kind === 'Deployment' && w.rollout.revision === 1,
        );
        if (firstRevision.length) {
          return checkResult.warn(
            `Nothing to roll back to yet: ${listSome(
              firstRevision.map(w => describeObject(w.kind, w)),
            )} ${firstRevision.length === 1 ? 'is' : 'are'} at revision 1`,
            found,
            'The first deploy has no previous revision; the next one will.',
          );
        }
        return checkResult.pass(
          `Can be rolled back: ${listSome(
            facts.workloads.map(
              w =>
                `${describeObject(w.kind, w)} by ${
                  automatic.get(w) ??
                  `hand (${w.rollout.revisionHistoryLimit} revisions kept; kubectl rollout undo or a Git revert)`
                }`,
            ),
            2,
          )}`,
          found,
        );
      },
    ),
  });
}
