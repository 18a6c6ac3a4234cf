import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { Evidence } from '@production-readiness/plugin-production-readiness-common';
import { ResourceKind, resourceName } from '../client/resources';
import {
  GitOpsFact,
  KUBERNETES_COLLECTOR_ID,
  KubernetesFacts,
  WorkloadFact,
} from '../collector/facts';
import {
  ARGOCD_APP_NAME_ANNOTATION,
  ARGOCD_INSTANCE_LABEL,
  ARGOCD_TRACKING_ANNOTATION,
  GITOPS_RESOURCES,
} from '../collector/gitops';
import { KubernetesModuleSettings } from '../config';
import {
  describeObject,
  evidence,
  listSome,
  withKubernetesFacts,
  WORKLOAD_CHECK_SCOPE,
} from './helpers';

const collectors = [KUBERNETES_COLLECTOR_ID];
const REMEDIATION = `Deploy every production workload from Git with an Argo CD Application (annotation tracking writes ${ARGOCD_TRACKING_ANNOTATION}; name it in catalog-info.yaml with ${ARGOCD_APP_NAME_ANNOTATION}) or a Flux Kustomization/HelmRelease, and keep it Synced and Healthy (Ready).`;
const GITOPS_KINDS = Object.values(GITOPS_RESOURCES);

const describe = (g: GitOpsFact) =>
  `${g.kind} ${g.namespace}/${g.name} (${g.cluster})`;

/** What is wrong with a GitOps object, or undefined. */
function problemOf(
  g: GitOpsFact,
  requireAutomatedSync: boolean,
): string | undefined {
  if (g.suspended) {
    return `${describe(g)} is suspended: Flux does not apply Git to it`;
  }
  if (!g.synced || !g.healthy) {
    return `${describe(g)} is ${g.state}${g.message ? `: ${g.message}` : ''}`;
  }
  if (requireAutomatedSync && !g.automated) {
    return `${describe(
      g,
    )} syncs only when someone presses Sync (no syncPolicy.automated)`;
  }
  return undefined;
}

/** Whether no GitOps object can be read for a workload: no Argo CD anywhere, no Flux in its cluster. */
function noGitOpsServed(facts: KubernetesFacts, w: WorkloadFact): boolean {
  const served = (cluster: string, kind: ResourceKind) =>
    facts.sources[cluster]?.[kind]?.state === 'ok';
  return (
    !facts.clusters.some(c => served(c, 'argocdapplications')) &&
    !served(w.cluster, 'fluxkustomizations') &&
    !served(w.cluster, 'fluxhelmreleases')
  );
}

/**
 * `delivery.gitops-synced`: each workload is deployed by an Argo CD Application or a Flux
 * Kustomization/HelmRelease that is Synced and Healthy (Ready), syncing by itself where the
 * platform requires it.
 */
export function createDeliveryGitOpsSyncedCheck(
  settings: Pick<KubernetesModuleSettings, 'requireAutomatedSync'>,
): ReadinessCheck {
  return createReadinessCheck({
    id: 'delivery.gitops-synced',
    pillar: 'delivery',
    title: 'GitOps application synced and healthy',
    description: `Every workload is deployed by an Argo CD Application (tracking annotation or label, or named by ${ARGOCD_APP_NAME_ANNOTATION}) or a Flux Kustomization/HelmRelease that is Synced and Healthy${
      settings.requireAutomatedSync ? ' and syncs automatically' : ''
    }.`,
    severity: 'major',
    ...WORKLOAD_CHECK_SCOPE,
    remediation: REMEDIATION,
    sources: collectors,
    collectors,
    evaluate: withKubernetesFacts(
      ['deployments', 'statefulsets', ...GITOPS_KINDS],
      ({ facts }) => {
        if (facts.gitOpsAnnotationError) {
          return checkResult.unknown(
            facts.gitOpsAnnotationError,
            [
              {
                label: 'annotation',
                value: facts.gitOpsAnnotationError,
                source: 'catalog',
              },
            ],
            `Fix ${ARGOCD_APP_NAME_ANNOTATION} in catalog-info.yaml: Application names, comma-separated.`,
          );
        }
        const found: Evidence[] = facts.gitOps.map(g =>
          evidence(g.cluster, describe(g), {
            state: g.state,
            automated: g.automated,
            selfHeal: g.selfHeal,
            revision: g.revision ?? null,
            deploys: g.deploys,
            boundBy: g.boundBy,
            ...(g.message ? { message: g.message } : {}),
          }),
        );
        const problems = facts.gitOps
          .map(g => problemOf(g, settings.requireAutomatedSync))
          .filter((p): p is string => p !== undefined);
        const unreadable: string[] = [];
        for (const w of facts.workloads.filter(x => !x.gitOps.length)) {
          const what = describeObject(w.kind, w);
          const unserved = noGitOpsServed(facts, w);
          found.push(
            evidence(
              w.cluster,
              `${w.kind} ${w.namespace}/${w.name} GitOps`,
              unserved
                ? 'Argo CD and Flux not installed'
                : w.gitOpsMissing.join('; ') || 'none',
            ),
          );
          if (unserved) unreadable.push(what);
          else if (w.gitOpsMissing.length) {
            problems.push(`${what}: ${w.gitOpsMissing.join('; ')}`);
          } else {
            problems.push(
              `${what} is deployed by no Argo CD Application or Flux object (no ${ARGOCD_TRACKING_ANNOTATION} annotation, ${ARGOCD_INSTANCE_LABEL} label of an Application listing it, Flux labels, or ${ARGOCD_APP_NAME_ANNOTATION} naming one)`,
            );
          }
        }
        for (const app of facts.unboundApps) {
          problems.push(
            `Application ${app} (${ARGOCD_APP_NAME_ANNOTATION}) deploys none of the entity's workloads: no cluster has an Application of that name listing them`,
          );
        }
        if (problems.length) {
          return checkResult.fail(
            `Not synced from Git: ${listSome(problems, 2)}`,
            found,
            REMEDIATION,
          );
        }
        if (unreadable.length) {
          return checkResult.unknown(
            `Neither Argo CD nor Flux is installed where ${listSome(
              unreadable,
              2,
            )} run${
              unreadable.length === 1 ? 's' : ''
            }: no cluster serves ${resourceName(
              'argocdapplications',
            )}, and theirs serve neither ${resourceName(
              'fluxkustomizations',
            )} nor ${resourceName(
              'fluxhelmreleases',
            )} (the CRDs are not installed)`,
            found,
            'Install Argo CD or Flux in the cluster (or give the module a cluster where Argo CD runs) and deploy through it.',
          );
        }
        return checkResult.pass(
          `Synced from Git: ${listSome(
            facts.gitOps.map(g => `${describe(g)} ${g.state}`),
            3,
          )}`,
          found,
        );
      },
    ),
  });
}
