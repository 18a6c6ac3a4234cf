import { V1PodTemplateSpec } from '@kubernetes/client-node';
import { ArgoRollout } from '../client/customResources';
import type { ClusterSnapshot } from './buildFacts';
import { workloadBasics, WorkloadFact } from './facts';
import { name, ns } from './objects';

/** The AnalysisTemplates a Rollout's strategy runs: what lets it abort a bad version by itself. */
function analysesOf(rollout: ArgoRollout): string[] {
  const canary = rollout.spec?.strategy?.canary;
  const blueGreen = rollout.spec?.strategy?.blueGreen;
  return [
    canary?.analysis,
    ...(canary?.steps ?? []).map(s => s.analysis),
    blueGreen?.prePromotionAnalysis,
    blueGreen?.postPromotionAnalysis,
  ].flatMap(a =>
    (a?.templates ?? [])
      .map(t => t.templateName)
      .filter((t): t is string => Boolean(t)),
  );
}

/** Deployments (`namespace/name`) whose pod template a Rollout uses through `workloadRef`. */
export function rolloutTemplateDeployments(snapshot: ClusterSnapshot) {
  return new Set(
    snapshot
      .items('argorollouts')
      .filter(r => r.spec?.workloadRef?.kind === 'Deployment')
      .map(r => `${ns(r)}/${r.spec!.workloadRef!.name}`),
  );
}

/**
 * An Argo Rollout as a workload: its pod template (inline, or the referenced Deployment's),
 * its canary or blue-green strategy, and the analyses that roll a bad version back.
 */
export function rolloutWorkload(
  snapshot: ClusterSnapshot,
  rollout: ArgoRollout,
  base: Pick<WorkloadFact, 'cluster' | 'namespace' | 'name' | 'namedEntity'>,
): WorkloadFact {
  const ref = rollout.spec?.workloadRef;
  const template: V1PodTemplateSpec =
    rollout.spec?.template ??
    (ref?.kind === 'Deployment'
      ? snapshot
          .items('deployments', ns(rollout))
          .find(d => name(d) === ref.name)?.spec?.template
      : undefined) ??
    {};
  const canary = rollout.spec?.strategy?.canary;
  return {
    ...base,
    kind: 'Rollout',
    replicas: rollout.spec?.replicas ?? 1,
    readyReplicas: rollout.status?.readyReplicas ?? 0,
    template,
    // Argo Rollouts defaults both to 25% on a canary; blue-green brings the new version up
    // in full before it switches traffic.
    strategy: canary
      ? {
          type: 'Canary',
          maxUnavailable: canary.maxUnavailable ?? '25%',
          maxSurge: canary.maxSurge ?? '25%',
        }
      : { type: rollout.spec?.strategy?.blueGreen ? 'BlueGreen' : 'none' },
    ...workloadBasics(rollout.metadata ?? {}),
    volumeClaims: [],
    nodes: snapshot.nodesOf(ns(rollout), rollout.spec?.selector),
    rollout: {
      revisionHistoryLimit: rollout.spec?.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: rollout.spec?.progressDeadlineSeconds ?? 600,
      analyses: analysesOf(rollout),
    },
  };
}
