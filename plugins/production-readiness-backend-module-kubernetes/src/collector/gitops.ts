import { ArgoCdApplication, FluxObject } from '../client/customResources';
import { ResourceKind } from '../client/resources';
import type { ClusterSnapshot } from './buildFacts';
import { GitOpsFact, KubernetesFacts, WorkloadFact } from './facts';
import { KubeObjectMeta, name, ns, objectRef } from './objects';

/** Argo CD's annotation tracking (default since Argo CD 3.0): `<app>:<group>/<kind>:<ns>/<name>`. */
export const ARGOCD_TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';
/** Argo CD's label tracking (the default before 3.0); Helm sets the same label to the release. */
export const ARGOCD_INSTANCE_LABEL = 'app.kubernetes.io/instance';
/** The Argo CD Backstage plugin's entity annotation naming the entity's Applications. */
export const ARGOCD_APP_NAME_ANNOTATION = 'argocd/app-name';

/** The labels Flux's controllers put on every object they apply. */
const FLUX_LABELS = [
  {
    kind: 'Kustomization' as const,
    resource: 'fluxkustomizations' as const,
    prefix: 'kustomize.toolkit.fluxcd.io',
  },
  {
    kind: 'HelmRelease' as const,
    resource: 'fluxhelmreleases' as const,
    prefix: 'helm.toolkit.fluxcd.io',
  },
];

export type GitOpsKind = GitOpsFact['kind'];

export const GITOPS_RESOURCES: Record<GitOpsKind, ResourceKind> = {
  Application: 'argocdapplications',
  Kustomization: 'fluxkustomizations',
  HelmRelease: 'fluxhelmreleases',
};

/** What a workload's labels or annotations say deploys it. */
export interface GitOpsMarker {
  kind: GitOpsKind;
  /** Set when the marker names it (Flux always, Argo CD for apps in any namespace). */
  namespace?: string;
  name: string;
  /** The label or annotation that said so. */
  via: string;
}

/** `ns_app` (apps in any namespace) or `app`. */
function argoAppName(value: string): { namespace?: string; name: string } {
  const i = value.indexOf('_');
  return i > 0
    ? { namespace: value.slice(0, i), name: value.slice(i + 1) }
    : { name: value };
}

/** The GitOps objects a workload's own metadata names as the one that applied it. */
export function gitOpsMarkers(metadata: KubeObjectMeta['metadata']) {
  const labels = metadata?.labels ?? {};
  const markers: GitOpsMarker[] = [];
  const tracking = metadata?.annotations?.[ARGOCD_TRACKING_ANNOTATION];
  if (tracking?.includes(':')) {
    markers.push({
      kind: 'Application',
      ...argoAppName(tracking.slice(0, tracking.indexOf(':'))),
      via: `annotation ${ARGOCD_TRACKING_ANNOTATION}`,
    });
  }
  const instance = labels[ARGOCD_INSTANCE_LABEL];
  if (instance && !markers.length) {
    // Only a hint: it counts when an Application of that name lists the workload.
    markers.push({
      kind: 'Application',
      ...argoAppName(instance),
      via: `label ${ARGOCD_INSTANCE_LABEL}`,
    });
  }
  for (const flux of FLUX_LABELS) {
    const fluxName = labels[`${flux.prefix}/name`];
    const fluxNamespace = labels[`${flux.prefix}/namespace`];
    if (fluxName && fluxNamespace) {
      markers.push({
        kind: flux.kind,
        namespace: fluxNamespace,
        name: fluxName,
        via: `labels ${flux.prefix}/name and /namespace`,
      });
    }
  }
  return markers;
}

const IN_CLUSTER = new Set(['https://kubernetes.default.svc', 'in-cluster']);

function listsWorkload(app: ArgoCdApplication, w: WorkloadFact): boolean {
  return (app.status?.resources ?? []).some(
    r =>
      r.kind === w.kind &&
      r.namespace === w.namespace &&
      r.name === w.name &&
      (r.group ?? 'apps') === (w.kind === 'Rollout' ? 'argoproj.io' : 'apps'),
  );
}

/**
 * Applications of that name that list the workload among their resources: those in the
 * workload's own cluster, else those elsewhere (a management cluster) whose destination is
 * not their own cluster.
 */
function argoAppsOf(
  snapshots: ClusterSnapshot[],
  w: WorkloadFact,
  wanted: { namespace?: string; name: string },
): Array<{ cluster: string; app: ArgoCdApplication }> {
  const candidates = snapshots.flatMap(s =>
    s
      .applicationsNamed(wanted.name)
      .filter(
        app =>
          (wanted.namespace === undefined || ns(app) === wanted.namespace) &&
          listsWorkload(app, w),
      )
      .map(app => ({ cluster: s.cluster, app })),
  );
  const local = candidates.filter(c => c.cluster === w.cluster);
  if (local.length) return local;
  return candidates.filter(
    ({ app }) =>
      !IN_CLUSTER.has(app.spec?.destination?.server ?? '') &&
      !IN_CLUSTER.has(app.spec?.destination?.name ?? ''),
  );
}

const condition = (o: FluxObject, type: string) =>
  o.status?.conditions?.find(c => c.type === type);

function argoFact(
  cluster: string,
  app: ArgoCdApplication,
): Omit<GitOpsFact, 'deploys' | 'boundBy'> {
  const sync = app.status?.sync?.status ?? 'Unknown';
  const health = app.status?.health?.status ?? 'Unknown';
  const automated = app.spec?.syncPolicy?.automated;
  const failedOperation = ['Failed', 'Error'].includes(
    app.status?.operationState?.phase ?? '',
  )
    ? app.status?.operationState?.message
    : undefined;
  const message = [
    app.status?.health?.message,
    failedOperation,
    ...(app.status?.conditions ?? [])
      .filter(c => c.type?.endsWith('Error'))
      .map(c => `${c.type}: ${c.message}`),
  ]
    .filter(Boolean)
    .join('; ');
  return {
    ...objectRef(cluster, app),
    kind: 'Application',
    state: `${sync}, ${health}`,
    synced: sync === 'Synced',
    healthy: health === 'Healthy',
    automated: automated !== undefined && automated.enabled !== false,
    selfHeal: automated?.selfHeal === true && automated.enabled !== false,
    suspended: false,
    revision: app.status?.sync?.revision,
    ...(message ? { message: message.slice(0, 500) } : {}),
  };
}

/**
 * A HelmRelease's rollback of a failed upgrade: Flux remediates when retries are set (or
 * remediateLastFailure), by rolling back unless the strategy is uninstall.
 */
function upgradeRemediation(o: FluxObject): Pick<GitOpsFact, 'remediation'> {
  const remediation = o.spec?.upgrade?.remediation;
  const retries = remediation?.retries ?? 0;
  const strategy = remediation?.strategy ?? 'rollback';
  if (strategy !== 'rollback') return {};
  if (retries === 0 && remediation?.remediateLastFailure !== true) return {};
  return {
    remediation: `rollback after ${retries === -1 ? 'unlimited' : retries} ${
      retries === 1 ? 'retry' : 'retries'
    }`,
  };
}

function fluxFact(
  cluster: string,
  kind: 'Kustomization' | 'HelmRelease',
  o: FluxObject,
): Omit<GitOpsFact, 'deploys' | 'boundBy'> {
  const ready = condition(o, 'Ready');
  const stalled = condition(o, 'Stalled')?.status === 'True';
  const current =
    o.metadata?.generation === undefined ||
    (o.status?.observedGeneration ?? 0) >= o.metadata.generation;
  const isReady = ready?.status === 'True' && current && !stalled;
  const state = `Ready=${ready?.status ?? 'absent'}${
    ready?.reason ? ` (${ready.reason})` : ''
  }${current ? '' : ', spec not yet reconciled'}${stalled ? ', Stalled' : ''}`;
  return {
    ...objectRef(cluster, o),
    kind,
    state,
    synced: isReady,
    healthy: isReady,
    // Flux reconciles on its interval by itself unless suspended.
    automated: o.spec?.suspend !== true,
    selfHeal: o.spec?.suspend !== true,
    suspended: o.spec?.suspend === true,
    ...upgradeRemediation(o),
    revision:
      o.status?.lastAppliedRevision ?? o.status?.history?.[0]?.chartVersion,
    ...(ready?.message && ready.status !== 'True'
      ? { message: ready.message.slice(0, 500) }
      : {}),
  };
}

/** How a workload names the GitOps fact that deploys it (`WorkloadFact.gitOps[].ref`). */
export const gitOpsKey = (f: {
  kind: string;
  cluster: string;
  namespace: string;
  name: string;
}) => `${f.kind}/${f.cluster}/${f.namespace}/${f.name}`;
const key = gitOpsKey;

/**
 * Ties the entity's workloads to the GitOps objects that deploy them, across all clusters (an
 * Argo CD on a management cluster deploys to others): by the workloads' own tracking labels
 * and annotations, and by the Applications the entity names (`argocd/app-name`) when those
 * list the workload. Evidence follows the workload: an Application that deploys none of the
 * entity's workloads does not count for it, whoever names it.
 */
export function addGitOpsFacts(
  facts: KubernetesFacts,
  snapshots: ClusterSnapshot[],
  namedApps: string[],
) {
  const found = new Map<string, GitOpsFact>();
  const bind = (
    fact: Omit<GitOpsFact, 'deploys' | 'boundBy'>,
    w: WorkloadFact,
    via: string,
  ) => {
    const entry = found.get(key(fact)) ?? {
      ...fact,
      deploys: [],
      boundBy: via,
    };
    const workload = `${w.kind} ${w.namespace}/${w.name} (${w.cluster})`;
    if (!entry.deploys.includes(workload)) entry.deploys.push(workload);
    found.set(key(fact), entry);
    w.gitOps.push({ kind: fact.kind, ref: key(fact), via });
  };
  const bound = new Set<string>();
  for (const w of facts.workloads) {
    const snapshot = snapshots.find(s => s.cluster === w.cluster);
    for (const marker of w.gitOpsMarkers) {
      if (marker.kind === 'Application') {
        const apps = argoAppsOf(snapshots, w, marker);
        for (const { cluster, app } of apps) {
          bind(argoFact(cluster, app), w, marker.via);
          bound.add(name(app));
        }
        if (!apps.length && !marker.via.startsWith('label')) {
          w.gitOpsMissing.push(
            `${marker.via} names Application ${
              marker.namespace ? `${marker.namespace}/` : ''
            }${
              marker.name
            }, which no cluster has with this workload among its resources`,
          );
        }
        continue;
      }
      const resource = FLUX_LABELS.find(f => f.kind === marker.kind)!.resource;
      const object = snapshot
        ?.items(resource, marker.namespace)
        .find(o => name(o) === marker.name);
      if (object) {
        bind(fluxFact(w.cluster, marker.kind, object), w, marker.via);
      } else {
        w.gitOpsMissing.push(
          `${marker.via} name ${marker.kind} ${marker.namespace}/${marker.name}, which cluster ${w.cluster} does not have`,
        );
      }
    }
    for (const appName of namedApps) {
      for (const { cluster, app } of argoAppsOf(snapshots, w, {
        name: appName,
      })) {
        if (!w.gitOps.some(g => g.ref === key(argoFact(cluster, app)))) {
          bind(
            argoFact(cluster, app),
            w,
            `annotation ${ARGOCD_APP_NAME_ANNOTATION} on the entity`,
          );
        }
        bound.add(appName);
      }
    }
  }
  facts.gitOps.push(...found.values());
  facts.unboundApps.push(...namedApps.filter(a => !bound.has(a)));
}

/** Valid Argo CD Application names from `argocd/app-name` (comma-separated), or the problem. */
export function parseArgoAppNames(
  value: string | undefined,
): { ok: true; names: string[] } | { ok: false; error: string } {
  const names = (value ?? '')
    .split(',')
    .map(n => n.trim())
    .filter(Boolean);
  const bad = names.find(
    n => n.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(n),
  );
  return bad === undefined
    ? { ok: true, names }
    : {
        ok: false,
        error: `annotation ${ARGOCD_APP_NAME_ANNOTATION} "${bad.slice(
          0,
          80,
        )}" is not an Argo CD Application name (lowercase letters, digits, "-" and ".", at most 253)`,
      };
}
