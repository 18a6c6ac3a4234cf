import {
  V1Job,
  V1LabelSelector,
  V1OwnerReference,
  V1PodTemplateSpec,
} from '@kubernetes/client-node';
import { ListOutcome, ResourceTypes } from '../client/ClusterClient';
import { RESOURCE_KINDS, ResourceKind } from '../client/resources';
import {
  emptyKubernetesFacts,
  IngressFact,
  KubernetesFacts,
  LogShipperFact,
  ObjectRef,
  SourceState,
  workloadBasics,
  WorkloadFact,
} from './facts';
import {
  fromKubernetesSelector,
  LabelSelector,
  matchesLabels,
} from './labelSelector';
import { cnpgClusterFacts } from './cnpgClusters';
import { clusterLogShippers } from './logShippers';
import { ContainerLogRotationFact } from './containerLogRotation';
import { addGitOpsFacts } from './gitops';
import { rolloutTemplateDeployments, rolloutWorkload } from './rollouts';
import { ArgoCdApplication } from '../client/customResources';
import { veleroFact } from './velero';
import { cronJobFacts } from './cronJobs';
import { iso, KubeObjectMeta, name, ns, objectRef } from './objects';

export { PURPOSE_LABEL } from './cronJobs';

/** Everything listed from one cluster, indexed by namespace. */
export class ClusterSnapshot {
  private readonly byNamespace = new Map<
    ResourceKind,
    Map<string, unknown[]>
  >();

  constructor(
    readonly cluster: string,
    private readonly lists: {
      [K in ResourceKind]: ListOutcome<ResourceTypes[K]>;
    },
    /** Image names that make a DaemonSet a log shipper (settings.logShipperImages). */
    private readonly logShipperImages: string[] = [],
    /** How its kubelets rotate container logs, when read. */
    readonly containerLogRotation: ContainerLogRotationFact = {
      cluster,
      state: 'unknown',
      reason: `the kubelet configuration of cluster ${cluster} was not read`,
    },
  ) {
    for (const kind of RESOURCE_KINDS) {
      const outcome = lists[kind];
      const index = new Map<string, unknown[]>();
      if (outcome.state === 'ok') {
        for (const item of outcome.items) {
          const namespace = ns(item as KubeObjectMeta);
          const list = index.get(namespace) ?? [];
          list.push(item);
          index.set(namespace, list);
        }
      }
      this.byNamespace.set(kind, index);
    }
  }

  state(kind: ResourceKind): SourceState {
    const outcome = this.lists[kind];
    return outcome.state === 'ok'
      ? { state: 'ok' }
      : { state: outcome.state, reason: outcome.reason };
  }

  /** Objects of `kind` in `namespace`, or in all namespaces. */
  items<K extends ResourceKind>(
    kind: K,
    namespace?: string,
  ): ResourceTypes[K][] {
    const index = this.byNamespace.get(kind)!;
    if (namespace !== undefined) {
      return (index.get(namespace) ?? []) as ResourceTypes[K][];
    }
    return [...index.values()].flat() as ResourceTypes[K][];
  }

  /** Namespaces with any object of `kind`. */
  namespaces(kind: ResourceKind): string[] {
    return [...this.byNamespace.get(kind)!.keys()];
  }

  private shippers?: LogShipperFact[];

  /** The cluster's log shipper DaemonSets and their ready nodes, computed once per snapshot. */
  logShippers(): LogShipperFact[] {
    this.shippers ??= clusterLogShippers(
      this.cluster,
      this.items('daemonsets'),
      this.items('pods'),
      this.logShipperImages,
    );
    return this.shippers;
  }

  /** Nodes that run the pods `selector` matches in `namespace`, sorted. */
  nodesOf(namespace: string, selector: V1LabelSelector | undefined): string[] {
    const parsed = fromKubernetesSelector(selector);
    return [
      ...new Set(
        this.items('pods', namespace)
          .filter(
            p => p.spec?.nodeName && matchesLabels(parsed, p.metadata?.labels),
          )
          .map(p => p.spec!.nodeName!),
      ),
    ].sort();
  }

  private rolloutTemplateSet?: Set<string>;

  /** Deployments (`namespace/name`) a Rollout takes its template from, once per snapshot. */
  rolloutTemplates(): Set<string> {
    this.rolloutTemplateSet ??= rolloutTemplateDeployments(this);
    return this.rolloutTemplateSet;
  }

  private appsByName?: Map<string, ArgoCdApplication[]>;

  /** The Argo CD Applications of that name, indexed once per snapshot. */
  applicationsNamed(appName: string): ArgoCdApplication[] {
    if (!this.appsByName) {
      this.appsByName = new Map();
      for (const app of this.items('argocdapplications')) {
        const apps = this.appsByName.get(name(app)) ?? [];
        apps.push(app);
        this.appsByName.set(name(app), apps);
      }
    }
    return this.appsByName.get(appName) ?? [];
  }

  private jobsByOwner?: Map<string, V1Job[]>;

  /**
   * The Jobs a CronJob owns (by owner reference), in listing order. The index over all Jobs
   * is built once per snapshot, however many entities and collectors ask.
   */
  jobsOwnedBy(namespace: string, cronJobUid: string | undefined): V1Job[] {
    if (!this.jobsByOwner) {
      this.jobsByOwner = new Map();
      for (const job of this.items('jobs')) {
        for (const owner of job.metadata?.ownerReferences ?? []) {
          if (owner.kind === 'CronJob') {
            const key = `${ns(job)}/${owner.uid}`;
            const jobs = this.jobsByOwner.get(key) ?? [];
            jobs.push(job);
            this.jobsByOwner.set(key, jobs);
          }
        }
      }
    }
    return this.jobsByOwner.get(`${namespace}/${cronJobUid}`) ?? [];
  }
}

/** How an entity's objects are found. */
export interface EntityTarget {
  selector: LabelSelector;
  namespace?: string;
  /** Argo CD Applications the entity names (`argocd/app-name`). */
  argoApps?: string[];
}

function selectsPods(
  selector: V1LabelSelector | undefined,
  template: V1PodTemplateSpec,
): boolean {
  return matchesLabels(
    fromKubernetesSelector(selector),
    template.metadata?.labels,
  );
}

function claimNames(
  template: V1PodTemplateSpec,
  statefulSet?: { name: string; replicas: number; templates: string[] },
): string[] {
  const claims = (template.spec?.volumes ?? [])
    .map(v => v.persistentVolumeClaim?.claimName)
    .filter((c): c is string => Boolean(c));
  if (statefulSet) {
    // StatefulSet claims are named <template>-<statefulset>-<ordinal>.
    for (const t of statefulSet.templates) {
      for (let i = 0; i < Math.max(statefulSet.replicas, 1); i++) {
        claims.push(`${t}-${statefulSet.name}-${i}`);
      }
    }
  }
  return claims;
}

/** The controlling owner of a workload, when an operator (or another controller) owns it. */
function controllerOf(
  metadata: { ownerReferences?: V1OwnerReference[] } | undefined,
): Pick<WorkloadFact, 'controller'> {
  const owner = metadata?.ownerReferences?.find(r => r.controller);
  return owner ? { controller: { kind: owner.kind, name: owner.name } } : {};
}

/** The Deployment controller's revision number, when it wrote one. */
function revisionOf(
  annotations: { [key: string]: string } | undefined,
): number | undefined {
  const revision = Number(annotations?.['deployment.kubernetes.io/revision']);
  return Number.isInteger(revision) && revision > 0 ? revision : undefined;
}

/** Collects what one cluster says about one entity into `facts`. */
function addClusterFacts(
  facts: KubernetesFacts,
  snapshot: ClusterSnapshot,
  target: EntityTarget,
) {
  const cluster = snapshot.cluster;
  const mine = (o: { metadata?: { labels?: { [k: string]: string } } }) =>
    matchesLabels(target.selector, o.metadata?.labels);
  const ref = (o: KubeObjectMeta): ObjectRef => objectRef(cluster, o);

  const workloads: WorkloadFact[] = [];
  // A Deployment a Rollout takes its template from is the Rollout's, not a workload of its own.
  const rolloutTemplates = snapshot.rolloutTemplates();
  for (const d of snapshot
    .items('deployments', target.namespace)
    .filter(mine)
    .filter(x => !rolloutTemplates.has(`${ns(x)}/${name(x)}`))) {
    const rolling = d.spec?.strategy?.rollingUpdate;
    workloads.push({
      ...ref(d),
      kind: 'Deployment',
      replicas: d.spec?.replicas ?? 1,
      readyReplicas: d.status?.readyReplicas ?? 0,
      template: d.spec?.template ?? {},
      strategy: {
        type: d.spec?.strategy?.type ?? 'RollingUpdate',
        // Kubernetes defaults both to 25% when the strategy is RollingUpdate.
        maxUnavailable: rolling?.maxUnavailable ?? '25%',
        maxSurge: rolling?.maxSurge ?? '25%',
      },
      volumeClaims: claimNames(d.spec?.template ?? {}),
      nodes: snapshot.nodesOf(ns(d), d.spec?.selector),
      ...workloadBasics(d.metadata ?? {}),
      ...controllerOf(d.metadata),
      rollout: {
        revisionHistoryLimit: d.spec?.revisionHistoryLimit ?? 10,
        revision: revisionOf(d.metadata?.annotations),
        progressDeadlineSeconds: d.spec?.progressDeadlineSeconds ?? 600,
      },
    });
  }
  for (const s of snapshot
    .items('statefulsets', target.namespace)
    .filter(mine)) {
    const replicas = s.spec?.replicas ?? 1;
    workloads.push({
      ...ref(s),
      kind: 'StatefulSet',
      replicas,
      readyReplicas: s.status?.readyReplicas ?? 0,
      template: s.spec?.template ?? {},
      strategy: {
        type: s.spec?.updateStrategy?.type ?? 'RollingUpdate',
        maxUnavailable: s.spec?.updateStrategy?.rollingUpdate?.maxUnavailable,
      },
      volumeClaims: claimNames(s.spec?.template ?? {}, {
        name: name(s),
        replicas,
        templates: (s.spec?.volumeClaimTemplates ?? []).map(name),
      }),
      nodes: snapshot.nodesOf(ns(s), s.spec?.selector),
      ...workloadBasics(s.metadata ?? {}),
      ...controllerOf(s.metadata),
      rollout: { revisionHistoryLimit: s.spec?.revisionHistoryLimit ?? 10 },
    });
  }

  for (const r of snapshot
    .items('argorollouts', target.namespace)
    .filter(mine)) {
    const rollout = rolloutWorkload(snapshot, r, ref(r));
    workloads.push({ ...rollout, volumeClaims: claimNames(rollout.template) });
  }

  const entityServices = new Set<string>();
  for (const w of workloads) {
    const pdbs = snapshot.items('poddisruptionbudgets', w.namespace);
    w.disruptionBudgets = pdbs
      .filter(p => selectsPods(p.spec?.selector, w.template))
      .map(p => ({
        name: name(p),
        minAvailable: p.spec?.minAvailable,
        maxUnavailable: p.spec?.maxUnavailable,
        disruptionsAllowed: p.status?.disruptionsAllowed,
      }));
    w.autoscalers = snapshot
      .items('horizontalpodautoscalers', w.namespace)
      .filter(
        h =>
          h.spec?.scaleTargetRef?.kind === w.kind &&
          h.spec?.scaleTargetRef?.name === w.name,
      )
      .map(h => ({
        name: name(h),
        minReplicas: h.spec?.minReplicas ?? 1,
        maxReplicas: h.spec?.maxReplicas ?? 0,
      }));
    w.networkPolicies = snapshot
      .items('networkpolicies', w.namespace)
      // An empty podSelector ({}) selects every pod of the namespace.
      .filter(p => selectsPods(p.spec?.podSelector ?? {}, w.template))
      .map(p => ({
        name: name(p),
        policyTypes: p.spec?.policyTypes ?? ['Ingress'],
      }));
    const services = snapshot
      .items('services', w.namespace)
      .filter(
        s =>
          s.spec?.selector !== undefined &&
          Object.keys(s.spec.selector).length > 0 &&
          matchesLabels(
            fromKubernetesSelector({ matchLabels: s.spec.selector }),
            w.template.metadata?.labels,
          ),
      );
    w.services = services.map(name);
    services.forEach(s => entityServices.add(`${w.namespace}/${name(s)}`));
    const watches = (
      namespaceSelector: { any?: boolean; matchNames?: string[] } | undefined,
      monitorNamespace: string,
    ) =>
      namespaceSelector?.any === true ||
      (namespaceSelector?.matchNames?.length
        ? namespaceSelector.matchNames.includes(w.namespace)
        : monitorNamespace === w.namespace);
    w.serviceMonitors = snapshot
      .items('servicemonitors')
      .filter(
        m =>
          watches(m.spec?.namespaceSelector, ns(m)) &&
          services.some(s =>
            matchesLabels(
              fromKubernetesSelector(m.spec?.selector),
              s.metadata?.labels,
            ),
          ),
      )
      .map(m => `${ns(m)}/${name(m)}`);
    w.podMonitors = snapshot
      .items('podmonitors')
      .filter(
        m =>
          watches(m.spec?.namespaceSelector, ns(m)) &&
          selectsPods(m.spec?.selector, w.template),
      )
      .map(m => `${ns(m)}/${name(m)}`);
  }
  facts.workloads.push(...workloads);

  facts.cnpgClusters.push(...cnpgClusterFacts(snapshot, target));

  facts.cronJobs.push(
    ...cronJobFacts(snapshot, target.namespace, mine).map(c => c.fact),
  );

  const claimNamesByNs = new Set(
    workloads.flatMap(w => w.volumeClaims.map(c => `${w.namespace}/${c}`)),
  );
  const pvcs = snapshot
    .items('persistentvolumeclaims', target.namespace)
    .filter(p => mine(p) || claimNamesByNs.has(`${ns(p)}/${name(p)}`));
  facts.persistentVolumeClaims.push(...pvcs.map(ref));

  const certificates = snapshot.items('certificates');
  for (const ingress of snapshot.items('ingresses', target.namespace)) {
    const backends = [
      ingress.spec?.defaultBackend?.service?.name,
      ...(ingress.spec?.rules ?? []).flatMap(r =>
        (r.http?.paths ?? []).map(p => p.backend?.service?.name),
      ),
    ].filter((s): s is string => Boolean(s));
    const routesToEntity = backends.some(s =>
      entityServices.has(`${ns(ingress)}/${s}`),
    );
    if (!mine(ingress) && !routesToEntity) continue;
    const fact: IngressFact = {
      ...ref(ingress),
      hosts: (ingress.spec?.rules ?? [])
        .map(r => r.host)
        .filter((h): h is string => Boolean(h)),
      tls: (ingress.spec?.tls ?? []).map(tls => {
        const certificate = certificates.find(
          c => ns(c) === ns(ingress) && c.spec?.secretName === tls.secretName,
        );
        const ready = certificate?.status?.conditions?.find(
          c => c.type === 'Ready',
        );
        return {
          hosts: tls.hosts ?? [],
          secretName: tls.secretName,
          certificate: certificate && {
            name: name(certificate),
            ready: ready?.status === 'True',
            readyReason: ready?.reason,
            readyMessage: ready?.message,
            notAfter: iso(certificate.status?.notAfter),
            renewalTime: iso(certificate.status?.renewalTime),
          },
        };
      }),
    };
    facts.ingresses.push(fact);
  }

  for (const rule of snapshot
    .items('prometheusrules', target.namespace)
    .filter(mine)) {
    facts.prometheusRules.push({
      ...ref(rule),
      alerts: (rule.spec?.groups ?? []).flatMap(g =>
        (g.rules ?? [])
          .map(r => r.alert)
          .filter((a): a is string => typeof a === 'string'),
      ),
    });
  }

  if (workloads.length) {
    facts.logShippers.push(...snapshot.logShippers());
    facts.containerLogRotation.push(snapshot.containerLogRotation);
  }

  const statefulNamespaces = new Set([
    ...workloads.map(w => w.namespace),
    ...pvcs.map(ns),
    ...facts.cronJobs.filter(c => c.cluster === cluster).map(c => c.namespace),
  ]);
  for (const namespace of statefulNamespaces) {
    facts.velero.push(veleroFact(snapshot, namespace));
  }
}

/** The facts of one entity, from the snapshots of every cluster. */
export function buildEntityFacts(
  target: EntityTarget,
  selectorText: string,
  snapshots: ClusterSnapshot[],
): KubernetesFacts {
  const facts: KubernetesFacts = {
    ...emptyKubernetesFacts(
      selectorText,
      snapshots.map(s => s.cluster),
    ),
    namespace: target.namespace,
  };
  for (const snapshot of snapshots) {
    facts.sources[snapshot.cluster] = Object.fromEntries(
      RESOURCE_KINDS.map(kind => [kind, snapshot.state(kind)]),
    );
    addClusterFacts(facts, snapshot, target);
  }
  addGitOpsFacts(facts, snapshots, target.argoApps ?? []);
  return facts;
}
