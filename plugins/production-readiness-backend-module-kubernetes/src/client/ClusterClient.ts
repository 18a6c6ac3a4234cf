import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  Configuration,
  CoreV1Api,
  createConfiguration,
  CustomObjectsApi,
  NetworkingV1Api,
  PolicyV1Api,
  SecurityAuthentication,
  ServerConfiguration,
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1Ingress,
  V1Job,
  V1NetworkPolicy,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodDisruptionBudget,
  V1Service,
  V1StatefulSet,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import * as http from 'node:http';
import { ClusterConnection } from './ClusterConnection';
import { createClusterAgent } from './clusterAgent';
import {
  createBoundedHttpLibrary,
  describeAbort,
  RequestStoppedError,
} from './boundedHttpLibrary';
import {
  ArgoCdApplication,
  ArgoRollout,
  Certificate,
  CnpgCluster,
  FluxObject,
  PodMonitor,
  PrometheusRule,
  ServiceMonitor,
  VeleroBackup,
  VeleroRestore,
  VeleroSchedule,
} from './customResources';
import {
  RESOURCES,
  ResourceKind,
  resourceName,
  ResourceSpec,
} from './resources';

/** The object type of each listed kind. */
export interface ResourceTypes {
  deployments: V1Deployment;
  statefulsets: V1StatefulSet;
  daemonsets: V1DaemonSet;
  /** Only what the checks read: see `slimPod`. */
  pods: V1Pod;
  poddisruptionbudgets: V1PodDisruptionBudget;
  horizontalpodautoscalers: V2HorizontalPodAutoscaler;
  networkpolicies: V1NetworkPolicy;
  ingresses: V1Ingress;
  services: V1Service;
  persistentvolumeclaims: V1PersistentVolumeClaim;
  cronjobs: V1CronJob;
  jobs: V1Job;
  servicemonitors: ServiceMonitor;
  podmonitors: PodMonitor;
  prometheusrules: PrometheusRule;
  veleroschedules: VeleroSchedule;
  velerobackups: VeleroBackup;
  velerorestores: VeleroRestore;
  certificates: Certificate;
  cnpgclusters: CnpgCluster;
  argocdapplications: ArgoCdApplication;
  argorollouts: ArgoRollout;
  fluxkustomizations: FluxObject;
  fluxhelmreleases: FluxObject;
}

/** The outcome of reading one ConfigMap. */
export type ConfigMapOutcome =
  | { state: 'ok'; data: Record<string, string> }
  | { state: 'absent' | 'error'; reason: string };

/** The outcome of listing one kind from one cluster. */
export type ListOutcome<T> =
  | { state: 'ok'; items: T[]; pages: number }
  /** A custom resource whose CRD the cluster does not serve (404). */
  | { state: 'not-installed'; reason: string }
  | { state: 'error'; reason: string }
  /** Not listed: the cluster cannot be read without a signed-in user's token. */
  | { state: 'unavailable'; reason: string };

interface Page {
  items: unknown[];
  next?: string;
}

interface Apis {
  apps: AppsV1Api;
  core: CoreV1Api;
  policy: PolicyV1Api;
  autoscaling: AutoscalingV2Api;
  networking: NetworkingV1Api;
  batch: BatchV1Api;
  custom: CustomObjectsApi;
}

type PageParams = { limit: number; _continue?: string };

const TYPED_LISTS: Partial<
  Record<ResourceKind, (apis: Apis, params: PageParams) => Promise<Page>>
> = {
  deployments: async (a, p) =>
    typed(await a.apps.listDeploymentForAllNamespaces(p)),
  statefulsets: async (a, p) =>
    typed(await a.apps.listStatefulSetForAllNamespaces(p)),
  daemonsets: async (a, p) =>
    typed(await a.apps.listDaemonSetForAllNamespaces(p)),
  pods: async (a, p) => {
    const page = typed(await a.core.listPodForAllNamespaces(p));
    return { ...page, items: (page.items as V1Pod[]).map(slimPod) };
  },
  poddisruptionbudgets: async (a, p) =>
    typed(await a.policy.listPodDisruptionBudgetForAllNamespaces(p)),
  horizontalpodautoscalers: async (a, p) =>
    typed(await a.autoscaling.listHorizontalPodAutoscalerForAllNamespaces(p)),
  networkpolicies: async (a, p) =>
    typed(await a.networking.listNetworkPolicyForAllNamespaces(p)),
  ingresses: async (a, p) =>
    typed(await a.networking.listIngressForAllNamespaces(p)),
  services: async (a, p) => typed(await a.core.listServiceForAllNamespaces(p)),
  persistentvolumeclaims: async (a, p) =>
    typed(await a.core.listPersistentVolumeClaimForAllNamespaces(p)),
  cronjobs: async (a, p) => typed(await a.batch.listCronJobForAllNamespaces(p)),
  jobs: async (a, p) => typed(await a.batch.listJobForAllNamespaces(p)),
};

function typed(list: {
  items: unknown[];
  metadata?: { _continue?: string };
}): Page {
  return { items: list.items ?? [], next: list.metadata?._continue };
}

/**
 * A pod as the snapshot keeps it: where it runs, whose it is and whether it is ready. Pods are
 * the most numerous kind of a cluster; their specs and statuses are dropped page by page.
 */
function slimPod(pod: V1Pod): V1Pod {
  const ready = pod.status?.conditions?.find(c => c.type === 'Ready');
  return {
    metadata: {
      name: pod.metadata?.name,
      namespace: pod.metadata?.namespace,
      labels: pod.metadata?.labels,
      ownerReferences: pod.metadata?.ownerReferences?.map(o => ({
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.name,
        uid: o.uid,
      })),
    },
    spec: { nodeName: pod.spec?.nodeName, containers: [] },
    status: {
      phase: pod.status?.phase,
      ...(ready
        ? { conditions: [{ type: 'Ready', status: ready.status }] }
        : {}),
    },
  };
}

const MAX_PAGES = 1000;

/**
 * What an error answer says: the message of a Kubernetes `Status` (from the API server), or of
 * a Backstage error body (from the Kubernetes plugin's proxy: unknown cluster, credentials the
 * auth strategy could not get, cluster unreachable), with its cause.
 */
function answerOf(
  body: unknown,
): { from: 'cluster' | 'proxy'; message: string } | undefined {
  const text = typeof body === 'string' ? body : undefined;
  if (!text) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as {
      kind?: unknown;
      message?: unknown;
      error?: { message?: unknown; cause?: { message?: unknown } };
    };
    if (parsed.kind === 'Status' && typeof parsed.message === 'string') {
      return { from: 'cluster', message: parsed.message.slice(0, 300) };
    }
    if (typeof parsed.error?.message === 'string') {
      const cause = parsed.error.cause?.message;
      return {
        from: 'proxy',
        message: `${parsed.error.message}${
          typeof cause === 'string' && !parsed.error.message.includes(cause)
            ? `: ${cause}`
            : ''
        }`.slice(0, 300),
      };
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** Adds the connection's headers (credentials, proxy cluster header) to every request. */
function connectionHeaders(
  connection: ClusterConnection,
): SecurityAuthentication {
  return {
    getName: () => 'production-readiness',
    async applySecurityAuthentication(context) {
      for (const [name, value] of Object.entries(await connection.headers())) {
        context.setHeaderParam(name, value);
      }
    },
  };
}

/**
 * Lists whole kinds from one cluster with `@kubernetes/client-node`: one paginated list
 * (`limit` + `continue`) across all namespaces per kind, nothing per entity.
 */
export class ClusterClient {
  private constructor(
    readonly cluster: ClusterConnection,
    private readonly agent: http.Agent,
    private readonly options: {
      pageSize: number;
      requestTimeoutMs: number;
      maxResponseBytes: number;
    },
  ) {}

  static create(
    cluster: ClusterConnection,
    options: {
      pageSize: number;
      requestTimeoutMs: number;
      maxResponseBytes: number;
    },
  ): ClusterClient {
    return new ClusterClient(cluster, createClusterAgent(cluster), options);
  }

  /** Closes the cluster's idle connections; a later request opens new ones. */
  close(): void {
    this.agent.destroy();
  }

  /** API clients whose requests honour `signal` and the module's time and size limits. */
  private apis(signal: AbortSignal): Apis {
    const configuration: Configuration = createConfiguration({
      baseServer: new ServerConfiguration(this.cluster.url, {}),
      authMethods: { default: connectionHeaders(this.cluster) },
      httpApi: createBoundedHttpLibrary({
        signal,
        timeoutMs: this.options.requestTimeoutMs,
        maxBytes: this.options.maxResponseBytes,
        agent: this.agent,
      }),
    });
    return {
      apps: new AppsV1Api(configuration),
      core: new CoreV1Api(configuration),
      policy: new PolicyV1Api(configuration),
      autoscaling: new AutoscalingV2Api(configuration),
      networking: new NetworkingV1Api(configuration),
      batch: new BatchV1Api(configuration),
      custom: new CustomObjectsApi(configuration),
    };
  }

  /** Lists every object of `kind` in all namespaces, following `continue` tokens. */
  async list<K extends ResourceKind>(
    kind: K,
    signal: AbortSignal,
  ): Promise<ListOutcome<ResourceTypes[K]>> {
    const spec: ResourceSpec = RESOURCES[kind];
    const apis = this.apis(signal);
    const fetchPage = async (params: PageParams): Promise<Page> => {
      const typedList = TYPED_LISTS[kind];
      if (typedList) {
        return typedList(apis, params);
      }
      const list = (await apis.custom.listCustomObjectForAllNamespaces({
        group: spec.group,
        version: spec.version,
        plural: spec.plural,
        ...params,
      })) as { items?: unknown; metadata?: { continue?: string } };
      if (!list || !Array.isArray(list.items)) {
        throw new SyntaxError('the list has no items array');
      }
      return { items: list.items, next: list.metadata?.continue };
    };

    const items: ResourceTypes[K][] = [];
    let token: string | undefined;
    let pages = 0;
    try {
      do {
        const page = await fetchPage({
          limit: this.options.pageSize,
          _continue: token,
        });
        pages += 1;
        items.push(...(page.items as ResourceTypes[K][]));
        if (page.next && page.next === token) {
          throw new Error('the server returned the same continue token twice');
        }
        token = page.next || undefined;
        if (pages >= MAX_PAGES && token) {
          throw new Error(`more than ${MAX_PAGES} pages`);
        }
      } while (token);
    } catch (e) {
      return this.describeFailure(kind, e, signal);
    }
    return { state: 'ok', items, pages };
  }

  /**
   * Reads one ConfigMap: `absent` when the cluster has none of that name (kubeadm writes
   * `kube-system/kubelet-config`, managed clusters do not), `error` with the reason otherwise.
   */
  async readConfigMap(
    namespace: string,
    name: string,
    signal: AbortSignal,
  ): Promise<ConfigMapOutcome> {
    const where = `cluster "${this.cluster.name}"`;
    const what = `ConfigMap ${namespace}/${name}`;
    try {
      const map = await this.apis(signal).core.readNamespacedConfigMap({
        name,
        namespace,
      });
      return { state: 'ok', data: map.data ?? {} };
    } catch (e) {
      if (e instanceof ApiException) {
        const answer = answerOf(e.body);
        if (e.code === 404 && answer?.from !== 'proxy') {
          return { state: 'absent', reason: `${where} has no ${what}` };
        }
        const detail = answer?.message;
        return {
          state: 'error',
          reason:
            e.code === 403 && answer?.from !== 'proxy'
              ? `${where} forbids get on ${what} (403 Forbidden); grant ${this.cluster.credentials.identity} the RBAC verb "get" on configmaps named "${name}" in namespace ${namespace} (Role + RoleBinding)`
              : `${where} answered ${e.code} reading ${what}${
                  detail ? `: ${detail}` : ''
                }`,
        };
      }
      const message = e instanceof Error ? e.message : String(e);
      return {
        state: 'error',
        reason: `${where}: reading ${what} failed: ${
          signal.aborted
            ? describeAbort(signal.reason, this.options.requestTimeoutMs)
            : message
        }`,
      };
    }
  }

  private describeFailure(
    kind: ResourceKind,
    e: unknown,
    signal: AbortSignal,
  ): ListOutcome<never> {
    const spec: ResourceSpec = RESOURCES[kind];
    const resource = resourceName(kind);
    const where = `cluster "${this.cluster.name}"`;
    if (e instanceof ApiException) {
      const answer = answerOf(e.body);
      const detail = answer?.message;
      if (answer?.from === 'proxy') {
        return {
          state: 'error',
          reason: `${where}: the Kubernetes plugin's proxy answered ${e.code} listing ${resource}: ${detail}`,
        };
      }
      switch (e.code) {
        case 401:
          return {
            state: 'error',
            reason: `${where} rejected ${this.cluster.credentials.what} (401 Unauthorized) listing ${resource}; ${this.cluster.credentials.remedy}`,
          };
        case 403:
          return {
            state: 'error',
            reason: `${where} forbids list on ${resource} (403 Forbidden); grant ${
              this.cluster.credentials.identity
            } the RBAC verb "list" on resource "${spec.plural}" in API group "${
              spec.group
            }" at cluster scope (ClusterRole + ClusterRoleBinding)${
              detail ? `: ${detail}` : ''
            }`,
          };
        case 404:
          return spec.crdOf
            ? {
                state: 'not-installed',
                reason: `${where} does not serve ${resource}/${spec.version} (404): the CRD of ${spec.crdOf} is not installed`,
              }
            : {
                state: 'error',
                reason: `${where} answered 404 listing ${resource}/${spec.version}; is ${this.cluster.url} a Kubernetes API server?`,
              };
        default:
          return {
            state: 'error',
            reason: `${where} answered ${e.code} listing ${resource}${
              detail ? `: ${detail}` : ''
            }`,
          };
      }
    }
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof RequestStoppedError || signal.aborted) {
      return {
        state: 'error',
        reason: `${where}: listing ${resource} stopped: ${
          e instanceof RequestStoppedError
            ? message
            : describeAbort(signal.reason, this.options.requestTimeoutMs)
        }`,
      };
    }
    if (e instanceof SyntaxError) {
      return {
        state: 'error',
        reason: `${where} answered listing ${resource} with a body that is not a Kubernetes list: ${message}`,
      };
    }
    return {
      state: 'error',
      reason: `${where}: listing ${resource} failed: ${message}`,
    };
  }
}
