/** The kinds the module lists from every cluster, with what messages need to name them. */
export interface ResourceSpec {
  /** Plural resource name, e.g. `deployments`. */
  plural: string;
  /** API group; empty for the core group. */
  group: string;
  version: string;
  /** Set for custom resources: the product that installs the CRD, for messages. */
  crdOf?: string;
}

export const RESOURCES = {
  deployments: { plural: 'deployments', group: 'apps', version: 'v1' },
  statefulsets: { plural: 'statefulsets', group: 'apps', version: 'v1' },
  daemonsets: { plural: 'daemonsets', group: 'apps', version: 'v1' },
  pods: { plural: 'pods', group: '', version: 'v1' },
  poddisruptionbudgets: {
    plural: 'poddisruptionbudgets',
    group: 'policy',
    version: 'v1',
  },
  horizontalpodautoscalers: {
    plural: 'horizontalpodautoscalers',
    group: 'autoscaling',
    version: 'v2',
  },
  networkpolicies: {
    plural: 'networkpolicies',
    group: 'networking.k8s.io',
    version: 'v1',
  },
  ingresses: { plural: 'ingresses', group: 'networking.k8s.io', version: 'v1' },
  services: { plural: 'services', group: '', version: 'v1' },
  persistentvolumeclaims: {
    plural: 'persistentvolumeclaims',
    group: '',
    version: 'v1',
  },
  cronjobs: { plural: 'cronjobs', group: 'batch', version: 'v1' },
  jobs: { plural: 'jobs', group: 'batch', version: 'v1' },
  servicemonitors: {
    plural: 'servicemonitors',
    group: 'monitoring.coreos.com',
    version: 'v1',
    crdOf: 'the Prometheus Operator',
  },
  podmonitors: {
    plural: 'podmonitors',
    group: 'monitoring.coreos.com',
    version: 'v1',
    crdOf: 'the Prometheus Operator',
  },
  prometheusrules: {
    plural: 'prometheusrules',
    group: 'monitoring.coreos.com',
    version: 'v1',
    crdOf: 'the Prometheus Operator',
  },
  veleroschedules: {
    plural: 'schedules',
    group: 'velero.io',
    version: 'v1',
    crdOf: 'Velero',
  },
  velerobackups: {
    plural: 'backups',
    group: 'velero.io',
    version: 'v1',
    crdOf: 'Velero',
  },
  velerorestores: {
    plural: 'restores',
    group: 'velero.io',
    version: 'v1',
    crdOf: 'Velero',
  },
  certificates: {
    plural: 'certificates',
    group: 'cert-manager.io',
    version: 'v1',
    crdOf: 'cert-manager',
  },
  cnpgclusters: {
    plural: 'clusters',
    group: 'postgresql.cnpg.io',
    version: 'v1',
    crdOf: 'CloudNativePG',
  },
  argocdapplications: {
    plural: 'applications',
    group: 'argoproj.io',
    version: 'v1alpha1',
    crdOf: 'Argo CD',
  },
  argorollouts: {
    plural: 'rollouts',
    group: 'argoproj.io',
    version: 'v1alpha1',
    crdOf: 'Argo Rollouts',
  },
  fluxkustomizations: {
    plural: 'kustomizations',
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    crdOf: 'Flux',
  },
  fluxhelmreleases: {
    plural: 'helmreleases',
    group: 'helm.toolkit.fluxcd.io',
    version: 'v2',
    crdOf: 'Flux',
  },
} satisfies Record<string, ResourceSpec>;

export type ResourceKind = keyof typeof RESOURCES;

export const RESOURCE_KINDS = Object.keys(RESOURCES) as ResourceKind[];

/** `deployments.apps`, `services` — the way RBAC and kubectl name a resource. */
export function resourceName(kind: ResourceKind): string {
  const spec: ResourceSpec = RESOURCES[kind];
  return spec.group ? `${spec.plural}.${spec.group}` : spec.plural;
}
