import { V1Container, V1PodSpec } from '@kubernetes/client-node';
import {
  ANNOTATIONS,
  EntityFilter,
  Evidence,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckContext,
  CheckEvaluation,
  checkResult,
} from '@production-readiness/plugin-production-readiness-node';
import { ResourceKind, resourceName } from '../client/resources';
import {
  KUBERNETES_COLLECTOR_ID,
  KubernetesFacts,
  ObjectRef,
  unreadable,
  WorkloadFact,
} from '../collector/facts';

/** Entities the Kubernetes plugin would show workloads for. */
export const KUBERNETES_ENTITIES: EntityFilter = {
  anyOf: [
    { hasAnnotations: [ANNOTATIONS.kubernetesId] },
    { hasAnnotations: [ANNOTATIONS.kubernetesLabelSelector] },
  ],
};

/** The runtime whose evidence the Kubernetes checks read. */
export const KUBERNETES_RUNTIME = 'kubernetes';

/**
 * Where a workload check applies: wherever Kubernetes annotations point at workloads, and, when
 * coverage requires its pillar, on every Component (one that declares no workload fails with
 * what to declare; one declaring another runtime is `unknown`).
 */
export const WORKLOAD_CHECK_SCOPE = {
  appliesTo: KUBERNETES_ENTITIES,
  requiredOf: { kind: ['Component'] },
  runtime: KUBERNETES_RUNTIME,
};

/** Entities with Kubernetes annotations that also match one of `filters`. */
export function kubernetesAnd(filters: EntityFilter[]): EntityFilter {
  return {
    anyOf: [ANNOTATIONS.kubernetesId, ANNOTATIONS.kubernetesLabelSelector].map(
      annotation => ({ hasAnnotations: [annotation], anyOf: filters }),
    ),
  };
}

/** `Deployment orders/orders-api (prod-eu)`. */
export function describeObject(kind: string, o: ObjectRef): string {
  return `${kind} ${o.namespace}/${o.name} (${o.cluster})`;
}

export function evidence(
  cluster: string,
  label: string,
  value: Evidence['value'],
  timestamp?: string,
): Evidence {
  return { label, value, source: `kubernetes:${cluster}`, timestamp };
}

/** "a, b and 3 more", to keep summaries to one line. */
export function listSome(items: string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** `checkout-api (prod-eu)`: names repeat across clusters. */
export const workloadName = (o: ObjectRef) => `${o.name} (${o.cluster})`;

export const plural = (n: number, word: string, many = `${word}s`) =>
  `${n} ${n === 1 ? word : many}`;

/** Clusters where the entity has objects. */
function clustersWithObjects(facts: KubernetesFacts): Set<string> {
  return new Set([
    ...facts.workloads.map(w => w.cluster),
    ...facts.cnpgClusters.map(c => c.cluster),
    ...facts.cronJobs.map(c => c.cluster),
    ...facts.persistentVolumeClaims.map(p => p.cluster),
  ]);
}

const DISCOVERY: ResourceKind[] = [
  'deployments',
  'statefulsets',
  'argorollouts',
];

/** What the evaluator of a Kubernetes check gets. */
export interface KubernetesCheckInput {
  facts: KubernetesFacts;
  context: CheckContext;
  /** Reasons of kinds (needed by the check) whose CRD is missing where the entity runs. */
  notInstalled: Map<string, Partial<Record<ResourceKind, string>>>;
}

/** `backstage.io/kubernetes-id=orders-db in namespace orders in cluster prod-eu`. */
export function where(facts: KubernetesFacts): string {
  const ns = facts.namespace ? ` in namespace ${facts.namespace}` : '';
  return `${facts.selector}${ns} in cluster${
    facts.clusters.length === 1 ? '' : 's'
  } ${facts.clusters.join(', ')}`;
}

/**
 * Runs `evaluate` with the entity's Kubernetes facts, after the answers every Kubernetes check
 * shares: no facts or no clusters or a bad annotation give `unknown` (saying what to set);
 * a failed list of a kind the check needs, where the entity runs or might run, gives `error`;
 * no workload at all gives `unknown` when the check needs workloads.
 * `discovery` names further kinds (besides Deployments and StatefulSets) where the entity's
 * objects may be found, so that a failure to list them in any cluster is an error.
 */
export function withKubernetesFacts(
  kinds: ResourceKind[],
  evaluate: (input: KubernetesCheckInput) => CheckEvaluation,
  options: { needsWorkloads?: boolean; discovery?: ResourceKind[] } = {
    needsWorkloads: true,
  },
): (context: CheckContext) => CheckEvaluation {
  return context => {
    const facts = context.facts<KubernetesFacts>(KUBERNETES_COLLECTOR_ID);
    if (!facts) {
      return checkResult.unknown(
        `No Kubernetes facts for this entity: annotate it with ${ANNOTATIONS.kubernetesId} or ${ANNOTATIONS.kubernetesLabelSelector}`,
      );
    }
    if (facts.annotationError) {
      return checkResult.unknown(
        facts.annotationError,
        [
          {
            label: 'annotation',
            value: facts.annotationError,
            source: 'catalog',
          },
        ],
        `Fix the annotation (or the relation) in catalog-info.yaml; selectors use kubectl syntax, e.g. "app.kubernetes.io/name=orders-api,tier in (api,worker)".`,
      );
    }
    if (facts.clusters.length === 0) {
      return checkResult.unknown(
        'The Backstage Kubernetes plugin knows no cluster',
        [],
        'Configure clusters for the Kubernetes plugin (kubernetes.clusterLocatorMethods: config, catalog, gke or localKubectlProxy); Production Readiness reads the clusters it knows, through its proxy.',
      );
    }
    const withObjects = clustersWithObjects(facts);
    const errors: string[] = [];
    const unavailable = new Set<string>();
    const notInstalled = new Map<
      string,
      Partial<Record<ResourceKind, string>>
    >();
    const discovery = [...DISCOVERY, ...(options.discovery ?? [])];
    for (const cluster of facts.clusters) {
      const sources = facts.sources[cluster] ?? {};
      const discoveryFailed = discovery.some(k => unreadable(sources[k]));
      if (!withObjects.has(cluster) && !discoveryFailed) continue;
      for (const kind of new Set([...discovery, ...kinds])) {
        const state = sources[kind];
        if (state?.state === 'error') {
          errors.push(state.reason);
        } else if (state?.state === 'unavailable') {
          unavailable.add(state.reason);
        } else if (state?.state === 'not-installed' && kinds.includes(kind)) {
          notInstalled.set(cluster, {
            ...notInstalled.get(cluster),
            [kind]: state.reason,
          });
        }
      }
    }
    if (errors.length) {
      return checkResult.error(
        `${errors[0]}${
          errors.length > 1
            ? ` (and ${plural(errors.length - 1, 'more list failure')})`
            : ''
        }`,
        errors.map(reason => ({
          label: 'list failed',
          value: reason,
          source: 'kubernetes',
        })),
      );
    }
    if (unavailable.size) {
      // The entity runs, or may run, on a cluster that cannot be read without a user's token:
      // what is there is not known, so neither is the verdict.
      const reasons = [...unavailable];
      return checkResult.unknown(
        reasons.join('; '),
        reasons.map(reason => ({
          label: 'cluster not read',
          value: reason,
          source: 'kubernetes',
        })),
      );
    }
    if (options.needsWorkloads && facts.workloads.length === 0) {
      // The entity says where its workloads are and none is there: claimed, not shown. A
      // database run by CloudNativePG has no Deployment or StatefulSet of its own: its
      // instances are judged by availability.database-ha, so here nothing is known.
      const verdict =
        facts.cnpgClusters.length > 0 ? checkResult.unknown : checkResult.fail;
      return verdict(
        `No Deployment, StatefulSet or Argo Rollout matches ${where(facts)}`,
        [{ label: 'selector', value: facts.selector, source: 'kubernetes' }],
        `Label the workloads with ${ANNOTATIONS.kubernetesId}=<id> (and the pod template too), or fix ${ANNOTATIONS.kubernetesLabelSelector} / ${ANNOTATIONS.kubernetesNamespace}.`,
      );
    }
    return evaluate({ facts, context, notInstalled });
  };
}

/** The message for a CRD that is missing where the entity runs, or undefined. */
export function missingCrd(
  input: KubernetesCheckInput,
  cluster: string,
  kind: ResourceKind,
): string | undefined {
  return input.notInstalled.get(cluster)?.[kind];
}

export { resourceName };

/** Every container of a pod spec, with its kind, for container-level checks. */
export function containersOf(
  spec: V1PodSpec | undefined,
  options: { init?: boolean } = {},
): Array<{ container: V1Container; init: boolean }> {
  return [
    ...(options.init
      ? (spec?.initContainers ?? []).map(container => ({
          container,
          init: true,
        }))
      : []),
    ...(spec?.containers ?? []).map(container => ({ container, init: false })),
  ];
}

/**
 * Runs a per-container predicate over every workload: passes when all containers satisfy it,
 * fails listing the offenders.
 */
export function evaluateContainers(
  workloads: WorkloadFact[],
  options: {
    init?: boolean;
    /** Undefined when the container is fine; otherwise what is wrong with it. */
    problem: (container: V1Container, pod: V1PodSpec) => string | undefined;
    passSummary: (total: number) => string;
    failSummary: (bad: number, total: number, offenders: string) => string;
    remediation?: (offenders: string[]) => string;
  },
): CheckEvaluation {
  let total = 0;
  const offenders: string[] = [];
  const items: Evidence[] = [];
  for (const w of workloads) {
    const pod = w.template.spec ?? { containers: [] };
    for (const { container, init } of containersOf(pod, {
      init: options.init,
    })) {
      total += 1;
      const problem = options.problem(container, pod);
      const label = `${w.kind} ${w.namespace}/${w.name} ${
        init ? 'init container' : 'container'
      } ${container.name}`;
      items.push(evidence(w.cluster, label, problem ?? 'ok'));
      if (problem) {
        offenders.push(`${w.name}/${container.name} (${problem})`);
      }
    }
  }
  if (offenders.length === 0) {
    return checkResult.pass(options.passSummary(total), items);
  }
  return checkResult.fail(
    options.failSummary(offenders.length, total, listSome(offenders)),
    items,
    options.remediation?.(offenders),
  );
}
